/**
 * Rotation and renewal on the YAML path, on real pulls: the seed's app with `robot.rotation`, synthesized at each
 * step, applied by a GitOps sync to the stand-ins for Crossplane provider-harbor and External Secrets (./yaml-path.ts),
 * while a node pulls every ~200 ms with the pull Secret as it is at that moment (./pull-loop.ts).
 *
 * - A full rotation cycle (steps 1-4: flip, refresh, flip, refresh), each step applied once the previous one has
 *   taken effect: 0 failed pulls; each refresh makes the credentials the pull Secret held two steps earlier fail.
 * - A renewal (a longer `durationDays`) of both robots inside the last third of their lifetime: 0 failed pulls,
 *   the pull Secret unchanged, `expires_at` moved, and pulls still work past the old expiry.
 * - What the steps protect against: a flip and a refresh applied together (a step skipped) is a race between
 *   Crossplane deleting the robot in use and External Secrets moving the pull Secret; with External Secrets the
 *   slower, pulls fail for the difference. Measured, not hidden.
 *
 * `LAB_STORY=1 npx jest test/lab/rotation-yaml.test.ts` prints each loop's figures.
 */
import { Testing } from 'cdk8s';
import { HarborPrivateApp } from '../../lib/cdk8s';
import { describeLab } from './binaries';
import { startLab, type Lab } from './lab';
import { describeReport, startPullLoop, usernameFor, type PullLoop } from './pull-loop';
import { labSeedProps } from './seed-props';
import { SimCluster, type SimClusterOptions, type SimObject } from './yaml-path';
import { LabHarborClient } from './lab-client';

type Obj = SimObject;

const DAY = 86_400_000;
/**
 * The lab's controller timings: both react to a change within a fraction of a second (the real ones: ESO at once on
 * a generation change, Crossplane on the managed resource's watch, a Terraform run taking seconds), Crossplane polls
 * every 2 s (for provider-harbor's 10 minutes), ESO refreshes every 3 s (for the ExternalSecret's `1h`).
 */
const TIMING: SimClusterOptions = {
  crossplane: { reactionMs: 150, pollMs: 2000 },
  eso: { reactionMs: 300, refreshIntervalMs: () => 3000 },
};

