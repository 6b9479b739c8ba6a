/**
 * The Harbor client against the lab's swagger-checked Harbor emulator: the full project / member / robot lifecycle,
 * Harbor's quirks (all-digit names, shuffled permissions, 412, secrets shown once) and injected faults.
 * Every test ends with `contractViolations` empty: no request the client sent broke Harbor's swagger.
 */
import { randomBytes } from 'node:crypto';
import { type HarborClientOptions, type RobotPermission } from '../../lib/harbor';
import { samePermissions } from '../../lib/harbor/permissions';
import { HarborEmulator, startEmulatorServer } from '../lab/harbor-emulator';
import { failure } from './failure';
import { LabHarborClient } from '../lab/lab-client';

const ADMIN_PASSWORD = randomBytes(12).toString('hex');

let emulator: HarborEmulator;
let server: { url: string; close(): Promise<void> };
const clients: LabHarborClient[] = [];

function client(extra: Partial<HarborClientOptions> = {}): LabHarborClient {
  const c = new LabHarborClient({
    url: server.url,
    username: 'admin',
    password: ADMIN_PASSWORD,
    retryBaseDelayMs: 1,
    ...extra,
  });
  clients.push(c);
  return c;
}

function pullOn(project: string): RobotPermission[] {
  return [{ kind: 'project', namespace: project, access: [{ resource: 'repository', action: 'pull' }] }];
}

beforeAll(async () => {
  emulator = new HarborEmulator({ adminPassword: ADMIN_PASSWORD });
  emulator.addUser('alice');
  emulator.addGroup('devs', 1);
  server = await startEmulatorServer(emulator);
});
afterEach(() => {
  emulator.clearFaults();
  expect(emulator.contractViolations).toEqual([]);
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await server?.close();
});

it('project lifecycle: create, exists, get, conflict, update, 412 with repositories, delete', async () => {
  const h = client();
  const { id } = await h.createProject({
    name: 'shop',
    public: false,
    autoScan: true,
    preventVul: false,
    storageLimitBytes: -1,
  });
  expect(id).toBe(emulator.state().projects.find((p) => p.name === 'shop')?.id);
  await expect(h.projectExists('shop')).resolves.toBe(true);
  await expect(h.projectExists('shop2')).resolves.toBe(false);
  await expect(h.getProject('shop')).resolves.toMatchObject({
    id,
    name: 'shop',
    public: false,
    autoScan: true,
    preventVul: false,
  });

  const dup = await failure(h.createProject({ name: 'shop', public: false, autoScan: false, preventVul: false }));
  expect(dup.status).toBe(409);
  expect(dup.hint).toMatch(/adopt/);

  await h.updateProject('shop', { name: 'shop', public: true, autoScan: false, preventVul: true });
  await expect(h.getProject('shop')).resolves.toMatchObject({ public: true, autoScan: false, preventVul: true });

  emulator.addRepository('shop', 'web');
  const busy = await failure(h.deleteProject('shop'));
  expect(busy.status).toBe(412);
  expect(busy.hint).toMatch(/repositories/);
  emulator.removeRepository('shop', 'web');
  await h.deleteProject('shop');
  await expect(h.getProject('shop')).resolves.toBeUndefined();
  await expect(h.deleteProject('shop')).resolves.toBeUndefined(); // already gone
});

it('an all-digit project name is addressed by name, not taken for an id', async () => {
  const h = client();
  await h.createProject({ name: 'decoy', public: false, autoScan: false, preventVul: false });
  const { id } = await h.createProject({ name: '1', public: false, autoScan: false, preventVul: false });
  expect(id).not.toBe(1); // id 1 belongs to another project ('shop' or 'decoy'): a mix-up would show here
  await expect(h.getProject('1')).resolves.toMatchObject({ id, name: '1' });
  await h.addMember('1', { kind: 'user', name: 'alice' }, 'guest');
  expect((await h.listMembers('1')).map((m) => m.entityName).sort()).toEqual(['admin', 'alice']);
  await h.deleteProject('1');
  await expect(h.projectExists('1')).resolves.toBe(false);
  await expect(h.getProject('decoy')).resolves.toMatchObject({ name: 'decoy' });
});

