/**
 * The Harbor dynamic provider against the Harbor emulator on loopback (every request and response checked against
 * Harbor's swagger): create, read (refresh), diff, update and delete of the project, the member and the robot, and
 * the API budget of each operation as the emulator counts it.
 */
import { randomBytes } from 'node:crypto';
import { emulatorPerTest } from '../lab/emulator-per-test';
import { HarborClient } from '../../lib/harbor';
import type { HarborLogin } from '../../lib/pulumi/providers/connection';
import { create, destroy, loginConfig, refresh, seedResources, StackResource, targetOf, up } from './support/lifecycle';
import { hostPerTest, hostRun, serializeLikePulumiUp, type HostRun } from './support/serialized';

/** Pulumi's own dynamic provider host, a new one for each test (a `pulumi` run), running the stored provider texts. */
let host: HostRun;
hostPerTest(
  (run) => (host = run),
  () => loginConfig({ username: 'admin', password: ADMIN_PASSWORD }),
);

const ADMIN_PASSWORD = randomBytes(12).toString('hex');
const emu = emulatorPerTest({ adminPassword: ADMIN_PASSWORD }, (e) => e.addUser('k8s-puller'));
let connection: HarborLogin;

/** The requests since the last reset, as `METHOD /path` below /api/v2.0 (ids as seen). */
const calls = (): string[] => emu.emulator.calls();
const writes = (): string[] => emu.emulator.calls((r) => r.write);
const find = (resources: StackResource[], name: string): StackResource => resources.find((r) => r.name === name)!;

beforeEach(() => {
  connection = { url: emu.url, username: 'admin', password: ADMIN_PASSWORD };
});

test("create = 3 writes (project, member, robot); the robot's name and secret come from Harbor and the secret pulls", async () => {
  const stack = seedResources(connection);
  emu.emulator.resetLog();
  await create(host, stack);
  expect(writes()).toEqual(['POST /projects', 'POST /projects/k8s/members', 'POST /robots']);
  expect(calls()).toEqual(writes());

  const state = emu.emulator.state();
  expect(state.projects.map((p) => [p.name, p.metadata.public, p.metadata.auto_scan, p.storageLimit])).toEqual([
    ['k8s', 'false', 'true', -1],
  ]);
  expect(state.members.filter((m) => m.entityName === 'k8s-puller').map((m) => m.roleId)).toEqual([3]);
  const [robot] = state.robots;
  expect([robot.name, robot.level, robot.project, robot.duration, robot.disabled]).toEqual([
    'robot$k8s+coredns-pull',
    'project',
    'k8s',
    -1,
    false,
  ]);

  const outs = find(stack, 'robot').outs!;
  expect(outs.fullName).toBe(robot.name);
  expect(find(stack, 'robot').id).toBe(String(robot.id));
  expect(typeof outs.secret).toBe('string');
  expect(emu.emulator.authorize(outs.fullName, outs.secret, 'k8s')).toEqual(['pull']);
  expect(find(stack, 'project').outs).toMatchObject({ created: true, projectId: state.projects[0].id });
  expect(find(stack, 'member').outs!.memberId).toBe(state.members.find((m) => m.entityName === 'k8s-puller')!.id);
});

test('an unchanged up = 0 calls; refresh = 0 writes (reads only) and leaves nothing to change', async () => {
  const stack = seedResources(connection);
  await create(host, stack);

  emu.emulator.resetLog();
  const report = await up(host, stack);
  expect(Object.values(report).map((d) => d.changes)).toEqual([false, false, false]);
  expect(calls()).toEqual([]);

  // The emulator answers robot permissions shuffled, with effect "", "allow" or absent: still no drift.
  for (let i = 0; i < 3; i++) {
    emu.emulator.resetLog();
    expect(await refresh(host, stack)).toEqual([]);
    expect(writes()).toEqual([]);
    // The member lookup (HarborClient.findMember, `?entityname=`) may read a second page: Harbor's X-Total-Count
    // counts every member of the project whatever the filter, and the emulator does the same.
    // No storage quota declared: Harbor's, never read (no GET /projects/k8s/summary).
    expect([...new Set(calls())]).toEqual([
      'GET /projects/k8s',
      'GET /projects/k8s/members',
      `GET /robots/${find(stack, 'robot').id}`,
    ]);
    expect(calls().length).toBeLessThanOrEqual(4);
    emu.emulator.resetLog();
    expect(Object.values(await up(host, stack)).map((d) => d.changes)).toEqual([false, false, false]);
    expect(calls()).toEqual([]);
  }
});

test('one host keeps its Harbor connections from one operation to the next: a refresh does not connect per request', async () => {
  const stack = seedResources(connection);
  await create(host, stack);
  emu.emulator.resetLog();
  const before = emu.connections;
  for (let i = 0; i < 3; i++) expect(await refresh(host, stack)).toEqual([]);
  const requests = calls().length;
  expect(requests).toBeGreaterThanOrEqual(9);
  // The host's three providers each keep a client for this Harbor login (reads may run side by side).
  expect(emu.connections - before).toBeLessThanOrEqual(3);
});

