/**
 * Harbor faults injected in the lab (the swagger-checked Harbor emulator) for EVERY operation of the dynamic provider:
 * create, read, update and delete of the project, the member and the robot, each under 500, 502, 503, 429 with
 * Retry-After, a connection reset, a reset after the request was applied, a hang (timeout), 401, 403, 409 and 412.
 *
 * What is proved, from the emulator's request log:
 * - idempotent calls (GET, PUT, DELETE) are retried within the bound: exactly `maxRetries + 1` attempts at most;
 * - a create (POST) is never repeated blindly: after a failure that may have been applied, the object is looked up
 *   first and created again only when absent; a create that did happen is taken, and a robot whose secret was lost
 *   with the answer gets a new secret (PATCH) so the state knows a working one;
 * - 401, 403, 409 and 412 fail at once, after ONE request, with the hint for their usual cause;
 * - after ANY outcome, Harbor holds no robot that the state does not know.
 *
 * Backoff uses the connection's tuning fields (`retryBaseDelayMs`...) so this file stays fast. The time limit of one
 * attempt is long (10 s) everywhere but in the hang cases, so that no real answer is ever taken for a timeout on a busy
 * machine; the hang cases switch to 1 s just before the operation under test (see useTimeout).
 */
import { randomBytes } from 'node:crypto';
import { HarborApiError, HarborClient } from '../../lib/harbor';
import { createChecked, createdWithin, writeOutcome } from '../../lib/harbor/checked-write';
import type { HarborLogin } from '../../lib/pulumi/providers/connection';
import { HarborEmulator, startEmulatorServer, type Fault } from '../lab/harbor-emulator';
import { create, loginConfig, seedResources, targetOf, type StackResource } from '../pulumi/support/lifecycle';
import { hostRun, serializeLikePulumiUp, type HostRun, type ProviderTexts } from '../pulumi/support/serialized';
import { kindOf } from '../pulumi/support/kinds';

/** The provider texts `pulumi up` stores for this repository's program. */
let texts: ProviderTexts;
/**
 * Pulumi's own dynamic provider host running those texts, one for the file (as one host serves every step of a
 * `pulumi up`): each test has its own Harbor, named by the resources' `harbor`.
 */
let host: HostRun;
beforeAll(async () => {
  texts = serializeLikePulumiUp();
  host = await hostRun(texts, loginConfig({ username: 'admin', password: ADMIN_PASSWORD }), 'example', 'file');
});

const ADMIN_PASSWORD = randomBytes(12).toString('hex');
/** Small bounds: 3 attempts, ~no backoff; a time limit per attempt that a real answer never reaches. */
const TUNING = { maxRetries: 2, retryBaseDelayMs: 1, maxRetryDelayMs: 5, timeoutMs: 10_000 } as const;
/**
 * The time limit of the hang cases: the hung attempt waits this long, and every other request of the operation (the
 * lookup after a hung create, the retry) must answer within it, which 1 s leaves ample room for on a loaded machine.
 */
const HANG_TIMEOUT_MS = 1000;

let emulator: HarborEmulator;
let server: { url: string; close(): Promise<void> };
let connection: HarborLogin;
let stack: StackResource[];

const res = (name: 'project' | 'member' | 'robot'): StackResource => stack.find((r) => r.name === name)!;

/** Props with `harbor` set to the target of `connection`. */
function withConnection(props: Record<string, any>): Record<string, any> {
  return { ...props, harbor: targetOf(connection) };
}
/** Gives the connection of every resource of the stack (inputs and state) another time limit per attempt. */
function useTimeout(timeoutMs: number): void {
  connection = { ...connection, timeoutMs };
  for (const r of stack) {
    r.inputs = withConnection(r.inputs);
    if (r.outs) r.outs = withConnection(r.outs);
  }
}
/** The request log as `METHOD /path` below /api/v2.0. */
const log = (): string[] => emulator.calls();