it('member lifecycle: add user and group, list, find, change role, remove', async () => {
  const h = client();
  await h.createProject({ name: 'team', public: false, autoScan: false, preventVul: false });
  const { id: mid } = await h.addMember('team', { kind: 'user', name: 'alice' }, 'limitedGuest');
  const { id: gid } = await h.addMember('team', { kind: 'group', name: 'devs', groupType: 1 }, 'developer');
  const members = await h.listMembers('team');
  expect(members.map((m) => [m.entityName, m.entityType, m.role]).sort()).toEqual([
    ['admin', 'u', 'projectAdmin'],
    ['alice', 'u', 'limitedGuest'],
    ['devs', 'g', 'developer'],
  ]);
  await expect(h.findMember('team', { kind: 'user', name: 'alice' })).resolves.toMatchObject({
    id: mid,
    role: 'limitedGuest',
  });
  await expect(h.findMember('team', { kind: 'group', name: 'devs' })).resolves.toMatchObject({ id: gid });
  await expect(h.findMember('team', { kind: 'group', name: 'alice' })).resolves.toBeUndefined();

  const dup = await failure(h.addMember('team', { kind: 'user', name: 'alice' }, 'guest'));
  expect(dup.status).toBe(409);

  await h.updateMemberRole('team', mid, 'maintainer');
  await expect(h.findMember('team', { kind: 'user', name: 'alice' })).resolves.toMatchObject({ role: 'maintainer' });
  await h.removeMember('team', mid);
  await expect(h.findMember('team', { kind: 'user', name: 'alice' })).resolves.toBeUndefined();
});

it('listMembers follows paging past 100 members', async () => {
  const h = client();
  await h.createProject({ name: 'crowd', public: false, autoScan: false, preventVul: false });
  for (let i = 0; i < 104; i++) {
    emulator.addUser(`crowd-user-${i}`);
    await h.addMember('crowd', { kind: 'user', name: `crowd-user-${i}` }, 'guest');
  }
  emulator.resetLog();
  const members = await h.listMembers('crowd');
  expect(members).toHaveLength(105); // + the creator
  expect(new Set(members.map((m) => m.id)).size).toBe(105);
  expect(emulator.requests.filter((r) => r.method === 'GET')).toHaveLength(2);
});

it('robot lifecycle: create (secret once), get, list, permissions as sets, update, refresh, delete', async () => {
  const h = client();
  const { id: projectId } = await h.createProject({ name: 'app', public: false, autoScan: false, preventVul: false });
  const spec = {
    name: 'puller',
    description: 'pull only',
    duration: 30,
    level: 'project' as const,
    permissions: [
      {
        kind: 'project' as const,
        namespace: 'app',
        access: [
          { resource: 'repository', action: 'pull' },
          { resource: 'artifact', action: 'read' },
          { resource: 'tag', action: 'list' },
        ],
      },
    ],
  };
  const created = await h.createRobot(spec);
  expect(created.name).toBe('robot$app+puller');
  expect(created.secret.length).toBeGreaterThanOrEqual(8);
  expect(emulator.authorize(created.name, created.secret, 'app')).toEqual(['pull']);

  const robot = await h.getRobot(created.id);
  expect(robot).toMatchObject({
    id: created.id,
    name: 'robot$app+puller',
    description: 'pull only',
    duration: 30,
    disabled: false,
    level: 'project',
  });
  expect(JSON.stringify(robot)).not.toContain(created.secret);
  expect(samePermissions(robot?.permissions ?? [], spec.permissions)).toBe(true);
  // The emulator shuffles order and effect on every GET; normalised reads are stable.
  const again = await h.getRobot(created.id);
  expect(again?.permissions).toEqual(robot?.permissions);

  const listed = await h.listProjectRobots(projectId);
  expect(listed.map((r) => r.name)).toEqual(['robot$app+puller']);

  const dup = await failure(h.createRobot(spec));
  expect(dup.status).toBe(409);

  await h.updateRobot(created.id, {
    name: created.name,
    description: 'disabled now',
    duration: 30,
    level: 'project',
    disable: true,
    permissions: pullOn('app'),
  });
  const updated = await h.getRobot(created.id);
  expect(updated).toMatchObject({ description: 'disabled now', disabled: true });
  expect(samePermissions(updated?.permissions ?? [], pullOn('app'))).toBe(true);
  expect(emulator.authorize(created.name, created.secret, 'app')).toEqual([]);
  await h.updateRobot(created.id, {
    name: created.name,
    duration: 30,
    level: 'project',
    disable: false,
    permissions: pullOn('app'),
  });

  const fresh = await h.refreshRobotSecret(created.id);
  expect(fresh).not.toBe(created.secret);
  expect(emulator.authorize(created.name, fresh, 'app')).toEqual(['pull']);
  expect(emulator.authorize(created.name, created.secret, 'app')).toEqual([]);

  await h.deleteRobot(created.id);
  await expect(h.getRobot(created.id)).resolves.toBeUndefined();
  await expect(h.deleteRobot(created.id)).resolves.toBeUndefined();
  await expect(h.listProjectRobots(projectId)).resolves.toEqual([]);
});

