/**
 * Both engines deploy the same thing: for the same props, the Kubernetes objects the Pulumi component creates (their
 * inputs as the mocks record them) equal what the cdk8s construct renders, Secret data aside. Where cdk8s emits an
 * ExternalSecret (the default, robot credentials), the Pulumi Secret has the ExternalSecret's target name, namespace
 * and type. The Harbor objects carry the same settings as the Crossplane resources.
 */

import { randomBytes } from 'node:crypto';
import { App, Chart, Testing } from 'cdk8s';
import * as pulumi from '@pulumi/pulumi';
import { CorednsChart, corednsAppProps } from '../../apps/cdk8s/coredns';
import { corednsStack } from '../../apps/pulumi/coredns';
import { HarborPrivateApp as Cdk8sHarborPrivateApp, HarborWorkloadProps } from '../../lib/cdk8s';
import {
  HarborPrivateApp,
  HarborPrivateAppOptions,
  PullCredentials,
  SecretStoreRef,
  SecretValue,
} from '../../lib/pulumi';
import { harborProviders } from './support/kinds';
import { Registration, installMocks, settled, unwrapSecrets } from './support/mocks';

const registrations = installMocks();
pulumi.runtime.setAllConfig(
  { 'project:harborUsername': 'admin', 'project:harborPassword': `pw-${randomBytes(9).toString('hex')}` },
  ['project:harborPassword'],
);

type Manifest = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string }; [k: string]: any };

const HARBOR_TYPES = /^pulumi-nodejs:dynamic\/harbor:/;
const CROSSPLANE = /\.crossplane\.io\//;

/** The Kubernetes objects among registrations, as manifests (inputs without Pulumi's additions). */
function kubernetesObjects(regs: Registration[]): Manifest[] {
  return regs
    .filter((r) => r.custom && r.type.startsWith('kubernetes:'))
    .map((r) => unwrapSecrets(r.inputs) as Manifest);
}

const key = (m: Manifest): string => `${m.apiVersion}/${m.kind}/${m.metadata.namespace ?? ''}/${m.metadata.name}`;
const byKey = (objs: Manifest[]): Manifest[] => [...objs].sort((a, b) => key(a).localeCompare(key(b)));

/**
 * What Pulumi should create for a cdk8s rendering: the same objects, except Crossplane resources (Harbor goes through
 * the API), the External Secrets store chain of the robot credentials (the store, and the namespace and RBAC it
 * reads connection Secrets with), and, with the robot's credentials, the ExternalSecrets of the robot's pull Secret,
 * each of which becomes the Secret it would produce (no data). Other ExternalSecrets (an external store's) stay.
 */
function expectedFromCdk8s(objs: Manifest[], app: Cdk8sHarborPrivateApp): Manifest[] {
  const store = app.config.robotStore;
  const storeChain = (o: Manifest): boolean =>
    store !== undefined &&
    (o.kind === 'ClusterSecretStore' ||
      (o.kind === 'Namespace' && o.metadata.name === store.connectionSecretNamespace) ||
      o.metadata.namespace === store.connectionSecretNamespace);
  return objs
    .filter((o) => !CROSSPLANE.test(o.apiVersion) && !storeChain(o))
    .map((o) =>
      o.kind === 'ExternalSecret' && app.config.credentials.kind === 'robot'
        ? {
            apiVersion: 'v1',
            kind: 'Secret',
            metadata: { name: o.spec.target.name, namespace: o.metadata.namespace },
            type: o.spec.target.template.type,
          }
        : o,
    );
}

/** The objects with the robot pull Secrets' data left out (it comes from Harbor's answer on Pulumi only). */
function withoutSecretData(objs: Manifest[]): Manifest[] {
  return objs.map((o) => {
    if (o.kind !== 'Secret') return o;
    const { data, ...rest } = o;
    expect(Object.keys(data ?? {})).toEqual(['.dockerconfigjson']);
    return rest;
  });
}

