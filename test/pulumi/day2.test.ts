/**
 * Day 2 of a Pulumi stack, driven through the Harbor dynamic provider AS PULUMI STORES AND RUNS IT: the text
 * `pulumi up` serializes for this repository's program (support/serialized.ts), loaded and configured with the stack
 * configuration like Pulumi's dynamic provider host, one host "run" per `pulumi` command, against the lab's Harbor
 * emulator (every request checked against Harbor's swagger). The engine's part (create, diff + update, refresh,
 * destroy, preview) is played by support/lifecycle.ts.
 *
 * The README's "Operating it" section describes each scenario: rotating the Harbor admin password, moving Harbor's URL,
 * adopting existing objects, changing the storage quota, a group's identity, upgrading from a state that held the
 * password, and what a preview shows of the pull Secret.
 */
import { randomBytes } from 'node:crypto';
import type { dynamic } from '@pulumi/pulumi';
import { HarborEmulator, startEmulatorServer } from '../lab/harbor-emulator';
import { emulatorPerTest } from '../lab/emulator-per-test';
import { HarborClient } from '../../lib/harbor';
import { dockerConfigJson } from '../../lib/core';
import type { HarborTarget } from '../../lib/pulumi/providers/connection';
import { UNKNOWN } from '../../lib/pulumi/providers/robot-login-provider';
import {
  create,
  destroy,
  preview,
  refresh,
  seedStack,
  StackResource,
  up,
  failure,
  findResource,
} from './support/lifecycle';
import { hostRun, ProviderTexts, serializeLikePulumiUp } from './support/serialized';
import { kindOf } from './support/kinds';

const password = (): string => `Pw-${randomBytes(9).toString('hex')}`;
const GB = 1024 ** 3;
let texts: ProviderTexts;
let passwordA: string;
const emu = emulatorPerTest(
  () => {
    passwordA = password();
    return { adminPassword: passwordA };
  },
  (e) => e.addUser('k8s-puller'),
);

/** The stack configuration with the admin login (what `pulumi config set harborUsername/--secret harborPassword` set). */
const login = (pw: string, name = 'harbor'): Record<string, string> => ({
  [`example:${name}Username`]: 'admin',
  [`example:${name}Password`]: pw,
});
const target = (url = emu.url): HarborTarget => ({ url, config: 'example:harbor' });
const find = findResource;
const requests = (): string[] => emu.emulator.calls();
const writes = (): string[] => emu.emulator.calls((r) => r.write);

beforeAll(() => {
  texts = serializeLikePulumiUp();
});