beforeAll(async () => {
  // Warm-up: the emulator compiles each operation's swagger validators on first use (process-wide cache). Paying that
  // here, once, keeps the first real requests well inside the small timeoutMs below.
  const warm = new HarborEmulator({ adminPassword: ADMIN_PASSWORD });
  warm.addUser('k8s-puller');
  const warmServer = await startEmulatorServer(warm);
  try {
    const s = seedResources({ url: warmServer.url, username: 'admin', password: ADMIN_PASSWORD });
    await create(host, s);
    for (const r of s) await host.read(r.id!, r.outs);
    await host.update(s[0].id!, s[0].outs, { ...s[0].inputs, public: true });
    await host.update(s[1].id!, s[1].outs, { ...s[1].inputs, role: 'developer' });
    await host.update(s[2].id!, s[2].outs, { ...s[2].inputs, permissions: PUSH_PULL });
    const h = new HarborClient({ url: warmServer.url, username: 'admin', password: ADMIN_PASSWORD });
    await h.findProjectRobot('k8s', 'coredns-pull');
    await h.refreshRobotSecret(Number(s[2].id));
    await h.close();
    for (const r of [...s].reverse()) await host.delete(r.id!, r.outs);
  } finally {
    await warmServer.close();
  }
  expect(warm.contractViolations).toEqual([]);
});

beforeEach(async () => {
  emulator = new HarborEmulator({ adminPassword: ADMIN_PASSWORD });
  emulator.addUser('k8s-puller');
  server = await startEmulatorServer(emulator);
  connection = { url: server.url, username: 'admin', password: ADMIN_PASSWORD, ...TUNING };
  stack = seedResources(connection);
});
afterEach(async () => {
  await server.close();
  expect(emulator.contractViolations).toEqual([]);
});

/** Every robot in Harbor is one the state knows (by id). */
function expectNoUnknownRobot(): void {
  const known = stack.filter((r) => r.name === 'robot' && r.id !== undefined).map((r) => Number(r.id));
  expect(
    emulator
      .state()
      .robots.map((r) => r.id)
      .filter((id) => !known.includes(id)),
  ).toEqual([]);
}

/** Runs `p`, returning its error (or undefined). */
async function outcome(p: Promise<unknown>): Promise<Error | undefined> {
  return p.then(
    () => undefined,
    (e: unknown) => (e instanceof Error ? e : new Error(String(e))),
  );
}

// ------------------------------------------------------------------------------------------------- the operations

type Kind = 'project' | 'member' | 'robot';
type Action = 'create' | 'read' | 'update' | 'delete';

interface Op {
  readonly kind: Kind;
  readonly action: Action;
  /** The fault's match: the operation's own request. */
  readonly match: { method: string; path: RegExp };
  /** The operation's own request as the log shows it. */
  readonly primary: () => string;
  /** Creates only: the lookup made after a failure that may have been applied. */
  readonly lookup?: () => string[];
  /** The requests that follow the operation's own once it succeeded (a project's read with a declared quota: its summary). */
  readonly followUp?: () => string[];
  /** How many seed resources exist before the operation (in order project, member, robot). */
  readonly before: number;
  /** Runs the operation as the engine would and records the result in the stack. */
  readonly run: () => Promise<void>;
  /** Harbor after success. */
  readonly applied: () => void;
  /** Harbor after a failure (nothing of the operation happened). */
  readonly untouched: () => void;
}

const member = (): { id: number; roleId: number } | undefined =>
  emulator.state().members.find((m) => m.entityName === 'k8s-puller');

async function runCreate(kind: Kind): Promise<void> {
  const r = res(kind);
  const result = await host.create(r.inputs);
  r.id = result.id;
  r.outs = result.outs;
}
async function runRead(kind: Kind): Promise<void> {
  const r = res(kind);
  const result = await host.read(r.id!, r.outs);
  expect(result.id).toBe(r.id);
  // The state read back is still this kind's: its own keys, for its own provider.
  expect(kindOf(result.props)).toBe(kind);
}
async function runUpdate(kind: Kind, change: Record<string, unknown>): Promise<void> {
  const r = res(kind);
  const news = { ...r.inputs, ...change };
  const diff = await host.diff(r.id!, r.outs, news);
  expect(diff).toMatchObject({ changes: true, replaces: [] });
  const result = await host.update(r.id!, r.outs, news);
  r.inputs = news;
  r.outs = result.outs;
}
async function runDelete(kind: Kind): Promise<void> {
  const r = res(kind);
  await host.delete(r.id!, r.outs);
  r.id = undefined;
  r.outs = undefined;
}

