/**
 * A Harbor login that is NOT a system administrator (the README's login for an adopted project, or a user who creates
 * a project where Harbor lets everyone), through the dynamic providers as `pulumi up` serializes them, against the
 * lab's Harbor emulator, which answers such a login as Harbor 2.15 does (test/lab/FIDELITY.md):
 * - a project that does not exist is 403, not 404 (src/server/v2.0/handler/base.go), so every "already gone" path
 *   (a destroy that meets deleted objects, member cleanup, the lookup after a lost create) asks
 *   `HEAD /projects?project_name=` before taking the 403 as an error;
 * - its `storage_limit` is replaced by Harbor's default and `PUT /quotas` is refused
 *   (src/server/v2.0/handler/project.go `CreateProject`, quota.go): a quota it declares is refused before any write,
 *   and Harbor's default is never read back as drift.
 *
 * The component's lifecycle runs under the live engine (test/pulumi/support/live-engine.ts); refresh and update of a
 * single resource under the lifecycle helpers (test/pulumi/support/lifecycle.ts).
 */
import { randomBytes } from 'node:crypto';
import { HarborMember, HarborPrivateApp, HarborRole, type HarborPrivateAppArgs } from '../../lib/pulumi';
import { emulatorPerTest } from '../lab/emulator-per-test';
import { labSeedProps } from '../lab/seed-props';
import { create, refresh, seedStack, up, type StackResource } from './support/lifecycle';
import { installLiveEngine } from './support/live-engine';
import { hostRun, serializeLikePulumiUp, type ProviderTexts } from './support/serialized';

const engine = installLiveEngine();

const GB = 1024 ** 3;
const pw = (who: string): string => `${who}-Pw1-${randomBytes(9).toString('hex')}`;
const ADMIN_PASSWORD = pw('admin');
const emu = emulatorPerTest({ adminPassword: ADMIN_PASSWORD, configuration: { storagePerProject: 10 * GB } }, (e) =>
  e.addUser('k8s-puller'),
);

const writes = (): string[] => emu.emulator.calls((r) => r.write);
const requests = (): string[] => emu.emulator.calls();

/** The stack configuration with `username` as the Harbor login (what `pulumi config set` stores). */
function login(username: string, password: string): void {
  engine.setConfig(
    { 'project:harborUrl': emu.url, 'project:harborUsername': username, 'project:harborPassword': password },
    ['project:harborPassword'],
  );
  engine.restart();
}

/** The seed's app (no pull check: the emulator has no registry), with `change` applied. */
function seed(change: Partial<HarborPrivateAppArgs> = {}): HarborPrivateAppArgs {
  const { image: _image, ...props } = labSeedProps('reg.harbor.com');
  return { ...props, preflight: { pull: false }, ...change };
}

/** `pulumi up` of the program with these props (the first one, or a later one). */
async function pulumiUp(props: HarborPrivateAppArgs, later: boolean): Promise<void> {
  if (later) engine.beginUp();
  new HarborPrivateApp('coredns', props);
  await engine.settled('HarborPrivateApp "coredns"');
  if (later) await engine.finishUp();
}

describe('the component with a projectAdmin login (no system administrator)', () => {
  test('in an adopted project: create, update, rotation, and a destroy after the project itself was deleted', async () => {
    const padmin = pw('padmin');
    emu.emulator.addProjectAdmin('k8s', 'padmin', padmin);
    login('padmin', padmin);
    const adopted = (trigger: string, role: HarborRole) =>
      seed({
        project: { name: 'k8s', adopt: true },
        members: [HarborMember.user('k8s-puller', role)],
        robot: { name: 'coredns-pull', rotation: { trigger } },
      });

    await pulumiUp(adopted('a', HarborRole.GUEST), false);
    expect(engine.errors).toEqual([]);
    expect(writes()).toEqual(['POST /projects/k8s/members', 'POST /robots']);

    // A later up: the member's role and a rotation (the new robot created first, the old one deleted last).
    emu.emulator.resetLog();
    await pulumiUp(adopted('b', HarborRole.DEVELOPER), true);
    expect(engine.errors).toEqual([]);
    const state = emu.emulator.state();
    expect(state.members.find((m) => m.entityName === 'k8s-puller')!.roleId).toBe(2);
    expect(state.robots.map((r) => r.name)).toEqual(['robot$k8s+coredns-pull-green-0']);
    expect(writes()).toEqual([
      expect.stringMatching(/^PUT \/projects\/k8s\/members\/\d+$/),
      'POST /robots',
      expect.stringMatching(/^DELETE \/robots\/\d+$/),
    ]);

    // Its owner deletes the project (and with it the robot and the members); the stack still lists them. To this
    // login Harbor answers 403 for the member's project: HEAD tells it is gone, and destroy succeeds.
    const admin = { authorization: `Basic ${Buffer.from(`admin:${ADMIN_PASSWORD}`).toString('base64')}` };
    const gone = await fetch(`${emu.url}/api/v2.0/projects/k8s`, {
      method: 'DELETE',
      headers: { ...admin, 'x-is-resource-name': 'true' },
    });
    expect(gone.status).toBe(200);
    emu.emulator.resetLog();
    expect(await engine.destroyAll()).toEqual(expect.arrayContaining([expect.stringContaining('coredns-robot')]));
    expect(engine.errors).toEqual([]);
    expect(requests()).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^DELETE \/robots\/\d+$/),
        expect.stringMatching(/^DELETE \/projects\/k8s\/members\/\d+$/),
        'HEAD /projects',
      ]),
    );
    expect(emu.emulator.requests.filter((r) => r.status === 403).map((r) => r.method)).toEqual(['DELETE']);
  });

  test('a project it creates itself: a lost create, then a destroy whose answers are lost, run twice', async () => {
    const maker = pw('maker');
    emu.emulator.addUser('maker', maker);
    login('maker', maker);
    // The create's connection breaks before Harbor applies it: the lookup is a 403 (the project does not exist, and
    // the login is no administrator), HEAD says absent, and the create is made again.
    emu.emulator.injectFault({ kind: 'reset', match: { method: 'POST', path: /\/projects$/ } });
    await pulumiUp(seed(), false);
    expect(engine.errors).toEqual([]);
    expect(requests().slice(0, 4)).toEqual(['POST /projects', 'GET /projects/k8s', 'HEAD /projects', 'POST /projects']);
    // No quota declared, none sent: Harbor gave the project its default quota (10 GB).
    expect(emu.emulator.state().projects[0]).toMatchObject({ name: 'k8s', ownerName: 'maker', storageLimit: 10 * GB });

    // `pulumi destroy`: the project's DELETE is applied but every answer is lost, so the run fails there...
    emu.emulator.injectFault({ kind: 'reset-after-commit', match: { method: 'DELETE', path: /\/projects\/\d+$/ } });
    emu.emulator.injectFault({ kind: 'reset', match: { method: 'DELETE', path: /\/projects\/\d+$/ }, times: 3 });
    await expect(engine.destroyAll()).rejects.toThrow(
      /"coredns-project" .*DELETE .*\/projects\/\d+ failed.*after 4 attempts/,
    );
    expect(emu.emulator.state().projects).toEqual([]);
    // ... and the second `pulumi destroy` meets a project Harbor hides behind 403: HEAD says it is gone.
    emu.emulator.resetLog();
    await engine.destroyAll();
    expect(requests()).toEqual([expect.stringMatching(/^DELETE \/projects\/\d+$/), 'HEAD /projects']);
    expect(emu.emulator.requests.map((r) => r.status)).toEqual([403, 404]);
  });
});

