/**
 * Drift repair in the lab: something is changed in Harbor behind the stack's back (robot permissions, robot disabled,
 * deleted, recreated or expired; member role changed or member removed; project made public). For each: `refresh`
 * reads the real state, the next `up`'s diff reports the change, and update (or replacement) restores what the stack
 * declares — checked in Harbor's own state afterwards, and a second refresh + up then has nothing to do.
 * Permission repairs are a PUT in place: never a delete first, same robot, same secret.
 *
 * Last, at the component level under Pulumi's mocks: the Kubernetes pull Secret's data is derived from the robot
 * resource's `secret` output, so a new robot secret (robot deleted or recreated) changes the Secret in the same run.
 */

import { randomBytes } from 'node:crypto';
import type { dynamic } from '@pulumi/pulumi';
import * as pulumi from '@pulumi/pulumi';
import { App, Chart } from 'cdk8s';
import { corednsAppProps, SEED } from '../../apps/cdk8s/coredns';
import { HarborClient } from '../../lib/harbor';
import { HarborPrivateApp } from '../../lib/pulumi';
import type { HarborLogin } from '../../lib/pulumi/providers/connection';
import { HarborEmulator, startEmulatorServer } from '../lab/harbor-emulator';
import {
  create,
  loginConfig,
  refresh,
  seedResources,
  up,
  type DiffReport,
  type StackResource,
} from '../pulumi/support/lifecycle';
import { installMocks, isSecretInput, MOCK_HARBOR, promiseOf, settled, unwrapSecrets } from '../pulumi/support/mocks';
import { hostPerTest, type HostRun } from '../pulumi/support/serialized';

/** Pulumi's own dynamic provider host, a new one for each test (a `pulumi` run), running the stored provider texts. */
let host: HostRun;
hostPerTest(
  (run) => (host = run),
  () => loginConfig({ username: 'admin', password: ADMIN_PASSWORD }),
);

const ADMIN_PASSWORD = randomBytes(12).toString('hex');
const PULL = [{ kind: 'project', namespace: 'k8s', access: [{ resource: 'repository', action: 'pull' }] }];

let emulator: HarborEmulator;
let server: { url: string; close(): Promise<void> };
let connection: HarborLogin;
let stack: StackResource[];

const res = (name: 'project' | 'member' | 'robot'): StackResource => stack.find((r) => r.name === name)!;
const writes = (): string[] => emulator.calls((r) => r.write);
const robotInHarbor = () => emulator.state().robots.find((r) => r.name === 'robot$k8s+coredns-pull');
const memberInHarbor = () => emulator.state().members.find((m) => m.entityName === 'k8s-puller');

/** What one `pulumi up` did, beyond lifecycle.up's diff report. */
interface UpResult {
  readonly report: DiffReport;
  /** Resources created because refresh dropped them. */
  readonly created: string[];
  /** Resources replaced (the diff asked for it), in the order run. */
  readonly replaced: string[];
}

/**
 * `pulumi up` as the engine runs it after a refresh: resources that refresh dropped are created (in dependency
 * order), the others diffed and updated (lifecycle.up), and replacements run — delete first when the diff says so.
 */
async function engineUp(provider: dynamic.ResourceProvider, resources: StackResource[]): Promise<UpResult> {
  const created: string[] = [];
  for (const r of resources.filter((x) => x.id === undefined)) {
    await create(provider, [r]);
    created.push(r.name);
  }
  const report = await up(provider, resources);
  const replaced: string[] = [];
  for (const r of resources) {
    const d = report[r.name];
    if (!d.replaces?.length) continue;
    const old = { id: r.id!, outs: r.outs };
    if (d.deleteBeforeReplace) await provider.delete!(old.id, old.outs);
    const made = await provider.create(r.inputs);
    if (!d.deleteBeforeReplace) await provider.delete!(old.id, old.outs);
    r.id = made.id;
    r.outs = made.outs;
    replaced.push(r.name);
  }
  return { report, created, replaced };
}

const changed = (report: DiffReport): string[] =>
  Object.entries(report)
    .filter(([, d]) => d.changes)
    .map(([k]) => k);

/** After a repair, the stack has converged: refresh drops nothing, up changes nothing, no write. */
async function expectConverged(): Promise<void> {
  expect(await refresh(host, stack)).toEqual([]);
  emulator.resetLog();
  expect(changed(await up(host, stack))).toEqual([]);
  expect(writes()).toEqual([]);
}

