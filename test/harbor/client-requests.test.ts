/**
 * What the Harbor client puts on the wire (paths, headers, bodies) and how it reads answers (Location ids, paging,
 * absent objects), against a scripted in-test server.
 */
import { randomBytes } from 'node:crypto';
import { HarborApiError, type HarborRequestEvent } from '../../lib/harbor';
import { idFromLocation } from '../../lib/harbor/wire';
import { harborError, startFakeHarbor, type FakeHarbor, type Handler, type RecordedRequest } from './fake-harbor';
import { LabHarborClient } from '../lab/lab-client';

const PASSWORD = randomBytes(12).toString('hex');
const USER = 'admin';
const BASIC = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;

let fake: FakeHarbor;
let client: LabHarborClient;
let events: HarborRequestEvent[];

function serve(h: Handler): void {
  fake.setHandler(h);
}

function only(): RecordedRequest {
  expect(fake.requests).toHaveLength(1);
  return fake.requests[0];
}

beforeAll(async () => {
  fake = await startFakeHarbor(() => ({ status: 500 }));
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  fake.requests.length = 0;
  events = [];
  client = new LabHarborClient({
    url: fake.url,
    username: USER,
    password: PASSWORD,
    retryBaseDelayMs: 1,
    onRequest: (e) => events.push(e),
  });
});
afterEach(async () => {
  await client.close();
});

