/**
 * Where the lab's Harbor emulator used to be kinder than Harbor 2.15, checked against what Harbor's own source does
 * (goharbor/harbor v2.15.2; each test names the file and function). test/lab/FIDELITY.md lists each behaviour, its
 * source and its test here; the library's side of each is tested through the Pulumi providers and the CLI
 * (test/pulumi/project-admin.test.ts, test/preflight/preflight-cli.test.ts).
 */
import { randomBytes } from 'node:crypto';
import type { EmulatorConfiguration } from './harbor-emulator';
import { emulatorPerTest } from './emulator-per-test';
import { createPki, type LabPki } from './pki';
import { createTokenHandler } from './token-service';

interface ApiResult {
  status: number;
  json: any;
}

const API = '/api/v2.0';
const pw = (who: string): string => `${who}-Pw1-${randomBytes(6).toString('hex')}`;
const ADMIN: [string, string] = ['admin', pw('admin')];
const PADMIN: [string, string] = ['padmin', pw('padmin')];
const DEV: [string, string] = ['dev', pw('dev')];
const GUEST: [string, string] = ['guest', pw('guest')];
const LIMITED: [string, string] = ['limited', pw('limited')];
const byName = { 'X-Is-Resource-Name': 'true' };

/** Each test starts its own, with its configuration ({@link start}). */
const emu = emulatorPerTest();

async function call(
  method: string,
  path: string,
  opts: { auth?: [string, string] | null; body?: unknown; headers?: Record<string, string> } = {},
): Promise<ApiResult> {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  const auth = opts.auth === undefined ? ADMIN : opts.auth;
  if (auth) headers.Authorization = `Basic ${Buffer.from(`${auth[0]}:${auth[1]}`).toString('base64')}`;
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(`${emu.url}${API}${path}`, {
    method,
    headers,
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
  });
  const text = await res.text();
  return { status: res.status, json: text === '' ? undefined : JSON.parse(text) };
}

const pull = (project: string, access = [{ resource: 'repository', action: 'pull' }]) => ({
  name: 'puller',
  level: 'project',
  duration: -1,
  permissions: [{ kind: 'project', namespace: project, access }],
});

/** A Harbor with project `app` (created by admin), `padmin` its projectAdmin, and `dev`, `guest`, `limited` members. */
async function start(configuration: Partial<EmulatorConfiguration> = {}): Promise<void> {
  await emu.start({ adminPassword: ADMIN[1], configuration });
  emu.emulator.addProjectAdmin('app', ...PADMIN);
  for (const [[user, password], role] of [
    [DEV, 2],
    [GUEST, 3],
    [LIMITED, 5],
  ] as const) {
    emu.emulator.addUser(user, password);
    const r = await call('POST', '/projects/app/members', {
      headers: byName,
      body: { role_id: role, member_user: { username: user } },
    });
    expect(r.status).toBe(201);
  }
}

describe('a login that is not a system administrator gets 403, not 404, for a project that does not exist', () => {
  beforeEach(() => start());

  // src/server/v2.0/handler/base.go HasProjectPermission / RequireProjectAccess: the missing project becomes project 0.
  test.each([
    ['GET', '/projects/gone'],
    ['PUT', '/projects/gone'],
    ['DELETE', '/projects/gone'],
    ['GET', '/projects/gone/summary'],
    ['GET', '/projects/gone/members'],
    ['POST', '/projects/gone/members'],
    ['DELETE', '/projects/gone/members/1'],
    ['GET', '/projects/gone/repositories/app/artifacts/1.0'],
  ])('%s %s: 403 to a projectAdmin of another project, 404 to the system administrator', async (method, path) => {
    const body = method === 'PUT' ? { metadata: {} } : method === 'POST' ? { role_id: 2 } : undefined;
    expect((await call(method, path, { auth: PADMIN, headers: byName, body })).status).toBe(403);
    expect((await call(method, path, { headers: byName, body })).status).toBe(404);
  });

  test('by id too; the robot list of an unknown project id is 403, and an empty list to the administrator', async () => {
    expect((await call('GET', '/projects/99', { auth: PADMIN })).status).toBe(403);
    expect((await call('DELETE', '/projects/99', { auth: PADMIN })).status).toBe(403);
    expect((await call('GET', '/projects/99')).status).toBe(404);
    const q = '/robots?q=Level%3Dproject%2CProjectID%3D99';
    expect((await call('GET', q, { auth: PADMIN })).status).toBe(403);
    expect(await call('GET', q)).toEqual({ status: 200, json: [] });
    // Creating a robot there: 403 (robot.go CreateRobot requireAccess), 404 to the administrator (robot.SetProject).
    expect((await call('POST', '/robots', { auth: PADMIN, body: pull('gone') })).status).toBe(403);
    expect((await call('POST', '/robots', { body: pull('gone') })).status).toBe(404);
    // Anybody may ask whether the name exists (project.go HeadProject): that tells the 403s apart.
    expect((await call('HEAD', '/projects?project_name=gone', { auth: PADMIN })).status).toBe(404);
    expect((await call('HEAD', '/projects?project_name=app', { auth: PADMIN })).status).toBe(200);
  });

  test('the projectAdmin login manages its own project: members, robots; not the project of another', async () => {
    expect((await call('GET', '/projects/app', { auth: PADMIN, headers: byName })).status).toBe(200);
    const robot = await call('POST', '/robots', { auth: PADMIN, body: pull('app') });
    expect(robot.status).toBe(201);
    expect((await call('DELETE', `/robots/${robot.json.id}`, { auth: PADMIN })).status).toBe(200);
    await call('POST', '/projects', { body: { project_name: 'other' } });
    expect((await call('GET', '/projects/other', { auth: PADMIN, headers: byName })).status).toBe(403);
    // A robot that is gone: 404 to anybody (robot.go DeleteRobot reads it before any permission check).
    expect((await call('DELETE', `/robots/${robot.json.id}`, { auth: PADMIN })).status).toBe(404);
  });
});