describe('rotating the Harbor admin password', () => {
  test('create with A; Harbor now wants B; the configuration says B: refresh, update and destroy succeed, no request carries A', async () => {
    const stack = seedStack(target(), { providers: texts });
    await create(await hostRun(texts, login(passwordA)), stack);
    expect(JSON.stringify(stack.map((r) => [r.inputs, r.outs]))).not.toContain(passwordA);

    // An administrator changes the password in Harbor (its own API, Harbor's rules).
    const passwordB = password();
    const admin = await fetch(`${emu.url}/api/v2.0/users/1/password`, {
      method: 'PUT',
      headers: {
        authorization: `Basic ${Buffer.from(`admin:${passwordA}`).toString('base64')}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ old_password: passwordA, new_password: passwordB }),
    });
    expect(admin.status).toBe(200);

    // The stack configuration still says A: a refresh (stored configuration) fails with Harbor's 401, and says so.
    const stale = await failure(refresh(await hostRun(texts, login(passwordA)), stack));
    expect(stale.message).toMatch(/HTTP 401/);
    expect(stale.message).not.toContain(passwordA);

    // `pulumi config set --secret harborPassword B`, then `pulumi up` (it stores the configuration) and the rest.
    emu.emulator.resetLog();
    const run = await hostRun(texts, login(passwordB));
    expect(Object.values(await up(run, stack)).map((d) => d.changes)).toEqual([false, false, false, false]);
    expect(await refresh(run, stack)).toEqual([]);
    find(stack, 'member').inputs = { ...find(stack, 'member').inputs, role: 'developer' };
    await up(run, stack);
    expect(emu.emulator.state().members.find((m) => m.entityName === 'k8s-puller')!.roleId).toBe(2);
    await destroy(run, stack);
    expect(emu.emulator.state().projects).toEqual([]);
    expect(writes()).toEqual([
      expect.stringMatching(/^PUT \/projects\/k8s\/members\/\d+$/),
      expect.stringMatching(/^DELETE \/robots\/\d+$/),
      expect.stringMatching(/^DELETE \/projects\/k8s\/members\/\d+$/),
      expect.stringMatching(/^DELETE \/projects\/\d+$/),
    ]);
    // Every request authenticated: none carried the old password (Harbor would have answered 401).
    expect(emu.emulator.requests.filter((r) => r.status === 401)).toEqual([]);
    expect(emu.emulator.requests.length).toBeGreaterThan(writes().length);
  });

  test('a replacement in the same up deletes the old object with the new password', async () => {
    const stack = seedStack(target(), { providers: texts });
    await create(await hostRun(texts, login(passwordA)), stack);
    const passwordB = password();
    emu.emulator.setUserPassword('admin', passwordB);
    const run = await hostRun(texts, login(passwordB));
    const robot = find(stack, 'robot');
    const old = { id: robot.id!, outs: robot.outs! };
    robot.inputs = { ...robot.inputs, name: 'coredns-pull-2' };
    const diff = await run.diff(old.id, old.outs, robot.inputs);
    expect(diff).toMatchObject({ changes: true, replaces: ['name'], deleteBeforeReplace: false });
    emu.emulator.resetLog();
    // The engine: create the replacement, then delete the old one, with the same (newly configured) provider.
    const created = await run.create(robot.inputs);
    await run.delete(old.id, old.outs);
    expect(writes()).toEqual(['POST /robots', `DELETE /robots/${old.id}`]);
    expect(emu.emulator.requests.filter((r) => r.status === 401)).toEqual([]);
    expect(emu.emulator.state().robots.map((r) => r.name)).toEqual([created.outs.fullName]);
  });

  test('the login missing from the configuration: refresh and destroy fail at once, naming the keys', async () => {
    const stack = seedStack(target(), { providers: texts });
    await create(await hostRun(texts, login(passwordA)), stack);
    emu.emulator.resetLog();
    const unconfigured = await hostRun(texts, { 'example:harborUsername': 'admin' });
    const read = await failure(refresh(unconfigured, stack));
    expect(read.message).toMatch(
      /Harbor project "k8s": the Harbor login for http:\/\/127\.0\.0\.1:\d+ is not in the stack configuration: example:harborPassword is not set\. Fix: pulumi config set example:harborUsername <user>; pulumi config set --secret example:harborPassword <password>\. "pulumi refresh" and "pulumi destroy" use the configuration stored by the last "pulumi up"/,
    );
    const none = await failure(destroy(await hostRun(texts, {}), [...stack]));
    expect(none.message).toMatch(/example:harborUsername and example:harborPassword are not set/);
    expect(requests()).toEqual([]);
  });
});

describe("moving Harbor's URL", () => {
  test('a cosmetic change (case, default port, trailing slash, /api/v2.0) is no replacement and no request', async () => {
    const stack = seedStack(target(), { providers: texts });
    const run = await hostRun(texts, login(passwordA));
    await create(run, stack);
    const port = new URL(emu.url).port;
    for (const r of stack) r.inputs = { ...r.inputs, harbor: target(`HTTP://127.0.0.1:${port}/api/v2.0/`) };
    emu.emulator.resetLog();
    const report = await up(run, stack);
    for (const name of ['project', 'member', 'robot']) {
      expect([name, report[name].replaces]).toEqual([name, []]);
    }
    expect(requests()).toEqual([]);
  });

  test('a new hostname for the same Harbor (127.0.0.1 -> localhost) is an update: checked by reads, nothing written', async () => {
    const stack = seedStack(target(), { providers: texts });
    const run = await hostRun(texts, login(passwordA));
    await create(run, stack);
    const moved = `http://localhost:${new URL(emu.url).port}`;
    for (const r of stack) r.inputs = { ...r.inputs, harbor: target(moved) };
    emu.emulator.resetLog();
    const report = await up(run, stack);
    expect(Object.values(report).map((d) => [d.changes, d.replaces ?? []])).toEqual([
      [true, []],
      [true, []],
      [true, []],
      [false, []],
    ]);
    const { projectId } = find(stack, 'project').outs!;
    const { memberId } = find(stack, 'member').outs!;
    expect(requests()).toEqual([
      `GET /projects/${projectId}`,
      `GET /projects/k8s/members/${memberId}`,
      `GET /robots/${find(stack, 'robot').id}`,
    ]);
    // The state keeps the new address; refresh and destroy use it.
    expect(find(stack, 'robot').outs!.harbor).toEqual(target(moved));
    expect(await refresh(run, stack)).toEqual([]);
    await destroy(run, stack);
    expect(emu.emulator.state().projects).toEqual([]);
  });

  test('an address that reaches another Harbor fails before anything is written, naming both', async () => {
    const stack = seedStack(target(), { providers: texts });
    const run = await hostRun(texts, login(passwordA));
    await create(run, stack);
    // Another Harbor with the same admin password, whose project 1 is another project.
    const other = new HarborEmulator({ adminPassword: passwordA });
    const otherServer = await startEmulatorServer(other);
    try {
      const client = new HarborClient({ url: otherServer.url, username: 'admin', password: passwordA });
      await client.createProject({ name: 'payments', public: false, autoScan: true, preventVul: false });
      await client.close();
      other.resetLog();
      const project = find(stack, 'project');
      const error = await failure(
        run.update(project.id!, project.outs, { ...project.inputs, harbor: target(otherServer.url) }),
      );
      expect(error.message).toMatch(
        new RegExp(
          `Harbor project "k8s": ${otherServer.url.replace(/[.]/g, '\\.')} is not the Harbor this stack manages it in \\(${emu.url.replace(/[.]/g, '\\.')}\\): project id 1 there is "payments"\\. Nothing was written\\.`,
        ),
      );
      const robot = find(stack, 'robot');
      const robotError = await failure(
        run.update(robot.id!, robot.outs, { ...robot.inputs, harbor: target(otherServer.url) }),
      );
      expect(robotError.message).toMatch(/it has no robot with id \d+\. Nothing was written/);
      expect(other.requests.filter((r) => r.write)).toEqual([]);
      expect(other.contractViolations).toEqual([]);
    } finally {
      await otherServer.close();
    }
  });

  test("another Harbor set up alike (the same objects under the same ids) is told apart by the robot's creation time", async () => {
    const stack = seedStack(target(), { providers: texts });
    const run = await hostRun(texts, login(passwordA));
    await create(run, stack);
    // A second Harbor whose own stack made the same project, member and robot (same ids), an hour later.
    const other = new HarborEmulator({ adminPassword: passwordA, now: () => Date.now() + 3_600_000 });
    other.addUser('k8s-puller');
    const otherServer = await startEmulatorServer(other);
    try {
      const twin = seedStack(target(otherServer.url), { providers: texts });
      await create(run, twin);
      for (const kind of ['project', 'member', 'robot'] as const)
        expect(find(twin, kind).id).toBe(find(stack, kind).id);
      other.resetLog();
      // The project and the member are the same by id and name there; the robot's creation time is not.
      const robot = find(stack, 'robot');
      expect(typeof robot.outs!.harborCreatedAt).toBe('number');
      const error = await failure(
        run.update(robot.id!, robot.outs, { ...robot.inputs, harbor: target(otherServer.url) }),
      );
      expect(error.message).toMatch(
        /is not the Harbor this stack manages it in .*: robot id \d+ there, "robot\$k8s\+[a-z0-9-]+", was created at \S+, this stack's at \S+\. Nothing was written/,
      );
      expect(other.requests.filter((r) => r.write)).toEqual([]);
      expect(other.contractViolations).toEqual([]);
      // The same Harbor at another address still passes (a restored backup keeps its creation times).
      const moved = `http://localhost:${new URL(emu.url).port}`;
      await run.update(robot.id!, robot.outs, { ...robot.inputs, harbor: target(moved) });
    } finally {
      await otherServer.close();
    }
  });

  test('an address not known yet (a preview) is an update, never a replacement', async () => {
    const stack = seedStack(target(), { providers: texts });
    const run = await hostRun(texts, login(passwordA));
    await create(run, stack);
    emu.emulator.resetLog();
    for (const name of ['project', 'member', 'robot']) {
      const r = find(stack, name);
      const diff = await run.diff(r.id!, r.outs, { ...r.inputs, harbor: { url: UNKNOWN, config: 'example:harbor' } });
      expect([name, diff.changes, diff.replaces]).toEqual([name, true, []]);
    }
    expect(requests()).toEqual([]);
  });
});

describe('adopting existing objects', () => {
  let client: HarborClient;
  let handMadeSecret: string;
  beforeEach(async () => {
    // Made by hand before the stack: the project (adopted as before), its member with another role, and a robot
    // with more rights than declared.
    client = new HarborClient({ url: emu.url, username: 'admin', password: passwordA });
    await client.createProject({ name: 'k8s', public: false, autoScan: true, preventVul: false });
    await client.addMember('k8s', { kind: 'user', name: 'k8s-puller' }, 'developer');
    const robot = await client.createRobot({
      name: 'coredns-pull',
      duration: -1,
      level: 'project',
      permissions: [
        {
          kind: 'project',
          namespace: 'k8s',
          access: [
            { resource: 'repository', action: 'pull' },
            { resource: 'repository', action: 'push' },
          ],
        },
      ],
    });
    handMadeSecret = robot.secret;
  });
  afterEach(() => client.close());

  test('without adopt, the 409s name the option (and, for the robot, that it is a rotation)', async () => {
    const stack = seedStack(target(), { adopt: true, providers: texts });
    const run = await hostRun(texts, login(passwordA));
    await create(run, stack.slice(0, 1));
    const member = await failure(run.create(find(stack, 'member').inputs));
    expect(member.message).toMatch(
      /Harbor member user "k8s-puller" of project "k8s" already exists in Harbor, and this stack did not add it\. Fix: take it over with HarborMember\.user\("k8s-puller", role, \{ adopt: true \}\) \(its role becomes guest, and "pulumi destroy" removes it\)/,
    );
    const robot = await failure(run.create(find(stack, 'robot').inputs));
    expect(robot.message).toMatch(
      /already exists in Harbor.*Fix: set robot\.adopt: true to take it over: Harbor then generates a new secret for it, a ROTATION \(whatever uses its current secret stops pulling\)/,
    );
    expect(emu.emulator.authorize('robot$k8s+coredns-pull', handMadeSecret, 'k8s')).toEqual(['pull', 'push']);
  });

  test('with adopt: the member gets its role, the robot its settings and a new secret (the old one stops pulling)', async () => {
    const stack = seedStack(target(), { adopt: true, providers: texts });
    for (const name of ['member', 'robot']) find(stack, name).inputs.adopt = true;
    const run = await hostRun(texts, login(passwordA));
    emu.emulator.resetLog();
    await create(run, stack);
    const robotId = find(stack, 'robot').id;
    expect(writes()).toEqual([
      'POST /projects/k8s/members',
      expect.stringMatching(/^PUT \/projects\/k8s\/members\/\d+$/),
      'POST /robots',
      `PUT /robots/${robotId}`,
      `PATCH /robots/${robotId}`,
    ]);
    expect(find(stack, 'member').outs).toMatchObject({ adopted: true, role: 'guest' });
    expect(emu.emulator.state().members.find((m) => m.entityName === 'k8s-puller')!.roleId).toBe(3);
    const robot = find(stack, 'robot').outs!;
    expect(robot).toMatchObject({ adopted: true, fullName: 'robot$k8s+coredns-pull' });
    expect(emu.emulator.authorize(robot.fullName, robot.secret, 'k8s')).toEqual(['pull']);
    expect(emu.emulator.authorize(robot.fullName, handMadeSecret, 'k8s')).toEqual([]);
    expect(find(stack, 'robotLogin').outs).toMatchObject({ fullName: robot.fullName, secret: robot.secret });
    // Nothing left to do; destroy removes what was taken over (the adopted project stays).
    expect(Object.values(await up(run, stack)).map((d) => d.changes)).toEqual([false, false, false, false]);
    await destroy(run, stack);
    expect(emu.emulator.state().robots).toEqual([]);
    expect(emu.emulator.state().members.filter((m) => m.entityName === 'k8s-puller')).toEqual([]);
    expect(emu.emulator.state().projects.map((p) => p.name)).toEqual(['k8s']);
  });
});

describe('every prop in place', () => {
  test('the storage quota: changed in place, its drift read back by refresh and repaired by up', async () => {
    const stack = seedStack(target(), { providers: texts });
    const run = await hostRun(texts, login(passwordA));
    await create(run, stack);
    const project = find(stack, 'project');
    project.inputs = { ...project.inputs, storageQuotaGb: 5 };
    emu.emulator.resetLog();
    const report = await up(run, stack);
    expect(report.project).toMatchObject({ changes: true, replaces: [] });
    // Whether the login may set quotas (a system administrator), then the quota's id and its new limit.
    expect(requests()).toEqual(['GET /users/current', `GET /quotas`, expect.stringMatching(/^PUT \/quotas\/\d+$/)]);
    expect(emu.emulator.state().projects[0].storageLimit).toBe(5 * GB);

    emu.emulator.setProjectStorageLimit('k8s', GB);
    await refresh(run, stack);
    expect(project.outs!.storageQuotaGb).toBe(1);
    emu.emulator.resetLog();
    expect((await up(run, stack)).project).toMatchObject({ changes: true, replaces: [] });
    expect(emu.emulator.state().projects[0].storageLimit).toBe(5 * GB);
    expect(writes()).toHaveLength(1);
  });

  test("a group's type or LDAP DN replaces its member deleting the old one first; creating first would 409", async () => {
    // OIDC mode: a group named with another type resolves to the OIDC group of that name (src/core/auth/oidc/oidc.go
    // SearchGroup), the same Harbor group, so the same member.
    emu.emulator.setConfiguration({ authMode: 'oidc_auth' });
    emu.emulator.addGroup('team-devs', 3);
    const stack = seedStack(target(), { providers: texts });
    const member = find(stack, 'member');
    member.inputs = { ...member.inputs, kind: 'group', entityName: 'team-devs', groupType: 3 };
    const run = await hostRun(texts, login(passwordA));
    await create(run, stack.slice(0, 2));
    const news = { ...member.inputs, groupType: 2 };
    expect(await run.diff(member.id!, member.outs, news)).toMatchObject({
      changes: true,
      replaces: ['groupType'],
      deleteBeforeReplace: true,
    });
    expect(await run.diff(member.id!, member.outs, { ...member.inputs, entityName: 'team-ops' })).toMatchObject({
      replaces: ['entityName'],
      deleteBeforeReplace: false,
    });
    // Create-first (what the engine did before) fails: Harbor keeps one member per group, and this is the same group.
    expect((await failure(run.create(news))).message).toMatch(/already exists in Harbor/);
    // Delete-first succeeds.
    await run.delete(member.id!, member.outs);
    const created = await run.create(news);
    expect(
      emu.emulator
        .state()
        .members.filter((m) => m.entityName === 'team-devs')
        .map((m) => m.id),
    ).toEqual([created.outs.memberId]);
  });
});

describe('upgrading from a state that held the password', () => {
  test('a provider text that changed is an update that writes nothing; an unchanged one is no change', async () => {
    // Other texts of working providers (the host runs whatever text a resource carries).
    const older = Object.fromEntries(
      Object.entries(texts).map(([kind, text]) => [kind, `${text}\n// an older text`]),
    ) as ProviderTexts;
    const stack = seedStack(target(), { providers: older });
    const run = await hostRun(texts, login(passwordA));
    await create(run, stack);
    emu.emulator.resetLog();
    // The same program, with the library upgraded: the same inputs, another provider text.
    const upgraded = seedStack(target(), { providers: texts });
    for (const r of stack) Object.assign(find(upgraded, r.name), { id: r.id, outs: r.outs });
    expect(Object.values(await up(run, upgraded)).map((d) => d.changes)).toEqual([true, true, true, true]);
    expect(requests()).toEqual([]);
    for (const r of upgraded) {
      expect([r.name, r.outs!.__provider === texts[kindOf(r.inputs)]]).toEqual([r.name, true]);
    }
    expect(Object.values(await up(run, upgraded)).map((d) => d.changes)).toEqual([false, false, false, false]);
  });
});

describe('what a preview shows of the pull Secret', () => {
  /** The pull Secret's data a preview would show, from the robot login's state ('(unknown)' while it is unknown). */
  const pullSecret = (state: { outs?: Record<string, any> }): string =>
    [state.outs?.fullName, state.outs?.secret].some((v) => v === undefined || v === UNKNOWN)
      ? '(unknown)'
      : dockerConfigJson('reg.harbor.com', state.outs!.fullName, state.outs!.secret);

  let stack: StackResource[];
  let run: dynamic.ResourceProvider;
  let now: string;
  beforeEach(async () => {
    stack = seedStack(target(), { providers: texts });
    run = await hostRun(texts, login(passwordA));
    await create(run, stack);
    now = pullSecret(find(stack, 'robotLogin'));
  });

  test('a robot updated in place (permissions, a new address, a rewritten state): the pull Secret stays as it is', async () => {
    const robot = find(stack, 'robot');
    robot.inputs = {
      ...robot.inputs,
      permissions: [
        {
          kind: 'project',
          namespace: 'k8s',
          access: [
            { resource: 'repository', action: 'pull' },
            { resource: 'repository', action: 'push' },
          ],
        },
      ],
      harbor: target(`http://localhost:${new URL(emu.url).port}`),
    };
    emu.emulator.resetLog();
    const report = await preview(run, stack);
    expect(report.robot.diff).toMatchObject({ changes: true, replaces: [] });
    // As the engine shows an updated dynamic resource: its new inputs, so no full name or secret.
    expect(report.robot.state.outs!.secret).toBeUndefined();
    expect(report.robotLogin.diff.changes).toBe(false);
    expect(pullSecret(report.robotLogin.state)).toBe(now);
    expect(requests()).toEqual([]);
  });

  test('a robot replaced (new name) or expired: the preview shows the pull Secret changing', async () => {
    const robot = find(stack, 'robot');
    robot.inputs = { ...robot.inputs, name: 'coredns-pull-2' };
    let report = await preview(run, stack);
    expect(report.robotLogin.diff.changes).toBe(true);
    expect(pullSecret(report.robotLogin.state)).toBe('(unknown)');

    robot.inputs = { ...robot.inputs, name: 'coredns-pull' };
    robot.outs = { ...robot.outs!, expiresAt: 1 };
    report = await preview(run, stack);
    expect(report.robot.diff).toMatchObject({ replaces: ['expiresAt'] });
    expect(report.robotLogin.diff.changes).toBe(true);
  });

  test('the real run stores a changed login and the pull Secret gets it; an unchanged one stays', async () => {
    // The robot recreated by hand with the same settings: refresh finds it (another id, secret unknown).
    emu.emulator.deleteRobotOutOfBand('robot$k8s+coredns-pull');
    const again = new HarborClient({ url: emu.url, username: 'admin', password: passwordA });
    await again.createRobot({
      name: 'coredns-pull',
      description: find(stack, 'robot').inputs.description,
      duration: -1,
      level: 'project',
      permissions: find(stack, 'robot').inputs.permissions,
    });
    await again.close();
    await refresh(run, stack);
    const report = await preview(run, stack);
    expect(report.robotLogin.diff.changes).toBe(true);
    const applied = await up(run, stack);
    expect(applied.robotLogin.changes).toBe(true);
    const login = find(stack, 'robotLogin').outs!;
    expect(pullSecret({ outs: login })).not.toBe(now);
    expect(emu.emulator.authorize(login.fullName, login.secret, 'k8s')).toEqual(['pull']);
  });
});