it('bad credentials: 401 with the credentials hint, not retried', async () => {
  emulator.resetLog();
  const err = await failure(client({ password: 'placeholder-not-a-secret' }).getProject('app'));
  expect(err.status).toBe(401);
  expect(err.hint).toMatch(/username and password/);
  expect(err.message).not.toContain('placeholder-not-a-secret');
  expect(emulator.requests).toHaveLength(1);
});

describe('robot rotation and renewal (setRobotSecret, renewRobot)', () => {
  const DAY = 86_400_000;
  let clock = Date.UTC(2031, 5, 1);
  let timed: HarborEmulator;
  let timedServer: { url: string; close(): Promise<void> };
  let h: LabHarborClient;

  beforeAll(async () => {
    timed = new HarborEmulator({ adminPassword: ADMIN_PASSWORD, now: () => clock });
    timedServer = await startEmulatorServer(timed);
    h = new LabHarborClient({ url: timedServer.url, username: 'admin', password: ADMIN_PASSWORD, retryBaseDelayMs: 1 });
    clients.push(h);
    await h.createProject({ name: 'app', public: false, autoScan: false, preventVul: false });
  });
  afterEach(() => expect(timed.contractViolations).toEqual([]));
  afterAll(async () => timedServer?.close());

  it("setRobotSecret sets a chosen secret (the old one fails at once), checked against Harbor's rule first", async () => {
    const r = await h.createRobot({ name: 'chosen', duration: 10, level: 'project', permissions: pullOn('app') });
    const chosen = `Ch0sen${randomBytes(6).toString('hex')}`;
    await h.setRobotSecret(r.id, chosen);
    expect(timed.authorize(r.name, chosen, 'app')).toEqual(['pull']);
    expect(timed.authorize(r.name, r.secret, 'app')).toEqual([]);
    expect((await h.getRobot(r.id))?.expiresAt).toBe(r.expiresAt);
    timed.resetLog();
    for (const weak of ['Sh0rt', 'nouppercase1', 'NOLOWERCASE1', 'NoDigitsAtAll', `Aa1${'\u00e9'.repeat(63)}`]) {
      const err = (await h.setRobotSecret(r.id, weak).catch((e: unknown) => e)) as Error;
      expect(err).toBeInstanceOf(TypeError);
      expect(err.message).toMatch(/8 to 128 bytes .* upper-case .* lower-case .* digit/);
      expect(err.message).not.toContain(weak);
    }
    expect(timed.requests).toEqual([]);
  });

  it('renewRobot moves expires_at to creation + duration with one GET and one PUT; the secret stays', async () => {
    const created = clock;
    const r = await h.createRobot({ name: 'finite', duration: 30, level: 'project', permissions: pullOn('app') });
    clock += 25 * DAY;
    timed.resetLog();
    const renewed = await h.renewRobot(r.id, 90);
    expect(renewed).toMatchObject({ id: r.id, name: r.name, duration: 90, expiresAt: created / 1000 + 90 * 86400 });
    expect(timed.requests.map((q) => `${q.method} ${q.path}`)).toEqual([
      `GET /api/v2.0/robots/${r.id}`,
      `PUT /api/v2.0/robots/${r.id}`,
      `GET /api/v2.0/robots/${r.id}`,
    ]);
    expect(timed.authorize(r.name, r.secret, 'app')).toEqual(['pull']);
    await expect(h.renewRobot(r.id, -1)).resolves.toMatchObject({ expiresAt: -1 });
  });

  it('renewRobot refuses, before the PUT, the same duration and one that does not exceed the age', async () => {
    const r = await h.createRobot({ name: 'aged', duration: 30, level: 'project', permissions: pullOn('app') });
    clock += 40 * DAY;
    timed.resetLog();
    await expect(h.renewRobot(r.id, 30)).rejects.toThrow(/already has a duration of 30 days.*only when the/);
    await expect(h.renewRobot(r.id, 40)).rejects.toThrow(/created 40 days ago .* 40 days would leave it expired.* 70/);
    await expect(h.renewRobot(r.id, 0)).rejects.toThrow(/-1 \(never expires\) or a positive number of DAYS/);
    expect(timed.requests.filter((q) => q.write)).toEqual([]);
    // The expired robot is still there: renewing it lets its secret log in again.
    expect(timed.authorize(r.name, r.secret, 'app')).toEqual([]);
    await h.renewRobot(r.id, 41);
    expect(timed.authorize(r.name, r.secret, 'app')).toEqual(['pull']);
    const gone = await failure(h.renewRobot(999, 10));
    expect(gone.status).toBe(404);
  });

  it("inspectRobot reads a robot with Harbor's clock (its Date), so its age is judged on Harbor's time", async () => {
    const r = await h.createRobot({ name: 'inspected', duration: 30, level: 'project', permissions: pullOn('app') });
    const createdAt = clock;
    clock += 3 * DAY + 5000;
    const seen = await h.inspectRobot(r.id);
    expect(seen.found).toMatchObject({ id: r.id, name: r.name, duration: 30, creationTime: createdAt });
    expect(seen.harborTimeMs).toBe(Math.floor(clock / 1000) * 1000);
    await expect(h.inspectRobot(999)).resolves.toEqual({ found: undefined, harborTimeMs: expect.any(Number) });
  });
});