describe('every request', () => {
  it('carries HTTP Basic auth, accepts JSON, and never a Cookie even after Set-Cookie', async () => {
    serve(() => ({ status: 200, headers: { 'set-cookie': 'sid=placeholder-not-a-secret; Path=/; HttpOnly' } }));
    await client.projectExists('one');
    await client.projectExists('two');
    expect(fake.requests).toHaveLength(2);
    for (const r of fake.requests) {
      expect(r.headers.authorization).toBe(BASIC);
      expect(r.headers.accept).toBe('application/json');
      expect(r.headers.cookie).toBeUndefined();
      expect(r.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it('appends /api/v2.0 once, also when the url already ends with it', async () => {
    serve(() => ({ status: 200 }));
    const c2 = new LabHarborClient({ url: `${fake.url}/api/v2.0/`, username: USER, password: PASSWORD });
    await c2.projectExists('p');
    await client.projectExists('p');
    await c2.close();
    expect(fake.requests.map((r) => r.pathname)).toEqual(['/api/v2.0/projects', '/api/v2.0/projects']);
  });

  it('reports each attempt to onRequest without the password', async () => {
    serve(() => ({ status: 404 }));
    await client.projectExists('p');
    expect(events).toEqual([
      { method: 'HEAD', path: '/projects?project_name=p', status: 404, attempt: 1, durationMs: expect.any(Number) },
    ]);
  });
});

describe('projects', () => {
  it('createProject POSTs project_name, string metadata and storage_limit, and reads the id from Location', async () => {
    serve(() => ({ status: 201, headers: { location: '/api/v2.0/projects/42' } }));
    const res = await client.createProject({
      name: 'team-app',
      public: false,
      autoScan: true,
      preventVul: false,
      storageLimitBytes: 1073741824,
    });
    expect(res).toEqual({ id: 42 });
    const r = only();
    expect(r.method).toBe('POST');
    expect(r.pathname).toBe('/api/v2.0/projects');
    expect(r.headers['content-type']).toBe('application/json');
    expect(r.json).toEqual({
      project_name: 'team-app',
      metadata: { public: 'false', auto_scan: 'true', prevent_vul: 'false' },
      storage_limit: 1073741824,
    });
  });

  it('createProject leaves storage_limit out when not given, and accepts an absolute Location', async () => {
    serve(() => ({ status: 201, headers: { location: 'https://reg.example.invalid/api/v2.0/projects/7' } }));
    expect(await client.createProject({ name: 'p', public: true, autoScan: false, preventVul: true })).toEqual({
      id: 7,
    });
    expect(only().json).toEqual({
      project_name: 'p',
      metadata: { public: 'true', auto_scan: 'false', prevent_vul: 'true' },
    });
  });

  it('createProject without a usable Location fails and says the project was probably created', async () => {
    serve(() => ({ status: 201, headers: { location: '/api/v2.0/projects/team-app' } }));
    const err = await client
      .createProject({ name: 'team-app', public: false, autoScan: false, preventVul: false })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HarborApiError);
    expect((err as HarborApiError).code).toBe('UNEXPECTED_RESPONSE');
    expect((err as HarborApiError).message).toContain('probably created');
  });

  it('projectExists uses HEAD /projects?project_name= and maps 200/404', async () => {
    serve((r) => ({ status: r.query.get('project_name') === 'here' ? 200 : 404 }));
    await expect(client.projectExists('here')).resolves.toBe(true);
    await expect(client.projectExists('gone')).resolves.toBe(false);
    expect(fake.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      'HEAD /api/v2.0/projects?project_name=here',
      'HEAD /api/v2.0/projects?project_name=gone',
    ]);
  });

  it('getProject addresses an all-digit name by name and parses metadata strings', async () => {
    serve(() => ({
      status: 200,
      body: {
        project_id: 9,
        name: '12345',
        metadata: { public: 'false', auto_scan: 'true', prevent_vul: 'true', severity: 'low' },
      },
    }));
    const p = await client.getProject('12345');
    const r = only();
    expect(r.method).toBe('GET');
    expect(r.pathname).toBe('/api/v2.0/projects/12345');
    expect(r.headers['x-is-resource-name']).toBe('true');
    expect(p).toEqual({
      id: 9,
      name: '12345',
      public: false,
      autoScan: true,
      preventVul: true,
      metadata: { public: 'false', auto_scan: 'true', prevent_vul: 'true', severity: 'low' },
    });
  });

  it("getProject returns undefined on Harbor's 404, but a bare 404 (wrong url) is an error", async () => {
    serve(() => ({ status: 404, body: harborError('NOT_FOUND', 'project nope not found') }));
    await expect(client.getProject('nope')).resolves.toBeUndefined();
    serve(() => ({ status: 404, headers: { 'content-type': 'text/html' }, body: '<h1>404 page not found</h1>' }));
    const err = (await client.getProject('nope').catch((e: unknown) => e)) as HarborApiError;
    expect(err).toBeInstanceOf(HarborApiError);
    expect(err.status).toBe(404);
    expect(err.hint).toContain('check that url points at Harbor');
  });

  it('updateProject PUTs string metadata by name', async () => {
    serve(() => ({ status: 200 }));
    await client.updateProject('007', { name: '007', public: true, autoScan: false, preventVul: false });
    const r = only();
    expect(`${r.method} ${r.pathname}`).toBe('PUT /api/v2.0/projects/007');
    expect(r.headers['x-is-resource-name']).toBe('true');
    expect(r.json).toEqual({ metadata: { public: 'true', auto_scan: 'false', prevent_vul: 'false' } });
  });

  it("deleteProject DELETEs by name; Harbor's 404 counts as already deleted; 412 explains repositories", async () => {
    serve(() => ({ status: 200 }));
    await client.deleteProject('app');
    expect(`${only().method} ${only().pathname} ${only().headers['x-is-resource-name']}`).toBe(
      'DELETE /api/v2.0/projects/app true',
    );
    serve(() => ({ status: 404, body: harborError('NOT_FOUND', 'project app not found') }));
    await expect(client.deleteProject('app')).resolves.toBeUndefined();
    serve(() => ({ status: 412, body: harborError('PRECONDITION', 'the project contains repositories') }));
    const err = (await client.deleteProject('app').catch((e: unknown) => e)) as HarborApiError;
    expect(err.status).toBe(412);
    expect(err.code).toBe('PRECONDITION');
    expect(err.harborMessage).toBe('the project contains repositories');
    expect(err.hint).toMatch(/repositories.*delete them/);
  });

  it('refuses an invalid project name before sending anything', async () => {
    serve(() => ({ status: 200 }));
    await expect(client.getProject('Team App')).rejects.toThrow(/"Team App" is not a valid Harbor project name/);
    await expect(
      client.createProject({ name: 'ok', public: false, autoScan: false, preventVul: false, storageLimitBytes: 0 }),
    ).rejects.toThrow(/storageLimitBytes 0/);
    expect(fake.requests).toHaveLength(0);
  });
});

describe('members', () => {
  it('addMember POSTs role_id and member_user, reading the member id from Location', async () => {
    serve(() => ({ status: 201, headers: { location: '/api/v2.0/projects/123/members/77' } }));
    await expect(client.addMember('123', { kind: 'user', name: 'alice' }, 'limitedGuest')).resolves.toEqual({ id: 77 });
    const r = only();
    expect(`${r.method} ${r.pathname}`).toBe('POST /api/v2.0/projects/123/members');
    expect(r.headers['x-is-resource-name']).toBe('true');
    expect(r.json).toEqual({ role_id: 5, member_user: { username: 'alice' } });
  });

  it('addMember sends member_group with type and DN for a group', async () => {
    serve(() => ({ status: 201, headers: { location: '/api/v2.0/projects/app/members/3' } }));
    await client.addMember(
      'app',
      { kind: 'group', name: 'devs', groupType: 1, ldapGroupDn: 'cn=devs,dc=example,dc=org' },
      'developer',
    );
    expect(only().json).toEqual({
      role_id: 2,
      member_group: { group_name: 'devs', group_type: 1, ldap_group_dn: 'cn=devs,dc=example,dc=org' },
    });
  });

  it('addMember duplicate: 409 with the adopt hint', async () => {
    serve(() => ({
      status: 409,
      headers: { 'x-request-id': 'req-409' },
      body: harborError('CONFLICT', 'the user is already a member'),
    }));
    const err = (await client
      .addMember('app', { kind: 'user', name: 'alice' }, 'guest')
      .catch((e: unknown) => e)) as HarborApiError;
    expect(err.status).toBe(409);
    expect(err.code).toBe('CONFLICT');
    expect(err.requestId).toBe('req-409');
    expect(err.hint).toContain('adopt');
    expect(err.retryable).toBe(false);
  });

  it('listMembers follows paging (Link rel="next") with page_size=100 and maps roles', async () => {
    const all = Array.from({ length: 150 }, (_, i) => ({
      id: i + 1,
      project_id: 1,
      entity_id: 1000 + i,
      entity_name: `user${i}`,
      entity_type: 'u',
      role_id: (i % 5) + 1,
    }));
    serve((r) => {
      const page = Number(r.query.get('page'));
      const size = Number(r.query.get('page_size'));
      const slice = all.slice((page - 1) * size, page * size);
      const next =
        page * size < all.length
          ? `</api/v2.0/projects/app/members?page=${page + 1}&page_size=${size}>; rel="next"`
          : '';
      return {
        status: 200,
        headers: { 'x-total-count': String(all.length), ...(next ? { link: next } : {}) },
        body: slice,
      };
    });
    const members = await client.listMembers('app');
    expect(fake.requests.map((r) => r.url)).toEqual([
      '/api/v2.0/projects/app/members?page=1&page_size=100',
      '/api/v2.0/projects/app/members?page=2&page_size=100',
    ]);
    expect(fake.requests.every((r) => r.headers['x-is-resource-name'] === 'true')).toBe(true);
    expect(members).toHaveLength(150);
    expect(members[0]).toEqual({ id: 1, entityName: 'user0', entityType: 'u', role: 'projectAdmin', entityId: 1000 });
    expect(members[149].role).toBe('limitedGuest');
  });

  it('paging stops on X-Total-Count when there is no Link header', async () => {
    serve((r) => {
      const page = Number(r.query.get('page'));
      const body =
        page <= 2
          ? Array.from({ length: page === 1 ? 100 : 1 }, (_, i) => ({
              id: page * 1000 + i,
              entity_name: 'x',
              entity_type: 'g',
              role_id: 3,
            }))
          : [];
      return { status: 200, headers: { 'x-total-count': '101' }, body };
    });
    expect(await client.listMembers('app')).toHaveLength(101);
    expect(fake.requests).toHaveLength(2);
  });

  it('findMember filters the fuzzy entityname search by exact name and type', async () => {
    serve(() => ({
      status: 200,
      headers: { 'x-total-count': '3' },
      body: [
        { id: 1, entity_name: 'bob2', entity_type: 'u', role_id: 1 },
        { id: 2, entity_name: 'bob', entity_type: 'g', role_id: 2 },
        { id: 3, entity_name: 'bob', entity_type: 'u', role_id: 4 },
      ],
    }));
    await expect(client.findMember('app', { kind: 'user', name: 'bob' })).resolves.toEqual({
      id: 3,
      entityName: 'bob',
      entityType: 'u',
      role: 'maintainer',
    });
    expect(only().query.get('entityname')).toBe('bob');
    await expect(client.findMember('app', { kind: 'group', name: 'bob' })).resolves.toMatchObject({
      id: 2,
      role: 'developer',
    });
    await expect(client.findMember('app', { kind: 'user', name: 'bo' })).resolves.toBeUndefined();
  });

  it('updateMemberRole PUTs role_id; removeMember DELETEs', async () => {
    serve(() => ({ status: 200 }));
    await client.updateMemberRole('app', 12, 'maintainer');
    await client.removeMember('app', 12);
    expect(fake.requests.map((r) => `${r.method} ${r.pathname} ${r.headers['x-is-resource-name']} ${r.body}`)).toEqual([
      'PUT /api/v2.0/projects/app/members/12 true {"role_id":4}',
      'DELETE /api/v2.0/projects/app/members/12 true ',
    ]);
  });
});

describe('robots', () => {
  const pull = [{ kind: 'project' as const, namespace: 'app', access: [{ resource: 'repository', action: 'pull' }] }];

  it('createRobot POSTs name, description, level, duration and one permission, returning the full name and secret', async () => {
    const secret = randomBytes(16).toString('hex');
    serve(() => ({
      status: 201,
      headers: { location: '/api/v2.0/robots/31' },
      body: { id: 31, name: 'robot$app+puller', secret, creation_time: '2024-01-01T00:00:00Z', expires_at: -1 },
    }));
    const created = await client.createRobot({ name: 'puller', duration: -1, level: 'project', permissions: pull });
    expect(created).toEqual({ id: 31, name: 'robot$app+puller', secret, expiresAt: -1, creationTime: 1704067200000 });
    const r = only();
    expect(`${r.method} ${r.pathname}`).toBe('POST /api/v2.0/robots');
    expect(r.json).toEqual({
      name: 'puller',
      description: '',
      level: 'project',
      duration: -1,
      disable: false,
      permissions: pull,
    });
  });

  it('createRobot refuses 0 duration, a "$" in the name and two permissions, without a request', async () => {
    await expect(client.createRobot({ name: 'p', duration: 0, level: 'project', permissions: pull })).rejects.toThrow(
      /duration 0 .*DAYS/,
    );
    await expect(
      client.createRobot({ name: 'robot$p', duration: 30, level: 'project', permissions: pull }),
    ).rejects.toThrow(/RobotSpec.name/);
    await expect(
      client.createRobot({ name: 'p', duration: 30, level: 'project', permissions: [...pull, ...pull] }),
    ).rejects.toThrow(/exactly one/);
    expect(fake.requests).toHaveLength(0);
  });

  // Harbor's robot rule (validateName in src/server/v2.0/handler/robot.go: ^[a-z0-9]+(?:[._-][a-z0-9]+)*$) refuses a
  // leading, trailing or doubled separator with 400; the client's own copy of the rule used to let these through.
  it.each(['a..b', 'a._b', '-pull', 'pull-', '.pull'])(
    'createRobot refuses the robot name %j as Harbor does, without a request',
    async (name) => {
      await expect(client.createRobot({ name, duration: 30, level: 'project', permissions: pull })).rejects.toThrow(
        /RobotSpec.name/,
      );
      expect(fake.requests).toHaveLength(0);
    },
  );

  it("createRobot and updateRobot refuse a pair Harbor's PoliciesMap lacks, and a name Harbor cannot store, without a request", async () => {
    const access = (resource: string, action: string) => [
      {
        kind: 'project' as const,
        namespace: 'k8s',
        access: [
          { resource: 'repository', action: 'pull' },
          { resource, action },
        ],
      },
    ];
    await expect(
      client.createRobot({ name: 'p', duration: 30, level: 'project', permissions: access('repository', '*') }),
    ).rejects.toThrow(
      'RobotSpec.permissions[0].access[1] "repository:*" is not a permission Harbor accepts for a project robot ' +
        '(Harbor answers 400 "bad request permission: repository:*"): use "repository:delete", "repository:list", ' +
        '"repository:pull", "repository:push", "repository:read", "repository:update"',
    );
    await expect(
      client.createRobot({ name: 'p', duration: 30, level: 'project', permissions: access('tag', 'read') }),
    ).rejects.toThrow(/"tag:read" .* use "tag:create", "tag:delete", "tag:list"/);
    await expect(
      client.updateRobot(7, {
        name: 'robot$k8s+p',
        duration: 30,
        level: 'project',
        disable: false,
        permissions: access('bogus', 'fly'),
      }),
    ).rejects.toThrow(
      /robot update permissions\[0\]\.access\[1\] "bogus:fly" .*: use "[a-z-]+:[a-z-]+", "[a-z-]+:[a-z-]+", "[a-z-]+:[a-z-]+" \(HARBOR_ROBOT_ACCESS/,
    );
    // Harbor stores "<project>+<name>" in 255 characters: "k8s+" leaves 251.
    await expect(
      client.createRobot({ name: 'r'.repeat(252), duration: 30, level: 'project', permissions: pull }),
    ).rejects.toThrow(/too long for project "app": .* \(this one: 256\) .* at most 251 characters/);
    expect(fake.requests).toHaveLength(0);
  });

  it('createRobot 403 explains projectAdmin', async () => {
    serve(() => ({ status: 403, body: harborError('FORBIDDEN', 'forbidden') }));
    const err = (await client
      .createRobot({ name: 'p', duration: 1, level: 'project', permissions: pull })
      .catch((e: unknown) => e)) as HarborApiError;
    expect(err.status).toBe(403);
    expect(err.hint).toMatch(/projectAdmin/);
    expect(err.message).toContain('POST');
    expect(err.message).toContain('/robots');
  });

  it('getRobot maps fields and normalises permissions; Harbor 404 -> undefined', async () => {
    serve((r) =>
      r.pathname.endsWith('/5')
        ? {
            status: 200,
            body: {
              id: 5,
              name: 'robot$app+puller',
              description: 'pull only',
              duration: 30,
              disable: false,
              expires_at: 1900000000,
              level: 'project',
              permissions: [
                {
                  kind: 'project',
                  namespace: 'app',
                  access: [
                    { resource: 'repository', action: 'pull', effect: 'allow' },
                    { resource: 'artifact', action: 'read', effect: '' },
                  ],
                },
              ],
            },
          }
        : { status: 404, body: harborError('NOT_FOUND', 'robot 6 not found') },
    );
    await expect(client.getRobot(5)).resolves.toEqual({
      id: 5,
      name: 'robot$app+puller',
      description: 'pull only',
      duration: 30,
      disabled: false,
      expiresAt: 1900000000,
      level: 'project',
      permissions: [
        {
          kind: 'project',
          namespace: 'app',
          access: [
            { resource: 'artifact', action: 'read' },
            { resource: 'repository', action: 'pull' },
          ],
        },
      ],
    });
    await expect(client.getRobot(6)).resolves.toBeUndefined();
    expect(fake.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      'GET /api/v2.0/robots/5',
      'GET /api/v2.0/robots/6',
    ]);
  });

  it('listProjectRobots queries q=Level=project,ProjectID=<id> and follows paging by page-fullness', async () => {
    serve((r) => {
      const page = Number(r.query.get('page'));
      const n = page === 1 ? 100 : page === 2 ? 3 : 0;
      return {
        status: 200,
        body: Array.from({ length: n }, (_, i) => ({
          id: page * 1000 + i,
          name: `robot$app+r${i}`,
          level: 'project',
          permissions: [],
        })),
      };
    });
    const robots = await client.listProjectRobots(12);
    expect(robots).toHaveLength(103);
    expect(fake.requests).toHaveLength(2);
    expect(fake.requests[0].query.get('q')).toBe('Level=project,ProjectID=12');
    expect(fake.requests[0].query.get('page_size')).toBe('100');
    expect(fake.requests[1].query.get('page')).toBe('2');
  });

  it('updateRobot PUTs the full record; refreshRobotSecret PATCHes {secret:""}; deleteRobot DELETEs', async () => {
    const fresh = randomBytes(16).toString('hex');
    serve((r) => (r.method === 'PATCH' ? { status: 200, body: { secret: fresh } } : { status: 200 }));
    await client.updateRobot(5, {
      name: 'robot$app+puller',
      duration: 30,
      level: 'project',
      disable: true,
      permissions: pull,
    });
    await expect(client.refreshRobotSecret(5)).resolves.toBe(fresh);
    await client.deleteRobot(5);
    expect(fake.requests.map((r) => `${r.method} ${r.pathname}`)).toEqual([
      'PUT /api/v2.0/robots/5',
      'PATCH /api/v2.0/robots/5',
      'DELETE /api/v2.0/robots/5',
    ]);
    expect(fake.requests[0].json).toEqual({
      id: 5,
      name: 'robot$app+puller',
      description: '',
      duration: 30,
      level: 'project',
      disable: true,
      permissions: pull,
    });
    expect(fake.requests[1].json).toEqual({ secret: '' });
  });
});

describe('idFromLocation', () => {
  it.each([
    ['/api/v2.0/projects/12', 12],
    ['https://h.invalid/api/v2.0/projects/1/members/99/', 99],
    ['/api/v2.0/projects/app', undefined],
    ['', undefined],
    [null, undefined],
  ])('%s -> %s', (loc, id) => {
    expect(idFromLocation(loc)).toBe(id);
  });
});

describe('repositories (project.forceDestroy)', () => {
  it('listRepositories reads every page; deleteRepository names the repository within its project, encoded twice', async () => {
    serve((r) => {
      if (r.method === 'GET') {
        const page = Number(r.query.get('page'));
        const names = page === 1 ? Array.from({ length: 100 }, (_, i) => `k8s/app-${i}`) : ['k8s/tools/debug'];
        return { status: 200, headers: { 'x-total-count': '101' }, body: names.map((name, id) => ({ id, name })) };
      }
      return { status: 200 };
    });
    const names = await client.listRepositories('k8s');
    expect(names).toHaveLength(101);
    expect(fake.requests.map((r) => `${r.method} ${r.pathname} ${r.query.get('page')}`)).toEqual([
      'GET /api/v2.0/projects/k8s/repositories 1',
      'GET /api/v2.0/projects/k8s/repositories 2',
    ]);
    fake.requests.length = 0;
    await client.deleteRepository('k8s', 'k8s/tools/debug');
    await client.deleteRepository('k8s', 'coredns');
    expect(fake.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      'DELETE /api/v2.0/projects/k8s/repositories/tools%252Fdebug',
      'DELETE /api/v2.0/projects/k8s/repositories/coredns',
    ]);
  });

  it('deleteRepository shares the client retry (a 503, then done) and takes a repository already gone as deleted', async () => {
    let n = 0;
    serve(() => (++n === 1 ? { status: 503 } : { status: 200 }));
    await client.deleteRepository('k8s', 'coredns');
    expect(fake.requests).toHaveLength(2);
    serve(() => ({ status: 404, body: harborError('NOT_FOUND', 'repository k8s/coredns not found') }));
    await expect(client.deleteRepository('k8s', 'coredns')).resolves.toBeUndefined();
  });

  it('deleteProjectRepositories deletes what it listed and returns the full names', async () => {
    serve((r) => (r.method === 'GET' ? { status: 200, body: [{ id: 1, name: 'k8s/coredns' }] } : { status: 200 }));
    await expect(client.deleteProjectRepositories('k8s')).resolves.toEqual(['k8s/coredns']);
    expect(fake.requests.map((r) => `${r.method} ${r.pathname}`)).toEqual([
      'GET /api/v2.0/projects/k8s/repositories',
      'DELETE /api/v2.0/projects/k8s/repositories/coredns',
    ]);
  });
});

describe('a redirect is answered, not followed, with the address to use', () => {
  test.each([
    [
      'https://harbor.moved.example/api/v2.0/projects/app',
      /Harbor redirected to another address: use https:\/\/harbor\.moved\.example as url \(Location: https:\/\/harbor\.moved\.example\/api\/v2\.0\/projects\/app\)/,
    ],
    ['https://proxy.example/harbor/api/v2.0/projects/app', /use https:\/\/proxy\.example\/harbor as url/],
    [
      '/c/oidc/login',
      /the answer is a redirect to \/c\/oidc\/login, not an API answer: check that url is Harbor's base address/,
    ],
  ])('Location %s', async (location, hint) => {
    serve(() => ({ status: 302, headers: { location } }));
    const e = (await client.getProject('app').catch((err: unknown) => err)) as HarborApiError;
    expect(e.status).toBe(302);
    expect(e.hint).toMatch(hint);
    only();
  });
});

describe("a 404 without Harbor's error body is not Harbor's answer", () => {
  const notHarbor = /a 404 without Harbor's error body: check that url points at Harbor itself/;
  test.each([
    ['a read', () => client.getProject('app')],
    ['a create', () => client.createProject({ name: 'app', public: false, autoScan: false, preventVul: false })],
    ['a delete', () => client.deleteProjectById(1)],
  ])('%s: the hint says url may not point at Harbor', async (_what, call) => {
    serve(() => ({ status: 404, headers: { 'content-type': 'text/html' }, body: '<html>Not Found</html>' }));
    const e = (await (call as () => Promise<unknown>)().catch((err: unknown) => err)) as HarborApiError;
    expect(e.status).toBe(404);
    expect(e.hint).toMatch(notHarbor);
  });

  test("with Harbor's NOT_FOUND body, a create's 404 keeps Harbor's meaning", async () => {
    serve(() => ({ status: 404, body: harborError('NOT_FOUND', 'project app not found') }));
    const e = (await client
      .addMember('app', { kind: 'user', name: 'alice' }, 'guest')
      .catch((err: unknown) => err)) as HarborApiError;
    expect(e.status).toBe(404);
    expect(e.hint).not.toMatch(notHarbor);
  });
});