describeLab('YAML path: blue/green rotation and renewal under a pull loop', () => {
  let lab: Lab;
  let harbor: LabHarborClient;
  let clock = Date.UTC(2033, 0, 10);
  let image: string;
  const clusters: SimCluster[] = [];
  const loops: PullLoop[] = [];

  /** The seed's app (robot `coredns-pull`, Secret `registry-secret` in `kube-system`) at a rotation step. */
  function synthAt(step: number, durationDays = 30): Obj[] {
    const { image: _image, ...props } = labSeedProps(lab.registryHost);
    const chart = Testing.chart();
    new HarborPrivateApp(chart, 'coredns', {
      ...props,
      robot: { name: 'coredns-pull', durationDays, rotation: { step } },
    });
    return Testing.synth(chart) as Obj[];
  }

  function cluster(options: SimClusterOptions): SimCluster {
    const c = new SimCluster(harbor, options);
    clusters.push(c);
    return c;
  }

  const robotNames = () =>
    lab.emulator
      .state()
      .robots.map((r) => r.name)
      .sort();

  beforeAll(async () => {
    lab = await startLab({ now: () => clock });
    harbor = new LabHarborClient({ url: lab.harborUrl, username: lab.adminUsername, password: lab.adminPassword });
    lab.emulator.addUser('k8s-puller');
    image = labSeedProps(lab.registryHost).image;
  });

  afterEach(async () => {
    for (const l of loops.splice(0)) await l.stop();
    expect(lab.emulator.contractViolations).toEqual([]);
  });

  afterAll(async () => {
    for (const c of clusters) c.stop();
    await harbor?.close();
    await lab?.stop();
  });

  test('a full rotation cycle, then a renewal: 0 failed pulls; old credentials refused once their slot is refreshed', async () => {
    const c = cluster(TIMING);
    const pullSecret = () => c.dockerConfig('kube-system', 'registry-secret');
    const username = () => usernameFor(pullSecret(), lab.registryHost);

    // Step 0: the app as without rotation, plus an idle green robot.
    c.apply(synthAt(0));
    await c.settle();
    await lab.pushImage('k8s', 'coredns', '1.2.6');
    expect(robotNames()).toEqual(['robot$k8s+coredns-pull', 'robot$k8s+coredns-pull-green-0']);
    expect(username()).toBe('robot$k8s+coredns-pull');

    // --- Loop 1: steps 1-4, each applied once the previous one has taken effect.
    const rotation = startPullLoop({
      image,
      pull: (i, j) => lab.pull(i, j),
      readDockerConfig: pullSecret,
    });
    loops.push(rotation);
    await rotation.waitForPulls(5);
    const held: Record<string, string> = { 'robot$k8s+coredns-pull': pullSecret()! };
    const switchTimes: number[] = [];

    const flip = async (step: number, to: string): Promise<void> => {
      const t0 = Date.now();
      c.apply(synthAt(step));
      // Taken effect: the pull Secret holds the other robot (ExternalSecret Ready on its new generation).
      await c.waitFor(`step ${step}: the pull Secret moves to ${to}`, () => username() === to);
      switchTimes.push(Date.now() - t0);
      await c.settle();
      held[to] = pullSecret()!;
      await rotation.waitForPulls(5);
    };
    const refresh = async (step: number, robots: string[]): Promise<void> => {
      c.apply(synthAt(step));
      // Taken effect: the old robot deleted, the new one created and its connection Secret written.
      await c.waitFor(`step ${step}: robots ${robots.join(', ')}`, () => robotNames().join() === robots.join());
      await c.settle();
      await rotation.waitForPulls(5);
    };

    await flip(1, 'robot$k8s+coredns-pull-green-0');
    await refresh(2, ['robot$k8s+coredns-pull-blue-1', 'robot$k8s+coredns-pull-green-0']);
    // The credentials the pull Secret held before the flip are refused now.
    const oldBlue = await lab.pull(image, held['robot$k8s+coredns-pull']);
    expect(oldBlue.ok).toBe(false);
    expect(oldBlue.stderr).toMatch(/denied|unauthorized/);
    await flip(3, 'robot$k8s+coredns-pull-blue-1');
    await refresh(4, ['robot$k8s+coredns-pull-blue-1', 'robot$k8s+coredns-pull-green-1']);
    expect((await lab.pull(image, held['robot$k8s+coredns-pull-green-0'])).ok).toBe(false);
    expect((await lab.pull(image, held['robot$k8s+coredns-pull-blue-1'])).ok).toBe(true);
    const cycle = await rotation.stop();
    if (process.env.LAB_STORY) {
      console.log(describeReport('YAML rotation, steps 1-4', cycle));
      console.log(`pull Secret moved ${switchTimes.join(' ms, ')} ms after each flip was applied`);
    }
    expect(cycle.failures).toBe(0);
    expect(cycle.pulls).toBeGreaterThanOrEqual(25);
    expect(cycle.usernames).toEqual([
      'robot$k8s+coredns-pull',
      'robot$k8s+coredns-pull-green-0',
      'robot$k8s+coredns-pull-blue-1',
    ]);

    // --- Loop 2: renewal. Day 25 of 30: a reviewed change raises durationDays to 90.
    const renewal = startPullLoop({
      image,
      pull: (i, j) => lab.pull(i, j),
      readDockerConfig: pullSecret,
    });
    loops.push(renewal);
    const before = pullSecret();
    const expiry = () => lab.emulator.state().robots.map((r) => [r.name, r.duration, r.expiresAt]);
    const created = Math.floor(clock / 1000);
    expect(expiry().map(([, , e]) => e)).toEqual([created + 30 * 86400, created + 30 * 86400]);
    clock += 25 * DAY;
    await renewal.waitForPulls(5);
    lab.emulator.resetLog();
    c.apply(synthAt(4, 90));
    await c.waitFor('both robots renewed', () => expiry().every(([, d]) => d === 90));
    await c.settle();
    await renewal.waitForPulls(5);
    clock += 40 * DAY; // day 65: past the old expiry
    await renewal.waitForPulls(5);
    const renewed = await renewal.stop();
    if (process.env.LAB_STORY) console.log(describeReport('YAML renewal, durationDays 30 -> 90', renewed));
    expect(renewed.failures).toBe(0);
    expect(renewed.pulls).toBeGreaterThanOrEqual(15);
    expect(pullSecret()).toBe(before);
    expect(expiry().map(([, , e]) => e)).toEqual([created + 90 * 86400, created + 90 * 86400]);
    // Two PUTs (one per robot), no new secret, nothing created or deleted.
    expect(lab.emulator.requests.filter((r) => r.write && r.status < 400).map((r) => r.method)).toEqual(['PUT', 'PUT']);

    // Clean up Harbor for the next test: prune everything (robots, member; the project holds the image).
    c.apply([]);
    await c.waitFor('robots deleted', () => robotNames().length === 0);
    c.stop();
    lab.emulator.removeRepository('k8s', 'coredns');
    await harbor.deleteProject('k8s').catch(() => undefined);
  });

  test('a skipped step (flip and refresh together) races: with ESO slower than Crossplane, pulls fail', async () => {
    // ESO reacts 1.5 s after the change, Crossplane deletes the robot 0.1 s after it.
    const c = cluster({
      crossplane: { reactionMs: 100, pollMs: 2000 },
      eso: { reactionMs: 1500, refreshIntervalMs: () => 3000 },
    });
    const pullSecret = () => c.dockerConfig('kube-system', 'registry-secret');
    c.apply(synthAt(0, -1));
    await c.settle();
    if (!(await harbor.getProject('k8s'))?.id) throw new Error('project k8s missing');
    await lab.pushImage('k8s', 'coredns', '1.2.6');
    const loop = startPullLoop({
      image,
      pull: (i, j) => lab.pull(i, j),
      readDockerConfig: pullSecret,
    });
    loops.push(loop);
    await loop.waitForPulls(3);
    c.apply(synthAt(2, -1)); // steps 1 and 2 at once: blue (in use) replaced while the pull Secret moves to green
    await c.waitFor(
      'the pull Secret moves',
      () => usernameFor(pullSecret(), lab.registryHost)?.endsWith('green-0') === true,
    );
    const movedAt = Date.now();
    await c.settle();
    await loop.waitForPulls(3);
    const raced = await loop.stop();
    if (process.env.LAB_STORY) console.log(describeReport('YAML, a step skipped (ESO 1.5 s, Crossplane 0.1 s)', raced));
    // Pulls fail while ESO has not yet re-shaped green's Secret (1.5 s here; longer on a busy machine, never shorter).
    expect(raced.failures).toBeGreaterThanOrEqual(1);
    // Pulls started once the pull Secret had moved work again.
    expect(raced.attempts.filter((a) => a.startedAt > movedAt).every((a) => a.ok)).toBe(true);
    c.apply([]);
    await c.waitFor('robots deleted', () => robotNames().length === 0);
  });
});
