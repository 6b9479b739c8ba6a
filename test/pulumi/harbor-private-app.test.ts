/**
 * The Pulumi HarborPrivateApp under Pulumi's mocks: exact children, parents, inputs, dependencies (deletion order),
 * secretness of every credential-derived value, and validation before any registration.
 */

import { randomBytes } from 'node:crypto';
import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { corednsAppProps, SEED } from '../../apps/cdk8s/coredns';
import {
  HARBOR_PRIVATE_APP_TYPE,
  HarborConnection,
  HarborMember,
  HarborPrivateApp,
  HarborPrivateAppError,
  HarborPrivateAppArgs,
  HarborRobotAccount,
  HarborRole,
  PullCredentials,
  SecretValue,
} from '../../lib/pulumi';
import {
  MOCK_HARBOR,
  Registration,
  installMocks,
  isSecretInput,
  isSecretOutput,
  promiseOf,
  settled,
  unwrapSecrets,
} from './support/mocks';

const registrations = installMocks();
const PASSWORD = `pw-${randomBytes(9).toString('hex')}`;
// The stack configuration the default connection reads (installMocks() runs the program as project "project").
pulumi.runtime.setAllConfig({ 'project:harborUsername': 'admin', 'project:harborPassword': PASSWORD }, [
  'project:harborPassword',
]);

const PROJECT = 'pulumi-nodejs:dynamic/harbor:Project';
const MEMBER = 'pulumi-nodejs:dynamic/harbor:ProjectMember';
const ROBOT = 'pulumi-nodejs:dynamic/harbor:RobotAccount';
const LOGIN = 'pulumi-nodejs:dynamic/harbor:RobotLogin';

/** Pairs [type, name] in a stable order. */
/** The input keys each Harbor resource of the seed app registers (sorted): its args and `__provider`. */
const REGISTERED_KEYS: Record<string, string[]> = {
  project: ['__provider', 'harbor', 'name'],
  member: ['__provider', 'entityName', 'harbor', 'kind', 'project', 'role'],
  robot: ['__provider', 'description', 'harbor', 'name', 'permissions', 'project'],
  robotLogin: ['__provider', 'expiresAt', 'fullName', 'pullCheck', 'robotResourceId', 'secret'],
};

const notProvider = (key: string): boolean => key !== '__provider';

const sorted = (pairs: string[][]): string[][] => [...pairs].sort((a, b) => a.join(' ').localeCompare(b.join(' ')));

function seedProps(): HarborPrivateAppArgs {
  return corednsAppProps(new Chart(new App(), 'scratch'));
}

async function build(
  name: string,
  extra: Partial<HarborPrivateAppArgs> = {},
  base = seedProps(),
): Promise<{ app: HarborPrivateApp; children: Registration[]; self: Registration }> {
  const app = new HarborPrivateApp(name, { ...base, ...extra });
  await settled(`HarborPrivateApp "${name}"`);
  const urn = await promiseOf(app.urn, `${name}.urn`);
  const self = registrations.find((r) => r.urn === urn)!;
  return { app, self, children: registrations.filter((r) => r.parent === urn) };
}

/** A registration's inputs as its provider reads them, without `__provider`. */
function inputsOf(r: Registration | undefined): Record<string, any> {
  if (!r) throw new Error('registration not found');
  const { __provider, ...rest } = r.inputs;
  return rest;
}

