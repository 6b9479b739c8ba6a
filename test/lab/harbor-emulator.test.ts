/**
 * The lab's Harbor emulator: its behaviour (HARBOR-FACTS.md) over real HTTP with Node's fetch, its fault injection,
 * and its contract check against Harbor's swagger.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { stringify as stringifyYaml } from 'yaml';
import { HarborClient, type HarborApiError } from '../../lib/harbor';
import { emulatorPerTest } from './emulator-per-test';
import { DEFAULT_SWAGGER_PATH, HarborSwagger, type SwaggerOperation } from './swagger';
import { parseHarborQuery, QuerySyntaxError } from './emulator-query';

interface ApiResult {
  status: number;
  headers: Headers;
  text: string;
  json: any;
}

interface CallOptions {
  body?: unknown;
  /** [username, password]; `null` sends no Authorization header. @default admin */
  auth?: [string, string] | null;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

const ADMIN_PASSWORD = `Adm1n-${randomBytes(9).toString('hex')}`;
const API = '/api/v2.0';

let clock: number;
// Every test must leave no contract violation behind (tests that provoke one remove what they checked).
const emu = emulatorPerTest(() => {
  clock = Date.UTC(2030, 0, 1);
  return { adminPassword: ADMIN_PASSWORD, now: () => clock, seed: 7 };
});

