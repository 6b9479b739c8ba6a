/**
 * The state contract of the Harbor resources (docs/pulumi-state.md), kind by kind:
 * - what each resource class registers (recorded under `pulumi.runtime.setMocks`) is exactly the args its program set,
 *   and `__provider`: nothing packed, added or renamed, and no default;
 * - those very inputs, driven through Pulumi's own dynamic provider host (support/real-host.ts, the providers as
 *   `pulumi up` serializes them here) against the lab's Harbor emulator, go through the provider's `check`, which fills
 *   in the documented defaults (lib/core's), and are stored as it returns them, with the kind's declared outputs and
 *   the few documented keys the provider keeps for itself, and nothing else;
 * - a program that sets nothing and one that sets every default explicitly show no diff against each other's state.
 */
import { randomBytes } from 'node:crypto';
import { emulatorPerTest } from '../lab/emulator-per-test';
import type { HarborTarget } from '../../lib/pulumi/providers/connection';
import { HarborProject } from '../../lib/pulumi/resources/harbor-project';
import { HarborProjectMember } from '../../lib/pulumi/resources/harbor-member';
import { HarborRobotAccount } from '../../lib/pulumi/resources/harbor-robot';
import { HarborRobotLogin } from '../../lib/pulumi/resources/harbor-robot-login';
import { HarborRobotRotation } from '../../lib/pulumi/resources/harbor-robot-rotation';
import { installMocks, isSecretInput, Registration, settled, unwrapSecrets } from './support/mocks';
import { hostRun, ProviderTexts, serializeLikePulumiUp } from './support/serialized';

/** Per kind: the declared outputs (the `declare`d output properties) and the keys only the provider keeps. */
const CONTRACT: Record<string, { readonly outputs: readonly string[]; readonly providerOnly: readonly string[] }> = {
  project: { outputs: ['name', 'projectId'], providerOnly: ['created'] },
  member: { outputs: ['role'], providerOnly: ['memberId'] },
  robot: {
    outputs: ['fullName', 'secret', 'expiresAt'],
    providerOnly: ['robotId', 'disabled', 'harborName', 'harborDurationDays', 'harborCreatedAt'],
  },
  login: { outputs: ['fullName', 'secret', 'expiresAt'], providerOnly: [] },
  rotation: { outputs: ['generation'], providerOnly: ['startedAt'] },
};

/**
 * Per kind: the inputs the state stores for the registrations below (the args set, and the defaults check fills in).
 * The same keys as when every default was registered: the stored state did not change.
 */
const STORED_INPUTS: Record<string, readonly string[]> = {
  project: [
    'harbor',
    'name',
    'public',
    'autoScan',
    'preventVulnerableImages',
    'storageQuotaGb',
    'adopt',
    'forceDestroy',
  ],
  member: ['harbor', 'project', 'kind', 'entityName', 'role', 'adopt'],
  robot: ['harbor', 'project', 'name', 'description', 'durationDays', 'permissions', 'adopt', 'generation'],
  rotation: ['trigger'],
  login: ['robotResourceId', 'fullName', 'secret', 'expiresAt'],
};

const harborUrl = 'http://127.0.0.1:1';
const target: HarborTarget = { url: harborUrl, config: 'example:harbor' };
let registrations: Registration[];
let texts: ProviderTexts;

beforeAll(async () => {
  registrations = installMocks();
  const project = new HarborProject('project', { harbor: target, name: 'k8s', storageQuotaGb: 1 });
  new HarborProjectMember(
    'member',
    { harbor: target, project: project.name, kind: 'user', entityName: 'k8s-puller', role: 'guest' },
    { dependsOn: project },
  );
  const rotation = new HarborRobotRotation('rotation', { trigger: 'a' });
  const robot = new HarborRobotAccount(
    'robot',
    {
      harbor: target,
      project: project.name,
      name: 'coredns-pull',
      permissions: [{ kind: 'project', namespace: 'k8s', access: [{ resource: 'repository', action: 'pull' }] }],
      generation: rotation.generation,
    },
    { dependsOn: project },
  );
  new HarborRobotLogin('login', { robot });
  new HarborRobotLogin('login-checked', {
    robot,
    pullCheck: { images: ['reg.harbor.com/k8s/coredns:1.11'], registryHost: 'reg.harbor.com', timeoutMs: 5000 },
  });
  await settled('the Harbor resources');
  texts = serializeLikePulumiUp();
});

const registered = (name: string): Registration => {
  const r = registrations.find((x) => x.name === name);
  if (!r) throw new Error(`no registration of ${name}`);
  return r;
};

