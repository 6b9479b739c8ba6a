/**
 * The YAML path's stand-ins behave like the real controllers for the fields rotation and renewal rely on
 * (see the sources in ./yaml-path.ts): against the swagger-checked Harbor emulator, no registry needed.
 */
import { randomBytes } from 'node:crypto';
import { Testing } from 'cdk8s';
import { HarborPrivateApp, HarborPrivateAppProps } from '../../lib/cdk8s';
import { emulatorPerTest } from './emulator-per-test';
import { SimCluster, goDurationMs, type SimObject } from './yaml-path';
import { LabHarborClient } from './lab-client';

type Obj = SimObject;

const ADMIN_PASSWORD = `Adm1n${randomBytes(9).toString('hex')}`;
const DAY = 86_400_000;
const ROBOT = 'RobotAccount//k8s-puller';
const CONNECTION = 'harbor-robots/k8s-puller-robot';
const PULL = 'kube-system/harbor-k8s';

let clock: number;
let harbor: LabHarborClient;
let cluster: SimCluster | undefined;

// Declared before the emulator's hooks, so it runs first: the cluster and the client stop while the server is up.
afterEach(async () => {
  cluster?.stop();
  cluster = undefined;
  await harbor.close();
});
const emu = emulatorPerTest(() => {
  clock = Date.UTC(2032, 2, 1);
  return { adminPassword: ADMIN_PASSWORD, now: () => clock };
});
beforeEach(() => {
  harbor = new LabHarborClient({ url: emu.url, username: 'admin', password: ADMIN_PASSWORD, retryBaseDelayMs: 1 });
});

function synth(robot: HarborPrivateAppProps['robot'] = {}): Obj[] {
  const chart = Testing.chart();
  new HarborPrivateApp(chart, 'app', {
    registryHost: 'reg.example.com',
    project: { name: 'k8s' },
    namespaces: ['kube-system'],
    robot: { name: 'puller', ...robot },
  });
  return Testing.synth(chart) as Obj[];
}

function withRobot(objects: Obj[], change: (forProvider: any) => void): Obj[] {
  return objects.map((o) => {
    if (o.kind !== 'RobotAccount') return o;
    const copy = structuredClone(o);
    change(copy.spec.forProvider);
    return copy;
  });
}

const robotState = () => emu.emulator.state().robots.find((r) => r.name === 'robot$k8s+puller');
const usernameIn = (json: string | undefined) =>
  json === undefined ? undefined : JSON.parse(json).auths['reg.example.com'].username;

test('Go durations', () => {
  expect(goDurationMs('1h')).toBe(3_600_000);
  expect(goDurationMs('1h30m')).toBe(5_400_000);
  expect(goDurationMs('15m0s')).toBe(900_000);
  expect(goDurationMs('0s')).toBe(0);
  expect(() => goDurationMs('1d')).toThrow(/not a Go duration/);
});

test('a sync creates project, robot, connection Secret and pull Secret; pruning deletes them', async () => {
  cluster = new SimCluster(harbor);
  cluster.apply(synth());
  await cluster.settle();
  const secret = cluster.secrets.get(CONNECTION)!.data['attribute.secret'];
  expect(emu.emulator.authorize('robot$k8s+puller', secret, 'k8s')).toEqual(['pull']);
  expect(usernameIn(cluster.dockerConfig('kube-system', 'harbor-k8s'))).toBe('robot$k8s+puller');

  cluster.apply([]);
  await cluster.settle();
  expect(emu.emulator.state().robots).toEqual([]);
  expect(emu.emulator.state().projects).toEqual([]);
  expect([...cluster.secrets.keys()]).toEqual([]);
  expect(cluster.has(ROBOT)).toBe(false);
});

test('duration changed: PUT from the creation time, the secret and both Secrets unchanged', async () => {
  cluster = new SimCluster(harbor);
  cluster.apply(synth({ durationDays: 30 }));
  await cluster.settle();
  const connection = structuredClone(cluster.secrets.get(CONNECTION));
  const pull = structuredClone(cluster.secrets.get(PULL));
  const created = clock;
  clock += 25 * DAY;
  emu.emulator.resetLog();
  cluster.apply(synth({ durationDays: 90 }));
  await cluster.settle();
  expect(emu.emulator.requests.filter((r) => r.write && r.status < 400).map((r) => r.method)).toEqual(['PUT']);
  expect(robotState()).toMatchObject({ duration: 90, expiresAt: created / 1000 + 90 * 86400 });
  expect(cluster.secrets.get(CONNECTION)).toEqual(connection);
  expect(cluster.secrets.get(PULL)).toEqual(pull);
});

test('name changed in place: refused (ForceNew + prevent_destroy), nothing sent to Harbor', async () => {
  cluster = new SimCluster(harbor);
  const objects = synth();
  cluster.apply(objects);
  await cluster.settle();
  emu.emulator.resetLog();
  cluster.apply(withRobot(objects, (f) => (f.name = 'renamed')));
  await cluster.waitFor('the plan error', () => cluster!.errorOf(ROBOT) !== undefined);
  expect(cluster.errorOf(ROBOT)).toMatch(/forces replacement, and Instance cannot be destroyed.*prevent_destroy/);
  expect(emu.emulator.requests.filter((r) => r.write)).toEqual([]);
  expect(robotState()?.name).toBe('robot$k8s+puller');
});

