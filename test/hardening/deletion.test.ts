/**
 * Safe deletion, in the lab: the stack deletes only what it created.
 * - An adopted project is never deleted (nor changed), even with forceDestroy; the members and robots that the stack
 *   did not create stay untouched, only the stack's own member and robot go.
 * - A project the stack created, then deleted and recreated by someone else under the same name, is not the stack's:
 *   refresh lets go of it, destroy leaves it alone, and the next up asks to adopt it.
 * - Deleting a project that still holds repositories fails with the 412 hint, after one request and losing nothing,
 *   unless forceDestroy (then the repositories go first).
 *
 * A thin layer in front of the emulator logs every call (`calls`); the emulator answers them all, repository calls
 * included, and checks them against Harbor's swagger.
 */
import { randomBytes } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { HarborClient } from '../../lib/harbor';
import type { HarborLogin } from '../../lib/pulumi/providers/connection';
import { HarborEmulator } from '../lab/harbor-emulator';
import {
  create,
  destroy,
  loginConfig,
  refresh,
  seedResources,
  up,
  type StackResource,
} from '../pulumi/support/lifecycle';
import { hostPerTest, type HostRun } from '../pulumi/support/serialized';

/** Pulumi's own dynamic provider host, a new one for each test (a `pulumi` run), running the stored provider texts. */
let host: HostRun;
hostPerTest(
  (run) => (host = run),
  () => loginConfig({ username: 'admin', password: ADMIN_PASSWORD }),
);

const ADMIN_PASSWORD = randomBytes(12).toString('hex');
const PULL = [{ kind: 'project' as const, namespace: 'k8s', access: [{ resource: 'repository', action: 'pull' }] }];

let emulator: HarborEmulator;
let server: http.Server;
let url: string;
let connection: HarborLogin;
let stack: StackResource[];
/** Every request, repository calls included, as `METHOD /path` below /api/v2.0. */
let calls: string[] = [];

const res = (name: 'project' | 'member' | 'robot'): StackResource => stack.find((r) => r.name === name)!;
const writes = (): string[] => calls.filter((c) => !/^(GET|HEAD) /.test(c));
const admin = (): HarborClient => new HarborClient({ url, username: 'admin', password: ADMIN_PASSWORD });

