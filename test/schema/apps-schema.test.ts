import { ApiObject, App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import * as plus33 from 'cdk8s-plus-33';
import { CorednsChart } from '../../apps/cdk8s/coredns';
import { TenantsChart } from '../../apps/cdk8s/tenants';
import {
  HarborGroupType,
  HarborMember,
  HarborPrivateApp,
  HarborRole,
  PullCredentials,
  SecretStoreRef,
  SecretValue,
} from '../../lib/cdk8s';
import { ChecksSummary, checkAll, checkObject } from '../support/schemas';

/**
 * Everything the cdk8s HarborPrivateApp emits must be accepted by the API server's schemas: built-in
 * kinds by kubernetes-models, Crossplane provider-harbor and External Secrets objects by their CRDs
 * (test/contracts/crds, from upstream by npm run contracts), CEL rules included.
 */

/** One chart with every credential mode, an LDAP group, ServiceAccounts and a workload. */
class EveryModeChart extends Chart {
  constructor(scope: App, id: string) {
    super(scope, id);
    // Robot credentials; emits the ClusterSecretStore with its ServiceAccount and RBAC.
    new HarborPrivateApp(this, 'robot', {
      registryHost: 'harbor.example.com:8443',
      project: { name: 'robot-mode', storageQuotaGb: 10, preventVulnerableImages: true, forceDestroy: true },
      members: [
        HarborMember.group('cn=devs,ou=groups,dc=example,dc=com', HarborRole.MAINTAINER, {
          type: HarborGroupType.LDAP,
          ldapGroupDn: 'cn=devs,ou=groups,dc=example,dc=com',
        }),
        HarborMember.group('ops', HarborRole.LIMITED_GUEST, { type: HarborGroupType.INTERNAL }),
        HarborMember.user('alice', HarborRole.PROJECT_ADMIN),
      ],
      robot: { name: 'nodes', durationDays: 90, description: 'placeholder robot for schema tests' },
      namespaces: ['team-a', 'team-b'],
      robotSecrets: {
        store: SecretStoreRef.cluster('harbor-robots'),
        emitStore: true,
        connectionSecretNamespace: 'harbor-connections',
        refreshInterval: '15m',
      },
      serviceAccounts: ['default', 'builder'],
      providerConfigName: 'harbor-prod',
      workload: {
        metadata: { name: 'api', namespace: 'team-b' },
        containers: [{ image: 'harbor.example.com:8443/robot-mode/api:1.0.0', portNumber: 8080 }],
      },
    });
    // A rotating robot with a finite lifetime: two RobotAccounts, the ExternalSecret following one of them.
    new HarborPrivateApp(this, 'rotating', {
      registryHost: 'harbor.example.com:8443',
      project: { name: 'rotate-mode' },
      robot: { name: 'nodes', durationDays: 60, rotation: { step: 5 } },
      namespaces: ['team-e'],
    });
    // An existing pull Secret: no robot, no ExternalSecret.
    new HarborPrivateApp(this, 'existing', {
      registryHost: 'harbor.example.com:8443',
      project: { name: 'existing-mode', public: false, autoScan: false },
      members: [HarborMember.group('readers', HarborRole.GUEST, { type: HarborGroupType.OIDC })],
      namespaces: ['team-c'],
      credentials: PullCredentials.fromExistingSecret('preexisting-pull'),
      serviceAccounts: ['default'],
    });
    // A username/password from a namespaced SecretStore, on an adopted project.
    new HarborPrivateApp(this, 'external', {
      registryHost: 'harbor.example.com:8443',
      project: { name: 'robot-mode', adopt: true },
      namespaces: ['team-d'],
      pullSecretName: 'external-pull',
      credentials: PullCredentials.fromExternalStore({
        store: SecretStoreRef.namespaced('vault'),
        key: 'harbor/pull',
        usernameProperty: 'user',
        passwordProperty: 'pass',
        refreshInterval: '30m',
      }),
    });
    // A literal credential for a local cluster.
    new HarborPrivateApp(this, 'literal', {
      registryHost: 'localhost:5000',
      project: { name: 'local-mode' },
      namespaces: ['local'],
      credentials: PullCredentials.fromLiteralUnsafeForLocalClustersOnly({
        username: 'robot$k8s+local',
        password: SecretValue.unsafePlainText('placeholder-not-a-secret'),
      }),
      serviceAccounts: ['runner'],
    });
    // A workload wired after construction.
    const extra = new kplus.Deployment(this, 'extra', {
      metadata: { namespace: 'local' },
      containers: [{ image: 'localhost:5000/local-mode/tool:0.1', portNumber: 9000 }],
    });
    (this.node.findChild('literal') as HarborPrivateApp).addWorkload(extra);
    // Workloads that are no cdk8s-plus-27 object, given the pull Secret by a JSON patch: a cdk8s-plus-33 Deployment,
    // a generated KubeCronJob and a plain ReplicationController, all wired in one call.
    const image = 'harbor.example.com:8443/robot-mode/worker:2.0';
    new plus33.Deployment(this, 'plus33', { metadata: { namespace: 'team-a' }, containers: [{ image }] });
    new kplus.k8s.KubeCronJob(this, 'cron', {
      metadata: { name: 'nightly', namespace: 'team-a' },
      spec: {
        schedule: '0 3 * * *',
        jobTemplate: {
          spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'job', image }] } } },
        },
      },
    });
    new ApiObject(this, 'rc', {
      apiVersion: 'v1',
      kind: 'ReplicationController',
      metadata: { name: 'legacy', namespace: 'team-b' },
      spec: {
        selector: { app: 'legacy' },
        template: { metadata: { labels: { app: 'legacy' } }, spec: { containers: [{ name: 'legacy', image }] } },
      },
    });
    (this.node.findChild('robot') as HarborPrivateApp).addWorkloadsIn(this);
  }
}