describe('drift made in Harbor is read by refresh and repaired by the next up', () => {
  beforeEach(async () => {
    emulator = new HarborEmulator({ adminPassword: ADMIN_PASSWORD });
    emulator.addUser('k8s-puller');
    server = await startEmulatorServer(emulator);
    connection = { url: server.url, username: 'admin', password: ADMIN_PASSWORD, retryBaseDelayMs: 1 };
    stack = seedResources(connection);
    await create(host, stack);
  });
  afterEach(async () => {
    await server.close();
    expect(emulator.contractViolations).toEqual([]);
  });

  test('robot permissions edited in Harbor: PUT in place (no delete, no create), same robot, same secret', async () => {
    const { id, outs } = res('robot');
    emulator.setRobotPermissions('robot$k8s+coredns-pull', [
      {
        kind: 'project',
        namespace: 'k8s',
        access: [
          { resource: 'repository', action: 'push' },
          { resource: 'artifact', action: 'delete' },
        ],
      },
    ]);
    // A project robot's push brings pull (src/common/security/robot/context.go); artifact:delete is no repository action.
    expect(emulator.authorize(outs!.fullName, outs!.secret, 'k8s')).toEqual(['pull', 'push']);

    expect(await refresh(host, stack)).toEqual([]);
    expect(res('robot').outs!.permissions).toEqual([
      {
        kind: 'project',
        namespace: 'k8s',
        access: [
          { resource: 'artifact', action: 'delete' },
          { resource: 'repository', action: 'push' },
        ],
      },
    ]);
    emulator.resetLog();
    const { report, created, replaced } = await engineUp(host, stack);
    expect(changed(report)).toEqual(['robot']);
    expect(report.robot).toMatchObject({ replaces: [], deleteBeforeReplace: false });
    expect([created, replaced]).toEqual([[], []]);
    expect(writes()).toEqual([`PUT /robots/${id}`]);
    expect(robotInHarbor()).toMatchObject({ id: Number(id), permissions: PULL });
    expect([res('robot').id, res('robot').outs!.secret]).toEqual([id, outs!.secret]);
    expect(emulator.authorize(outs!.fullName, outs!.secret, 'k8s')).toEqual(['pull']);
    await expectConverged();
  });

  test('robot disabled in Harbor: enabled again in place, the secret pulls again', async () => {
    const { id, outs } = res('robot');
    emulator.setRobotDisabled('robot$k8s+coredns-pull', true);
    expect(emulator.authorize(outs!.fullName, outs!.secret, 'k8s')).toEqual([]);

    await refresh(host, stack);
    expect(res('robot').outs!.disabled).toBe(true);
    emulator.resetLog();
    const { report } = await engineUp(host, stack);
    expect(changed(report)).toEqual(['robot']);
    expect(writes()).toEqual([`PUT /robots/${id}`]);
    expect(robotInHarbor()!.disabled).toBe(false);
    expect(emulator.authorize(outs!.fullName, outs!.secret, 'k8s')).toEqual(['pull']);
    await expectConverged();
  });

  test('robot deleted in Harbor: refresh drops it, up creates a new one with a new secret; the old secret is dead', async () => {
    const old = res('robot').outs!;
    emulator.deleteRobotOutOfBand('robot$k8s+coredns-pull');

    emulator.resetLog();
    expect(await refresh(host, stack)).toEqual(['robot']);
    // GET /robots/{id} said 404; the lookup by name found nothing to take over.
    expect(emulator.calls((r) => /robots/.test(r.path) || r.path.endsWith('/projects/k8s'))).toEqual([
      'GET /projects/k8s',
      `GET /robots/${old.robotId}`,
      'GET /projects/k8s',
      'GET /robots',
    ]);
    emulator.resetLog();
    const { created } = await engineUp(host, stack);
    expect(created).toEqual(['robot']);
    expect(writes()).toEqual(['POST /robots']);
    const now = res('robot').outs!;
    expect(now.secret).not.toBe(old.secret);
    expect(emulator.authorize(now.fullName, now.secret, 'k8s')).toEqual(['pull']);
    expect(emulator.authorize(old.fullName, old.secret, 'k8s')).toEqual([]);
    expect(emulator.state().robots.map((r) => String(r.id))).toEqual([res('robot').id]);
    await expectConverged();
  });

  test('robot recreated outside the stack with the declared settings: taken over, and up gets it a new secret (PATCH)', async () => {
    const old = res('robot').outs!;
    emulator.deleteRobotOutOfBand('robot$k8s+coredns-pull');
    const admin = new HarborClient({ url: server.url, username: 'admin', password: ADMIN_PASSWORD });
    const byHand = await admin.createRobot({
      name: 'coredns-pull',
      description: old.description,
      duration: -1,
      level: 'project',
      permissions: PULL as never,
    });
    await admin.close();

    expect(await refresh(host, stack)).toEqual([]);
    expect(res('robot').id).toBe(String(byHand.id));
    expect(res('robot').outs!.secret).toBe(''); // unknown: it was shown to whoever recreated it, not to the stack
    emulator.resetLog();
    const { report, created, replaced } = await engineUp(host, stack);
    expect(changed(report)).toEqual(['robot']);
    expect([created, replaced]).toEqual([[], []]);
    expect(writes()).toEqual([`PATCH /robots/${byHand.id}`]);
    const now = res('robot').outs!;
    expect(now.secret).not.toBe('');
    expect(now.secret).not.toBe(old.secret);
    expect(emulator.authorize(now.fullName, now.secret, 'k8s')).toEqual(['pull']);
    expect(emulator.authorize(byHand.name, byHand.secret, 'k8s')).toEqual([]);
    expect(emulator.state().robots.map((r) => r.id)).toEqual([byHand.id]);
    await expectConverged();
  });

  test('robot recreated outside the stack with OTHER settings is not taken over: refresh drops it, up fails with the fix', async () => {
    emulator.deleteRobotOutOfBand('robot$k8s+coredns-pull');
    const admin = new HarborClient({ url: server.url, username: 'admin', password: ADMIN_PASSWORD });
    const byHand = await admin.createRobot({
      name: 'coredns-pull',
      description: 'CI, made by hand',
      duration: 7,
      level: 'project',
      permissions: PULL as never,
    });
    await admin.close();

    expect(await refresh(host, stack)).toEqual(['robot']);
    emulator.resetLog();
    await expect(engineUp(host, stack)).rejects.toThrow(
      /already exists in Harbor.*delete that robot in Harbor.*or give robot\.name another value/s,
    );
    expect(writes()).toEqual(['POST /robots']);
    expect(emulator.state().robots.map((r) => [r.id, r.description])).toEqual([[byHand.id, 'CI, made by hand']]);
    expect(emulator.authorize(byHand.name, byHand.secret, 'k8s')).toEqual(['pull']);
  });

  test('robot expired: replaced (delete first, the login name is the same), a new secret, and it never expires', async () => {
    const old = res('robot');
    const oldId = old.id;
    const oldSecret = old.outs!.secret;
    const past = Math.floor(Date.now() / 1000) - 60;
    emulator.setRobotExpiresAt('robot$k8s+coredns-pull', past);
    expect(emulator.authorize(old.outs!.fullName, oldSecret, 'k8s')).toEqual([]);

    await refresh(host, stack);
    expect(res('robot').outs!.expiresAt).toBe(past);
    emulator.resetLog();
    const { report, replaced } = await engineUp(host, stack);
    expect(report.robot).toMatchObject({ changes: true, replaces: ['expiresAt'], deleteBeforeReplace: true });
    expect(replaced).toEqual(['robot']);
    expect(writes()).toEqual([`DELETE /robots/${oldId}`, 'POST /robots']);
    const now = res('robot').outs!;
    expect(now.secret).not.toBe(oldSecret);
    expect(emulator.authorize(now.fullName, now.secret, 'k8s')).toEqual(['pull']);
    expect(emulator.state().robots.map((r) => [String(r.id), r.expiresAt])).toEqual([[res('robot').id, -1]]);
    await expectConverged();
  });

  test('member role changed in Harbor: PUT back to the declared role', async () => {
    emulator.setMemberRole('k8s', 'k8s-puller', 1); // projectAdmin: far more than pulling needs

    await refresh(host, stack);
    expect(res('member').outs!.role).toBe('projectAdmin');
    emulator.resetLog();
    const { report } = await engineUp(host, stack);
    expect(changed(report)).toEqual(['member']);
    expect(report.member).toMatchObject({ replaces: [] });
    expect(writes()).toEqual([`PUT /projects/k8s/members/${res('member').outs!.memberId}`]);
    expect(memberInHarbor()!.roleId).toBe(3);
    await expectConverged();
  });

  test('member removed in Harbor: refresh drops it, up adds it again with the declared role', async () => {
    emulator.removeMemberOutOfBand('k8s', 'k8s-puller');

    expect(await refresh(host, stack)).toEqual(['member']);
    emulator.resetLog();
    const { created } = await engineUp(host, stack);
    expect(created).toEqual(['member']);
    expect(writes()).toEqual(['POST /projects/k8s/members']);
    expect(memberInHarbor()).toMatchObject({ id: res('member').outs!.memberId, roleId: 3 });
    await expectConverged();
  });

  test('project made public in Harbor: PUT back to private; anonymous pulls stop', async () => {
    emulator.setProjectPublic('k8s', true);
    expect(emulator.authorize(undefined, undefined, 'k8s')).toEqual(['pull']);

    await refresh(host, stack);
    expect(res('project').outs!.public).toBe(true);
    emulator.resetLog();
    const { report } = await engineUp(host, stack);
    expect(changed(report)).toEqual(['project']);
    expect(writes()).toEqual(['PUT /projects/k8s']);
    expect(emulator.state().projects[0].metadata.public).toBe('false');
    expect(emulator.authorize(undefined, undefined, 'k8s')).toEqual([]);
    await expectConverged();
  });
});