describe('robot permissions are validated against PoliciesMap (src/server/v2.0/handler/robot.go validate)', () => {
  beforeEach(() => start());

  test.each([
    ['repository', '*'],
    ['bogus', 'fly'],
    ['tag', 'read'],
  ])(
    '%s:%s is 400 "bad request permission: <resource>:<action>", on create and on update',
    async (resource, action) => {
      const access = [{ resource, action }];
      expect(await call('POST', '/robots', { body: pull('app', access) })).toEqual({
        status: 400,
        json: { errors: [{ code: 'BAD_REQUEST', message: `bad request permission: ${resource}:${action}` }] },
      });
      const made = await call('POST', '/robots', { body: pull('app') });
      const put = await call('PUT', `/robots/${made.json.id}`, {
        body: { ...pull('app', access), name: made.json.name },
      });
      expect([put.status, put.json.errors[0].message]).toEqual([400, `bad request permission: ${resource}:${action}`]);
    },
  );

  test('tag:list, artifact:read and push are fine; an unknown kind is refused', async () => {
    const access = [
      { resource: 'tag', action: 'list' },
      { resource: 'artifact', action: 'read' },
      { resource: 'repository', action: 'push' },
    ];
    expect((await call('POST', '/robots', { body: pull('app', access) })).status).toBe(201);
    const odd = { ...pull('app'), name: 'odd', permissions: [{ ...pull('app').permissions[0], kind: 'team' }] };
    expect((await call('POST', '/robots', { body: odd })).json.errors[0].message).toBe(
      'bad request permission level: team',
    );
  });
});

describe('a project robot is stored as <project>+<name> in a varchar(255) (src/controller/robot/controller.go Create)', () => {
  beforeEach(() => start());

  test('"app+" and 251 characters is created; one more is a 500', async () => {
    expect((await call('POST', '/robots', { body: { ...pull('app'), name: 'r'.repeat(251) } })).status).toBe(201);
    expect(await call('POST', '/robots', { body: { ...pull('app'), name: 'r'.repeat(252) } })).toEqual({
      status: 500,
      json: { errors: [{ code: 'UNKNOWN', message: 'internal server error' }] },
    });
  });
});

describe("a project robot's push brings pull (src/common/security/robot/context.go filterRobotPolicies)", () => {
  beforeEach(() => start());

  test('the token service grants pull to a push-only robot, and only in its project', async () => {
    const made = await call('POST', '/robots', { body: pull('app', [{ resource: 'repository', action: 'push' }]) });
    expect(emu.emulator.authorize(made.json.name, made.json.secret, 'app')).toEqual(['pull', 'push']);
    await call('POST', '/projects', { body: { project_name: 'other' } });
    expect(emu.emulator.authorize(made.json.name, made.json.secret, 'other')).toEqual([]);
  });
});