describe("the seed's coredns as a Pulumi component", () => {
  let built: Awaited<ReturnType<typeof build>>;
  beforeAll(async () => {
    built = await build('coredns');
  });
  const child = (type: string): Registration => {
    const found = built.children.filter((c) => c.type === type);
    expect(found).toHaveLength(1);
    return found[0];
  };

  test('registers itself with its type token at the stack, then exactly its children, each parented to it', () => {
    expect(built.self.type).toBe(HARBOR_PRIVATE_APP_TYPE);
    expect(built.self.name).toBe('coredns');
    expect(built.self.custom).toBe(false);
    expect(sorted(built.children.map((c) => [c.type, c.name]))).toEqual(
      sorted([
        ['kubernetes:apps/v1:Deployment', 'coredns-kube-system-coredns'],
        ['kubernetes:core/v1:Secret', 'coredns-kube-system-registry-secret'],
        [MEMBER, 'coredns-member-user-k8s-puller'],
        [PROJECT, 'coredns-project'],
        [ROBOT, 'coredns-robot'],
        [LOGIN, 'coredns-robot-login'],
      ]),
    );
    // Nothing else was registered under another parent (e.g. at the stack).
    expect(registrations.filter((r) => r.name.startsWith('coredns')).length).toBe(built.children.length + 1);
  });

  test("the Harbor project, member and robot get the props the program set (no default) and Harbor's URL and login keys", () => {
    const harbor = { url: 'https://reg.harbor.com', config: 'project:harbor' };
    expect(unwrapSecrets(inputsOf(child(PROJECT)))).toEqual({ harbor, name: 'k8s' });
    expect(unwrapSecrets(inputsOf(child(MEMBER)))).toEqual({
      harbor,
      project: 'k8s',
      kind: 'user',
      entityName: SEED.member,
      role: 'guest',
    });
    expect(unwrapSecrets(inputsOf(child(ROBOT)))).toEqual({
      harbor,
      project: 'k8s',
      name: 'coredns-pull',
      // The component's own default (it names the app), not the resource's ("").
      description: 'Pull secret of coredns, managed by harbor-private-app',
      permissions: [{ kind: 'project', namespace: 'k8s', access: [{ resource: 'repository', action: 'pull' }] }],
    });
    expect(unwrapSecrets(inputsOf(child(LOGIN)))).toEqual({
      robotResourceId: 'coredns-robot-id',
      fullName: 'robot$k8s+coredns-pull',
      secret: MOCK_HARBOR.robotSecret,
      // The robot's expiry as its state says: what the component warns about.
      expiresAt: -1,
      // The preflight: the workload's image, checked with this login.
      pullCheck: { images: ['reg.harbor.com/k8s/coredns:1.2.6'], registryHost: 'reg.harbor.com', harbor },
    });
    // The serialized provider (the real serializer's text) travels with every Harbor resource, its kind's own.
    expect(child(ROBOT).inputs.__provider).toContain('exports.handler');
    expect(child(PROJECT).inputs.__provider).not.toBe(child(MEMBER).inputs.__provider);
  });

  test('each Harbor resource registers exactly its declared args and __provider: nothing packed or added', () => {
    const kinds: Record<string, string> = {
      [PROJECT]: 'project',
      [MEMBER]: 'member',
      [ROBOT]: 'robot',
      [LOGIN]: 'robotLogin',
    };
    const harborChildren = built.children.filter((r) => kinds[r.type] !== undefined);
    expect(harborChildren.map((r) => r.type).sort()).toEqual(Object.keys(kinds).sort());
    // The keys the monitor received: the args given a value (declared outputs to come are not sent).
    const registered = Object.fromEntries(harborChildren.map((r) => [kinds[r.type], Object.keys(r.inputs).sort()]));
    expect(registered).toEqual(REGISTERED_KEYS);
    // The pull Secret is built from the login: its secret stays a top-level, secret input of the login.
    expect(isSecretInput(child(LOGIN).inputs.secret)).toBe(true);
  });

  test('what the program sets is registered as set, a default value included; unset args are not registered', async () => {
    const { children } = await build('explicit', {
      project: { name: 'k8s', public: false, storageQuotaGb: 5 },
      members: [HarborMember.user(SEED.member, HarborRole.GUEST, { adopt: true })],
      robot: { durationDays: 30, adopt: false },
      preflight: { plainHttp: false },
    });
    const keys = (type: string): string[] => Object.keys(inputsOf(children.find((c) => c.type === type))).sort();
    expect(keys(PROJECT)).toEqual([...REGISTERED_KEYS.project, 'public', 'storageQuotaGb'].filter(notProvider).sort());
    expect(keys(MEMBER)).toEqual([...REGISTERED_KEYS.member, 'adopt'].filter(notProvider).sort());
    // An expiring robot: its renewal window (a third of durationDays, the component's default) is set too.
    expect(keys(ROBOT)).toEqual(
      [...REGISTERED_KEYS.robot, 'adopt', 'durationDays', 'renewBeforeDays'].filter(notProvider).sort(),
    );
    expect(inputsOf(children.find((c) => c.type === ROBOT)).renewBeforeDays).toBe(10);
    expect(keys(LOGIN)).toEqual(REGISTERED_KEYS.robotLogin.filter(notProvider));
    expect(Object.keys(inputsOf(children.find((c) => c.type === LOGIN)).pullCheck).sort()).toEqual([
      'harbor',
      'images',
      'plainHttp',
      'registryHost',
    ]);
  });

  test('no input of any resource holds the Harbor password; the robot secret is a secret output', () => {
    for (const r of [built.self, ...built.children]) {
      expect([r.type, r.name, JSON.stringify(r.inputs).includes(PASSWORD)]).toEqual([r.type, r.name, false]);
    }
    expect(child(ROBOT).additionalSecretOutputs).toEqual(['secret']);
    expect(child(LOGIN).additionalSecretOutputs).toEqual(['secret']);
    expect(isSecretInput(child(LOGIN).inputs.secret)).toBe(true);
    expect(child(PROJECT).additionalSecretOutputs).toEqual([]);
    expect(child(MEMBER).additionalSecretOutputs).toEqual([]);
  });

  test("the pull Secret is the one cdk8s renders, with data from Harbor's robot name and secret, as a secret", () => {
    const secret = child('kubernetes:core/v1:Secret');
    expect(isSecretInput(secret.inputs.data)).toBe(true);
    const { data, ...rest } = secret.inputs;
    expect(rest).toEqual({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: SEED.pullSecretName, namespace: SEED.namespace },
      type: 'kubernetes.io/dockerconfigjson',
    });
    const json = JSON.parse(Buffer.from(unwrapSecrets(data)['.dockerconfigjson'], 'base64').toString('utf8'));
    const username = 'robot$k8s+coredns-pull';
    expect(json).toEqual({
      auths: {
        [SEED.registryHost]: {
          username,
          password: MOCK_HARBOR.robotSecret,
          auth: Buffer.from(`${username}:${MOCK_HARBOR.robotSecret}`).toString('base64'),
        },
      },
    });
  });

  test('deletion order workload -> Secret -> robot login -> robot -> member -> project, from the dependencies', () => {
    const urn = (type: string) => child(type).urn;
    expect(child('kubernetes:apps/v1:Deployment').dependencies).toContain(urn('kubernetes:core/v1:Secret'));
    expect(child('kubernetes:core/v1:Secret').dependencies).toContain(urn(LOGIN));
    expect(child(LOGIN).dependencies).toContain(urn(ROBOT));
    expect(child(ROBOT).dependencies).toEqual(expect.arrayContaining([urn(MEMBER), urn(PROJECT)]));
    expect(child(MEMBER).dependencies).toContain(urn(PROJECT));
    // No cycle back: the project depends on none of them.
    expect(child(PROJECT).dependencies).toEqual([]);
  });

  test('outputs: robot full name, robot secret (secret), project id, pull Secret name, namespaces', async () => {
    const { app } = built;
    expect(await promiseOf(app.robotFullName, 'robotFullName')).toBe('robot$k8s+coredns-pull');
    expect(await promiseOf(app.robotSecret, 'robotSecret')).toBe(MOCK_HARBOR.robotSecret);
    expect(await isSecretOutput(app.robotSecret, 'robotSecret')).toBe(true);
    expect(await promiseOf(app.projectId, 'projectId')).toBe(MOCK_HARBOR.projectId);
    expect(await promiseOf(app.pullSecretName, 'pullSecretName')).toBe(SEED.pullSecretName);
    expect(await promiseOf(app.namespaces, 'namespaces')).toEqual([SEED.namespace]);
    const secret = app.kubernetesObjects.find((o) => o instanceof k8s.core.v1.Secret) as k8s.core.v1.Secret;
    expect(await isSecretOutput(secret.data, 'Secret.data')).toBe(true);
  });
});