describe("HarborPrivateApp with the seed's props", () => {
  let cdk8sObjects: Manifest[];
  let cdk8sApp: Cdk8sHarborPrivateApp;
  let pulumiRegs: Registration[];

  beforeAll(async () => {
    const chart = new Chart(new App(), 'coredns', { disableResourceNameHashes: true });
    cdk8sApp = new Cdk8sHarborPrivateApp(chart, 'coredns', corednsAppProps(new Chart(new App(), 'scratch')));
    cdk8sObjects = chart.toJson();
    const app = new HarborPrivateApp('coredns', corednsAppProps(new Chart(new App(), 'scratch')));
    await settled('the Pulumi app');
    const urn = await new Promise<string>((resolve) => app.urn.apply(resolve));
    pulumiRegs = registrations.filter((r) => r.parent === urn);
  });

  test('the Kubernetes objects are equal, Secret data aside', () => {
    const expected = expectedFromCdk8s(cdk8sObjects, cdk8sApp);
    expect(expected.map((o) => o.kind).sort()).toEqual(['Deployment', 'Secret']);
    expect(byKey(withoutSecretData(kubernetesObjects(pulumiRegs)))).toEqual(byKey(expected));
  });

  test("the Pulumi Secret has the ExternalSecret's target name, namespace and type", () => {
    const [es] = cdk8sObjects.filter((o) => o.kind === 'ExternalSecret');
    const [secret] = kubernetesObjects(pulumiRegs).filter((o) => o.kind === 'Secret');
    expect([secret.metadata.name, secret.metadata.namespace, secret.type]).toEqual([
      es.spec.target.name,
      es.metadata.namespace,
      es.spec.target.template.type,
    ]);
  });

  test("the Harbor objects carry the Crossplane resources' settings", async () => {
    const cp = (kind: string) => cdk8sObjects.find((o) => o.kind === kind)!.spec.forProvider;
    // The inputs as the engine stores them: registered, then completed by the provider's check (the defaults).
    const stored: Record<string, Record<string, any>> = {};
    for (const type of ['Project', 'ProjectMember', 'RobotAccount']) {
      const registered = unwrapSecrets(
        pulumiRegs.find((r) => r.type === `pulumi-nodejs:dynamic/harbor:${type}`)!.inputs,
      );
      stored[type] = (await harborProviders.check({}, registered)).inputs;
    }
    const harborInputs = (type: string) => stored[type];
    const project = harborInputs('Project');
    expect([project.name, project.public, project.autoScan, project.forceDestroy]).toEqual([
      cp('Project').name,
      cp('Project').public,
      cp('Project').vulnerabilityScanning,
      cp('Project').forceDestroy,
    ]);
    const member = harborInputs('ProjectMember');
    expect([member.entityName, member.role.toLowerCase()]).toEqual([cp('MemberUser').userName, cp('MemberUser').role]);
    const robot = harborInputs('RobotAccount');
    expect([robot.name, robot.description, robot.durationDays, robot.permissions]).toEqual([
      cp('RobotAccount').name,
      cp('RobotAccount').description,
      cp('RobotAccount').duration,
      cp('RobotAccount').permissions,
    ]);
    // Project, member, robot, and the robot's login the pull Secret is built from, which checks the pull before the
    // workload (no Crossplane counterpart).
    expect(pulumiRegs.filter((r) => HARBOR_TYPES.test(r.type)).map((r) => r.type.split(':')[2])).toEqual([
      'Project',
      'ProjectMember',
      'RobotAccount',
      'RobotLogin',
    ]);
  });
});

describe('apps/pulumi deploys what apps/cdk8s synthesizes', () => {
  test('every Kubernetes object of CorednsChart (ConfigMap, RBAC, Deployment, Service...) and nothing else', async () => {
    const chart = new CorednsChart(Testing.app(), 'coredns', { disableResourceNameHashes: true });
    const synthesized = Testing.synth(chart) as Manifest[];
    const before = registrations.length;
    corednsStack();
    await settled('apps/pulumi');
    const created = kubernetesObjects(registrations.slice(before));
    const expected = expectedFromCdk8s(synthesized, chart.app);
    expect(expected.map((o) => o.kind).sort()).toEqual([
      'ClusterRole',
      'ClusterRoleBinding',
      'ConfigMap',
      'Deployment',
      'Secret',
      'Service',
      'ServiceAccount',
    ]);
    expect(byKey(withoutSecretData(created))).toEqual(byKey(expected));
  });
});

describe('the two engines render the same Kubernetes objects for the same props (the robot pull Secret aside)', () => {
  const base = { registryHost: 'reg.harbor.com', project: { name: 'k8s' }, namespaces: ['apps'] };
  const workload = { containers: [{ image: 'reg.harbor.com/k8s/app:1.0' }] };
  const cases: Array<[string, HarborPrivateAppOptions & { workload?: HarborWorkloadProps }]> = [
    [
      'robot credentials, two namespaces, ServiceAccounts',
      { ...base, namespaces: ['a', 'b'], serviceAccounts: ['default', 'runner'] },
    ],
    [
      'literal credentials, a workload without a name (named from its path)',
      {
        ...base,
        credentials: PullCredentials.fromLiteralUnsafeForLocalClustersOnly({
          username: 'robot$k8s+ci',
          password: SecretValue.unsafePlainText(`pw-${randomBytes(6).toString('hex')}`),
        }),
        robot: undefined,
        workload,
      },
    ],
    [
      'an external store, three namespaces, a workload in the second',
      {
        ...base,
        namespaces: ['a', 'b', 'c'],
        credentials: PullCredentials.fromExternalStore({ store: SecretStoreRef.cluster('vault'), key: 'harbor/k8s' }),
        robot: undefined,
        workload: { ...workload, metadata: { name: 'app', namespace: 'b' }, replicas: 2 },
      },
    ],
    [
      "an existing Secret, ServiceAccounts, a workload with cdk8s-plus' own selector",
      {
        ...base,
        credentials: PullCredentials.fromExistingSecret('regcred'),
        robot: undefined,
        serviceAccounts: ['default'],
        workload: { ...workload, select: true },
      },
    ],
    ['robot credentials, a custom pull Secret name, a workload', { ...base, pullSecretName: 'pull', workload }],
  ];

  test.each(cases)('%s', async (_what, props) => {
    const name = 'same';
    const chart = new Chart(new App(), name, { disableResourceNameHashes: true });
    const cdk8sApp = new Cdk8sHarborPrivateApp(chart, name, props);
    const expected = expectedFromCdk8s(chart.toJson(), cdk8sApp);
    const before = registrations.length;
    const app = new HarborPrivateApp(name, { ...props, preflight: { pull: false } });
    await settled(name);
    const urn = await new Promise<string>((resolve) => app.urn.apply(resolve));
    const created = kubernetesObjects(registrations.slice(before).filter((r) => r.parent === urn));
    const robot = props.credentials === undefined;
    expect(byKey(robot ? withoutSecretData(created) : created)).toEqual(byKey(expected));
    expect(created.length).toBeGreaterThan(0);
  });
});