beforeAll(async () => {
  server = http.createServer((req, res) => {
    calls.push(`${req.method} ${new URL(req.url ?? '/', 'http://x').pathname.replace('/api/v2.0', '')}`);
    void emulator.handle(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
beforeEach(() => {
  emulator = new HarborEmulator({ adminPassword: ADMIN_PASSWORD });
  emulator.addUser('k8s-puller');
  emulator.addUser('alice');
  connection = { url, username: 'admin', password: ADMIN_PASSWORD, retryBaseDelayMs: 1 };
  calls = [];
});
afterEach(() => {
  emulator.dispose();
  expect(emulator.contractViolations).toEqual([]);
});

/** A project made outside the stack, with a member (alice), a robot (ci) and a repository of its own. */
async function theirProject(): Promise<{ robotId: number; robotName: string; robotSecret: string }> {
  const h = admin();
  await h.createProject({ name: 'k8s', public: false, autoScan: false, preventVul: false });
  await h.addMember('k8s', { kind: 'user', name: 'alice' }, 'developer');
  const ci = await h.createRobot({
    name: 'ci',
    description: 'theirs',
    duration: -1,
    level: 'project',
    permissions: PULL,
  });
  await h.close();
  emulator.addRepository('k8s', 'coredns');
  return { robotId: ci.id, robotName: ci.name, robotSecret: ci.secret };
}

describe('an adopted project', () => {
  test.each([false, true])(
    "is never deleted (forceDestroy %s); only the stack's own member and robot go",
    async (forceDestroy) => {
      const theirs = await theirProject();
      stack = seedResources(connection, { adopt: true, forceDestroy });
      await create(host, stack);
      expect(res('project').outs).toMatchObject({ created: false });
      const ours = { robot: res('robot').id, member: res('member').outs!.memberId };

      calls = [];
      await destroy(host, stack);
      expect(writes()).toEqual([`DELETE /robots/${ours.robot}`, `DELETE /projects/k8s/members/${ours.member}`]);
      const state = emulator.state();
      expect(state.projects.map((p) => [p.name, p.repositories])).toEqual([['k8s', ['coredns']]]);
      expect(state.members.map((m) => m.entityName).sort()).toEqual(['admin', 'alice']);
      expect(state.robots.map((r) => r.id)).toEqual([theirs.robotId]);
      expect(emulator.authorize(theirs.robotName, theirs.robotSecret, 'k8s')).toEqual(['pull']);
    },
  );

  test('deleting the project resource itself makes no request at all', async () => {
    await theirProject();
    stack = seedResources(connection, { adopt: true, forceDestroy: true });
    await create(host, stack.slice(0, 1));
    calls = [];
    await host.delete(res('project').id!, res('project').outs);
    expect(calls).toEqual([]);
  });

  test('is never changed either: inputs that differ from Harbor write nothing', async () => {
    await theirProject();
    stack = seedResources(connection, { adopt: true });
    await create(host, stack.slice(0, 1));
    res('project').inputs = { ...res('project').inputs, public: true, preventVulnerableImages: true };
    calls = [];
    const report = await up(host, stack.slice(0, 1));
    expect(report.project.changes).toBe(false);
    expect(writes()).toEqual([]);
    expect(emulator.state().projects[0].metadata).toMatchObject({ public: 'false' });
  });

  test('stays not ours when adopt is switched off later: created stays false, delete makes no request', async () => {
    await theirProject();
    stack = seedResources(connection, { adopt: true });
    await create(host, stack.slice(0, 1));
    res('project').inputs = { ...res('project').inputs, adopt: false };
    await up(host, stack.slice(0, 1));
    expect(res('project').outs).toMatchObject({ adopt: false, created: false });
    calls = [];
    await host.delete(res('project').id!, res('project').outs);
    expect(calls).toEqual([]);
    expect(emulator.state().projects).toHaveLength(1);
  });
});

test('a project deleted and recreated by someone else is not ours: refresh lets go, destroy leaves it, up asks to adopt', async () => {
  stack = seedResources(connection);
  await create(host, stack);
  // Someone deletes the stack's project (its member and robot go with it) and makes their own under the same name.
  const h = admin();
  await h.deleteProject('k8s');
  await h.close();
  const theirs = await theirProject();

  expect(await refresh(host, stack)).toEqual(['project', 'member', 'robot']);
  calls = [];
  await destroy(host, stack);
  expect(calls).toEqual([]);
  expect(emulator.state().projects.map((p) => [p.name, p.repositories])).toEqual([['k8s', ['coredns']]]);
  expect(emulator.state().robots.map((r) => r.id)).toEqual([theirs.robotId]);

  await expect(host.create(res('project').inputs)).rejects.toThrow(
    /already exists.*this stack did not create it.*project\.adopt: true/s,
  );
  expect(emulator.state().projects).toHaveLength(1);
});

test('without a refresh, destroy of a project recreated by someone else deletes by id and leaves theirs', async () => {
  stack = seedResources(connection);
  await create(host, stack);
  const h = admin();
  await h.deleteProject('k8s');
  await h.close();
  await theirProject();
  const theirs = emulator.state().projects.map((p) => p.id);
  // No refresh: the state still holds the old project id.
  await host.delete(res('project').id!, res('project').outs);
  expect(emulator.state().projects.map((p) => p.id)).toEqual(theirs);
});

describe('a project the stack created that still holds repositories', () => {
  test('is not deleted without forceDestroy: the 412 hint, one request, nothing lost', async () => {
    stack = seedResources(connection);
    await create(host, stack);
    emulator.addRepository('k8s', 'coredns');
    const before = emulator.state();
    calls = [];
    const error = await host.delete(res('project').id!, res('project').outs).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.message).toMatch(
      /was not deleted because it still holds repositories.*HTTP 412.*project\.forceDestroy: true/s,
    );
    expect(error?.message).not.toContain(ADMIN_PASSWORD);
    expect(calls).toEqual([`DELETE /projects/${res('project').outs!.projectId}`]);
    expect(emulator.state()).toEqual(before);
  });

  test('is deleted with forceDestroy (set by an up first): repositories, then the project', async () => {
    stack = seedResources(connection);
    await create(host, stack);
    emulator.addRepository('k8s', 'coredns');
    emulator.addRepository('k8s', 'tools/debug');
    res('project').inputs = { ...res('project').inputs, forceDestroy: true };
    calls = [];
    expect((await up(host, stack)).project).toMatchObject({ changes: true, replaces: [] });
    expect(calls).toEqual([]); // storing forceDestroy needs no call to Harbor
    const ids = { robot: res('robot').id, member: res('member').outs!.memberId };
    await destroy(host, stack);
    expect(writes()).toEqual([
      `DELETE /robots/${ids.robot}`,
      `DELETE /projects/k8s/members/${ids.member}`,
      expect.stringMatching(/^DELETE \/projects\/\d+$/),
      'DELETE /projects/k8s/repositories/coredns',
      'DELETE /projects/k8s/repositories/tools%252Fdebug',
      expect.stringMatching(/^DELETE \/projects\/\d+$/),
    ]);
    expect(emulator.state().projects).toEqual([]);
  });
});