const PUSH_PULL = [
  {
    kind: 'project',
    namespace: 'k8s',
    access: [
      { resource: 'repository', action: 'pull' },
      { resource: 'repository', action: 'push' },
    ],
  },
];

const OPS: readonly Op[] = [
  {
    kind: 'project',
    action: 'create',
    before: 0,
    match: { method: 'POST', path: /\/projects$/ },
    primary: () => 'POST /projects',
    lookup: () => ['GET /projects/k8s'],
    run: () => runCreate('project'),
    applied: () => {
      expect(emulator.state().projects.map((p) => [p.id, p.name])).toEqual([[res('project').outs!.projectId, 'k8s']]);
      expect(res('project').outs!.created).toBe(true);
    },
    untouched: () => expect(emulator.state().projects).toEqual([]),
  },
  {
    kind: 'member',
    action: 'create',
    before: 1,
    match: { method: 'POST', path: /\/members$/ },
    primary: () => 'POST /projects/k8s/members',
    lookup: () => ['GET /projects/k8s/members'],
    run: () => runCreate('member'),
    applied: () => expect(member()).toEqual(expect.objectContaining({ id: res('member').outs!.memberId, roleId: 3 })),
    untouched: () => expect(member()).toBeUndefined(),
  },
  {
    kind: 'robot',
    action: 'create',
    before: 2,
    match: { method: 'POST', path: /\/robots$/ },
    primary: () => 'POST /robots',
    lookup: () => ['GET /projects/k8s', 'GET /robots'],
    run: () => runCreate('robot'),
    applied: () => {
      const robots = emulator.state().robots;
      expect(robots.map((r) => String(r.id))).toEqual([res('robot').id]);
      // The secret in the state logs in: the one from the create's answer, or the one refreshed after a lost answer.
      expect(emulator.authorize(res('robot').outs!.fullName, res('robot').outs!.secret, 'k8s')).toEqual(['pull']);
    },
    untouched: () => expect(emulator.state().robots).toEqual([]),
  },
  ...(['project', 'member', 'robot'] as const).map((kind): Op => ({
    kind,
    action: 'read',
    before: 3,
    match:
      kind === 'project'
        ? { method: 'GET', path: /\/projects\/k8s$/ }
        : kind === 'member'
          ? { method: 'GET', path: /\/members$/ }
          : { method: 'GET', path: /\/robots\/\d+$/ },
    primary: () =>
      kind === 'project'
        ? 'GET /projects/k8s'
        : kind === 'member'
          ? 'GET /projects/k8s/members'
          : `GET /robots/${res('robot').id}`,
    run: () => runRead(kind),
    applied: () => undefined,
    untouched: () => undefined,
  })),
  {
    kind: 'project',
    action: 'update',
    before: 3,
    match: { method: 'PUT', path: /\/projects\/k8s$/ },
    primary: () => 'PUT /projects/k8s',
    run: () => runUpdate('project', { public: true }),
    applied: () => expect(emulator.state().projects[0].metadata.public).toBe('true'),
    untouched: () => expect(emulator.state().projects[0].metadata.public).toBe('false'),
  },
  {
    kind: 'member',
    action: 'update',
    before: 3,
    match: { method: 'PUT', path: /\/members\/\d+$/ },
    primary: () => `PUT /projects/k8s/members/${res('member').outs!.memberId}`,
    run: () => runUpdate('member', { role: 'developer' }),
    applied: () => expect(member()!.roleId).toBe(2),
    untouched: () => expect(member()!.roleId).toBe(3),
  },
  {
    kind: 'robot',
    action: 'update',
    before: 3,
    match: { method: 'PUT', path: /\/robots\/\d+$/ },
    primary: () => `PUT /robots/${res('robot').id}`,
    run: () => runUpdate('robot', { permissions: PUSH_PULL }),
    applied: () =>
      expect(emulator.authorize(res('robot').outs!.fullName, res('robot').outs!.secret, 'k8s')).toEqual([
        'pull',
        'push',
      ]),
    untouched: () =>
      expect(emulator.authorize(res('robot').outs!.fullName, res('robot').outs!.secret, 'k8s')).toEqual(['pull']),
  },
  {
    kind: 'robot',
    action: 'delete',
    before: 3,
    match: { method: 'DELETE', path: /\/robots\/\d+$/ },
    primary: () => `DELETE /robots/${res('robot').id}`,
    run: () => runDelete('robot'),
    applied: () => expect(emulator.state().robots).toEqual([]),
    untouched: () => expect(emulator.state().robots).toHaveLength(1),
  },
  {
    kind: 'member',
    action: 'delete',
    before: 3,
    match: { method: 'DELETE', path: /\/members\/\d+$/ },
    primary: () => `DELETE /projects/k8s/members/${res('member').outs!.memberId}`,
    run: () => runDelete('member'),
    applied: () => expect(member()).toBeUndefined(),
    untouched: () => expect(member()).toBeDefined(),
  },
  {
    kind: 'project',
    action: 'delete',
    before: 3,
    match: { method: 'DELETE', path: /\/projects\/\d+$/ },
    primary: () => `DELETE /projects/${res('project').outs!.projectId}`,
    run: () => runDelete('project'),
    applied: () => expect(emulator.state().projects).toEqual([]),
    untouched: () => expect(emulator.state().projects).toHaveLength(1),
  },
];

