/**
 * Renewal on the Pulumi engine, on real pulls: the seed's app with a robot of 30 days, created 25.5 days ago on
 * Harbor's clock (inside the default renewal window, the last third), run by the live engine with the dynamic
 * providers as `pulumi up` serializes them. A plain `pulumi up` (no prop changed) renews it while a node pulls every
 * ~200 ms with the pull Secret's content as the engine last applied it.
 *
 * What it proves: 0 failed pulls; one `PUT /robots/{id}` (after a `GET` for the robot's age on Harbor's clock) and no
 * other write; the pull Secret byte for byte the same; `expires_at` moved to 30 days from now (creation + age rounded
 * up + 30 days); pulls still work once Harbor's clock is past the old expiry; the next `up` changes nothing and asks
 * Harbor nothing (Harbor's grown duration is kept apart from `durationDays`). An expired robot is renewed the same
 * way: the same Secret pulls again.
 *
 * `LAB_STORY=1 npx jest test/lab/renewal-pulumi.test.ts` prints the loop's figures.
 */
import { HarborPrivateApp, type HarborPrivateAppArgs } from '../../lib/pulumi';
import { installLiveEngine, type LiveEvent } from '../pulumi/support/live-engine';
import { describeLab } from './binaries';
import { startLab, type Lab } from './lab';
import { describeReport, startPullLoop, type PullLoop } from './pull-loop';
import { labSeedProps } from './seed-props';

// Hang guards only (nothing here waits for time to pass): generous, for a busy machine.
jest.setTimeout(600_000);

const engine = installLiveEngine();

const ROBOT = 'pulumi-nodejs:dynamic/harbor:RobotAccount';
const SECRET = 'kubernetes:core/v1:Secret';
const DAY = 86_400_000;