test('changing robot permissions updates in place (PUT): same robot, same secret, never a DELETE', async () => {
  const stack = seedResources(connection);
  await create(host, stack);
  const robot = find(stack, 'robot');
  const { id, outs } = robot;

  robot.inputs = {
    ...robot.inputs,
    permissions: [
      {
        kind: 'project',
        namespace: 'k8s',
        access: [
          { resource: 'repository', action: 'push' },
          { resource: 'repository', action: 'pull' },
        ],
      },
    ],
  };
  emu.emulator.resetLog();
  const report = await up(host, stack);
  expect(report.robot).toMatchObject({ changes: true, replaces: [], deleteBeforeReplace: false });
  expect(writes()).toEqual([`PUT /robots/${id}`]);
  expect(robot.id).toBe(id);
  expect(robot.outs!.secret).toBe(outs!.secret);
  expect(emu.emulator.authorize(outs!.fullName, outs!.secret, 'k8s')).toEqual(['pull', 'push']);

  // The same permissions in another order, with effect "allow": no change.
  robot.inputs = {
    ...robot.inputs,
    permissions: [
      {
        kind: 'project',
        namespace: 'k8s',
        access: [
          { resource: 'repository', action: 'pull', effect: 'allow' },
          { resource: 'repository', action: 'push' },
        ],
      },
    ],
  };
  emu.emulator.resetLog();
  expect((await up(host, stack)).robot.changes).toBe(false);
  expect(calls()).toEqual([]);
});

test('drift made in Harbor (robot disabled, member role changed) is read by refresh and undone by up', async () => {
  const stack = seedResources(connection);
  await create(host, stack);
  emu.emulator.setRobotDisabled('robot$k8s+coredns-pull', true);
  emu.emulator.setMemberRole('k8s', 'k8s-puller', 1);
  emu.emulator.setProjectPublic('k8s', true);

  await refresh(host, stack);
  emu.emulator.resetLog();
  const report = await up(host, stack);
  expect(Object.fromEntries(Object.entries(report).map(([k, d]) => [k, [d.changes, d.replaces]]))).toEqual({
    project: [true, []],
    member: [true, []],
    robot: [true, []],
  });
  expect(writes()).toEqual([
    'PUT /projects/k8s',
    `PUT /projects/k8s/members/${find(stack, 'member').outs!.memberId}`,
    `PUT /robots/${find(stack, 'robot').id}`,
  ]);
  const state = emu.emulator.state();
  expect([
    state.projects[0].metadata.public,
    state.members.find((m) => m.entityName === 'k8s-puller')!.roleId,
    state.robots[0].disabled,
  ]).toEqual(['false', 3, false]);
  expect(emu.emulator.authorize('robot$k8s+coredns-pull', find(stack, 'robot').outs!.secret, 'k8s')).toEqual(['pull']);
});

test('a robot deleted out of band reads as empty; the next up creates a new one with a new secret', async () => {
  const stack = seedResources(connection);
  await create(host, stack);
  const oldSecret = find(stack, 'robot').outs!.secret;
  emu.emulator.deleteRobotOutOfBand('robot$k8s+coredns-pull');

  expect(await refresh(host, stack)).toEqual(['robot']);
  emu.emulator.resetLog();
  const robot = find(stack, 'robot');
  const created = await host.create(robot.inputs);
  expect(writes()).toEqual(['POST /robots']);
  expect(created.outs.secret).not.toBe(oldSecret);
  expect(emu.emulator.authorize(created.outs.fullName, created.outs.secret, 'k8s')).toEqual(['pull']);
  expect(emu.emulator.authorize(created.outs.fullName, oldSecret, 'k8s')).toEqual([]);
});

test('replacements: another robot name or project; the same login deletes first; another Harbor address is an update', async () => {
  const stack = seedResources(connection);
  await create(host, stack);
  const robot = find(stack, 'robot');
  const project = find(stack, 'project');
  emu.emulator.resetLog();
  expect(await host.diff(robot.id!, robot.outs, { ...robot.inputs, name: 'coredns-pull-2' })).toMatchObject({
    changes: true,
    replaces: ['name'],
    deleteBeforeReplace: false,
  });
  expect(await host.diff(project.id!, project.outs, { ...project.inputs, name: 'k8s-2' })).toMatchObject({
    changes: true,
    replaces: ['name'],
  });
  // Never a replacement: the update checks that the new address reaches the same Harbor (test/pulumi/day2.test.ts).
  const elsewhere = targetOf({ ...connection, url: 'https://harbor.example.invalid' });
  expect(await host.diff(robot.id!, robot.outs, { ...robot.inputs, harbor: elsewhere })).toMatchObject({
    changes: true,
    replaces: [],
    deleteBeforeReplace: false,
  });
  // An expired robot cannot log in any more: replace it (same login name, so delete first).
  expect(await host.diff(robot.id!, { ...robot.outs, expiresAt: 1 }, robot.inputs)).toMatchObject({
    changes: true,
    replaces: ['expiresAt'],
    deleteBeforeReplace: true,
  });
  // New tuning of the same Harbor only needs to be stored: an update without any call to Harbor.
  const tuned = { ...robot.inputs.harbor, timeoutMs: 12_345 };
  const diff = await host.diff(robot.id!, robot.outs, { ...robot.inputs, harbor: tuned });
  expect(diff).toMatchObject({ changes: true, replaces: [] });
  const updated = await host.update(robot.id!, robot.outs, { ...robot.inputs, harbor: tuned });
  expect(updated.outs.harbor).toEqual(tuned);
  expect(calls()).toEqual([]);
});