// ----------------------------------------------------------------------------------------------------- the faults

/** A fault without its match (the operation supplies it); Omit spread over each kind of fault. */
type FaultSpec = (Fault extends infer F ? (F extends Fault ? Omit<F, 'match'> : never) : never) & {
  readonly label: string;
};

/** Transient faults, once: the operation still succeeds. */
const TRANSIENT: readonly FaultSpec[] = [
  { label: '500', kind: 'status', status: 500 },
  { label: '502', kind: 'status', status: 502 },
  { label: '503', kind: 'status', status: 503 },
  // Retry-After 1 s, capped by maxRetryDelayMs (5 ms) here; the wait itself is proved further down.
  { label: '429 with Retry-After', kind: 'status', status: 429, retryAfterSeconds: 1 },
  { label: 'connection reset', kind: 'reset' },
  { label: 'timeout (hang)', kind: 'hang' },
];

/** Fatal statuses: one request, the hint of the usual cause. */
const FATAL: ReadonlyArray<readonly [number, (op: Op) => RegExp]> = [
  [401, () => /HTTP 401.*check username and password.*"robot\$".*swallowed by shells/s],
  [
    403,
    (op) =>
      op.kind === 'robot'
        ? /HTTP 403.*robot accounts needs the projectAdmin role/s
        : /HTTP 403.*needs the projectAdmin role/s,
  ],
  [
    409,
    (op) =>
      op.action !== 'create'
        ? /HTTP 409.*changed at the same time.*refresh/s
        : op.kind === 'project'
          ? /already exists.*this stack did not create it.*project\.adopt: true/s
          : op.kind === 'member'
            ? /already exists in Harbor, and this stack did not add it/
            : /already exists in Harbor.*delete that robot in Harbor/s,
  ],
  [
    412,
    (op) =>
      op.kind === 'project' && op.action === 'delete'
        ? /still holds repositories.*forceDestroy: true/s
        : /HTTP 412.*precondition.*refresh/s,
  ],
];

async function prepare(op: Op): Promise<void> {
  await create(host, stack.slice(0, op.before));
  emulator.resetLog();
}