describeLab('Pulumi engine: renewal under a pull loop', () => {
  let lab: Lab;
  let image: string;
  let secretName: string;
  /** Harbor's clock = the real one + this (the registry and Pulumi keep the real time). */
  let harborOffsetMs = 0;
  const loops: PullLoop[] = [];
  /** What the first up warned. */
  let createWarnings: string[] = [];

  /**
   * The seed's app with a 30-day robot. Without the preflight pull check: the image is pushed after the first up, and
   * every later up renews this robot (25.5 days old from the start), so no up could add the check first. The rotation
   * suite runs with it.
   */
  const props = (): HarborPrivateAppArgs => {
    const { image: _image, ...seed } = labSeedProps(lab.registryHost);
    return { ...seed, robot: { name: 'coredns-pull', durationDays: 30 }, preflight: { pull: false } };
  };
  const pullSecret = (): string | undefined => {
    const data = engine.current(SECRET, secretName)?.state?.data as Record<string, string> | undefined;
    return data ? Buffer.from(data['.dockerconfigjson'], 'base64').toString('utf8') : undefined;
  };
  const requests = () => lab.emulator.calls();
  const harborRobot = () => lab.emulator.state().robots.find((r) => r.name === 'robot$k8s+coredns-pull')!;
  const up = async (): Promise<LiveEvent[]> => {
    const from = engine.events.length;
    // Each step waits until the running pull loop pulled with what it left (a barrier, not a delay).
    engine.beginUp({ afterStep: () => loops[loops.length - 1]?.waitForPulls(2, 240_000) });
    new HarborPrivateApp('coredns', props());
    await engine.settled('HarborPrivateApp "coredns" (a later up)', 240_000);
    await engine.finishUp();
    return engine.events.slice(from);
  };
  const changed = (events: readonly LiveEvent[]) =>
    events.filter((e) => e.op !== 'same').map((e) => `${e.op} ${e.name}`);

  beforeAll(async () => {
    lab = await startLab({ now: () => Date.now() + harborOffsetMs });
    lab.emulator.addUser('k8s-puller');
    image = labSeedProps(lab.registryHost).image;
    engine.setConfig(
      {
        'project:harborUrl': lab.harborUrl,
        'project:harborUsername': lab.adminUsername,
        'project:harborPassword': lab.adminPassword,
      },
      ['project:harborPassword'],
    );
    // The first `pulumi up`, 25.5 days ago on Harbor's clock: the robot (30 days) was created then.
    harborOffsetMs = -25.5 * DAY;
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    new HarborPrivateApp('coredns', props());
    await engine.settled('HarborPrivateApp "coredns"', 240_000);
    // That run leaves the robot 5 days from its expiry without renewing it: the component says so.
    createWarnings = warn.mock.calls.map((c) => String(c[0]));
    warn.mockRestore();
    harborOffsetMs = 0;
    secretName = engine.byType(SECRET)[0].name;
    await lab.pushImage('k8s', 'coredns', '1.2.6');
  }, 300_000);

  afterEach(async () => {
    for (const l of loops.splice(0)) await l.stop();
    expect(engine.errors).toEqual([]);
    expect(lab.emulator.contractViolations).toEqual([]);
  });

  afterAll(async () => {
    await lab?.stop();
  });

  test('day 25.5 of 30: a plain up renews in place; 0 failed pulls, the Secret unchanged, expires_at 30 days on', async () => {
    expect(createWarnings).toEqual([
      expect.stringMatching(
        /HarborPrivateApp "coredns": robot robot\$k8s\+coredns-pull expires on \S+ \(in 4\.\d days\), inside its renewal window \(robot\.renewBeforeDays: 10\), and this run does not renew it .* Fix: run "pulumi up" before then: it renews the robot in place \(PUT, the same secret: the pull Secret does not change\) for 30 more days\./,
      ),
    ]);
    const before = harborRobot();
    // Created 25.5 days ago with 30 days: it expires in 4.5 days, inside the last third.
    expect(before).toMatchObject({ duration: 30 });
    const createdS = before.expiresAt - 30 * 86_400;
    expect(Date.now() - createdS * 1000).toBeGreaterThanOrEqual(25.5 * DAY - 60_000);
    const secretBefore = pullSecret()!;
    const seen = new Set<string>();
    const loop = startPullLoop({
      image,
      maxDurationMs: 600_000,
      pull: (i, c) => lab.pull(i, c),
      readDockerConfig: () => {
        const c = pullSecret();
        if (c !== undefined) seen.add(c);
        return c;
      },
    });
    loops.push(loop);
    await loop.waitForPulls(5);

    lab.emulator.resetLog();
    const t0 = Date.now();
    const events = await up();
    // Only the robot changed (the renewal), and the login stores its new expiry; the pull Secret is the same.
    expect(changed(events)).toEqual(['update coredns-robot', 'update coredns-robot-login']);
    const robotId = engine.current(ROBOT, 'coredns-robot')!.id;
    expect(requests()).toEqual([`GET /robots/${robotId}`, `PUT /robots/${robotId}`, `GET /robots/${robotId}`]);
    await loop.waitForPulls(5);

    // Harbor's clock past the old expiry (day 35): pulls go on with the same Secret.
    harborOffsetMs = 10 * DAY;
    await loop.waitForPulls(5);
    const report = await loop.stop();
    if (process.env.LAB_STORY) console.log(describeReport('Pulumi renewal at day 25.5 of 30', report));

    expect(report.failures).toBe(0);
    expect(report.pulls).toBeGreaterThanOrEqual(15);
    expect([...seen]).toEqual([secretBefore]);
    expect(pullSecret()).toBe(secretBefore);
    // Harbor counts from the creation: 25.5 days of age, rounded up to 26, + 30 = 56 days.
    const after = harborRobot();
    expect(after).toMatchObject({ id: before.id, duration: 56, expiresAt: createdS + 56 * 86_400 });
    expect(after.expiresAt * 1000).toBeGreaterThanOrEqual(t0 + 30 * DAY);
    expect(engine.current(ROBOT, 'coredns-robot')!.state).toMatchObject({
      durationDays: 30,
      harborDurationDays: 56,
      expiresAt: after.expiresAt,
    });

    // The next up: nothing to do, no Harbor request (the grown duration is Harbor's, kept apart from the prop).
    harborOffsetMs = 0;
    lab.emulator.resetLog();
    expect(changed(await up())).toEqual([]);
    expect(requests()).toEqual([]);
  });

  test('an expired robot is renewed the same way: the same Secret pulls again, nothing else changes', async () => {
    const secret = pullSecret()!;
    // Harbor's clock past the expiry, and the state's view of it as a refresh would read it.
    const robot = engine.current(ROBOT, 'coredns-robot')!;
    harborOffsetMs = 0;
    lab.emulator.setRobotExpiresAt('robot$k8s+coredns-pull', Math.floor(Date.now() / 1000) - 60);
    robot.state = { ...robot.state, expiresAt: Math.floor(Date.now() / 1000) - 60 };
    expect((await lab.pull(image, secret)).ok).toBe(false);
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      lab.emulator.resetLog();
      const events = await up();
      expect(changed(events)).toEqual(['update coredns-robot', 'update coredns-robot-login']);
      expect(requests().filter((r) => !r.startsWith('GET'))).toEqual([`PUT /robots/${robot.id}`]);
      // This up renewed it: nothing left to warn about.
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
    expect(pullSecret()).toBe(secret);
    expect((await lab.pull(image, secret)).ok).toBe(true);
    expect(harborRobot().expiresAt * 1000).toBeGreaterThanOrEqual(Date.now() + 29 * DAY);
  });
});