test('destroy removes exactly what create made: 3 writes in reverse order', async () => {
  const stack = seedResources(connection);
  await create(host, stack);
  const ids = { robot: find(stack, 'robot').id, member: find(stack, 'member').outs!.memberId };
  emu.emulator.resetLog();
  await destroy(host, stack);
  expect(writes()).toEqual([
    `DELETE /robots/${ids.robot}`,
    `DELETE /projects/k8s/members/${ids.member}`,
    expect.stringMatching(/^DELETE \/projects\/\d+$/),
  ]);
  expect(calls()).toEqual(writes());
  const state = emu.emulator.state();
  expect([state.projects, state.robots]).toEqual([[], []]);
});

describe('an adopted project', () => {
  test('is read on create, never written; its member and robot come and go, the project stays', async () => {
    const admin = new HarborClient({ url: emu.url, username: 'admin', password: ADMIN_PASSWORD });
    await admin.createProject({ name: 'k8s', public: false, autoScan: false, preventVul: false });
    await admin.close();
    const stack = seedResources(connection, { adopt: true });
    emu.emulator.resetLog();
    await create(host, stack);
    expect(writes()).toEqual(['POST /projects/k8s/members', 'POST /robots']);
    expect(find(stack, 'project').outs).toMatchObject({ created: false });

    emu.emulator.resetLog();
    expect(Object.values(await up(host, stack)).map((d) => d.changes)).toEqual([false, false, false]);
    // autoScan differs from the inputs, but an adopted project is never changed.
    emu.emulator.resetLog();
    await refresh(host, stack);
    expect((await up(host, stack)).project.changes).toBe(false);
    expect(writes()).toEqual([]);

    const ids = { robot: find(stack, 'robot').id, member: find(stack, 'member').outs!.memberId };
    emu.emulator.resetLog();
    await destroy(host, stack);
    expect(writes()).toEqual([`DELETE /robots/${ids.robot}`, `DELETE /projects/k8s/members/${ids.member}`]);
    expect(emu.emulator.state().projects.map((p) => p.name)).toEqual(['k8s']);
  });

  test('that does not exist fails create with the fix, and writes nothing', async () => {
    const [project] = seedResources(connection, { adopt: true });
    emu.emulator.resetLog();
    await expect(host.create(project.inputs)).rejects.toThrow(
      /does not exist.*project\.adopt: true.*create it in Harbor first/,
    );
    expect(writes()).toEqual([]);
  });
});

test('a project the stack did not create is never taken over: 409 names adopt as the fix', async () => {
  const admin = new HarborClient({ url: emu.url, username: 'admin', password: ADMIN_PASSWORD });
  await admin.createProject({ name: 'k8s', public: false, autoScan: true, preventVul: false });
  await admin.close();
  const [project] = seedResources(connection);
  await expect(host.create(project.inputs)).rejects.toThrow(/already exists.*project\.adopt: true/);
});

test('deleting a project that holds repositories fails with the 412 hint unless forceDestroy; nothing else is lost', async () => {
  const stack = seedResources(connection);
  await create(host, stack);
  emu.emulator.addRepository('k8s', 'coredns');
  const project = find(stack, 'project');
  emu.emulator.resetLog();
  const failure = host.delete(project.id!, project.outs);
  await expect(failure).rejects.toThrow(/412.*still holds repositories.*forceDestroy: true/s);
  expect(emu.emulator.state().projects.map((p) => p.name)).toEqual(['k8s']);
  expect(writes()).toEqual([expect.stringMatching(/^DELETE \/projects\/\d+$/)]);
});

test('errors never carry the password', async () => {
  const [project] = seedResources(connection);
  const wrong = await hostRun(
    serializeLikePulumiUp(),
    loginConfig({ username: 'admin', password: `wrong-${ADMIN_PASSWORD}` }),
  );
  const error: Error = await wrong.create(project.inputs).then(
    () => new Error('no error'),
    (e: Error) => e,
  );
  expect(error.message).toMatch(/401/);
  expect(error.message).not.toContain(ADMIN_PASSWORD);
});