describe('storage quotas (src/server/v2.0/handler/project.go CreateProject, quota.go, src/lib/quota_storage_limit.go)', () => {
  const GB = 1024 ** 3;

  test("a non-administrator's storage_limit is replaced by the system default; PUT /quotas is the administrator's", async () => {
    await start({ storagePerProject: 10 * GB });
    emu.emulator.addUser('maker', 'Maker-Pw1-x');
    const asked = { project_name: 'mine', storage_limit: 5 * GB };
    expect((await call('POST', '/projects', { auth: ['maker', 'Maker-Pw1-x'], body: asked })).status).toBe(201);
    expect((await call('POST', '/projects', { body: { ...asked, project_name: 'admins' } })).status).toBe(201);
    // Absent or 0, even from the administrator: the default.
    expect((await call('POST', '/projects', { body: { project_name: 'zero', storage_limit: 0 } })).status).toBe(201);
    expect((await call('POST', '/projects', { body: { project_name: 'absent' } })).status).toBe(201);
    const limits = Object.fromEntries(emu.emulator.state().projects.map((p) => [p.name, p.storageLimit]));
    expect(limits).toMatchObject({ mine: 10 * GB, admins: 5 * GB, zero: 10 * GB, absent: 10 * GB });
    // Members read it in the summary; only the administrator changes it.
    const summary = await call('GET', '/projects/mine/summary', { auth: ['maker', 'Maker-Pw1-x'], headers: byName });
    expect(summary.json.quota.hard).toEqual({ storage: 10 * GB });
    const quotas = await call('GET', `/quotas?reference=project&reference_id=${emu.emulator.state().projects[1].id}`);
    const put = (auth?: [string, string]) =>
      call('PUT', `/quotas/${quotas.json[0].id}`, { auth, body: { hard: { storage: 20 * GB } } });
    expect((await put(['maker', 'Maker-Pw1-x'])).status).toBe(403);
    expect((await put()).status).toBe(200);
  });

  test('at most 1024 TB (or -1); a non-administrator cannot even get that far', async () => {
    await start();
    const tooBig = 1024 ** 5 + 1;
    const r = await call('POST', '/projects', { body: { project_name: 'huge', storage_limit: tooBig } });
    expect([r.status, r.json.errors[0].message]).toEqual([
      400,
      `storage_limit ${tooBig} is invalid: exceeded 1024TB, which is ${1024 ** 5} Bytes`,
    ]);
    expect((await call('POST', '/projects', { body: { project_name: 'max', storage_limit: 1024 ** 5 } })).status).toBe(
      201,
    );
  });

  test('quotas per project switched off: storage_limit ignored, no quota in the summary nor in /quotas', async () => {
    await start({ quotaPerProject: false });
    expect((await call('POST', '/projects', { body: { project_name: 'q', storage_limit: 5 * GB } })).status).toBe(201);
    expect(emu.emulator.state().projects.find((p) => p.name === 'q')!.storageLimit).toBeUndefined();
    expect((await call('GET', '/projects/q/summary', { headers: byName })).json).toEqual({ repo_count: 0 });
    expect((await call('GET', '/quotas?reference=project')).json).toEqual([]);
  });
});

describe('group members are matched by name AND group_type (src/controller/member/controller.go Create)', () => {
  const add = (group: Record<string, unknown>) =>
    call('POST', '/projects/app/members', { headers: byName, body: { role_id: 2, member_group: group } });

  test('database mode: a missing or another type matches nothing (404, src/core/auth DefaultAuthenticateHelper)', async () => {
    await start();
    emu.emulator.addGroup('ops', 2);
    expect(await add({ group_name: 'ops' })).toEqual({
      status: 404,
      json: { errors: [{ code: 'NOT_FOUND', message: 'ops not found' }] },
    });
    expect((await add({ group_name: 'ops', group_type: 3 })).status).toBe(404);
    expect((await add({ group_name: 'ops', group_type: 2 })).status).toBe(201);
  });

  test('OIDC mode: an unknown group is onboarded as an OIDC group (src/core/auth/oidc/oidc.go OnBoardGroup)', async () => {
    await start({ authMode: 'oidc_auth' });
    expect((await add({ group_name: 'new-team' })).status).toBe(201);
    const members = await call('GET', '/projects/app/members?entityname=new-team', { headers: byName });
    expect(members.json).toEqual([expect.objectContaining({ entity_name: 'new-team', entity_type: 'g' })]);
    // A name taken by a group of another type breaks the unique group name: Harbor's 500.
    emu.emulator.addGroup('ldap-ops', 1);
    expect((await add({ group_name: 'ldap-ops', group_type: 3 })).status).toBe(500);
  });
});