describe('registered inputs: the declared args and __provider, as given', () => {
  test.each([
    [
      'project',
      {
        harbor: target,
        name: 'k8s',
        storageQuotaGb: 1,
      },
    ],
    [
      'member',
      {
        harbor: target,
        project: 'k8s',
        kind: 'user',
        entityName: 'k8s-puller',
        role: 'guest',
      },
    ],
    [
      'robot',
      {
        harbor: target,
        project: 'k8s',
        name: 'coredns-pull',
        permissions: [{ kind: 'project', namespace: 'k8s', access: [{ resource: 'repository', action: 'pull' }] }],
        generation: 0,
      },
    ],
    ['rotation', { trigger: 'a' }],
    [
      'login',
      {
        robotResourceId: 'robot-id',
        fullName: 'robot$k8s+coredns-pull',
        secret: expect.any(String),
        expiresAt: -1,
      },
    ],
    [
      'login-checked',
      {
        robotResourceId: 'robot-id',
        fullName: 'robot$k8s+coredns-pull',
        secret: expect.any(String),
        expiresAt: -1,
        // Only the options set: check fills `plainHttp` in.
        pullCheck: { images: ['reg.harbor.com/k8s/coredns:1.11'], registryHost: 'reg.harbor.com', timeoutMs: 5000 },
      },
    ],
  ])('%s', (name, expected) => {
    const { __provider, ...inputs } = registered(name).inputs;
    expect(typeof __provider).toBe('string');
    expect(unwrapSecrets(inputs)).toEqual(expected);
  });

  test('the robot secret reaches the login as a secret input, and is a secret output of the robot and the login', () => {
    expect(isSecretInput(registered('login').inputs.secret)).toBe(true);
    expect(registered('robot').additionalSecretOutputs).toEqual(['secret']);
    expect(registered('login').additionalSecretOutputs).toEqual(['secret']);
  });
});