function synth(make: (app: App) => Chart): unknown[] {
  const app = new App();
  return make(app).toJson() as unknown[];
}

function kindsOf(objs: readonly unknown[]): string[] {
  return [
    ...new Set(
      objs.map((o) => {
        const r = o as { apiVersion: string; kind: string };
        return `${r.apiVersion}/${r.kind}`;
      }),
    ),
  ].sort();
}

function checkedKinds(summary: ChecksSummary): string[] {
  return [
    ...Object.keys(summary.kindsByChecker['kubernetes-models']),
    ...Object.keys(summary.kindsByChecker.crd),
  ].sort();
}

const BUILTIN = 'kubernetes-models';

/**
 * A copy of `obj` each checker must reject: an undeclared spec field for a custom resource (the API
 * server would prune it), a wrong type in ObjectMeta for a built-in kind (kubernetes-models).
 */
function corrupt(obj: unknown): { copy: Record<string, any>; expected: string } {
  const copy = structuredClone(obj) as Record<string, any>;
  if (checkObject(obj).checker === 'crd') {
    copy.spec.typoField = true;
    return { copy, expected: 'spec.typoField: unknown field' };
  }
  copy.metadata.generation = 'not-an-integer';
  return { copy, expected: 'metadata.generation: must be integer' };
}