describe.each(OPS.map((op) => [`${op.action} ${op.kind}`, op] as const))('%s', (_name, op) => {
  test.each(TRANSIENT.map((f) => [f.label, f] as const))(
    '%s once: recovered, with the exact attempts',
    async (_label, fault) => {
      await prepare(op);
      if (fault.kind === 'hang') useTimeout(HANG_TIMEOUT_MS);
      const primary = op.primary();
      emulator.injectFault({ ...fault, match: op.match });
      await op.run();
      // Idempotent: the same request again. Create: the lookup first (nothing found), then the create again.
      expect(log()).toEqual([
        ...(op.lookup ? [primary, ...op.lookup(), primary] : [primary, primary]),
        ...(op.followUp?.() ?? []),
      ]);
      expect(emulator.requests[0].fault).toBe(fault.kind);
      op.applied();
      expectNoUnknownRobot();
    },
  );

  test('reset after the request was applied: recovered without doing it twice', async () => {
    await prepare(op);
    const primary = op.primary();
    emulator.injectFault({ kind: 'reset-after-commit', match: op.match });
    await op.run();
    if (op.lookup) {
      // The create happened: found by the lookup and taken (a robot gets a new secret: its first one was in the lost answer).
      expect(log()).toEqual([
        primary,
        ...op.lookup(),
        ...(op.kind === 'robot' ? [`PATCH /robots/${res('robot').id}`] : []),
      ]);
      expect(emulator.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
    } else {
      expect(log()).toEqual([primary, primary, ...(op.followUp?.() ?? [])]);
    }
    op.applied();
    expectNoUnknownRobot();
  });

  test('503 that never ends: bounded attempts, then a clear failure and nothing half-done', async () => {
    await prepare(op);
    const primary = op.primary();
    emulator.injectFault({ kind: 'status', status: 503, match: op.match, times: Infinity });
    const error = await outcome(op.run());
    const attempts = TUNING.maxRetries + 1;
    if (op.lookup) {
      expect(log()).toEqual(Array.from({ length: attempts }, () => [primary, ...op.lookup!()]).flat());
      expect(error?.message).toMatch(
        /HTTP 503.*after 3 attempts.*was not created: Harbor kept failing, and a lookup after each create.*nothing was left behind/s,
      );
    } else {
      expect(log()).toEqual(Array.from({ length: attempts }, () => primary));
      expect(error?.message).toMatch(/HTTP 503.*after 3 attempts.*transient/s);
    }
    // Only the message crosses the host to the engine (the error's retryable flag is the client's: client-retry.test.ts).
    op.untouched();
    expectNoUnknownRobot();
  });

  test.each(FATAL.map(([status, hint]) => [status, hint] as const))(
    '%i: fails at once, with the hint (one request; for a 403 on a project path, and the HEAD telling it from absence)',
    async (status, hint) => {
      await prepare(op);
      const primary = op.primary();
      emulator.injectFault({ kind: 'status', status, match: op.match });
      const error = await outcome(op.run());
      // A 403 on a project's path may be Harbor hiding a project that does not exist (base.go): one HEAD tells.
      const asksWhetherProjectExists = status === 403 && /^\S+ \/projects\/[^/]/.test(primary);
      expect(log()).toEqual(asksWhetherProjectExists ? [primary, 'HEAD /projects'] : [primary]);
      expect(error?.message).toMatch(hint(op));
      expect(error?.message).not.toContain(ADMIN_PASSWORD);
      op.untouched();
      expectNoUnknownRobot();
    },
  );
});

// ------------------------------------------------------------------------------------------- beyond the matrix

// Idempotent calls honouring Retry-After: test/harbor/client-retry.test.ts. Here: a create that got 429.
describe('Retry-After is honoured (up to maxRetryDelayMs)', () => {
  test('a create looks up at once, then waits Retry-After before creating again', async () => {
    stack = seedResources({ ...connection, maxRetryDelayMs: 2000 });
    emulator.injectFault({
      kind: 'status',
      status: 429,
      retryAfterSeconds: 1,
      match: { method: 'POST', path: /\/projects$/ },
    });
    const started = Date.now();
    await runCreate('project');
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(log()).toEqual(['POST /projects', 'GET /projects/k8s', 'POST /projects']);
  });
});

describe('a create whose answer was lost, and an object that this stack did not make', () => {
  test('a project owned by another user is not taken: create fails and asks to adopt; it stays untouched', async () => {
    const opsPassword = randomBytes(12).toString('hex');
    emulator.addUser('ops', opsPassword);
    const ops = new HarborClient({ url: server.url, username: 'ops', password: opsPassword });
    await ops.createProject({ name: 'k8s', public: true, autoScan: false, preventVul: false });
    await ops.close();
    emulator.resetLog();
    // The POST never reaches Harbor (otherwise Harbor would answer 409): the lookup finds ops' project.
    emulator.injectFault({ kind: 'reset', match: { method: 'POST', path: /\/projects$/ } });
    const error = await outcome(runCreate('project'));
    expect(error?.message).toMatch(
      /failed without a clear answer.*cannot tell it created \(owner "ops".*set project\.adopt: true/s,
    );
    expect(log()).toEqual(['POST /projects', 'GET /projects/k8s']);
    expect(emulator.state().projects.map((p) => [p.name, p.ownerName, p.metadata.public])).toEqual([
      ['k8s', 'ops', 'true'],
    ]);
    expect(res('project').id).toBeUndefined();
  });

  test('a project of the same user but created before the create was sent is not taken either', async () => {
    let offsetMs = -3_600_000;
    await server.close();
    emulator = new HarborEmulator({ adminPassword: ADMIN_PASSWORD, now: () => Date.now() + offsetMs });
    server = await startEmulatorServer(emulator);
    connection = { ...connection, url: server.url };
    stack = seedResources(connection);
    const admin = new HarborClient({ url: server.url, username: 'admin', password: ADMIN_PASSWORD });
    await admin.createProject({ name: 'k8s', public: false, autoScan: true, preventVul: false }); // an hour ago
    await admin.close();
    offsetMs = 0;
    emulator.resetLog();
    emulator.injectFault({ kind: 'status', status: 502, match: { method: 'POST', path: /\/projects$/ } });
    const error = await outcome(runCreate('project'));
    expect(error?.message).toMatch(/cannot tell it created \(owner "admin", created \d{4}-.*project\.adopt: true/s);
    expect(log()).toEqual(['POST /projects', 'GET /projects/k8s']);
    expect(emulator.state().projects).toHaveLength(1);
  });

  test('a robot with other settings is not taken (no PATCH, no DELETE): create fails like a 409', async () => {
    await create(host, stack.slice(0, 2));
    const admin = new HarborClient({ url: server.url, username: 'admin', password: ADMIN_PASSWORD });
    const theirs = await admin.createRobot({
      name: 'coredns-pull',
      description: 'made by hand',
      duration: 30,
      level: 'project',
      permissions: res('robot').inputs.permissions,
    });
    await admin.close();
    emulator.resetLog();
    emulator.injectFault({ kind: 'reset', match: { method: 'POST', path: /\/robots$/ } });
    const error = await outcome(runCreate('robot'));
    expect(error?.message).toMatch(
      /already exists in Harbor.*delete that robot.*robot\$k8s\+coredns-pull \(id \d+\) exists but was not made by it/s,
    );
    expect(log()).toEqual(['POST /robots', 'GET /projects/k8s', 'GET /robots']);
    expect(emulator.state().robots.map((r) => [r.id, r.description])).toEqual([[theirs.id, 'made by hand']]);
    expect(emulator.authorize(theirs.name, theirs.secret, 'k8s')).toEqual(['pull']);
  });

  test('a robot created but whose new secret cannot be had is deleted again: nothing unknown is left', async () => {
    await create(host, stack.slice(0, 2));
    emulator.resetLog();
    emulator.injectFault({ kind: 'reset-after-commit', match: { method: 'POST', path: /\/robots$/ } });
    emulator.injectFault({ kind: 'status', status: 403, match: { method: 'PATCH', path: /\/robots\/\d+$/ } });
    const error = await outcome(runCreate('robot'));
    expect(error?.message).toMatch(
      /secret was lost.*getting a new secret failed, so the robot was deleted again.*run "pulumi up" again.*HTTP 403/s,
    );
    expect(log()).toEqual([
      'POST /robots',
      'GET /projects/k8s',
      'GET /robots',
      expect.stringMatching(/^PATCH \/robots\/\d+$/),
      expect.stringMatching(/^DELETE \/robots\/\d+$/),
    ]);
    expect(emulator.state().robots).toEqual([]);
    expectNoUnknownRobot();
  });

  test('an ambiguous secret refresh is repeated (harmless for a robot nobody uses yet); the last secret works', async () => {
    await create(host, stack.slice(0, 2));
    emulator.resetLog();
    emulator.injectFault({ kind: 'reset-after-commit', match: { method: 'POST', path: /\/robots$/ } });
    emulator.injectFault({ kind: 'reset-after-commit', match: { method: 'PATCH', path: /\/robots\/\d+$/ } });
    await runCreate('robot');
    expect(log()).toEqual([
      'POST /robots',
      'GET /projects/k8s',
      'GET /robots',
      `PATCH /robots/${res('robot').id}`,
      `PATCH /robots/${res('robot').id}`,
    ]);
    expect(emulator.authorize(res('robot').outs!.fullName, res('robot').outs!.secret, 'k8s')).toEqual(['pull']);
    expectNoUnknownRobot();
  });

  test('a member found after a lost answer is taken, and its role set with a PUT (never a second POST)', async () => {
    await create(host, stack.slice(0, 1));
    // Added by hand as guest; the stack asks for developer. The POST never reaches Harbor (else: 409).
    const admin = new HarborClient({ url: server.url, username: 'admin', password: ADMIN_PASSWORD });
    await admin.addMember('k8s', { kind: 'user', name: 'k8s-puller' }, 'guest');
    await admin.close();
    res('member').inputs = { ...res('member').inputs, role: 'developer' };
    emulator.resetLog();
    emulator.injectFault({ kind: 'reset', match: { method: 'POST', path: /\/members$/ } });
    emulator.injectFault({ kind: 'status', status: 500, match: { method: 'GET', path: /\/members$/ } });
    await runCreate('member');
    expect(log()).toEqual([
      'POST /projects/k8s/members',
      'GET /projects/k8s/members',
      'GET /projects/k8s/members',
      `PUT /projects/k8s/members/${res('member').id}`,
    ]);
    expect(member()).toMatchObject({ id: Number(res('member').id), roleId: 2 });
  });
});

test('a timeout that never ends is bounded too (3 attempts of timeoutMs) and says what to do', async () => {
  await create(host, stack);
  useTimeout(HANG_TIMEOUT_MS);
  emulator.resetLog();
  emulator.injectFault({ kind: 'hang', match: { method: 'GET', path: /\/robots\/\d+$/ }, times: Infinity });
  const error = await outcome(host.read(res('robot').id!, res('robot').outs));
  expect(error?.message).toMatch(/TIMEOUT.*after 3 attempts.*raise timeoutMs for a slow Harbor/s);
  expect(log()).toEqual(Array.from({ length: 3 }, () => `GET /robots/${res('robot').id}`));
});

describe('the policy itself (no Harbor)', () => {
  const policy = { maxRetries: 2, retryBaseDelayMs: 1, maxRetryDelayMs: 1 };
  const ambiguous = (): HarborApiError =>
    new HarborApiError({ method: 'POST', path: '/robots', code: 'UND_ERR_SOCKET', retryable: false });
  const conflict = (): HarborApiError =>
    new HarborApiError({ method: 'POST', path: '/robots', status: 409, retryable: false });

  test('classifies failed writes', () => {
    expect(writeOutcome(ambiguous())).toBe('unknown');
    expect(writeOutcome(new HarborApiError({ method: 'POST', path: '/p', code: 'TIMEOUT', retryable: false }))).toBe(
      'unknown',
    );
    expect(
      writeOutcome(new HarborApiError({ method: 'POST', path: '/p', code: 'ECONNREFUSED', retryable: true })),
    ).toBe('not-applied');
    expect(
      writeOutcome(
        new HarborApiError({ method: 'POST', path: '/p', code: 'DEPTH_ZERO_SELF_SIGNED_CERT', retryable: false }),
      ),
    ).toBe('failed');
    expect(
      [429, 500, 502, 503, 504, 400, 401, 403, 404, 409, 412].map((status) =>
        writeOutcome(new HarborApiError({ method: 'POST', path: '/p', status, retryable: false })),
      ),
    ).toEqual([
      'unknown',
      'unknown',
      'unknown',
      'unknown',
      'unknown',
      'failed',
      'failed',
      'failed',
      'failed',
      'failed',
      'failed',
    ]);
    expect(writeOutcome(new Error('not from Harbor'))).toBe('failed');
  });

  test('a 409 after an unknown outcome may be our own late create: it is looked up, not reported as a conflict', async () => {
    const calls: string[] = [];
    const result = await createChecked({
      what: 'thing',
      policy,
      // The first create times out, and Harbor finishes it only after the lookup: the second create meets it (409).
      create: async () => {
        calls.push('create');
        throw calls.length === 1 ? ambiguous() : conflict();
      },
      lookup: async () => {
        const exists = calls.length > 2;
        calls.push(`lookup:${exists}`);
        return exists ? 'found' : undefined;
      },
    });
    expect(calls).toEqual(['create', 'lookup:false', 'create', 'lookup:true']);
    expect(result).toMatchObject({ kind: 'found', value: 'found', attempts: 2 });
  });

  test('a refused create (not ambiguous) is thrown after one call, without a lookup', async () => {
    const calls: string[] = [];
    const error = await outcome(
      createChecked({
        what: 'thing',
        policy,
        create: async () => {
          calls.push('create');
          throw conflict();
        },
        lookup: async () => {
          calls.push('lookup');
          return 'x';
        },
      }),
    );
    expect(calls).toEqual(['create']);
    expect((error as HarborApiError).status).toBe(409);
  });

  test('creates that never left (nothing listens) end with the connection fix, and claim no lookup', async () => {
    const calls: string[] = [];
    const refused = (): HarborApiError =>
      new HarborApiError({
        method: 'POST',
        path: '/projects',
        origin: 'http://127.0.0.1:9',
        code: 'ECONNREFUSED',
        retryable: true,
      });
    const error = (await outcome(
      createChecked({
        what: 'Harbor project "app"',
        policy,
        create: async () => {
          calls.push('create');
          throw refused();
        },
        lookup: async () => {
          calls.push('lookup');
          return undefined;
        },
      }),
    )) as HarborApiError;
    expect(calls).toEqual(['create', 'create', 'create']);
    expect(error.hint).toBe(
      'Harbor project "app" was not created: Harbor at http://127.0.0.1:9 could not be reached (ECONNREFUSED); no ' +
        'request was sent, so nothing was left behind: check url and that Harbor is running',
    );
    // One create that may have reached Harbor among them: the lookup is what the hint reports.
    calls.length = 0;
    const mixed = (await outcome(
      createChecked({
        what: 'Harbor project "app"',
        policy,
        create: async () => {
          calls.push('create');
          throw calls.length === 1 ? ambiguous() : refused();
        },
        lookup: async () => {
          calls.push('lookup');
          return undefined;
        },
      }),
    )) as HarborApiError;
    expect(calls).toEqual(['create', 'lookup', 'create', 'create']);
    expect(mixed.hint).toMatch(/a lookup after each create that may have reached it found nothing/);
  });

  test('a lookup that fails says the object may exist', async () => {
    const error = await outcome(
      createChecked({
        what: 'Harbor robot "r"',
        policy,
        create: async () => {
          throw ambiguous();
        },
        lookup: async () => {
          throw new Error('lookup down');
        },
      }),
    );
    expect(error?.message).toMatch(
      /Harbor robot "r": the create failed without a clear answer.*lookup down.*may exist in Harbor now/s,
    );
  });

  test("createdWithin compares on Harbor's clock: a skewed local clock does not matter, an older object is not ours", () => {
    const skew = 7 * 3600_000; // Harbor is 7 h ahead of this machine
    const since = 1_000_000;
    const now = since + 3000;
    const harborNow = now + skew;
    expect(createdWithin(since + skew + 100, { harborTimeMs: harborNow }, since, now)).toBe(true);
    expect(createdWithin(since + skew - 60_000, { harborTimeMs: harborNow }, since, now)).toBe(false);
    expect(createdWithin(harborNow + 60_000, { harborTimeMs: harborNow }, since, now)).toBe(false);
    expect(createdWithin(since + skew, {}, since, now)).toBe(false);
    expect(createdWithin(undefined, { harborTimeMs: harborNow }, since, now)).toBe(false);
  });
});
