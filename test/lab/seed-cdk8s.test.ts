import { Testing } from 'cdk8s';
import { HarborPrivateApp } from '../../lib/cdk8s';
import { describeLab } from './binaries';
import { startLab, type Lab } from './lab';
import { labSeedProps } from './seed-props';
import { SimCluster } from './yaml-path';
import { LabHarborClient } from './lab-client';

type Obj = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  spec?: any;
  [k: string]: any;
};

// The seed's story on the YAML engine: the objects `cdk8s synth` emits, applied by stand-ins for Crossplane
// and External Secrets against the lab, and a node pulling with the Secret that results.
describeLab('seed on the cdk8s engine: ErrImagePull, then the synthesized fix pulls', () => {
  let lab: Lab;
  let harbor: LabHarborClient;
  let objects: Obj[];
  let cluster: SimCluster;
  let image: string;

  beforeAll(async () => {
    lab = await startLab();
    harbor = new LabHarborClient({
      url: lab.harborUrl,
      username: lab.adminUsername,
      password: lab.adminPassword,
      retryBaseDelayMs: 10,
    });
    lab.emulator.addUser('k8s-puller');
    const { image: seedImage, ...props } = labSeedProps(lab.registryHost);
    image = seedImage;
    const chart = Testing.chart();
    new HarborPrivateApp(chart, 'coredns', props);
    objects = Testing.synth(chart) as Obj[];
    cluster = new SimCluster(harbor);
  });

  afterAll(async () => {
    cluster?.stop();
    await harbor?.close();
    await lab?.stop();
  });

  test('the story', async () => {
    // Crossplane creates the project, member and robot; the admin pushes the seed's image.
    cluster.apply(objects);
    await cluster.settle();
    await lab.pushImage('k8s', 'coredns', '1.2.6');

    // Without the Secret: the seed's ErrImagePull.
    const anonymous = await lab.pull(image, undefined);
    expect(anonymous.ok).toBe(false);
    expect(anonymous.stderr).toMatch(/unauthorized|denied/);

    // External Secrets rendered the ExternalSecret from the robot's connection Secret.
    const secret = cluster.secrets.get('kube-system/registry-secret')!;
    expect(secret.type).toBe('kubernetes.io/dockerconfigjson');
    const doc = JSON.parse(secret.data['.dockerconfigjson']);
    // The name the YAML engine builds is the one Harbor gives the robot.
    const robots = lab.emulator.state().robots as Array<{ name: string }>;
    expect(robots.map((r) => r.name)).toEqual(['robot$k8s+coredns-pull']);
    expect(Object.keys(doc.auths)).toEqual([lab.registryHost]);
    expect(doc.auths[lab.registryHost].username).toBe('robot$k8s+coredns-pull');

    // The Deployment references exactly that Secret, in its own namespace.
    const deployment = objects.find((o) => o.kind === 'Deployment')!;
    expect(deployment.spec.template.spec.imagePullSecrets).toEqual([{ name: 'registry-secret' }]);
    expect(`${deployment.metadata.namespace}/${deployment.spec.template.spec.imagePullSecrets[0].name}`).toBe(
      'kube-system/registry-secret',
    );

    // The node pulls with it.
    const pulled = await lab.pull(deployment.spec.template.spec.containers[0].image, secret.data['.dockerconfigjson']);
    expect(pulled.stderr).toBe('');
    expect(pulled.ok).toBe(true);

    // The robot cannot pull another project's image.
    await harbor.createProject({ name: 'other', public: false, autoScan: false, preventVul: false });
    await lab.pushImage('other', 'app', '1.0');
    const cross = await lab.pull(`${lab.registryHost}/other/app:1.0`, secret.data['.dockerconfigjson']);
    expect(cross.ok).toBe(false);
    expect(cross.stderr).toMatch(/unauthorized|denied/);

    // After the robot is deleted, its credentials no longer pull.
    await harbor.deleteRobot((await harbor.listProjectRobots((await harbor.getProject('k8s'))!.id))[0].id);
    const after = await lab.pull(image, secret.data['.dockerconfigjson']);
    expect(after.ok).toBe(false);
    expect(lab.emulator.contractViolations).toEqual([]);
  });
});