describe('other shapes', () => {
  test("the harborUrl key wins over https://<registryHost>; Harbor's URL is stored canonical", async () => {
    pulumi.runtime.setAllConfig(
      {
        'project:harborUsername': 'admin',
        'project:harborPassword': PASSWORD,
        'project:harborUrl': 'HTTPS://Harbor.Internal.Example:443/api/v2.0/',
      },
      ['project:harborPassword'],
    );
    try {
      const { children } = await build('withurl');
      expect(unwrapSecrets(inputsOf(children.find((c) => c.type === PROJECT)).harbor).url).toBe(
        'https://harbor.internal.example',
      );
    } finally {
      pulumi.runtime.setAllConfig({ 'project:harborUsername': 'admin', 'project:harborPassword': PASSWORD }, [
        'project:harborPassword',
      ]);
    }
  });

  test('a second Harbor: a named connection reads its own keys; its tuning reaches every Harbor resource', async () => {
    pulumi.runtime.setAllConfig(
      {
        'project:harborUsername': 'admin',
        'project:harborPassword': PASSWORD,
        'other:harborStagingUrl': 'https://staging.example',
        'other:harborStagingUsername': 'robot-admin',
        'other:harborStagingPassword': PASSWORD,
      },
      ['project:harborPassword', 'other:harborStagingPassword'],
    );
    try {
      const connection = HarborConnection.fromConfig('harborStaging', {
        namespace: 'other',
        timeoutMs: 5000,
        maxRetries: 1,
      });
      expect(connection.keys()).toEqual({
        url: 'other:harborStagingUrl',
        username: 'other:harborStagingUsername',
        password: 'other:harborStagingPassword',
        caBundle: 'other:harborStagingCaBundle',
      });
      const { children } = await build('tuned', { connection });
      for (const type of [PROJECT, MEMBER, ROBOT]) {
        expect([type, unwrapSecrets(inputsOf(children.find((c) => c.type === type)).harbor)]).toEqual([
          type,
          { url: 'https://staging.example', config: 'other:harborStaging', timeoutMs: 5000, maxRetries: 1 },
        ]);
      }
    } finally {
      pulumi.runtime.setAllConfig({ 'project:harborUsername': 'admin', 'project:harborPassword': PASSWORD }, [
        'project:harborPassword',
      ]);
    }
  });

  test('an adopted project is registered with adopt: true (read, never created)', async () => {
    const base = seedProps();
    const { children } = await build('adopted', {}, { ...base, project: { name: 'k8s', adopt: true } });
    expect(inputsOf(children.find((c) => c.type === PROJECT)).adopt).toBe(true);
  });

  test('literal credentials: no robot; the Secret data is still a secret', async () => {
    const { children, app } = await build('literal', {
      credentials: PullCredentials.fromLiteralUnsafeForLocalClustersOnly({
        username: 'robot$k8s+ci',
        password: SecretValue.unsafePlainText(PASSWORD),
      }),
      robot: undefined,
    });
    expect(children.map((c) => c.type).sort()).toEqual(
      ['kubernetes:apps/v1:Deployment', 'kubernetes:core/v1:Secret', MEMBER, PROJECT].sort(),
    );
    const secret = children.find((c) => c.type === 'kubernetes:core/v1:Secret')!;
    expect(isSecretInput(secret.inputs.data)).toBe(true);
    expect(await promiseOf(app.robotFullName, 'robotFullName')).toBe('robot$k8s+ci');
  });

  // No pull check either: the component holds no login to check with.
  test('an existing Secret: no robot, no Secret; the workload still references it', async () => {
    const { children } = await build('existing', {
      credentials: PullCredentials.fromExistingSecret('registry-secret'),
      robot: undefined,
    });
    expect(children.map((c) => c.type).sort()).toEqual(['kubernetes:apps/v1:Deployment', MEMBER, PROJECT].sort());
    const d = children.find((c) => c.type === 'kubernetes:apps/v1:Deployment')!;
    expect(d.inputs.spec.template.spec.imagePullSecrets).toEqual([{ name: 'registry-secret' }]);
  });

  test('members whose names sanitize alike get distinct resource names', async () => {
    const { children } = await build('alike', {
      members: [HarborMember.user('Alice', HarborRole.GUEST), HarborMember.user('alice', HarborRole.GUEST)],
    });
    const names = children.filter((c) => c.type === MEMBER).map((c) => c.name);
    expect(names[1]).toBe('alike-member-user-alice');
    expect(names[0]).toMatch(/^alike-member-user-alice-[0-9a-f]{8}$/);
  });

  test('group members, serviceAccounts and configureWorkload(): every object rendered becomes a child', async () => {
    const { children } = await build('tenant', {
      members: [HarborMember.group('team-devs', HarborRole.DEVELOPER)],
      serviceAccounts: ['default'],
      configureWorkload: (workload) => {
        workload.exposeViaService({ name: 'kube-dns', ports: [{ port: 53, protocol: kplus.Protocol.UDP }] });
      },
    });
    expect(sorted(children.map((c) => [c.type, c.name]))).toEqual(
      sorted([
        ['kubernetes:apps/v1:Deployment', 'tenant-kube-system-coredns'],
        ['kubernetes:core/v1:Secret', 'tenant-kube-system-registry-secret'],
        ['kubernetes:core/v1:Service', 'tenant-kube-system-kube-dns'],
        ['kubernetes:core/v1:ServiceAccount', 'tenant-kube-system-default'],
        [MEMBER, 'tenant-member-group-team-devs'],
        [PROJECT, 'tenant-project'],
        [ROBOT, 'tenant-robot'],
        [LOGIN, 'tenant-robot-login'],
      ]),
    );
    const member = children.find((c) => c.type === MEMBER)!;
    expect(unwrapSecrets(inputsOf(member))).toMatchObject({
      kind: 'group',
      entityName: 'team-devs',
      groupType: 3,
      role: 'developer',
    });
    const sa = children.find((c) => c.type === 'kubernetes:core/v1:ServiceAccount')!;
    expect(children.find((c) => c.type === 'kubernetes:apps/v1:Deployment')!.dependencies).toEqual(
      expect.arrayContaining([sa.urn]),
    );
  });

  test('a Kubernetes provider given in props is used by the Kubernetes objects only', async () => {
    const provider = new k8s.Provider('k8s-test', {});
    const { children } = await build('withprovider', { provider });
    const providerUrn = await promiseOf(provider.urn, 'provider.urn');
    const byType = (t: string) => children.find((c) => c.type === t)!;
    expect(byType('kubernetes:core/v1:Secret').provider).toMatch(
      new RegExp(`^${providerUrn.replace(/[$]/g, '\\$&')}::`),
    );
    expect(byType('kubernetes:apps/v1:Deployment').provider).toMatch(/k8s-test::/);
    expect(byType(PROJECT).provider).not.toMatch(/k8s-test/);
  });
});