describe('developers and guests may list and read robots (src/common/rbac/project/rbac_role.go)', () => {
  beforeEach(() => start());

  test('developer and guest: list and read; limitedGuest: 403; none of them may create', async () => {
    const made = await call('POST', '/robots', { body: pull('app') });
    const list = `/robots?q=Level%3Dproject%2CProjectID%3D${emu.emulator.state().projects[0].id}`;
    for (const who of [DEV, GUEST]) {
      expect((await call('GET', list, { auth: who })).json.map((r: { id: number }) => r.id)).toEqual([made.json.id]);
      expect((await call('GET', `/robots/${made.json.id}`, { auth: who })).status).toBe(200);
      expect((await call('POST', '/robots', { auth: who, body: { ...pull('app'), name: 'mine' } })).status).toBe(403);
    }
    expect((await call('GET', list, { auth: LIMITED })).status).toBe(403);
    expect((await call('GET', `/robots/${made.json.id}`, { auth: LIMITED })).status).toBe(403);
  });
});

describe('wrong credentials make the caller anonymous (src/server/middleware/security/security.go)', () => {
  let pki: LabPki;
  beforeAll(async () => {
    pki = await createPki();
  });
  afterAll(async () => {
    await pki?.cleanup();
  });
  beforeEach(() => start());

  test('public reads answer 200, everything else 401', async () => {
    await call('POST', '/projects', { body: { project_name: 'pub', metadata: { public: 'true' } } });
    const wrong: [string, string] = ['padmin', 'not-the-password'];
    expect((await call('GET', '/projects/pub', { auth: wrong, headers: byName })).status).toBe(200);
    expect((await call('GET', '/projects/app', { auth: wrong, headers: byName })).status).toBe(401);
    expect((await call('GET', '/robots?q=Level%3Dproject%2CProjectID%3D1', { auth: wrong })).status).toBe(401);
  });

  test('the token service (src/core/service/token/creator.go): every allowed action whatever was asked; 401 to a bad login without scope', async () => {
    const handler = createTokenHandler({
      issuer: 'harbor-token-issuer',
      service: 'harbor-registry',
      pki,
      authorize: (u, p, project) => emu.emulator.authorize(u, p, project),
      authenticate: (u, p) => emu.emulator.authenticates(u, p),
      isSystemAdmin: (u, p) => emu.emulator.isSystemAdmin(u, p),
    });
    const ask = async (query: string, auth?: [string, string]) => {
      const http = await import('node:http');
      const srv = http.createServer((req, res) => void handler(req, res));
      await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
      try {
        const port = (srv.address() as { port: number }).port;
        const headers: Record<string, string> = auth
          ? { Authorization: `Basic ${Buffer.from(`${auth[0]}:${auth[1]}`).toString('base64')}` }
          : {};
        const res = await fetch(`http://127.0.0.1:${port}/service/token?${query}`, { headers });
        const body = res.status === 200 ? ((await res.json()) as { token: string }) : undefined;
        const claims = body
          ? JSON.parse(Buffer.from(body.token.split('.')[1], 'base64url').toString('utf8'))
          : undefined;
        return { status: res.status, access: claims?.access, sub: claims?.sub };
      } finally {
        srv.closeAllConnections();
        await new Promise<void>((r) => srv.close(() => r()));
      }
    };
    const svc = 'service=harbor-registry';
    // A developer asking pull only gets pull and push; the administrator also delete and scanner-pull.
    expect((await ask(`${svc}&scope=repository:app/coredns:pull`, DEV)).access).toEqual([
      { type: 'repository', name: 'app/coredns', actions: ['pull', 'push'] },
    ]);
    expect((await ask(`${svc}&scope=repository:app/coredns:pull`, ADMIN)).access[0].actions).toEqual([
      'pull',
      'push',
      'delete',
      'scanner-pull',
    ]);
    // A bad login is anonymous: with a scope, a token granting nothing of a private project; without, 401.
    const bad: [string, string] = ['dev', 'not-the-password'];
    expect(await ask(`${svc}&scope=repository:app/coredns:pull`, bad)).toEqual({
      status: 200,
      sub: '',
      access: [{ type: 'repository', name: 'app/coredns', actions: [] }],
    });
    expect((await ask(svc, bad)).status).toBe(401);
    expect((await ask(svc, DEV)).status).toBe(200);
    expect((await ask('service=other', DEV)).status).toBe(400);
    // The catalog: the administrator only.
    expect((await ask(`${svc}&scope=registry:catalog:*`, DEV)).access[0].actions).toEqual([]);
    expect((await ask(`${svc}&scope=registry:catalog:*`, ADMIN)).access[0].actions).toEqual(['*']);
  });
});