function basic(user: string, pass: string): string {
  return `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
}

async function call(method: string, path: string, opts: CallOptions = {}): Promise<ApiResult> {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  const auth = opts.auth === undefined ? ['admin', ADMIN_PASSWORD] : opts.auth;
  if (auth) headers.Authorization = basic(auth[0], auth[1]);
  let body: string | undefined;
  if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers['Content-Type'] ??= 'application/json';
  }
  const res = await fetch(`${emu.url}${API}${path}`, { method, headers, body, signal: opts.signal });
  const text = await res.text();
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

async function createProject(name: string, metadata: Record<string, string> = { public: 'false' }): Promise<number> {
  const r = await call('POST', '/projects', { body: { project_name: name, metadata } });
  expect(r.status).toBe(201);
  return Number(/\/projects\/(\d+)$/.exec(r.headers.get('location') ?? '')?.[1]);
}

function robotBody(project: string, name: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name,
    description: 'pulls images',
    level: 'project',
    duration: -1,
    permissions: [{ kind: 'project', namespace: project, access: [{ resource: 'repository', action: 'pull' }] }],
    ...extra,
  };
}

async function createRobot(
  project: string,
  name: string,
  extra: Record<string, unknown> = {},
): Promise<{ id: number; name: string; secret: string; expires_at: number; creation_time: string }> {
  const r = await call('POST', '/robots', { body: robotBody(project, name, extra) });
  expect(r.status).toBe(201);
  return r.json;
}

describe('authentication and common headers', () => {
  it('treats missing or wrong credentials as anonymous (src/server/middleware/security), with Harbor error bodies and X-Request-Id', async () => {
    await call('POST', '/projects', { body: { project_name: 'priv' } });
    await call('POST', '/projects', { body: { project_name: 'pub', metadata: { public: 'true' } } });
    for (const auth of [null, ['admin', 'not-the-password'] as [string, string]]) {
      // Anonymous: the public projects are listed and read; anything else needs a login (401).
      const list = await call('GET', '/projects', { auth });
      expect([list.status, list.json.map((p: { name: string }) => p.name)]).toEqual([200, ['pub']]);
      expect((await call('GET', '/projects/pub', { auth, headers: { 'X-Is-Resource-Name': 'true' } })).status).toBe(
        200,
      );
      const priv = await call('GET', '/projects/priv', { auth, headers: { 'X-Is-Resource-Name': 'true' } });
      expect(priv.status).toBe(401);
      expect(priv.json).toEqual({ errors: [{ code: 'UNAUTHORIZED', message: expect.any(String) }] });
      expect(priv.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      expect(priv.text).not.toContain('not-the-password');
      expect((await call('HEAD', '/projects?project_name=priv', { auth })).status).toBe(401);
      expect((await call('GET', '/users/current', { auth })).status).toBe(401);
      expect((await call('POST', '/projects', { auth, body: { project_name: 'anon' } })).status).toBe(401);
    }

    const ok = await call('GET', '/projects', { headers: { 'X-Request-Id': 'req-42' } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('x-request-id')).toBe('req-42');
  });

  it('rejects a write carrying the sid cookie with 403 (CSRF), but not a read', async () => {
    const write = await call('POST', '/projects', {
      body: { project_name: 'csrf' },
      headers: { Cookie: 'sid=abc123' },
    });
    expect(write.status).toBe(403);
    expect(write.json.errors[0].code).toBe('FORBIDDEN');
    expect(emu.emulator.state().projects).toEqual([]);
    const read = await call('GET', '/projects', { headers: { Cookie: 'sid=abc123' } });
    expect(read.status).toBe(200);
  });

  it('answers /users/current for the caller', async () => {
    const r = await call('GET', '/users/current');
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ username: 'admin', sysadmin_flag: true });
  });
});

describe('projects', () => {
  it('creates (201, empty body, Location by id), heads, gets, updates and deletes a project', async () => {
    const created = await call('POST', '/projects', {
      body: { project_name: 'app', metadata: { public: 'false', auto_scan: 'true' }, storage_limit: -1 },
    });
    expect(created.status).toBe(201);
    expect(created.text).toBe('');
    expect(created.headers.get('location')).toBe('/api/v2.0/projects/1');

    expect((await call('HEAD', '/projects?project_name=app')).status).toBe(200);
    expect((await call('HEAD', '/projects?project_name=nope')).status).toBe(404);

    const byId = await call('GET', '/projects/1');
    expect(byId.status).toBe(200);
    expect(byId.json).toMatchObject({
      project_id: 1,
      name: 'app',
      owner_name: 'admin',
      metadata: { public: 'false', auto_scan: 'true' },
      repo_count: 0,
    });

    const put = await call('PUT', '/projects/app', {
      headers: { 'X-Is-Resource-Name': 'true' },
      body: { metadata: { public: 'true' } },
    });
    expect(put.status).toBe(200);
    const after = await call('GET', '/projects/app', { headers: { 'X-Is-Resource-Name': 'true' } });
    // PUT merges metadata: auto_scan stays.
    expect(after.json.metadata).toEqual({ public: 'true', auto_scan: 'true' });

    expect((await call('DELETE', '/projects/1')).status).toBe(200);
    expect((await call('GET', '/projects/1')).status).toBe(404);
    expect((await call('HEAD', '/projects?project_name=app')).status).toBe(404);
  });

  it('puts the name in Location when asked with X-Resource-Name-In-Location', async () => {
    const r = await call('POST', '/projects', {
      body: { project_name: 'named' },
      headers: { 'X-Resource-Name-In-Location': 'true' },
    });
    expect(r.headers.get('location')).toBe('/api/v2.0/projects/named');
  });

  it('addresses an all-digit project name only with X-Is-Resource-Name: true', async () => {
    await createProject('first'); // id 1
    await createProject('1'); // id 2, named "1"
    expect((await call('GET', '/projects/1')).json.name).toBe('first');
    const byName = await call('GET', '/projects/1', { headers: { 'X-Is-Resource-Name': 'true' } });
    expect(byName.json).toMatchObject({ name: '1', project_id: 2 });
  });

  it('enforces the name rule and answers 409 for a duplicate', async () => {
    for (const bad of ['Upper', '-lead', 'trail-', 'a..b', 'a b', 'a/b', '']) {
      const r = await call('POST', '/projects', { body: { project_name: bad } });
      expect([bad, r.status]).toEqual([bad, 400]);
    }
    for (const good of ['a', 'a.b-c_d', '123', 'x1-y2']) expect(await createProject(good)).toBeGreaterThan(0);
    const dup = await call('POST', '/projects', { body: { project_name: 'a.b-c_d' } });
    expect(dup.status).toBe(409);
    expect(dup.json.errors[0]).toEqual({ code: 'CONFLICT', message: 'The project named a.b-c_d already exists' });
  });

  it('keeps metadata as "true"/"false" strings, drops unknown keys, honours the deprecated top-level public', async () => {
    expect(
      (await call('POST', '/projects', { body: { project_name: 'bad', metadata: { public: 'yes' } } })).status,
    ).toBe(400);
    await createProject('typo', { public: 'false', auto_scna: 'true' });
    expect(emu.emulator.state().projects[0].metadata).toEqual({ public: 'false' });
    const r = await call('POST', '/projects', { body: { project_name: 'legacy', public: true } });
    expect(r.status).toBe(201);
    expect(emu.emulator.state().projects.find((p) => p.name === 'legacy')?.metadata.public).toBe('true');
    const d = await call('POST', '/projects', { body: { project_name: 'dflt' } });
    expect(d.status).toBe(201);
    expect(emu.emulator.state().projects.find((p) => p.name === 'dflt')?.metadata).toEqual({ public: 'false' });
  });

  it('lists with a fuzzy name match, paging, X-Total-Count and Link', async () => {
    for (const n of ['app-a', 'app-b', 'app-c', 'other']) await createProject(n);
    const fuzzy = await call('GET', '/projects?name=app');
    expect(fuzzy.json.map((p: { name: string }) => p.name)).toEqual(['app-a', 'app-b', 'app-c']);
    expect(fuzzy.headers.get('x-total-count')).toBe('3');

    const page1 = await call('GET', '/projects?name=app&page=1&page_size=2');
    expect(page1.json.map((p: { name: string }) => p.name)).toEqual(['app-a', 'app-b']);
    expect(page1.headers.get('x-total-count')).toBe('3');
    expect(page1.headers.get('link')).toBe('</api/v2.0/projects?name=app&page=2&page_size=2>; rel="next"');
    const page2 = await call('GET', '/projects?name=app&page=2&page_size=2');
    expect(page2.json.map((p: { name: string }) => p.name)).toEqual(['app-c']);
    expect(page2.headers.get('link')).toBe('</api/v2.0/projects?name=app&page=1&page_size=2>; rel="prev"');
  });

  it('answers 412 while repositories remain, then deletes the project with its members and robots', async () => {
    await createProject('app');
    await createProject('keep');
    emu.emulator.addUser('dev1');
    expect(
      (
        await call('POST', '/projects/app/members', {
          headers: { 'X-Is-Resource-Name': 'true' },
          body: { role_id: 2, member_user: { username: 'dev1' } },
        })
      ).status,
    ).toBe(201);
    await createRobot('app', 'puller');
    await createRobot('keep', 'puller');
    emu.emulator.addRepository('app', 'coredns');

    const blocked = await call('DELETE', '/projects/app', { headers: { 'X-Is-Resource-Name': 'true' } });
    expect(blocked.status).toBe(412);
    expect(blocked.json.errors[0]).toEqual({
      code: 'PRECONDITION',
      message: 'the project contains repositories, can not be deleted',
    });
    expect(
      (await call('GET', '/projects/app/_deletable', { headers: { 'X-Is-Resource-Name': 'true' } })).json.deletable,
    ).toBe(false);

    emu.emulator.removeRepository('app', 'coredns');
    expect((await call('DELETE', '/projects/app', { headers: { 'X-Is-Resource-Name': 'true' } })).status).toBe(200);
    const s = emu.emulator.state();
    expect(s.projects.map((p) => p.name)).toEqual(['keep']);
    expect(s.members.map((m) => `${m.project}/${m.entityName}`)).toEqual(['keep/admin']);
    expect(s.robots.map((r) => r.name)).toEqual(['robot$keep+puller']);
    // The name can be used again.
    expect(await createProject('app')).toBe(3);
  });

  it('lists repositories and deletes one by its name, "/" encoded twice as Harbor wants', async () => {
    await createProject('app');
    emu.emulator.addRepository('app', 'coredns');
    emu.emulator.addRepository('app', 'tools/debug');
    const list = await call('GET', '/projects/app/repositories?page=1&page_size=1');
    expect(list.status).toBe(200);
    expect(list.json.map((r: { name: string }) => r.name)).toEqual(['app/coredns']);
    expect(list.headers.get('x-total-count')).toBe('2');
    expect((await call('DELETE', '/projects/app/repositories/tools%252Fdebug')).status).toBe(200);
    expect((await call('DELETE', '/projects/app/repositories/tools%252Fdebug')).status).toBe(404);
    expect((await call('GET', '/projects/nope/repositories')).status).toBe(404);
    expect(emu.emulator.state().projects[0].repositories).toEqual(['coredns']);
    expect(emu.emulator.contractViolations).toEqual([]);
  });
});

describe('members', () => {
  beforeEach(async () => {
    await createProject('app');
    emu.emulator.addUser('alice');
    emu.emulator.addUser('bob');
    emu.emulator.addGroup('ops', 2);
  });

  const byName = { 'X-Is-Resource-Name': 'true' };

  it('lists the creator as projectAdmin, then adds, reads, updates and removes a user member', async () => {
    const initial = await call('GET', '/projects/app/members', { headers: byName });
    expect(initial.json).toEqual([
      {
        id: 1,
        project_id: 1,
        entity_name: 'admin',
        role_name: 'projectAdmin',
        role_id: 1,
        entity_id: 1,
        entity_type: 'u',
      },
    ]);

    const created = await call('POST', '/projects/app/members', {
      headers: byName,
      body: { role_id: 3, member_user: { username: 'alice' } },
    });
    expect(created.status).toBe(201);
    expect(created.text).toBe('');
    expect(created.headers.get('location')).toBe('/api/v2.0/projects/app/members/2');
    const viaId = await call('POST', '/projects/1/members', { body: { role_id: 2, member_user: { username: 'bob' } } });
    expect(viaId.headers.get('location')).toBe('/api/v2.0/projects/1/members/3');

    const one = await call('GET', '/projects/app/members/2', { headers: byName });
    expect(one.json).toMatchObject({ entity_name: 'alice', role_id: 3, role_name: 'guest', entity_type: 'u' });

    expect((await call('PUT', '/projects/app/members/2', { headers: byName, body: { role_id: 4 } })).status).toBe(200);
    expect((await call('GET', '/projects/app/members/2', { headers: byName })).json).toMatchObject({
      role_id: 4,
      role_name: 'maintainer',
    });

    expect((await call('DELETE', '/projects/app/members/2', { headers: byName })).status).toBe(200);
    expect((await call('GET', '/projects/app/members/2', { headers: byName })).status).toBe(404);
  });

  it('answers 409 for a duplicate, 404 for an unknown user or group, 400 for a bad role or an empty body', async () => {
    const body = { role_id: 2, member_user: { username: 'alice' } };
    expect((await call('POST', '/projects/app/members', { headers: byName, body })).status).toBe(201);
    const dup = await call('POST', '/projects/app/members', { headers: byName, body: { ...body, role_id: 3 } });
    expect(dup.status).toBe(409);
    expect(
      (
        await call('POST', '/projects/app/members', {
          headers: byName,
          body: { role_id: 2, member_user: { username: 'admin' } },
        })
      ).status,
    ).toBe(409);
    const unknownUser = await call('POST', '/projects/app/members', {
      headers: byName,
      body: { role_id: 2, member_user: { username: 'ghost' } },
    });
    expect(unknownUser.status).toBe(404);
    expect(unknownUser.json.errors[0].message).toBe('user ghost is not found');
    expect(
      (
        await call('POST', '/projects/app/members', {
          headers: byName,
          body: { role_id: 2, member_group: { group_name: 'nobody' } },
        })
      ).status,
    ).toBe(404);
    expect(
      (
        await call('POST', '/projects/app/members', {
          headers: byName,
          body: { role_id: 9, member_user: { username: 'bob' } },
        })
      ).status,
    ).toBe(400);
    expect((await call('POST', '/projects/app/members', { headers: byName, body: { role_id: 2 } })).status).toBe(400);
    expect((await call('POST', '/projects/nope/members', { headers: byName, body })).status).toBe(404);
  });

  it('adds a group member by name', async () => {
    const r = await call('POST', '/projects/app/members', {
      headers: byName,
      body: { role_id: 2, member_group: { group_name: 'ops', group_type: 2 } },
    });
    expect(r.status).toBe(201);
    const list = await call('GET', '/projects/app/members?entityname=ops', { headers: byName });
    expect(list.json).toEqual([expect.objectContaining({ entity_name: 'ops', entity_type: 'g', role_id: 2 })]);
  });

  it('filters by EXACT entityname while X-Total-Count counts every member (as Harbor does)', async () => {
    await call('POST', '/projects/app/members', {
      headers: byName,
      body: { role_id: 2, member_user: { username: 'alice' } },
    });
    const exact = await call('GET', '/projects/app/members?entityname=alice', { headers: byName });
    expect(exact.json.map((m: { entity_name: string }) => m.entity_name)).toEqual(['alice']);
    expect(exact.headers.get('x-total-count')).toBe('2');
    const partial = await call('GET', '/projects/app/members?entityname=ali', { headers: byName });
    expect(partial.json).toEqual([]);
  });

  it('answers 200 and changes nothing for PUT/DELETE of an unknown member id', async () => {
    expect((await call('PUT', '/projects/app/members/99', { headers: byName, body: { role_id: 2 } })).status).toBe(200);
    expect((await call('DELETE', '/projects/app/members/99', { headers: byName })).status).toBe(200);
    expect(emu.emulator.state().members).toHaveLength(1);
  });
});

describe('robots', () => {
  beforeEach(async () => {
    await createProject('app');
    await createProject('other');
  });

  it('creates a project robot: 201, full name, secret only in this answer, Location; GET never shows the secret', async () => {
    const r = await call('POST', '/robots', { body: robotBody('app', 'puller', { secret: 'Chosen-Secret-1' }) });
    expect(r.status).toBe(201);
    expect(r.headers.get('location')).toBe(`/api/v2.0/robots/${r.json.id}`);
    expect(r.json).toEqual({
      id: 1,
      name: 'robot$app+puller',
      secret: expect.any(String),
      creation_time: '2030-01-01T00:00:00.000Z',
      expires_at: -1,
    });
    // The `secret` of the body is ignored: a random one is generated.
    expect(r.json.secret).not.toBe('Chosen-Secret-1');
    expect(r.json.secret).toMatch(/^(?=.*[a-z])(?=.*[A-Z])(?=.*\d)[A-Za-z0-9]{32}$/);
    expect(emu.emulator.authorize('robot$app+puller', 'Chosen-Secret-1', 'app')).toEqual([]);
    expect(emu.emulator.authorize('robot$app+puller', r.json.secret, 'app')).toEqual(['pull']);

    const got = await call('GET', '/robots/1');
    expect(got.status).toBe(200);
    expect(got.text).not.toContain(r.json.secret);
    expect(got.json).not.toHaveProperty('secret');
    expect(got.json).toMatchObject({
      id: 1,
      name: 'robot$app+puller',
      level: 'project',
      duration: -1,
      disable: false,
      expires_at: -1,
      editable: true,
    });
    expect(got.json.permissions).toEqual([
      {
        kind: 'project',
        namespace: 'app',
        access: [expect.objectContaining({ resource: 'repository', action: 'pull' })],
      },
    ]);
    expect(JSON.stringify(emu.emulator.state())).not.toContain(r.json.secret);
  });

  it('uses the configured robot name prefix', async () => {
    await emu.start({ adminPassword: ADMIN_PASSWORD, robotNamePrefix: 'bot_', now: () => clock });
    await createProject('app');
    expect((await createRobot('app', 'puller')).name).toBe('bot_app+puller');
  });

  it('computes expires_at from duration in days and rejects 0, missing, below -1', async () => {
    const r = await createRobot('app', 'thirty', { duration: 30 });
    expect(r.expires_at).toBe(clock / 1000 + 30 * 86400);
    for (const duration of [0, undefined, -2]) {
      const bad = await call('POST', '/robots', { body: robotBody('app', 'bad', { duration }) });
      expect([duration, bad.status]).toEqual([duration, 400]);
    }
  });

  it('enforces the robot name rule, one permission, an existing namespace and answers 409 for a duplicate', async () => {
    for (const name of ['Upper', 'a$b', 'a+b', 'robot$x', '', 'a b']) {
      const r = await call('POST', '/robots', { body: robotBody('app', name) });
      expect([name, r.status]).toEqual([name, 400]);
    }
    const two = robotBody('app', 'two');
    (two.permissions as unknown[]).push({
      kind: 'project',
      namespace: 'app',
      access: [{ resource: 'repository', action: 'push' }],
    });
    expect((await call('POST', '/robots', { body: two })).status).toBe(400);
    expect((await call('POST', '/robots', { body: robotBody('app', 'none', { permissions: [] }) })).status).toBe(400);
    expect(
      (
        await call('POST', '/robots', {
          body: robotBody('app', 'noaccess', { permissions: [{ kind: 'project', namespace: 'app', access: [] }] }),
        })
      ).status,
    ).toBe(400);
    expect((await call('POST', '/robots', { body: robotBody('ghost', 'x') })).status).toBe(404);

    await createRobot('app', 'puller');
    const dup = await call('POST', '/robots', { body: robotBody('app', 'puller') });
    expect(dup.status).toBe(409);
    expect(dup.json.errors[0].code).toBe('CONFLICT');
    // The same short name in another project is another robot.
    expect((await createRobot('other', 'puller')).name).toBe('robot$other+puller');
  });

  it('lists a project robots with q=Level=project,ProjectID=<id>, with paging', async () => {
    await createRobot('app', 'a');
    await createRobot('other', 'b');
    await createRobot('app', 'c');
    const list = await call('GET', `/robots?q=${encodeURIComponent('Level=project,ProjectID=1')}`);
    expect(list.status).toBe(200);
    expect(list.json.map((r: { name: string }) => r.name)).toEqual(['robot$app+a', 'robot$app+c']);
    expect(list.headers.get('x-total-count')).toBe('2');
    expect(list.text).not.toMatch(/"secret"/);
    const paged = await call('GET', `/robots?q=${encodeURIComponent('Level=project,ProjectID=1')}&page=2&page_size=1`);
    expect(paged.json.map((r: { name: string }) => r.name)).toEqual(['robot$app+c']);
    const fuzzy = await call('GET', `/robots?q=${encodeURIComponent('Level=project,ProjectID=1,name=~c')}`);
    expect(fuzzy.json.map((r: { name: string }) => r.name)).toEqual(['robot$app+c']);

    expect((await call('GET', `/robots?q=${encodeURIComponent('Level=project')}`)).status).toBe(400);
    expect((await call('GET', `/robots?q=${encodeURIComponent('Level=project,ProjectID=abc')}`)).status).toBe(400);
    // An unknown project id: the administrator gets an empty list (robot.go ListRobot never looks the project up).
    expect((await call('GET', `/robots?q=${encodeURIComponent('Level=project,ProjectID=99')}`)).json).toEqual([]);
    expect((await call('GET', `/robots?q=${encodeURIComponent('Level=project,ProjectID=0')}`)).status).toBe(400);
    expect((await call('GET', `/robots?q=${encodeURIComponent('garbage')}`)).status).toBe(400);
    expect((await call('GET', '/robots')).json).toEqual([]); // no system robots
  });

  it('returns permissions in an unstable order with effect "allow", "" or absent: same set every time', async () => {
    const access = ['pull', 'push', 'read', 'list'].map((action) => ({
      resource: action === 'pull' || action === 'push' ? 'repository' : 'artifact',
      action,
    }));
    const r = await createRobot('app', 'many', { permissions: [{ kind: 'project', namespace: 'app', access }] });
    const orders = new Set<string>();
    const effects = new Set<string>();
    for (let i = 0; i < 12; i += 1) {
      const got = await call('GET', `/robots/${r.id}`);
      const entries: Array<{ resource: string; action: string; effect?: string }> = got.json.permissions[0].access;
      expect(entries.map((a) => `${a.resource}:${a.action}`).sort()).toEqual(
        access.map((a) => `${a.resource}:${a.action}`).sort(),
      );
      orders.add(entries.map((a) => a.action).join(','));
      for (const a of entries) effects.add(a.effect === undefined ? '(absent)' : JSON.stringify(a.effect));
    }
    expect(orders.size).toBeGreaterThan(1);
    expect(effects).toEqual(new Set(['"allow"', '""', '(absent)']));
  });

  it('creates a system robot (admin only) whose permissions also come back in an unstable order', async () => {
    const perms = ['app', 'other', '*'].map((namespace) => ({
      kind: 'project',
      namespace,
      access: [{ resource: 'repository', action: 'pull' }],
    }));
    const r = await call('POST', '/robots', {
      body: { name: 'ci', level: 'system', duration: -1, permissions: perms },
    });
    expect(r.status).toBe(201);
    expect(r.json.name).toBe('robot$ci');
    expect(emu.emulator.authorize('robot$ci', r.json.secret, 'other')).toEqual(['pull']);
    const orders = new Set<string>();
    for (let i = 0; i < 8; i += 1) {
      const got = await call('GET', `/robots/${r.json.id}`);
      expect(got.json.permissions.map((p: { namespace: string }) => p.namespace).sort()).toEqual(['*', 'app', 'other']);
      orders.add(got.json.permissions.map((p: { namespace: string }) => p.namespace).join(','));
    }
    expect(orders.size).toBeGreaterThan(1);
    expect((await call('GET', '/robots')).json.map((x: { name: string }) => x.name)).toEqual(['robot$ci']);
  });

  it('PUT needs the full name and level, replaces permissions and description, and re-enables when disable is absent', async () => {
    const r = await createRobot('app', 'puller', { duration: 10 });
    const full = {
      name: 'robot$app+puller',
      level: 'project',
      duration: 10,
      disable: true,
      description: 'new',
      permissions: [{ kind: 'project', namespace: 'app', access: [{ resource: 'repository', action: 'push' }] }],
    };
    expect((await call('PUT', `/robots/${r.id}`, { body: { ...full, name: 'puller' } })).status).toBe(400);
    expect((await call('PUT', `/robots/${r.id}`, { body: { ...full, level: 'system' } })).status).toBe(400);
    expect((await call('PUT', `/robots/${r.id}`, { body: { ...full, permissions: [] } })).status).toBe(400);
    expect((await call('PUT', `/robots/${r.id}`, { body: full })).status).toBe(200);
    let s = emu.emulator.state().robots[0];
    expect(s).toMatchObject({
      disabled: true,
      description: 'new',
      permissions: [{ kind: 'project', namespace: 'app', access: [{ resource: 'repository', action: 'push' }] }],
    });

    const { disable: _ignored, description: _d, ...withoutDisable } = full;
    clock += 5 * 86400 * 1000;
    expect((await call('PUT', `/robots/${r.id}`, { body: { ...withoutDisable, duration: 20 } })).status).toBe(200);
    s = emu.emulator.state().robots[0];
    expect(s.disabled).toBe(false);
    expect(s.description).toBe('');
    // A new duration counts from the creation time, not from now.
    expect(s.expiresAt).toBe(Date.UTC(2030, 0, 1) / 1000 + 20 * 86400);
  });

  it('PATCH {secret:""} issues a new secret and keeps the expiry; a chosen secret must be strong', async () => {
    const r = await createRobot('app', 'puller', { duration: 7 });
    const refreshed = await call('PATCH', `/robots/${r.id}`, { body: { secret: '' } });
    expect(refreshed.status).toBe(200);
    expect(refreshed.json).toEqual({ secret: expect.any(String) });
    expect(refreshed.json.secret).not.toBe(r.secret);
    expect(emu.emulator.authorize(r.name, r.secret, 'app')).toEqual([]);
    expect(emu.emulator.authorize(r.name, refreshed.json.secret, 'app')).toEqual(['pull']);
    expect(emu.emulator.state().robots[0].expiresAt).toBe(r.expires_at);

    for (const weak of ['short1A', 'alllowercase1', 'ALLUPPERCASE1', 'NoDigitsHere', `Aa1${'x'.repeat(126)}`]) {
      expect([weak.length, (await call('PATCH', `/robots/${r.id}`, { body: { secret: weak } })).status]).toEqual([
        weak.length,
        400,
      ]);
    }
    const chosen = `Chosen${randomBytes(4).toString('hex')}9Z`;
    const set = await call('PATCH', `/robots/${r.id}`, { body: { secret: chosen } });
    expect(set.status).toBe(200);
    expect(set.json).toEqual({});
    expect(emu.emulator.authorize(r.name, chosen, 'app')).toEqual(['pull']);
  });

  it('deletes a robot', async () => {
    const r = await createRobot('app', 'puller');
    expect((await call('DELETE', `/robots/${r.id}`)).status).toBe(200);
    expect((await call('GET', `/robots/${r.id}`)).status).toBe(404);
    expect((await call('DELETE', `/robots/${r.id}`)).status).toBe(404);
  });
});

describe('robot lifecycle: rotation, renewal, expiry (Harbor v2 RefreshSec / UpdateRobot)', () => {
  const DAY = 86400 * 1000;
  const created = Date.UTC(2030, 0, 1) / 1000;
  /**
   * A REST call as the robot itself, one any login may make (`HEAD /projects?project_name=`, Harbor's `HeadProject`
   * needs only authentication): 200 while its credentials log in, 401 once they no longer do (the caller is anonymous).
   */
  const asRobot = async (name: string, secret: string): Promise<number> =>
    (await call('HEAD', '/projects?project_name=app', { auth: [name, secret] })).status;
  const robotNow = async (id: number): Promise<{ expires_at: number; duration: number; disable: boolean }> =>
    (await call('GET', `/robots/${id}`)).json;
  const put = (r: { id: number; name: string }, extra: Record<string, unknown>): Promise<ApiResult> =>
    call('PUT', `/robots/${r.id}`, { body: { ...robotBody('app', 'x'), name: r.name, ...extra } });

  beforeEach(async () => {
    await createProject('app');
  });

  it('PATCH {secret:""} returns a new secret; the old one fails at once on the API and the token service', async () => {
    const r = await createRobot('app', 'puller', { duration: 30 });
    expect(await asRobot(r.name, r.secret)).toBe(200);
    const refreshed = await call('PATCH', `/robots/${r.id}`, { body: { secret: '' } });
    expect(refreshed.status).toBe(200);
    expect(Object.keys(refreshed.json)).toEqual(['secret']);
    expect(await asRobot(r.name, r.secret)).toBe(401);
    expect(emu.emulator.authorize(r.name, r.secret, 'app')).toEqual([]);
    expect(await asRobot(r.name, refreshed.json.secret)).toBe(200);
    expect(emu.emulator.authorize(r.name, refreshed.json.secret, 'app')).toEqual(['pull']);
    // Neither variant moves the expiry, however late it comes.
    clock += 10 * DAY;
    await call('PATCH', `/robots/${r.id}`, { body: { secret: '' } });
    expect((await robotNow(r.id)).expires_at).toBe(created + 30 * 86400);
  });

  it("PATCH with a chosen secret checks Harbor's rule in bytes, sets it, answers {} (no secret), old one fails", async () => {
    const r = await createRobot('app', 'puller');
    // 3 + 63 two-byte characters: 66 characters but 129 bytes, over Harbor's 128.
    const tooLong = `Aa1${'\u00e9'.repeat(63)}`;
    expect([tooLong.length, (await call('PATCH', `/robots/${r.id}`, { body: { secret: tooLong } })).status]).toEqual([
      66, 400,
    ]);
    const chosen = `Rot4te${randomBytes(6).toString('hex')}`;
    const set = await call('PATCH', `/robots/${r.id}`, { body: { secret: chosen } });
    expect(set.status).toBe(200);
    expect(set.text).toBe('{}');
    expect(await asRobot(r.name, r.secret)).toBe(401);
    expect(await asRobot(r.name, chosen)).toBe(200);
    expect(JSON.stringify(emu.emulator.state())).not.toContain(chosen);
  });

  it('PUT renews from the creation time, only when the duration changes; the secret stays', async () => {
    const r = await createRobot('app', 'puller', { duration: 30 });
    expect(r.expires_at).toBe(created + 30 * 86400);
    clock += 25 * DAY;
    // The same duration again: Harbor recomputes nothing.
    expect((await put(r, { duration: 30 })).status).toBe(200);
    expect((await robotNow(r.id)).expires_at).toBe(created + 30 * 86400);
    // A longer one: creation time + 90 days, not now + 90 days.
    expect((await put(r, { duration: 90 })).status).toBe(200);
    expect(await robotNow(r.id)).toMatchObject({ duration: 90, expires_at: created + 90 * 86400 });
    expect(await asRobot(r.name, r.secret)).toBe(200);
    // -1: never expires; and back to finite, from the creation time again.
    expect((await put(r, { duration: -1 })).status).toBe(200);
    expect((await robotNow(r.id)).expires_at).toBe(-1);
    expect((await put(r, { duration: 60 })).status).toBe(200);
    expect((await robotNow(r.id)).expires_at).toBe(created + 60 * 86400);
  });

  it("PUT with a duration shorter than the robot's age is accepted and leaves it expired (Harbor does not check)", async () => {
    const r = await createRobot('app', 'puller', { duration: 30 });
    clock += 25 * DAY;
    expect((await put(r, { duration: 20 })).status).toBe(200);
    expect((await robotNow(r.id)).expires_at).toBe(created + 20 * 86400);
    expect(await asRobot(r.name, r.secret)).toBe(401);
    expect(emu.emulator.authorize(r.name, r.secret, 'app')).toEqual([]);
  });

  it('an expired robot is kept but cannot log in; renewing it lets the same secret log in again', async () => {
    const r = await createRobot('app', 'puller', { duration: 1 });
    clock += DAY - 1000;
    expect(await asRobot(r.name, r.secret)).toBe(200);
    clock += 1000; // expires_at <= now: expired
    expect(await asRobot(r.name, r.secret)).toBe(401);
    expect(emu.emulator.authorize(r.name, r.secret, 'app')).toEqual([]);
    // Not deleted: GET and the project's list still show it.
    expect((await call('GET', `/robots/${r.id}`)).json).toMatchObject({ name: r.name, expires_at: created + 86400 });
    const list = await call('GET', `/robots?q=${encodeURIComponent('Level=project,ProjectID=1')}`);
    expect(list.json.map((x: { name: string }) => x.name)).toEqual([r.name]);
    expect((await put(r, { duration: 7 })).status).toBe(200);
    expect(await asRobot(r.name, r.secret)).toBe(200);
    expect(emu.emulator.authorize(r.name, r.secret, 'app')).toEqual(['pull']);
  });

  it('a disabled robot cannot log in; enabling it restores the same secret', async () => {
    const r = await createRobot('app', 'puller');
    expect((await put(r, { duration: -1, disable: true })).status).toBe(200);
    expect(await asRobot(r.name, r.secret)).toBe(401);
    expect(emu.emulator.authorize(r.name, r.secret, 'app')).toEqual([]);
    expect((await put(r, { duration: -1, disable: false })).status).toBe(200);
    expect(await asRobot(r.name, r.secret)).toBe(200);
  });

  it("answers with Harbor's clock in the Date header", async () => {
    clock += 3 * DAY;
    const r = await call('GET', '/projects/app', { headers: { 'X-Is-Resource-Name': 'true' } });
    expect(new Date(r.headers.get('date')!).getTime()).toBe(clock);
  });
});

describe('authorize() (what the token service grants)', () => {
  const pw = (n: string): string => `Pw-${n}-${randomBytes(6).toString('hex')}`;

  it('grants per role, group, robot state and project visibility', async () => {
    await createProject('app');
    await createProject('pub', { public: 'true' });
    const roles: Record<string, number> = { padmin: 1, dev: 2, guest: 3, maint: 4, limited: 5 };
    const passwords: Record<string, string> = {};
    for (const [user, role] of Object.entries(roles)) {
      passwords[user] = pw(user);
      emu.emulator.addUser(user, passwords[user]);
      expect(
        (await call('POST', '/projects/1/members', { body: { role_id: role, member_user: { username: user } } }))
          .status,
      ).toBe(201);
    }
    // Every action of the token service's actionScopeMap the caller has (rbac_role.go): delete for projectAdmin and
    // maintainer, scanner-pull for the system administrator only.
    expect(emu.emulator.authorize('admin', ADMIN_PASSWORD, 'app')).toEqual(['pull', 'push', 'delete', 'scanner-pull']);
    expect(emu.emulator.authorize('padmin', passwords.padmin, 'app')).toEqual(['pull', 'push', 'delete']);
    expect(emu.emulator.authorize('maint', passwords.maint, 'app')).toEqual(['pull', 'push', 'delete']);
    expect(emu.emulator.authorize('dev', passwords.dev, 'app')).toEqual(['pull', 'push']);
    expect(emu.emulator.authorize('guest', passwords.guest, 'app')).toEqual(['pull']);
    expect(emu.emulator.authorize('limited', passwords.limited, 'app')).toEqual(['pull']);
    expect(emu.emulator.authorize('dev', 'wrong-password', 'app')).toEqual([]);
    expect(emu.emulator.authorize('nobody', 'x', 'app')).toEqual([]);
    expect(emu.emulator.authorize('admin', ADMIN_PASSWORD, 'missing')).toEqual([]);

    // Group membership grants its role to the group's users.
    const carolPw = pw('carol');
    emu.emulator.addUser('carol', carolPw);
    emu.emulator.addGroup('ops', 2);
    emu.emulator.addUserToGroup('carol', 'ops');
    expect(emu.emulator.authorize('carol', carolPw, 'app')).toEqual([]);
    await call('POST', '/projects/1/members', {
      body: { role_id: 2, member_group: { group_name: 'ops', group_type: 2 } },
    });
    expect(emu.emulator.authorize('carol', carolPw, 'app')).toEqual(['pull', 'push']);

    // Public project: pull for anyone, even with bad or no credentials.
    expect(emu.emulator.authorize(undefined, undefined, 'pub')).toEqual(['pull']);
    expect(emu.emulator.authorize('nobody', 'bad', 'pub')).toEqual(['pull']);
    expect(emu.emulator.authorize('dev', passwords.dev, 'pub')).toEqual(['pull']);
    expect(emu.emulator.authorize(undefined, undefined, 'app')).toEqual([]);
  });

  it('grants a robot its permission in its own project only, unless disabled or expired', async () => {
    await createProject('app');
    await createProject('other');
    const puller = await createRobot('app', 'puller', { duration: 1 });
    const pusher = await createRobot('app', 'pusher', {
      permissions: [
        {
          kind: 'project',
          namespace: 'app',
          access: [
            { resource: 'repository', action: 'pull' },
            { resource: 'repository', action: 'push' },
          ],
        },
      ],
    });
    expect(emu.emulator.authorize(puller.name, puller.secret, 'app')).toEqual(['pull']);
    expect(emu.emulator.authorize(pusher.name, pusher.secret, 'app')).toEqual(['pull', 'push']);
    expect(emu.emulator.authorize(puller.name, puller.secret, 'other')).toEqual([]);
    expect(emu.emulator.authorize(puller.name, pusher.secret, 'app')).toEqual([]);

    emu.emulator.setRobotDisabled(pusher.name, true);
    expect(emu.emulator.authorize(pusher.name, pusher.secret, 'app')).toEqual([]);
    expect((await call('GET', `/robots/${pusher.id}`)).json.disable).toBe(true);
    emu.emulator.setRobotDisabled(pusher.name, false);
    expect(emu.emulator.authorize(pusher.name, pusher.secret, 'app')).toEqual(['pull', 'push']);

    clock += 86400 * 1000; // one day later: the 1-day robot expired
    expect(emu.emulator.authorize(puller.name, puller.secret, 'app')).toEqual([]);
    expect(emu.emulator.authorize(pusher.name, pusher.secret, 'app')).toEqual(['pull', 'push']);
  });

  it('applies project RBAC to non-admin REST callers', async () => {
    await createProject('app');
    const devPw = pw('dev');
    const strangerPw = pw('stranger');
    emu.emulator.addUser('dev', devPw);
    emu.emulator.addUser('stranger', strangerPw);
    await call('POST', '/projects/1/members', { body: { role_id: 2, member_user: { username: 'dev' } } });
    const asDev = { auth: ['dev', devPw] as [string, string] };
    expect((await call('GET', '/projects/1', asDev)).json).toMatchObject({ name: 'app', current_user_role_id: 2 });
    expect(
      (
        await call('POST', '/projects/1/members', {
          ...asDev,
          body: { role_id: 2, member_user: { username: 'stranger' } },
        })
      ).status,
    ).toBe(403);
    expect((await call('POST', '/robots', { ...asDev, body: robotBody('app', 'x') })).status).toBe(403);
    expect((await call('GET', '/projects/1', { auth: ['stranger', strangerPw] })).status).toBe(403);
    expect((await call('GET', '/projects', { auth: ['stranger', strangerPw] })).json).toEqual([]);
  });
});

describe('passwords', () => {
  it("PUT /users/{id}/password: admins change any, users their own with the current one; Harbor's rules", async () => {
    const devPw = `Dev-${randomBytes(9).toString('hex')}`;
    emu.emulator.addUser('dev', devPw);
    const asDev = (pw: string) => ({ auth: ['dev', pw] as [string, string] });
    const newDev = `Dev2-${randomBytes(9).toString('hex')}`;
    // The user's own: the current password is required.
    expect((await call('PUT', '/users/2/password', { ...asDev(devPw), body: { new_password: newDev } })).status).toBe(
      403,
    );
    expect(
      (await call('PUT', '/users/2/password', { ...asDev(devPw), body: { old_password: devPw, new_password: 'weak' } }))
        .status,
    ).toBe(400);
    expect(
      (await call('PUT', '/users/2/password', { ...asDev(devPw), body: { old_password: devPw, new_password: newDev } }))
        .status,
    ).toBe(200);
    expect((await call('GET', '/users/current', asDev(devPw))).status).toBe(401);
    expect((await call('GET', '/users/current', asDev(newDev))).status).toBe(200);
    // Not someone else's.
    expect((await call('PUT', '/users/1/password', { ...asDev(newDev), body: { new_password: newDev } })).status).toBe(
      403,
    );
    // The admin changes anyone's without the current one; its own, like anyone, with it, and never to the same.
    const thirdDev = `Dev3-${randomBytes(9).toString('hex')}`;
    expect((await call('PUT', '/users/2/password', { body: { new_password: thirdDev } })).status).toBe(200);
    expect((await call('GET', '/users/current', asDev(thirdDev))).status).toBe(200);
    const newAdmin = `Adm2-${randomBytes(9).toString('hex')}`;
    expect((await call('PUT', '/users/1/password', { body: { new_password: newAdmin } })).status).toBe(403);
    const same = { old_password: ADMIN_PASSWORD, new_password: ADMIN_PASSWORD };
    expect((await call('PUT', '/users/1/password', { body: same })).status).toBe(400);
    const rotate = { old_password: ADMIN_PASSWORD, new_password: newAdmin };
    expect((await call('PUT', '/users/1/password', { body: rotate })).status).toBe(200);
    // The old password no longer logs in: anonymous, so a call that needs a login is 401.
    expect((await call('GET', '/users/current')).status).toBe(401);
    expect((await call('GET', '/projects', { auth: ['admin', newAdmin] })).status).toBe(200);
  });
});

describe('quotas', () => {
  it("a project's quota: read by members in its summary, listed and changed by system administrators only", async () => {
    const id = await call('POST', '/projects', {
      body: { project_name: 'app', metadata: { public: 'false' }, storage_limit: 10 * 1024 ** 3 },
    });
    expect(id.status).toBe(201);
    const devPw = `Dev-${randomBytes(9).toString('hex')}`;
    emu.emulator.addUser('dev', devPw);
    await call('POST', '/projects/1/members', { body: { role_id: 3, member_user: { username: 'dev' } } });
    const asDev = { auth: ['dev', devPw] as [string, string] };
    expect((await call('GET', '/projects/1/summary', asDev)).json).toMatchObject({
      quota: { hard: { storage: 10 * 1024 ** 3 } },
    });
    expect((await call('GET', '/quotas?reference=project&reference_id=1', asDev)).status).toBe(403);

    const list = await call('GET', '/quotas?reference=project&reference_id=1');
    expect(list.json).toEqual([expect.objectContaining({ ref: expect.objectContaining({ id: 1, name: 'app' }) })]);
    const quotaId = list.json[0].id as number;
    expect(quotaId).not.toBe(1);
    expect((await call('PUT', `/quotas/${quotaId}`, { ...asDev, body: { hard: { storage: -1 } } })).status).toBe(403);
    expect((await call('PUT', `/quotas/${quotaId}`, { body: { hard: { storage: 0 } } })).status).toBe(400);
    expect((await call('PUT', `/quotas/${quotaId}`, { body: { hard: { storage: 2 * 1024 ** 3 } } })).status).toBe(200);
    expect((await call('GET', `/quotas/${quotaId}`)).json.hard).toEqual({ storage: 2 * 1024 ** 3 });
    expect(emu.emulator.state().projects[0].storageLimit).toBe(2 * 1024 ** 3);
    expect((await call('PUT', '/quotas/1', { body: { hard: { storage: -1 } } })).status).toBe(404);
  });
});

describe('out-of-band edits (drift)', () => {
  it('changes state behind the API as an admin in the UI would', async () => {
    await createProject('app');
    emu.emulator.addUser('alice');
    await call('POST', '/projects/1/members', { body: { role_id: 2, member_user: { username: 'alice' } } });
    const r = await createRobot('app', 'puller');

    emu.emulator.setProjectPublic('app', true);
    expect((await call('GET', '/projects/1')).json.metadata.public).toBe('true');
    emu.emulator.setMemberRole('app', 'alice', 3);
    expect((await call('GET', '/projects/1/members?entityname=alice')).json[0].role_id).toBe(3);
    emu.emulator.setRobotPermissions(r.name, [
      { kind: 'project', namespace: 'app', access: [{ resource: 'repository', action: 'push' }] },
    ]);
    expect((await call('GET', `/robots/${r.id}`)).json.permissions[0].access[0].action).toBe('push');
    emu.emulator.removeMemberOutOfBand('app', 'alice');
    expect((await call('GET', '/projects/1/members?entityname=alice')).json).toEqual([]);
    emu.emulator.deleteRobotOutOfBand(r.name);
    expect((await call('GET', `/robots/${r.id}`)).status).toBe(404);

    emu.emulator.setProjectStorageLimit('app', 5 * 1024 ** 3);
    expect(
      (await call('GET', '/projects/app/summary', { headers: { 'X-Is-Resource-Name': 'true' } })).json.quota.hard,
    ).toEqual({ storage: 5 * 1024 ** 3 });
    const newPw = `Adm1n-${randomBytes(9).toString('hex')}`;
    emu.emulator.setUserPassword('admin', newPw);
    // The old password no longer logs in: anonymous, so a call that needs a login is 401.
    expect((await call('GET', '/users/current')).status).toBe(401);
    expect((await call('GET', '/projects', { auth: ['admin', newPw] })).status).toBe(200);
    emu.emulator.setUserPassword('admin', ADMIN_PASSWORD);

    expect(() => emu.emulator.setRobotDisabled('robot$app+gone', true)).toThrow(/no robot "robot\$app\+gone"/);
    expect(() => emu.emulator.setMemberRole('app', 'nobody', 2)).toThrow(/"nobody" is not a member of project "app"/);
    expect(() => emu.emulator.addRepository('ghost', 'x')).toThrow(/no project "ghost"/);
  });
});

describe('faults', () => {
  it('status: answers the status with Retry-After without applying, `times` times', async () => {
    emu.emulator.injectFault({
      kind: 'status',
      status: 503,
      retryAfterSeconds: 2,
      match: { method: 'POST', path: /\/projects$/ },
      times: 2,
    });
    for (let i = 0; i < 2; i += 1) {
      const r = await call('POST', '/projects', { body: { project_name: 'app' } });
      expect(r.status).toBe(503);
      expect(r.headers.get('retry-after')).toBe('2');
      expect(r.json.errors[0].code).toBe('SERVICE_UNAVAILABLE');
    }
    expect(emu.emulator.state().projects).toEqual([]);
    expect((await call('POST', '/projects', { body: { project_name: 'app' } })).status).toBe(201);
    expect(emu.emulator.requests.map((e) => [e.status, e.fault])).toEqual([
      [503, 'status'],
      [503, 'status'],
      [201, undefined],
    ]);
  });

  it('matches on method and path only', async () => {
    emu.emulator.injectFault({ kind: 'status', status: 500, match: { method: 'DELETE' } });
    expect((await call('GET', '/projects')).status).toBe(200);
    await createProject('app');
    expect((await call('DELETE', '/projects/1')).status).toBe(500);
    expect((await call('DELETE', '/projects/1')).status).toBe(200);
  });

  it('reset: the connection drops and nothing is applied', async () => {
    emu.emulator.injectFault({ kind: 'reset', match: { method: 'POST', path: /\/robots$/ } });
    await createProject('app');
    await expect(call('POST', '/robots', { body: robotBody('app', 'puller') })).rejects.toThrow();
    expect(emu.emulator.state().robots).toEqual([]);
    expect(emu.emulator.requests.at(-1)).toMatchObject({
      method: 'POST',
      path: '/api/v2.0/robots',
      status: 0,
      fault: 'reset',
      write: true,
    });
  });

  it('reset-after-commit: the connection drops but the create happened', async () => {
    emu.emulator.injectFault({ kind: 'reset-after-commit', match: { method: 'POST', path: /\/robots$/ } });
    await createProject('app');
    await expect(call('POST', '/robots', { body: robotBody('app', 'puller') })).rejects.toThrow();
    expect(emu.emulator.state().robots.map((r) => r.name)).toEqual(['robot$app+puller']);
    expect(emu.emulator.requests.at(-1)).toMatchObject({ status: 201, fault: 'reset-after-commit' });
    // A retry now meets the robot that "may have been created".
    expect((await call('POST', '/robots', { body: robotBody('app', 'puller') })).status).toBe(409);
  });

  it('hang: never answers; the client times out; close() releases the connection', async () => {
    emu.emulator.injectFault({ kind: 'hang', match: { path: /\/projects$/ } });
    const started = Date.now();
    // 1 s: the request must reach the emulator (which logs it) before the client gives up, even on a busy machine.
    await expect(call('GET', '/projects', { signal: AbortSignal.timeout(1000) })).rejects.toThrow(/abort|timeout/i);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(emu.emulator.requests.at(-1)).toMatchObject({ status: 0, fault: 'hang' });
    expect((await call('GET', '/projects')).status).toBe(200);
  });

  it('counts requests and writes for API budgets', async () => {
    await createProject('app');
    await call('GET', '/projects/1');
    await call('PUT', '/projects/1', { body: { metadata: { auto_scan: 'true' } } });
    expect(emu.emulator.requests).toHaveLength(3);
    expect(emu.emulator.writes()).toBe(2);
    expect(emu.emulator.requests[1]).toEqual({
      method: 'GET',
      path: '/api/v2.0/projects/1',
      query: '',
      status: 200,
      write: false,
    });
    emu.emulator.resetLog();
    expect(emu.emulator.writes()).toBe(0);
    await call('HEAD', '/projects?project_name=app');
    expect(emu.emulator.requests).toEqual([
      { method: 'HEAD', path: '/api/v2.0/projects', query: 'project_name=app', status: 200, write: false },
    ]);
  });

  it('rejects a fault with a non-error status', () => {
    expect(() => emu.emulator.injectFault({ kind: 'status', status: 200, match: {} })).toThrow(/400-599/);
  });
});

describe('contract check against the swagger', () => {
  /** Runs `fn`, then returns (and clears) the violations it caused. */
  async function violations(fn: () => Promise<void>): Promise<string[]> {
    const before = emu.emulator.contractViolations.length;
    await fn();
    return emu.emulator.contractViolations.splice(before);
  }

  it('records a request body that breaks the schema (metadata.public as a boolean) and answers 500', async () => {
    let r: ApiResult | undefined;
    const v = await violations(async () => {
      r = await call('POST', '/projects', { body: { project_name: 'app', metadata: { public: false } } });
    });
    expect(r?.status).toBe(500);
    expect(r?.json.errors[0].code).toBe('CONTRACT_VIOLATION');
    expect(v).toEqual(['request POST /projects (createProject): body "project" /metadata/public must be string']);
    expect(emu.emulator.state().projects).toEqual([]);
  });

  it('records bad parameters, unknown routes, a body without Content-Type and an unimplemented operation', async () => {
    await createProject('app');
    const v = await violations(async () => {
      expect((await call('GET', '/projects?page_size=500')).status).toBe(500);
      expect((await call('GET', '/projects?projectname=app')).status).toBe(500);
      expect((await call('GET', '/robots/abc')).status).toBe(500);
      expect((await call('GET', '/projects/1', { headers: { 'X-Is-Resource-Name': 'yes' } })).status).toBe(500);
      expect((await call('GET', '/no/such/path')).status).toBe(500);
      expect((await call('PATCH', '/projects')).status).toBe(500);
      expect(
        (await call('POST', '/projects', { body: { project_name: 'x' }, headers: { 'Content-Type': 'text/plain' } }))
          .status,
      ).toBe(500);
      expect((await call('POST', '/robots')).status).toBe(500);
      expect((await call('GET', '/projects/app/logs')).status).toBe(500);
    });
    expect(v).toEqual([
      expect.stringMatching(/page_size="500" .*must be <= 100/),
      expect.stringMatching(/query parameter projectname is not declared/),
      expect.stringMatching(/path parameter robot_id="abc" is not a valid integer/),
      expect.stringMatching(/header parameter X-Is-Resource-Name="yes" is not a valid boolean/),
      expect.stringMatching(/GET \/api\/v2.0\/no\/such\/path: no path of the swagger matches/),
      expect.stringMatching(/PATCH \/api\/v2.0\/projects: the swagger declares only GET, HEAD, POST/),
      expect.stringMatching(/Content-Type: application\/json/),
      expect.stringMatching(/body "robot" is required/),
      expect.stringMatching(/emulator does not implement GET \/projects\/\{project_name\}\/logs/),
    ]);
  });

  it('checks its own responses too (an out-of-band edit that yields a non-schema answer is caught)', async () => {
    await createProject('app');
    const r = await createRobot('app', 'puller');
    emu.emulator.setRobotPermissions(r.name, [
      { kind: 'project', namespace: 'app', access: [{ resource: 42 as unknown as string, action: 'pull' }] },
    ]);
    const v = await violations(async () => {
      expect((await call('GET', `/robots/${r.id}`)).status).toBe(500);
    });
    expect(v).toEqual([
      expect.stringMatching(
        /^response GET \/robots\/\{robot_id\} \(GetRobotByID\): response 200 body \/permissions\/0\/access\/0\/resource must be string/,
      ),
    ]);
  });

  it('ignores paths outside /api/v2.0', async () => {
    const res = await fetch(`${emu.url}/v2/`);
    expect(res.status).toBe(404);
    await res.text();
    expect(emu.emulator.requests).toEqual([]);
  });

  it("answers other paths as Harbor's portal does: the web UI's page to GET, 405 to other methods", async () => {
    const page = await fetch(`${emu.url}/harbor/api/v2.0/projects/app`);
    expect([page.status, page.headers.get('content-type')]).toEqual([200, 'text/html']);
    expect(await page.text()).toMatch(/^<!doctype html>/);
    const post = await fetch(`${emu.url}/harbor/api/v2.0/projects`, { method: 'POST', body: '{}' });
    expect(post.status).toBe(405);
    await post.text();
    expect(emu.emulator.requests).toEqual([]);
  });

  it('a client whose url has a wrong base path fails loudly: never "gone", never "created"', async () => {
    const client = new HarborClient({ url: `${emu.url}/harbor`, username: 'admin', password: 'placeholder-pw' });
    try {
      const read = (await client.getProject('app').catch((e: unknown) => e)) as HarborApiError;
      expect([read.code, read.message]).toEqual([
        'UNEXPECTED_RESPONSE',
        expect.stringMatching(/is url pointing at Harbor/),
      ]);
      const del = (await client.deleteProjectById(1).catch((e: unknown) => e)) as HarborApiError;
      expect(del.status).toBe(405);
    } finally {
      await client.close();
    }
  });
});

describe('HarborSwagger and the q parser (units)', () => {
  it('loads once per process and matches the most specific path', () => {
    const a = HarborSwagger.load();
    expect(HarborSwagger.load()).toBe(a);
    const m = a.findOperation('GET', '/projects/app/members/3');
    expect('operation' in m && [m.operation.operationId, m.pathParams]).toEqual([
      'getProjectMember',
      { project_name_or_id: 'app', mid: '3' },
    ]);
    const d = a.findOperation('GET', '/projects/app/_deletable');
    expect('operation' in d && d.operation.operationId).toBe('getProjectDeletable');
  });

  it('lists every operation of the contract file; the project/robot/user schemas compile', () => {
    const s = HarborSwagger.load();
    const doc = JSON.parse(readFileSync(DEFAULT_SWAGGER_PATH, 'utf8')) as {
      paths: Record<string, Record<string, { operationId?: string }>>;
    };
    const expected = Object.entries(doc.paths)
      .flatMap(([template, item]) =>
        Object.entries(item)
          .filter(([m]) => ['get', 'put', 'post', 'delete', 'patch', 'head'].includes(m))
          .map(([m, op]) => `${m.toUpperCase()} ${template} ${op.operationId}`),
      )
      .sort();
    const ops = s.operations();
    expect(ops.map((o) => `${o.method} ${o.template} ${o.operationId}`).sort()).toEqual(expected);
    // Every schema of the operations the emulator serves compiles.
    let compiled = 0;
    for (const op of ops.filter(
      (o) => /^\/(projects|robots|users\/current)/.test(o.template) && !o.template.includes('repositories'),
    )) {
      for (const schema of [
        op.body?.schema,
        ...[...op.responses.values()].map((r) => r.schema),
        ...op.parameters.map((p) => p.schema),
      ]) {
        if (schema) {
          expect(typeof s.validator(schema)).toBe('function');
          compiled += 1;
        }
      }
    }
    expect(compiled).toBeGreaterThan(100);
  });

  it('loads a YAML swagger as it loads the JSON contract', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'swagger-'));
    try {
      const file = path.join(dir, 'swagger.yaml');
      const doc = JSON.parse(readFileSync(DEFAULT_SWAGGER_PATH, 'utf8'));
      doc.paths = { '/robots': doc.paths['/robots'], '/robots/{robot_id}': doc.paths['/robots/{robot_id}'] };
      writeFileSync(file, stringifyYaml(doc));
      const yaml = HarborSwagger.load(file);
      expect(yaml).not.toBe(HarborSwagger.load());
      const signature = (ops: readonly SwaggerOperation[]) =>
        ops.map((o) => `${o.method} ${o.template} ${o.operationId}`);
      expect(signature(yaml.operations())).toEqual(
        signature(
          HarborSwagger.load()
            .operations()
            .filter((o) => o.template.startsWith('/robots')),
        ),
      );
      const m = yaml.findOperation('GET', '/robots/1');
      if (!('operation' in m)) throw new Error(m.problem);
      expect(yaml.validateResponse(m.operation, 200, JSON.stringify({ id: 1, creation_time: 'yesterday' }))).toEqual([
        expect.stringMatching(/creation_time must match format "date-time"/),
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('accepts x-nullable null values and rejects wrong types in responses', () => {
    const s = HarborSwagger.load();
    const m = s.findOperation('GET', '/robots/1');
    if (!('operation' in m)) throw new Error(m.problem);
    expect(s.validateResponse(m.operation, 200, JSON.stringify({ id: 1, duration: null }))).toEqual([]);
    expect(s.validateResponse(m.operation, 200, JSON.stringify({ id: 1, creation_time: 'yesterday' }))).toEqual([
      expect.stringMatching(/creation_time must match format "date-time"/),
    ]);
    expect(s.validateResponse(m.operation, 409, '')).toEqual([expect.stringMatching(/status 409 is not declared/)]);
  });

  it('parses Harbor q syntax', () => {
    const q = parseHarborQuery('Level=project,ProjectID=12,name=~pull,id=[1~5],tags={a b},x="q,uoted"');
    expect(Object.fromEntries(q)).toEqual({
      Level: { kind: 'exact', value: 'project' },
      ProjectID: { kind: 'exact', value: '12' },
      name: { kind: 'fuzzy', value: 'pull' },
      id: { kind: 'range', min: '1', max: '5' },
      tags: { kind: 'union', values: ['a', 'b'] },
      x: { kind: 'exact', value: 'q,uoted' },
    });
    expect(() => parseHarborQuery('novalue')).toThrow(QuerySyntaxError);
    expect(() => parseHarborQuery('a=[1~2')).toThrow(QuerySyntaxError);
  });
});