test('secretSecretRef: set with PATCH at create; a new value is seen at the next poll, published at the one after', async () => {
  const chosen = (n: number) => `Chosen${n}${randomBytes(6).toString('hex')}`;
  const objects = withRobot(
    synth(),
    (f) => (f.secretSecretRef = { name: 'wanted', namespace: 'harbor-robots', key: 'secret' }),
  );
  cluster = new SimCluster(harbor, { crossplane: { pollMs: 1000 } });
  cluster.secrets.set('harbor-robots/wanted', { type: 'Opaque', data: { secret: chosen(1) } });
  const first = cluster.secrets.get('harbor-robots/wanted')!.data.secret;
  cluster.apply(objects);
  await cluster.settle();
  const applied = emu.emulator.requests.filter((r) => r.write && r.status < 400).map((r) => `${r.method} ${r.path}`);
  expect(applied).toEqual(['POST /api/v2.0/projects', 'POST /api/v2.0/robots', 'PATCH /api/v2.0/robots/1']);
  expect(cluster.secrets.get(CONNECTION)!.data['attribute.secret']).toBe(first);
  expect(emu.emulator.authorize('robot$k8s+puller', first, 'k8s')).toEqual(['pull']);

  // Nothing watches the referenced Secret: a new value waits for the next poll (1 s after the create).
  const second = chosen(2);
  cluster.secrets.set('harbor-robots/wanted', { type: 'Opaque', data: { secret: second } });
  await new Promise((r) => setTimeout(r, 200));
  expect(emu.emulator.authorize('robot$k8s+puller', first, 'k8s')).toEqual(['pull']);
  await cluster.waitFor('Harbor has the new secret', () =>
    emu.emulator.authorize('robot$k8s+puller', second, 'k8s').includes('pull'),
  );
  const patchedAt = Date.now();
  // The old secret is refused now, while the connection (and so the pull) Secret still holds it.
  expect(emu.emulator.authorize('robot$k8s+puller', first, 'k8s')).toEqual([]);
  expect(cluster.secrets.get(CONNECTION)!.data['attribute.secret']).toBe(first);
  await cluster.waitFor(
    'the connection Secret follows',
    () => cluster!.secrets.get(CONNECTION)!.data['attribute.secret'] === second,
  );
  expect(Date.now() - patchedAt).toBeGreaterThanOrEqual(500);
});

test('ExternalSecret: the source is re-read every refreshInterval, a changed spec is synced without waiting for it, a failed sync keeps the target', async () => {
  const objects = synth();
  // `1h` (the default) stands for 300 ms here, `2h` for a minute.
  cluster = new SimCluster(harbor, { eso: { reactionMs: 100, refreshIntervalMs: (d) => (d === '1h' ? 300 : 60_000) } });
  cluster.apply(objects);
  await cluster.settle();
  const before = cluster.dockerConfig('kube-system', 'harbor-k8s');

  // The source changes behind ESO's back: the pull Secret follows at the next refresh only.
  const fresh = await harbor.refreshRobotSecret(1);
  cluster.secrets.set(CONNECTION, { type: 'connection.crossplane.io/v1alpha1', data: { 'attribute.secret': fresh } });
  expect(cluster.dockerConfig('kube-system', 'harbor-k8s')).toBe(before);
  await cluster.waitFor('the refresh', () => cluster!.dockerConfig('kube-system', 'harbor-k8s') !== before);
  expect(JSON.parse(cluster.dockerConfig('kube-system', 'harbor-k8s')!).auths['reg.example.com'].password).toBe(fresh);

  // A spec pointing at a Secret that does not exist: the sync fails, the target stays as it was.
  const kept = cluster.dockerConfig('kube-system', 'harbor-k8s');
  const broken = objects.map((o) => {
    if (o.kind !== 'ExternalSecret') return o;
    const copy = structuredClone(o);
    copy.spec.data[0].remoteRef.key = 'not-there';
    copy.spec.refreshInterval = '2h';
    return copy;
  });
  const changedAt = Date.now();
  cluster.apply(broken);
  await cluster.waitFor(
    'the sync error',
    () => cluster!.errorOf('ExternalSecret/kube-system/harbor-k8s') !== undefined,
  );
  // At once, not at the next refreshInterval (2 h): bounded loosely, so that a busy machine cannot break it.
  expect(Date.now() - changedAt).toBeLessThan(120_000);
  expect(cluster.errorOf('ExternalSecret/kube-system/harbor-k8s')).toMatch(/not-there not found/);
  expect(cluster.dockerConfig('kube-system', 'harbor-k8s')).toBe(kept);
  cluster.secrets.set('harbor-robots/not-there', { type: 'Opaque', data: { 'attribute.secret': fresh } });
  await cluster.settle();
  expect(cluster.errorOf('ExternalSecret/kube-system/harbor-k8s')).toBeUndefined();

  // Deleting the ExternalSecret deletes its target.
  cluster.apply(objects.filter((o) => o.kind !== 'ExternalSecret'));
  await cluster.settle();
  expect(cluster.dockerConfig('kube-system', 'harbor-k8s')).toBeUndefined();
});