describe("the Kubernetes pull Secret follows the robot's secret (component, under mocks)", () => {
  const registrations = installMocks();
  const PASSWORD = `pw-${randomBytes(9).toString('hex')}`;
  // The login the default connection reads (project "project" under the mocks).
  pulumi.runtime.setAllConfig({ 'project:harborUsername': 'admin', 'project:harborPassword': PASSWORD }, [
    'project:harborPassword',
  ]);

  /** One `pulumi up` of the seed's coredns whose robot "returns" `robotSecret`: the pull Secret's registration. */
  async function run(name: string, robotSecret: string) {
    MOCK_HARBOR.robotSecret = robotSecret;
    const app = new HarborPrivateApp(name, corednsAppProps(new Chart(new App(), 'scratch')));
    await settled(`HarborPrivateApp "${name}"`);
    const robotUrn = await promiseOf(app.robot!.urn, `${name} robot urn`);
    const loginUrn = await promiseOf(app.robotLogin!.urn, `${name} robot login urn`);
    const login = registrations.find((r) => r.urn === loginUrn)!;
    const secret = registrations.find(
      (r) => r.type === 'kubernetes:core/v1:Secret' && r.name === `${name}-kube-system-registry-secret`,
    )!;
    const json = JSON.parse(
      Buffer.from(unwrapSecrets(secret.inputs.data)['.dockerconfigjson'], 'base64').toString('utf8'),
    );
    return {
      secret,
      robotUrn,
      login,
      auth: json.auths[SEED.registryHost] as { username: string; password: string; auth: string },
    };
  }

  test('a different robot secret gives different Secret data, a secret both times, updated after the robot', async () => {
    const first = `mock-${randomBytes(12).toString('hex')}`;
    const second = `mock-${randomBytes(12).toString('hex')}`;
    const a = await run('before', first);
    const b = await run('after', second);
    expect(a.auth.password).toBe(first);
    expect(b.auth.password).toBe(second);
    expect(Buffer.from(b.auth.auth, 'base64').toString('utf8')).toBe(`robot$k8s+coredns-pull:${second}`);
    expect(unwrapSecrets(a.secret.inputs.data)).not.toEqual(unwrapSecrets(b.secret.inputs.data));
    expect([isSecretInput(a.secret.inputs.data), isSecretInput(b.secret.inputs.data)]).toEqual([true, true]);
    // The Secret depends on the robot's login, which depends on the robot: the engine writes the new data right after
    // the robot changes, in the same run.
    for (const x of [a, b]) {
      expect(x.secret.dependencies).toContain(x.login.urn);
      expect(x.login.dependencies).toContain(x.robotUrn);
    }
  });
});