describe('faults', () => {
  it('GET retries a 503 with Retry-After 0 and a connection reset, then succeeds', async () => {
    emulator.resetLog();
    emulator.injectFault({
      kind: 'status',
      status: 503,
      retryAfterSeconds: 0,
      match: { method: 'GET', path: /\/projects\/app$/ },
    });
    emulator.injectFault({ kind: 'reset', match: { method: 'GET', path: /\/projects\/app$/ } });
    await expect(client().getProject('app')).resolves.toMatchObject({ name: 'app' });
    expect(emulator.requests.map((r) => [r.status, r.fault])).toEqual([
      [503, 'status'],
      [0, 'reset'],
      [200, undefined],
    ]);
  });

  it('POST /robots reset after commit: not retried, retryable=false, and the robot is found before re-creating', async () => {
    const h = client();
    const { id: projectId } = await h.getProject('app').then((p) => ({ id: p?.id ?? -1 }));
    emulator.resetLog();
    emulator.injectFault({ kind: 'reset-after-commit', match: { method: 'POST', path: /\/robots$/ } });
    const err = await failure(
      h.createRobot({ name: 'ci', duration: -1, level: 'project', permissions: pullOn('app') }),
    );
    expect(err.retryable).toBe(false);
    expect(err.hint).toMatch(/may have been applied/);
    expect(emulator.writes()).toBe(1);
    // What a caller does next: look before re-creating. The robot exists, its secret is lost: refresh it.
    const [robot] = (await h.listProjectRobots(projectId)).filter((r) => r.name === 'robot$app+ci');
    expect(robot).toBeDefined();
    const secret = await h.refreshRobotSecret(robot.id);
    expect(emulator.authorize('robot$app+ci', secret, 'app')).toEqual(['pull']);
  });

  it('POST 503 is not retried; PATCH reset is not retried', async () => {
    const h = client();
    emulator.resetLog();
    emulator.injectFault({ kind: 'status', status: 503, match: { method: 'POST' } });
    await failure(h.addMember('app', { kind: 'user', name: 'alice' }, 'guest'));
    emulator.injectFault({ kind: 'reset', match: { method: 'PATCH' } });
    const robots = await h.listProjectRobots((await h.getProject('app'))?.id ?? -1);
    await failure(h.refreshRobotSecret(robots[0].id));
    expect(emulator.requests.filter((r) => r.write).map((r) => r.method)).toEqual(['POST', 'PATCH']);
  });

  it('DELETE reset after commit: the retry finds it gone and succeeds', async () => {
    const h = client();
    await h.createProject({ name: 'tmp', public: false, autoScan: false, preventVul: false });
    emulator.resetLog();
    emulator.injectFault({ kind: 'reset-after-commit', match: { method: 'DELETE', path: /\/projects\/tmp$/ } });
    await h.deleteProject('tmp');
    expect(emulator.requests.map((r) => [r.method, r.status, r.fault])).toEqual([
      ['DELETE', 200, 'reset-after-commit'],
      ['DELETE', 404, undefined],
    ]);
    await expect(h.projectExists('tmp')).resolves.toBe(false);
  });

  it('a hanging GET times out and is retried', async () => {
    emulator.resetLog();
    emulator.injectFault({ kind: 'hang', match: { method: 'GET', path: /\/robots\/\d+$/ } });
    const robots = await client().listProjectRobots((await client().getProject('app'))?.id ?? -1);
    // 1 s: the retry's real answer must arrive within it, which a busy machine does not guarantee for 100 ms.
    await expect(client({ timeoutMs: 1000 }).getRobot(robots[0].id)).resolves.toMatchObject({ id: robots[0].id });
    expect(emulator.requests.filter((r) => /\/robots\/\d+$/.test(r.path)).map((r) => r.fault)).toEqual([
      'hang',
      undefined,
    ]);
  });

  it('persistent 429 ends in a retryable error after maxRetries + 1 attempts', async () => {
    emulator.resetLog();
    emulator.injectFault({ kind: 'status', status: 429, match: { method: 'HEAD' }, times: Infinity });
    const err = await failure(client({ maxRetries: 2 }).projectExists('app'));
    expect(err.status).toBe(429);
    expect(err.retryable).toBe(true);
    expect(emulator.requests).toHaveLength(3);
  });
});

it('uses the full name Harbor returns with a configured robot prefix', async () => {
  const custom = new HarborEmulator({ adminPassword: ADMIN_PASSWORD, robotNamePrefix: 'bot-' });
  const srv = await startEmulatorServer(custom);
  const h = new LabHarborClient({ url: srv.url, username: 'admin', password: ADMIN_PASSWORD });
  try {
    await h.createProject({ name: 'app', public: false, autoScan: false, preventVul: false });
    const created = await h.createRobot({ name: 'puller', duration: -1, level: 'project', permissions: pullOn('app') });
    expect(created.name).toBe('bot-app+puller');
    await expect(h.getRobot(created.id)).resolves.toMatchObject({ name: 'bot-app+puller' });
    expect(custom.contractViolations).toEqual([]);
  } finally {
    await h.close();
    await srv.close();
  }
});