describe('the preflight pull check, by the robot login', () => {
  const of = (children: Registration[], type: string): Registration[] => children.filter((c) => c.type === type);
  const checkOf = (children: Registration[]): Record<string, any> | undefined =>
    unwrapSecrets(inputsOf(of(children, LOGIN)[0])).pullCheck;

  test("the seed: the robot's login checks the workload's image; the pull Secret and the Deployment depend on it", async () => {
    const { children } = await build('preflight');
    const [login] = of(children, LOGIN);
    expect(checkOf(children)).toEqual({
      images: ['reg.harbor.com/k8s/coredns:1.2.6'],
      registryHost: 'reg.harbor.com',
      harbor: { url: 'https://reg.harbor.com', config: 'project:harbor' },
    });
    // The login checked is the one the pull Secret holds: a secret input, a secret output.
    expect(isSecretInput(login.inputs.secret)).toBe(true);
    expect(login.additionalSecretOutputs).toContain('secret');
    const [deployment] = of(children, 'kubernetes:apps/v1:Deployment');
    const [secret] = of(children, 'kubernetes:core/v1:Secret');
    expect(deployment.dependencies).toEqual(expect.arrayContaining([login.urn, secret.urn]));
    expect(secret.dependencies).toContain(login.urn);
  });

  test('every container and init container of every workload on the registry, each image once; other registries are not checked', async () => {
    const jobs = new Chart(new App(), 'jobs');
    new kplus.Job(jobs, 'migrate', {
      metadata: { namespace: 'kube-system' },
      initContainers: [{ image: 'reg.harbor.com/k8s/migrate-init:1.0' }],
      containers: [{ image: 'reg.harbor.com/k8s/migrate:2.0' }, { image: 'reg.harbor.com/k8s/coredns:1.2.6' }],
    });
    const { children } = await build('many', {
      workloads: jobs.toJson(),
      configureWorkload: (workload) => {
        // Not wired: it pulls from Docker Hub without the robot's login.
        new kplus.Deployment(Chart.of(workload), 'public', {
          metadata: { namespace: 'kube-system' },
          containers: [{ image: 'busybox:1.36' }],
        });
      },
    });
    expect(checkOf(children)!.images).toEqual([
      'reg.harbor.com/k8s/coredns:1.2.6',
      'reg.harbor.com/k8s/migrate-init:1.0',
      'reg.harbor.com/k8s/migrate:2.0',
    ]);
    const [login] = of(children, LOGIN);
    for (const kind of ['kubernetes:apps/v1:Deployment', 'kubernetes:batch/v1:Job']) {
      for (const w of of(children, kind)) expect([w.name, w.dependencies.includes(login.urn)]).toEqual([w.name, true]);
    }
  });

  test('preflight: { pull: false }: the login checks nothing, and the workload depends on the pull Secret', async () => {
    const { children } = await build('nocheck', { preflight: { pull: false } });
    expect(of(children, LOGIN)).toHaveLength(1);
    expect(checkOf(children)).toBeUndefined();
    expect(of(children, 'kubernetes:apps/v1:Deployment')[0].dependencies).toEqual(
      expect.arrayContaining([of(children, 'kubernetes:core/v1:Secret')[0].urn]),
    );
  });

  test('plainHttp on a loopback registry, a CA bundle and a time limit reach the check', async () => {
    const base = seedProps();
    const image = '127.0.0.1:5000/k8s/coredns:1.2.6';
    const { children } = await build(
      'loopback',
      { preflight: { plainHttp: true, timeoutMs: 3000 } },
      { ...base, registryHost: '127.0.0.1:5000', workload: { ...base.workload!, containers: [{ image }] } },
    );
    expect(checkOf(children)).toMatchObject({
      images: [image],
      registryHost: '127.0.0.1:5000',
      plainHttp: true,
      timeoutMs: 3000,
    });
  });
});