describe('stored state, through the real host: the inputs, the declared outputs and the provider-only keys', () => {
  let password: string;
  const emu = emulatorPerTest(
    () => {
      password = `Pw-${randomBytes(9).toString('hex')}`;
      return { adminPassword: password };
    },
    (e) => e.addUser('k8s-puller'),
  );

  /** The registered inputs of `name`, plain, pointing at the emulator, without `__provider` (the host run adds it). */
  const inputsOf = (name: string, over: Record<string, unknown> = {}): Record<string, any> => {
    const { __provider: _p, ...inputs } = unwrapSecrets(registered(name).inputs) as Record<string, any>;
    const withUrl = inputs.harbor ? { ...inputs, harbor: { ...inputs.harbor, url: emu.url } } : inputs;
    return { ...withUrl, ...over };
  };

  test('every kind, created, updated, refreshed: exactly those keys, the inputs stored as given', async () => {
    const run = await hostRun(texts, { 'example:harborUsername': 'admin', 'example:harborPassword': password });
    const stored: Record<string, { inputs: Record<string, any>; outs: Record<string, any> }> = {};
    const make = async (name: string, registered: Record<string, any>): Promise<{ id: string; outs: any }> => {
      // The engine's Check, then Create with what it returned: those are the inputs the state stores.
      const { __provider: _p, ...inputs } = (await run.check({}, registered)).inputs;
      expect([name, Object.keys(inputs).sort()]).toEqual([name, [...STORED_INPUTS[name]].sort()]);
      for (const [k, v] of Object.entries(registered)) expect([name, k, inputs[k]]).toEqual([name, k, v]);
      const created = await run.create(inputs);
      stored[name] = { inputs, outs: created.outs };
      return { id: created.id, outs: created.outs };
    };
    await make('project', inputsOf('project'));
    await make('member', inputsOf('member'));
    const rotation = await make('rotation', inputsOf('rotation'));
    const robot = await make('robot', inputsOf('robot', { generation: rotation.outs.generation }));
    await make('login', {
      ...inputsOf('login'),
      robotResourceId: robot.id,
      fullName: robot.outs.fullName,
      secret: robot.outs.secret,
      expiresAt: robot.outs.expiresAt,
    });

    const check = (name: string, outs: Record<string, any>): void => {
      const { inputs } = stored[name];
      const { outputs, providerOnly } = CONTRACT[name];
      const { __provider, ...rest } = outs;
      expect([name, typeof __provider]).toEqual([name, 'string']);
      expect([name, Object.keys(rest).sort()]).toEqual([
        name,
        [...new Set([...Object.keys(inputs), ...outputs, ...providerOnly])].sort(),
      ]);
      // The inputs are stored as given (a declared output of the same name, a project's name, is the input's value).
      for (const [k, v] of Object.entries(inputs)) expect([name, k, rest[k]]).toEqual([name, k, v]);
    };
    for (const [name, s] of Object.entries(stored)) check(name, s.outs);

    // An update (the project's quota) and a refresh keep the same keys.
    const project = stored.project;
    const news = { ...project.inputs, storageQuotaGb: 2 };
    expect((await run.diff('1', project.outs, news)).changes).toBe(true);
    const updated = await run.update(String(project.outs.projectId), project.outs, news);
    stored.project = { inputs: news, outs: updated.outs };
    check('project', updated.outs);
    for (const [name, s] of Object.entries(stored)) {
      const id =
        name === 'project'
          ? String(s.outs.projectId)
          : name === 'rotation'
            ? 'generation'
            : name === 'login'
              ? robot.id
              : String(s.outs.memberId ?? s.outs.robotId);
      const read = await run.read(id, s.outs);
      check(name, read.props);
    }
  });

  test('check fills the defaults in: a program that sets nothing and one that sets each default show no diff', async () => {
    const run = await hostRun(texts, { 'example:harborUsername': 'admin', 'example:harborPassword': password });
    const { storageQuotaGb: _q, ...project } = inputsOf('project');
    const cases: Array<[string, Record<string, any>, Record<string, any>, (outs: any) => unknown]> = [
      [
        'project',
        project,
        { public: false, autoScan: true, preventVulnerableImages: false, adopt: false, forceDestroy: false },
        (outs) => outs.projectId,
      ],
      ['member', inputsOf('member'), { adopt: false }, (outs) => outs.memberId],
      ['robot', inputsOf('robot'), { description: '', durationDays: -1, adopt: false }, (outs) => outs.robotId],
    ];
    for (const [name, unset, defaults, idOf] of cases) {
      const checked = async (inputs: Record<string, any>): Promise<Record<string, any>> =>
        (await run.check({}, inputs)).inputs;
      const filled = await checked(unset);
      // Check stores the documented defaults; a program that sets them explicitly gets the very same inputs.
      expect([name, filled]).toEqual([name, expect.objectContaining(defaults)]);
      expect([name, await checked({ ...unset, ...defaults })]).toEqual([name, filled]);
      const created = await run.create(filled);
      const id = String(idOf(created.outs));
      expect([name, (await run.diff(id, created.outs, await checked(unset))).changes]).toEqual([name, false]);
      expect([name, (await run.diff(id, created.outs, await checked({ ...unset, ...defaults }))).changes]).toEqual([
        name,
        false,
      ]);
    }
  });

  test("unset storageQuotaGb: the project gets Harbor's default quota, which is never read, changed or drift", async () => {
    const GB = 1024 ** 3;
    // Harbor's storage_per_project setting, which a project created without storage_limit gets.
    await emu.start({ adminPassword: password, configuration: { storagePerProject: 5 * GB } });
    const run = await hostRun(texts, { 'example:harborUsername': 'admin', 'example:harborPassword': password });
    const { storageQuotaGb: _q, ...unset } = inputsOf('project');
    const inputs = (await run.check({}, unset)).inputs;
    expect(inputs.storageQuotaGb).toBeUndefined();
    const created = await run.create(inputs);
    expect(created.outs.storageQuotaGb).toBeUndefined();
    // An administrator's create with storage_limit would have it; without, Harbor's default.
    expect(emu.emulator.state().projects.map((p) => p.storageLimit)).toEqual([5 * GB]);

    // An administrator changes the quota in Harbor: a refresh does not read it (no /summary), an up shows no diff.
    emu.emulator.setProjectStorageLimit('k8s', 7 * GB);
    emu.emulator.resetLog();
    const read = await run.read(String(created.outs.projectId), created.outs);
    expect(emu.emulator.requests.map((r) => `${r.method} ${r.path.replace('/api/v2.0', '')}`)).toEqual([
      'GET /projects/k8s',
    ]);
    expect(read.props.storageQuotaGb).toBeUndefined();
    const news = (await run.check({}, unset)).inputs;
    expect((await run.diff(String(created.outs.projectId), read.props, news)).changes).toBe(false);

    // Setting it makes it managed: the next up sets it, and refresh reads it back.
    const managed = (await run.check({}, { ...unset, storageQuotaGb: 2 })).inputs;
    expect((await run.diff(String(created.outs.projectId), read.props, managed)).changes).toBe(true);
    const updated = await run.update(String(created.outs.projectId), read.props, managed);
    expect(emu.emulator.state().projects.map((p) => p.storageLimit)).toEqual([2 * GB]);
    emu.emulator.resetLog();
    await run.read(String(created.outs.projectId), updated.outs);
    expect(emu.emulator.requests.map((r) => `${r.method} ${r.path.replace('/api/v2.0', '')}`)).toEqual([
      'GET /projects/k8s',
      'GET /projects/k8s/summary',
    ]);
  });
});
