import { HarborPrivateApp } from '../../lib/pulumi';
import { HarborClient } from '../../lib/harbor';
import { installLiveEngine, type LiveRegistration } from '../pulumi/support/live-engine';
import { isSecretInput, isSecretOutput, promiseOf } from '../pulumi/support/mocks';
import { describeLab } from './binaries';
import { startLab, type Lab } from './lab';
import { labSeedProps } from './seed-props';

// Before any resource exists: the dynamic providers run for real (serialized, loaded like Pulumi's provider host).
const engine = installLiveEngine();

const PROJECT = 'pulumi-nodejs:dynamic/harbor:Project';
const MEMBER = 'pulumi-nodejs:dynamic/harbor:ProjectMember';
const ROBOT = 'pulumi-nodejs:dynamic/harbor:RobotAccount';
const LOGIN = 'pulumi-nodejs:dynamic/harbor:RobotLogin';
const SECRET = 'kubernetes:core/v1:Secret';
const DEPLOYMENT = 'kubernetes:apps/v1:Deployment';

/** `LAB_STORY=1 npx jest test/lab/seed-pulumi.test.ts` prints the story (test/lab/README.md's lines come from it). */
const story = (line: string): void => {
  if (process.env.LAB_STORY) console.log(line);
};

function one(type: string): LiveRegistration {
  const found = engine.byType(type);
  expect(found.map((r) => r.name)).toHaveLength(1);
  return found[0];
}