describe('a storage quota the login cannot set (lifecycle helpers)', () => {
  let texts: ProviderTexts;
  beforeAll(() => {
    texts = serializeLikePulumiUp();
  });

  const config = (username: string, password: string): Record<string, string> => ({
    'example:harborUsername': username,
    'example:harborPassword': password,
  });
  const stack = (): StackResource[] => seedStack({ url: emu.url, config: 'example:harbor' }, { providers: texts });
  const project = (s: StackResource[]): StackResource => s.find((r) => r.name === 'project')!;

  test('declared on create: refused before any write, with the fix', async () => {
    const maker = pw('maker');
    emu.emulator.addUser('maker', maker);
    const s = stack();
    project(s).inputs = { ...project(s).inputs, storageQuotaGb: 5 };
    emu.emulator.resetLog();
    await expect(create(await hostRun(texts, config('maker', maker)), s.slice(0, 1))).rejects.toThrow(
      'Harbor project "k8s": project.storageQuotaGb 5 cannot be set by "maker", who is not a Harbor system ' +
        "administrator: Harbor gives a project created by another user the system's default quota and lets only " +
        'system administrators change quotas. Nothing was written. Fix: use a system administrator login for this ' +
        "Harbor, or leave project.storageQuotaGb out (the project keeps Harbor's quota).",
    );
    expect(requests()).toEqual(['GET /users/current']);
  });

  test('declared -1, which Harbor replaced by its default for this login: not drift (refresh keeps the state, up changes nothing)', async () => {
    const maker = pw('maker');
    emu.emulator.addUser('maker', maker);
    const s = stack();
    project(s).inputs = { ...project(s).inputs, storageQuotaGb: -1 };
    const run = await hostRun(texts, config('maker', maker));
    await create(run, s);
    expect(emu.emulator.state().projects[0].storageLimit).toBe(10 * GB);
    emu.emulator.resetLog();
    expect(await refresh(run, s)).toEqual([]);
    expect(project(s).outs!.storageQuotaGb).toBe(-1);
    expect(requests()).toEqual(expect.arrayContaining(['GET /projects/k8s/summary', 'GET /users/current']));
    expect(Object.values(await up(run, s)).map((d) => d.changes)).toEqual([false, false, false, false]);
  });

  test("left out: Harbor's default is never read (refresh keeps the state, up changes nothing); declaring one is refused before any write", async () => {
    const maker = pw('maker');
    emu.emulator.addUser('maker', maker);
    const s = stack();
    const run = await hostRun(texts, config('maker', maker));
    await create(run, s);
    expect(emu.emulator.state().projects[0].storageLimit).toBe(10 * GB);
    emu.emulator.resetLog();
    expect(await refresh(run, s)).toEqual([]);
    expect(project(s).outs!.storageQuotaGb).toBeUndefined();
    expect(requests()).not.toContain('GET /projects/k8s/summary');
    expect(requests()).not.toContain('GET /users/current');
    expect(Object.values(await up(run, s)).map((d) => d.changes)).toEqual([false, false, false, false]);

    emu.emulator.resetLog();
    project(s).inputs = { ...project(s).inputs, storageQuotaGb: 20 };
    await expect(up(run, s)).rejects.toThrow(/storageQuotaGb 20 cannot be set by "maker".*Nothing was written/);
    expect(writes()).toEqual([]);
    // The same change with the administrator's login is applied.
    const asAdmin = await hostRun(texts, config('admin', ADMIN_PASSWORD));
    await up(asAdmin, s);
    expect(emu.emulator.state().projects[0].storageLimit).toBe(20 * GB);
  });
});