describe('validation happens before anything is registered', () => {
  const cases: Array<[string, () => Partial<HarborPrivateAppArgs>, string]> = [
    [
      'an image on another registry',
      () => {
        const p = seedProps();
        return {
          workload: {
            ...p.workload!,
            containers: [{ ...p.workload!.containers![0], image: 'docker.io/coredns/coredns:1.2.6' }],
          },
        };
      },
      'workload.containers[0].image',
    ],
    ['a bad project name', () => ({ project: { name: 'K8S' } }), 'project.name'],
    [
      'a rotation with neither trigger nor everyDays',
      () => ({ robot: { name: 'coredns-pull', rotation: {} } }),
      'robot.rotation',
    ],
    ['no namespaces', () => ({ namespaces: [] }), 'namespaces'],
    ['plain http in harborUrl: the error names harborUrl', () => ({ harborUrl: 'http://reg.harbor.com' }), 'harborUrl'],
    [
      'a connection timeout of 0',
      () => ({ connection: HarborConnection.fromConfig('harbor', { timeoutMs: 0 }) }),
      'timeoutMs',
    ],
    [
      "a Secret added in configureWorkload with the pull Secret's name and namespace",
      () => ({
        configureWorkload: (workload) => {
          new kplus.k8s.KubeSecret(workload, 'Mine', {
            metadata: { name: SEED.pullSecretName, namespace: 'kube-system' },
          });
        },
      }),
      'configureWorkload',
    ],
    [
      'preflight.plainHttp to a registry that is not loopback',
      () => ({ preflight: { plainHttp: true } }),
      'preflight.plainHttp',
    ],
    ['a misspelt preflight option', () => ({ preflight: { pul: false } as never }), 'preflight.pul'],
    ['a preflight time limit of 0', () => ({ preflight: { timeoutMs: 0 } }), 'preflight.timeoutMs'],
    ['a connection that is not a HarborConnection', () => ({ connection: {} as HarborConnection }), 'connection'],
    [
      'a connection whose keys are not set',
      () => ({ connection: HarborConnection.fromConfig('harborProd') }),
      'project:harborProdUsername',
    ],
  ];
  test.each(cases)('%s', async (_what, override, field) => {
    await settled('earlier tests');
    const before = registrations.length;
    let thrown: unknown;
    try {
      new HarborPrivateApp('invalid', { ...seedProps(), ...override() });
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(HarborPrivateAppError);
    expect((thrown as HarborPrivateAppError).field).toBe(field);
    expect(String((thrown as Error).message)).not.toContain(PASSWORD);
    await settled('the invalid app');
    expect(registrations.length).toBe(before);
  });
});

test("a Secret added in configureWorkload with the pull Secret's name: the message names the clash and the fix", () => {
  let message = '';
  try {
    new HarborPrivateApp('clash', {
      ...seedProps(),
      configureWorkload: (workload) => {
        new kplus.k8s.KubeSecret(workload, 'Mine', {
          metadata: { name: SEED.pullSecretName, namespace: SEED.namespace },
        });
      },
    });
  } catch (e) {
    message = (e as Error).message;
  }
  expect(message).toContain(
    `HarborPrivateApp "clash": configureWorkload = "<the Deployment as it left it, and the objects it added>": fails a check: (1) pullSecretName = "${SEED.pullSecretName}": clashes with Secret "${SEED.pullSecretName}" in namespace "${SEED.namespace}" declared at clash/clash/Workload/Mine`,
  );
  expect(message).toMatch(/fromExistingSecret/);
  // The app's scope once, and one fix for the wrapper: the check's own fix is in its part.
  expect(message.split('HarborPrivateApp "clash":').length).toBe(2);
  expect(message).toMatch(/Fix: apply the fix each check names, in configureWorkload$/);
});

describe('the connection is checked against the stack configuration before anything is registered', () => {
  const cases: Array<[string, Record<string, string>, string[], RegExp]> = [
    [
      'no password',
      { 'project:harborUsername': 'admin' },
      [],
      /project:harborPassword = undefined: is not set.*pulumi config set --secret harborPassword/,
    ],
    [
      'a password in clear text',
      { 'project:harborUsername': 'admin', 'project:harborPassword': PASSWORD },
      [],
      /project:harborPassword = "<not shown>": is stored in clear text.*pulumi config set --secret harborPassword/,
    ],
    [
      'plain http to a non-loopback Harbor',
      {
        'project:harborUsername': 'admin',
        'project:harborPassword': PASSWORD,
        'project:harborUrl': 'http://reg.harbor.com',
      },
      ['project:harborPassword'],
      /project:harborUrl = "http:\/\/reg\.harbor\.com": .*plain http.*pulumi config set harborUrl https:/,
    ],
    [
      'a CA bundle that is not PEM',
      {
        'project:harborUsername': 'admin',
        'project:harborPassword': PASSWORD,
        'project:harborCaBundle': '/etc/ssl/ca.pem',
      },
      ['project:harborPassword'],
      // The client's option name (HarborClientOptions.caBundle) is not what the user set: it is not shown.
      /project:harborCaBundle = "\/etc\/ssl\/ca\.pem": is a file path, not PEM text(?!.*HarborClientOptions).*"\$\(cat \/etc\/ssl\/ca\.pem\)"/,
    ],
  ];
  afterAll(() =>
    pulumi.runtime.setAllConfig({ 'project:harborUsername': 'admin', 'project:harborPassword': PASSWORD }, [
      'project:harborPassword',
    ]),
  );
  test.each(cases)('%s', async (_what, config, secretKeys, message) => {
    await settled('earlier tests');
    pulumi.runtime.setAllConfig(config, secretKeys);
    const before = registrations.length;
    let thrown: unknown;
    try {
      new HarborPrivateApp('unconfigured', seedProps());
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(HarborPrivateAppError);
    expect(String((thrown as Error).message)).toMatch(message);
    expect(String((thrown as Error).message)).not.toContain(PASSWORD);
    await settled('the unconfigured app');
    expect(registrations.length).toBe(before);
  });

  test('a bad connection name or namespace is refused at once', () => {
    expect(() => HarborConnection.fromConfig('harbor-prod')).toThrow(/name = "harbor-prod": is not a camelCase word/);
    expect(() => HarborConnection.fromConfig('harbor', { namespace: 'a:b' })).toThrow(/namespace = "a:b"/);
    expect(() => HarborConnection.fromConfig('harbor', { timeoutMs: 0 })).toThrow(
      /timeoutMs = 0: must be a whole number >= 1/,
    );
    // The Harbor client's rule (lib/harbor/tuning.ts): a longer timer would fire at once in Node.
    expect(() => HarborConnection.fromConfig('harbor', { timeoutMs: 2 ** 31 })).toThrow(
      /timeoutMs = 2147483648: must be at most 2147483647 ms/,
    );
  });
});

test("a HarborRobotAccount's known permissions are checked against Harbor's list before it registers", async () => {
  await settled('earlier tests');
  const before = registrations.length;
  const harbor = { url: 'https://reg.harbor.com', config: 'project:harbor' };
  const access = (resource: string, action: string) => [
    { kind: 'project' as const, namespace: 'k8s', access: [{ resource, action }] },
  ];
  expect(
    () =>
      new HarborRobotAccount('wild', { harbor, project: 'k8s', name: 'wild', permissions: access('repository', '*') }),
  ).toThrow(
    /HarborRobotAccount "wild" permissions\[0\]\.access\[0\] "repository:\*" is not a permission Harbor accepts/,
  );
  // Known later (an output): checked by the client before its request.
  new HarborRobotAccount('later', {
    harbor,
    project: 'k8s',
    name: 'later',
    permissions: pulumi.output(access('repository', 'pull')),
  });
  await settled('the robot with an output');
  expect(registrations.slice(before).map((r) => r.name)).toEqual(['later']);
});
