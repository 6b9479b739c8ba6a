import { App, Testing } from 'cdk8s';
import { CorednsChart, SEED } from '../../apps/cdk8s/coredns';
import { TENANTS, TenantsChart } from '../../apps/cdk8s/tenants';

type Obj = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  spec?: any;
  [k: string]: any;
};

const coredns = Testing.synth(new CorednsChart(Testing.app(), 'coredns', { disableResourceNameHashes: true })) as Obj[];
const tenants = Testing.synth(new TenantsChart(new App(), 'tenants', { disableResourceNameHashes: true })) as Obj[];
const find = (objs: Obj[], kind: string, name?: string): Obj[] =>
  objs.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));

describe("the seed's coredns (apps/cdk8s/coredns.ts)", () => {
  test('the Harbor project k8s is private', () => {
    const [project] = find(coredns, 'Project');
    expect(project.spec.forProvider.name).toBe('k8s');
    expect(project.spec.forProvider.public).toBe(false);
  });

  test('a member has the guest role', () => {
    expect(find(coredns, 'MemberUser').map((m) => [m.spec.forProvider.userName, m.spec.forProvider.role])).toEqual([
      [SEED.member, 'guest'],
    ]);
  });

  test('the robot has exactly one permission repository:pull and a non-zero duration', () => {
    const [robot] = find(coredns, 'RobotAccount');
    expect(robot.spec.forProvider.permissions).toEqual([
      { kind: 'project', namespace: 'k8s', access: [{ action: 'pull', resource: 'repository' }] },
    ]);
    expect(robot.spec.forProvider.duration).not.toBe(0);
    expect(robot.spec.forProvider.level).toBe('project');
  });

  test('a kubernetes.io/dockerconfigjson Secret registry-secret is provided in kube-system', () => {
    const [es] = find(coredns, 'ExternalSecret', 'registry-secret');
    expect(es.metadata.namespace).toBe('kube-system');
    expect(es.spec.target).toMatchObject({
      name: 'registry-secret',
      template: { type: 'kubernetes.io/dockerconfigjson' },
    });
  });

  test('coredns runs reg.harbor.com/k8s/coredns:1.2.6 in kube-system with imagePullSecrets [registry-secret]', () => {
    const [d] = find(coredns, 'Deployment', 'coredns');
    expect(d.metadata.namespace).toBe('kube-system');
    const pod = d.spec.template.spec;
    expect(pod.imagePullSecrets).toEqual([{ name: 'registry-secret' }]);
    expect(pod.containers.map((c: any) => [c.image, c.imagePullPolicy])).toEqual([
      ['reg.harbor.com/k8s/coredns:1.2.6', 'IfNotPresent'],
    ]);
    expect(pod.serviceAccountName).toBe('coredns');
    expect(pod.volumes[0].configMap.name).toBe('coredns');
  });

  test('is complete enough to run: Corefile, RBAC, Service on 53/UDP+TCP, probes', () => {
    expect(find(coredns, 'ConfigMap', 'coredns')[0].data.Corefile).toContain('kubernetes cluster.local');
    expect(find(coredns, 'ClusterRoleBinding', 'system:coredns')[0].subjects).toEqual([
      { kind: 'ServiceAccount', name: 'coredns', namespace: 'kube-system' },
    ]);
    const [svc] = find(coredns, 'Service', 'kube-dns');
    expect(svc.spec.ports.map((p: any) => `${p.port}/${p.protocol}`)).toEqual(['53/UDP', '53/TCP', '9153/TCP']);
    const [c] = find(coredns, 'Deployment', 'coredns')[0].spec.template.spec.containers;
    expect(c.livenessProbe.httpGet).toMatchObject({ path: '/health', port: 8080 });
    expect(c.readinessProbe.httpGet).toMatchObject({ path: '/health', port: 8080 });
  });

  test('snapshot (read it: it is what reviewers read)', () => {
    expect(coredns).toMatchSnapshot();
  });
});

describe('the multi-tenant example (apps/cdk8s/tenants.ts)', () => {
  test("each namespace pulls with its own project's robot", () => {
    for (const t of TENANTS) {
      const [robot] = find(tenants, 'RobotAccount').filter(
        (r) => r.spec.forProvider.permissions[0].namespace === t.project,
      );
      expect(robot.spec.forProvider.permissions[0].access).toEqual([{ action: 'pull', resource: 'repository' }]);
      for (const ns of t.namespaces) {
        const [es] = find(tenants, 'ExternalSecret').filter((e) => e.metadata.namespace === ns);
        expect(es.spec.data[0].remoteRef.key).toBe(robot.spec.writeConnectionSecretToRef.name);
        const deployments = find(tenants, 'Deployment').filter((d) => d.metadata.namespace === ns);
        expect(deployments).toHaveLength(1);
        expect(deployments[0].spec.template.spec.imagePullSecrets).toEqual([{ name: 'harbor-pull' }]);
        expect(deployments[0].spec.template.spec.containers[0].image).toBe(t.image);
      }
    }
    // One store per tenant, usable only from the tenant's namespaces, reading only its robot namespace.
    const stores = find(tenants, 'ClusterSecretStore');
    expect(
      stores.map((st) => [st.metadata.name, st.spec.conditions, st.spec.provider.kubernetes.remoteNamespace]),
    ).toEqual(
      TENANTS.map((t) => [`harbor-robots-${t.team}`, [{ namespaces: t.namespaces }], `harbor-robots-${t.team}`]),
    );
  });

  test('snapshot', () => {
    expect(tenants).toMatchSnapshot();
  });
});