// The seed's story on the Pulumi engine: HarborPrivateApp creates the project, member and robot through Harbor's
// API (the dynamic provider, run for real against the lab), and a node pulls with the Secret it would apply.
describeLab("seed on the Pulumi engine: ErrImagePull, then the component's Secret pulls", () => {
  let lab: Lab;
  let harbor: HarborClient;
  let app: HarborPrivateApp;
  let image: string;
  /** The error of the first `destroyAll()` (the project still held an image). */
  let refusedMessage: string | undefined;
  const phases: Record<string, { requests: number; writes: string[]; ms: number }> = {};
  let phaseStart = 0;
  const beginPhase = (): void => {
    lab.emulator.resetLog();
    phaseStart = Date.now();
  };
  const endPhase = (name: string): { requests: number; writes: string[]; ms: number } => {
    const log = lab.emulator.requests;
    phases[name] = {
      requests: log.length,
      writes: lab.emulator.calls((r) => r.write),
      ms: Date.now() - phaseStart,
    };
    story(
      `phase ${name}: ${phases[name].requests} API call(s), writes ${JSON.stringify(phases[name].writes)}, ${phases[name].ms} ms`,
    );
    return phases[name];
  };

  beforeAll(async () => {
    lab = await startLab();
    harbor = new HarborClient({
      url: lab.harborUrl,
      username: lab.adminUsername,
      password: lab.adminPassword,
      retryBaseDelayMs: 10,
    });
    lab.emulator.addUser('k8s-puller');
    const { image: seedImage, ...props } = labSeedProps(lab.registryHost);
    image = seedImage;

    // The stack configuration (`pulumi config set harborUrl ...`, `--secret harborPassword`): the component reads the
    // URL, the provider the login.
    engine.setConfig(
      {
        'project:harborUrl': lab.harborUrl,
        'project:harborUsername': lab.adminUsername,
        'project:harborPassword': lab.adminPassword,
      },
      ['project:harborPassword'],
    );
    // `pulumi up`: the component and its children, the Harbor ones created in the lab's Harbor.
    beginPhase();
    // The seed's story pushes the image after this first `up` (the project is new, so empty): without the preflight,
    // which would stop this `up` before the Deployment (test/lab/preflight-pulumi.test.ts).
    app = new HarborPrivateApp('coredns', { ...props, preflight: { pull: false } });
    await engine.settled('HarborPrivateApp "coredns"');
    endPhase('up');
  });

  afterAll(async () => {
    await harbor?.close();
    await lab?.stop();
  });

  test('the story', async () => {
    // `pulumi up` created exactly the project, the member and the robot: three writes, in dependency order.
    expect(engine.errors).toEqual([]);
    expect(phases.up.writes).toEqual(['POST /projects', 'POST /projects/k8s/members', 'POST /robots']);
    expect(engine.liveDynamicResources().map((r) => r.type)).toEqual([PROJECT, MEMBER, ROBOT, LOGIN]);
    // The dependencies behind that order (and behind destroy's reverse order).
    const [project, member, robot, login] = engine.liveDynamicResources();
    expect(member.dependencies).toContain(project.urn);
    expect(robot.dependencies).toEqual(expect.arrayContaining([project.urn, member.urn]));
    expect(login.dependencies).toContain(robot.urn);
    // Four provider texts, loaded from their serialized form (not the test's own module): each kind's own (the
    // project's, the member's, the robot's and the robot login's).
    expect(engine.providerLoads).toBe(4);
    // No resource's state holds the Harbor password: they name Harbor and the configuration keys of its login.
    for (const r of engine.liveDynamicResources()) {
      expect([r.name, JSON.stringify(r.state).includes(lab.adminPassword)]).toEqual([r.name, false]);
    }
    expect(project.state!.harbor).toEqual({ url: lab.harborUrl, config: 'project:harbor' });
    const robots = lab.emulator.state().robots;
    expect(robots.map((r) => [r.name, r.project, r.permissions])).toEqual([
      [
        'robot$k8s+coredns-pull',
        'k8s',
        [{ kind: 'project', namespace: 'k8s', access: [{ resource: 'repository', action: 'pull' }] }],
      ],
    ]);
    const puller = lab.emulator.state().members.filter((m) => m.project === 'k8s' && m.entityName === 'k8s-puller');
    expect(puller.map((m) => m.roleId)).toEqual([3]);
    expect(await promiseOf(app.robotFullName, 'app.robotFullName')).toBe('robot$k8s+coredns-pull');
    expect(await isSecretOutput(app.robotSecret, 'app.robotSecret')).toBe(true);

    // The admin pushes the seed's image.
    await lab.pushImage('k8s', 'coredns', '1.2.6');

    // Without the Secret: the seed's ErrImagePull.
    beginPhase();
    const anonymous = await lab.pull(image, undefined);
    story(`anonymous pull of ${image}: ok=${anonymous.ok}\n${anonymous.stderr.trim()}`);
    expect(anonymous.ok).toBe(false);
    expect(anonymous.stderr).toMatch(/unauthorized|denied/);

    // The Secret the component would apply: type, name, namespace, and its data a Pulumi secret.
    const secret = one(SECRET);
    expect(secret.inputs.type).toBe('kubernetes.io/dockerconfigjson');
    expect(secret.inputs.metadata).toMatchObject({ name: 'registry-secret', namespace: 'kube-system' });
    expect(isSecretInput(secret.inputs.data)).toBe(true);
    const dockerConfigJson = Buffer.from(secret.inputs.data.value['.dockerconfigjson'], 'base64').toString('utf8');
    const doc = JSON.parse(dockerConfigJson);
    expect(Object.keys(doc.auths)).toEqual([lab.registryHost]);
    // The name Harbor returned, the secret from its create response.
    expect(doc.auths[lab.registryHost].username).toBe(robots[0].name);
    expect(doc.auths[lab.registryHost].password).toBe(await promiseOf(app.robotSecret, 'app.robotSecret'));

    // The Deployment references exactly that Secret, in its own namespace.
    const deployment = one(DEPLOYMENT).inputs;
    expect(deployment.spec.template.spec.imagePullSecrets).toEqual([{ name: secret.inputs.metadata.name }]);
    expect(deployment.metadata.namespace).toBe(secret.inputs.metadata.namespace);
    // It is created after the Secret (the engine deletes it before).
    expect(one(DEPLOYMENT).dependencies).toContain(secret.urn);

    // The node pulls with it.
    const pulled = await lab.pull(deployment.spec.template.spec.containers[0].image, dockerConfigJson);
    story(
      `pull with the Secret's .dockerconfigjson: ok=${pulled.ok} digest=${pulled.digest} stderr=${JSON.stringify(pulled.stderr)}`,
    );
    expect(pulled.stderr).toBe('');
    expect(pulled.ok).toBe(true);
    // Pulls talk to the token service, never to Harbor's API.
    expect(endPhase('pulls').requests).toBe(0);

    // The robot cannot pull another project's image.
    await harbor.createProject({ name: 'other', public: false, autoScan: false, preventVul: false });
    await lab.pushImage('other', 'app', '1.0');
    const cross = await lab.pull(`${lab.registryHost}/other/app:1.0`, dockerConfigJson);
    story(`pull of another project's image with the same Secret: ok=${cross.ok}\n${cross.stderr.trim()}`);
    expect(cross.ok).toBe(false);
    expect(cross.stderr).toMatch(/unauthorized|denied/);

    // `pulumi destroy`: robot, then member, then project. Harbor refuses to delete a project that still holds
    // repositories (412), so the first run stops there, with the fix, after deleting the robot and the member.
    beginPhase();
    const refused = await engine.destroyAll().then(
      () => undefined,
      (e: Error) => e,
    );
    endPhase('destroy (project still holds coredns)');
    refusedMessage = refused?.message;
    story(`destroy while the image is still in the project:\n${refused?.message}`);
    expect(refused?.message).toMatch(
      /deleting .*coredns-project.*still holds repositories.*Fix: delete the repositories/,
    );
    expect(refused?.message).not.toContain(lab.adminPassword);
    expect(engine.deletions).toEqual(['coredns-robot-login', 'coredns-robot', 'coredns-member-user-k8s-puller']);
    expect(phases['destroy (project still holds coredns)'].writes).toEqual([
      expect.stringMatching(/^DELETE \/robots\/\d+$/),
      expect.stringMatching(/^DELETE \/projects\/k8s\/members\/\d+$/),
      expect.stringMatching(/^DELETE \/projects\/\d+$/),
    ]);

    // The robot is gone: its credentials no longer pull, though the image is still there.
    const after = await lab.pull(image, dockerConfigJson);
    story(`pull with the deleted robot's Secret: ok=${after.ok}\n${after.stderr.trim()}`);
    expect(after.ok).toBe(false);
    expect(after.stderr).toMatch(/unauthorized|denied/);

    // The admin deletes the image (out of band: the emulator does not serve the repository API); destroy again.
    lab.emulator.removeRepository('k8s', 'coredns');
    beginPhase();
    expect(await engine.destroyAll()).toEqual(['coredns-project']);
    expect(endPhase('destroy').writes).toEqual([expect.stringMatching(/^DELETE \/projects\/\d+$/)]);
    expect(engine.liveDynamicResources()).toEqual([]);

    // Nothing of the stack is left in Harbor (the test's own "other" project stays).
    const state = lab.emulator.state();
    expect(state.projects.map((p) => p.name)).toEqual(['other']);
    expect(state.robots).toEqual([]);
    expect(state.members.filter((m) => m.project === 'k8s')).toEqual([]);
    expect(lab.emulator.contractViolations).toEqual([]);
  });

  // Pulumi's closure serializer turns `class HarborApiError extends Error` into a function calling
  // `Error.call(this, message)`, which sets nothing on `this`; lib/harbor/errors.ts sets the message itself so that
  // Harbor's answer reaches the user from the provider `pulumi up` runs.
  test("the destroy error carries Harbor's 412 answer through the serialized provider", () => {
    expect(refusedMessage).toMatch(/still holds repositories: Harbor API DELETE .*HTTP 412/);
  });
});