describe('schemas of the synthesized apps', () => {
  let coredns: unknown[];
  let tenants: unknown[];
  let corednsSummary: ChecksSummary;
  let tenantsSummary: ChecksSummary;

  beforeAll(() => {
    // Cold: the first use parses the CRDs, loads kubernetes-models and compiles the validators. (How long that takes
    // is not asserted here: a wall-clock bound fails on a busy machine; speed is measured by `npm run bench`.)
    coredns = synth((app) => new CorednsChart(app, 'coredns', { disableResourceNameHashes: true }));
    tenants = synth((app) => new TenantsChart(app, 'tenants', { disableResourceNameHashes: true }));
    corednsSummary = checkAll(coredns);
    tenantsSummary = checkAll(tenants);
  });

  it('coredns: every object passes, each kind through its expected path', () => {
    const objs = coredns;
    const summary = corednsSummary;
    expect(summary.problems).toEqual([]);
    expect(summary.checks).toHaveLength(objs.length);
    expect(summary.kindsByChecker.none).toEqual({});
    expect(checkedKinds(summary)).toEqual(kindsOf(objs));
    expect(summary.kindsByChecker[BUILTIN]).toEqual({
      'v1/ConfigMap': 1,
      'v1/ServiceAccount': 2,
      'v1/Service': 1,
      'apps/v1/Deployment': 1,
      'v1/Namespace': 1,
      'rbac.authorization.k8s.io/v1/ClusterRole': 1,
      'rbac.authorization.k8s.io/v1/ClusterRoleBinding': 1,
      'rbac.authorization.k8s.io/v1/Role': 1,
      'rbac.authorization.k8s.io/v1/RoleBinding': 1,
    });
    expect(summary.kindsByChecker.crd).toEqual({
      'project.harbor.crossplane.io/v1alpha1/Project': 1,
      'project.harbor.crossplane.io/v1alpha1/MemberUser': 1,
      'robotaccount.harbor.crossplane.io/v1alpha1/RobotAccount': 1,
      'external-secrets.io/v1/ExternalSecret': 1,
      'external-secrets.io/v1/ClusterSecretStore': 1,
    });
    // Project 1 + MemberUser 2 + RobotAccount 3 rules on spec; the ExternalSecret has none.
    expect(summary.celRulesEvaluated).toBe(6);
  });

  it('tenants: every object passes, each kind through its expected path', () => {
    const objs = tenants;
    const summary = tenantsSummary;
    expect(summary.problems).toEqual([]);
    expect(summary.kindsByChecker.none).toEqual({});
    expect(checkedKinds(summary)).toEqual(kindsOf(objs));
    expect(Object.keys(summary.kindsByChecker.crd).sort()).toEqual([
      'external-secrets.io/v1/ClusterSecretStore',
      'external-secrets.io/v1/ExternalSecret',
      'project.harbor.crossplane.io/v1alpha1/MemberGroup',
      'project.harbor.crossplane.io/v1alpha1/Project',
      'robotaccount.harbor.crossplane.io/v1alpha1/RobotAccount',
    ]);
    expect(summary.kindsByChecker.crd['external-secrets.io/v1/ExternalSecret']).toBe(4);
    expect(Object.keys(summary.kindsByChecker[BUILTIN]).sort()).toEqual([
      'apps/v1/Deployment',
      'rbac.authorization.k8s.io/v1/Role',
      'rbac.authorization.k8s.io/v1/RoleBinding',
      'v1/Namespace',
      'v1/ServiceAccount',
    ]);
    // 3 projects x 1 + 3 groups x 2 + 3 robots x 3 (the store's kubernetes provider has no CEL rule).
    expect(summary.celRulesEvaluated).toBe(18);
  });

  it('every credential mode, LDAP groups, ServiceAccounts and workloads pass', () => {
    const objs = synth((app) => new EveryModeChart(app, 'every-mode'));
    const summary = checkAll(objs);
    expect(summary.problems).toEqual([]);
    expect(summary.kindsByChecker.none).toEqual({});
    expect(checkedKinds(summary)).toEqual(kindsOf(objs));
    expect(Object.keys(summary.kindsByChecker.crd).sort()).toEqual([
      'external-secrets.io/v1/ClusterSecretStore',
      'external-secrets.io/v1/ExternalSecret',
      'project.harbor.crossplane.io/v1alpha1/MemberGroup',
      'project.harbor.crossplane.io/v1alpha1/MemberUser',
      'project.harbor.crossplane.io/v1alpha1/Project',
      'robotaccount.harbor.crossplane.io/v1alpha1/RobotAccount',
    ]);
    // Robot mode in 2 namespaces + the rotating robot in 1 + the external store in 1.
    expect(summary.kindsByChecker.crd['external-secrets.io/v1/ExternalSecret']).toBe(4);
    // One robot, and the rotating app's blue and green.
    expect(summary.kindsByChecker.crd['robotaccount.harbor.crossplane.io/v1alpha1/RobotAccount']).toBe(3);
    expect(summary.kindsByChecker[BUILTIN]['v1/Secret']).toBe(1);
    expect(Object.keys(summary.kindsByChecker[BUILTIN]).sort()).toEqual([
      'apps/v1/Deployment',
      'batch/v1/CronJob',
      'rbac.authorization.k8s.io/v1/Role',
      'rbac.authorization.k8s.io/v1/RoleBinding',
      'v1/Namespace',
      'v1/ReplicationController',
      'v1/Secret',
      'v1/ServiceAccount',
    ]);
    // Every workload got a pull Secret: the robot app's three through JSON patches.
    const pods = objs.map((o) => o as { kind: string; spec?: Record<string, any> });
    const podSpecs = [
      ...pods
        .filter((o) => o.kind === 'Deployment' || o.kind === 'ReplicationController')
        .map((o) => o.spec!.template.spec),
      ...pods.filter((o) => o.kind === 'CronJob').map((o) => o.spec!.jobTemplate.spec.template.spec),
    ];
    expect(podSpecs.map((p) => p.imagePullSecrets)).toEqual([
      [{ name: 'harbor-robot-mode' }],
      [{ name: 'harbor-local-mode' }],
      [{ name: 'harbor-robot-mode' }],
      [{ name: 'harbor-robot-mode' }],
      [{ name: 'harbor-robot-mode' }],
    ]);
    // The LDAP group (with its DN) and the namespaced-store ExternalSecret were among the checked objects.
    const specs = objs.map((o) => o as { kind: string; spec?: Record<string, any> });
    expect(specs.filter((o) => o.kind === 'MemberGroup').map((o) => o.spec!.forProvider)).toContainEqual(
      expect.objectContaining({ type: 'ldap', ldapGroupDn: 'cn=devs,ou=groups,dc=example,dc=com' }),
    );
    expect(specs.filter((o) => o.kind === 'ExternalSecret').map((o) => o.spec!.secretStoreRef)).toContainEqual({
      kind: 'SecretStore',
      name: 'vault',
    });
  });

  it('really checks every emitted object: a corrupted copy of each is rejected by its checker', () => {
    const objs = [...coredns, ...tenants, ...synth((app) => new EveryModeChart(app, 'every-mode'))];
    for (const obj of objs) {
      const { copy, expected } = corrupt(obj);
      const check = checkObject(copy);
      const problems = check.problems.join('\n');
      if (!problems.includes(expected))
        throw new Error(
          `${check.id} (${check.checker}) was not rejected with "${expected}": ${problems || '(no problem)'}`,
        );
    }
  });
});
