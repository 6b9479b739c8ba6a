/**
 * Rotation on the Pulumi engine, on real pulls: the seed's app with `robot.rotation`, run by the live engine (the
 * dynamic providers as `pulumi up` serializes them, loaded and configured like Pulumi's provider host), first
 * created, then `pulumi up` again with a new `rotation.trigger`, and again once the generation is older than
 * `rotation.everyDays`. A node pulls every ~200 ms with the pull Secret's content as the engine last applied it
 * (./pull-loop.ts), and each step of the `up` waits until the loop has pulled with what that step left (a barrier,
 * not a delay: it holds on a loaded machine too), so that the loop sees every state the stack passes through. The preflight pull check is on (it checks the new robot pulls before the workload).
 *
 * What it proves: 0 failed pulls through both rotations; the order the engine runs them (the new robot created, the
 * robot login, the pull check and the pull Secret updated, and only then, in the post-steps, the old robot deleted); the old
 * credentials refused afterwards; an `up` with nothing due changes nothing and calls Harbor not once. And what the
 * order protects against: the same rotation with the old robot deleted first (the resource option
 * `deleteBeforeReplace: true`) makes pulls fail until the pull Secret is updated. Measured, not hidden.
 *
 * `LAB_STORY=1 npx jest test/lab/rotation-pulumi.test.ts` prints each loop's figures.
 */
import { HarborPrivateApp, type HarborPrivateAppArgs } from '../../lib/pulumi';
import { installLiveEngine, type LiveEvent } from '../pulumi/support/live-engine';
import { describeLab } from './binaries';
import { startLab, type Lab } from './lab';
import { describeReport, startPullLoop, usernameFor, type PullLoop } from './pull-loop';
import { labSeedProps } from './seed-props';

// Hang guards only (nothing here waits for time to pass): generous, for a busy machine.
jest.setTimeout(600_000);

// Before any resource exists: the dynamic providers run for real (serialized, loaded like Pulumi's provider host).
const engine = installLiveEngine();

const ROBOT = 'pulumi-nodejs:dynamic/harbor:RobotAccount';
const LOGIN = 'pulumi-nodejs:dynamic/harbor:RobotLogin';
const ROTATION = 'pulumi-nodejs:dynamic/harbor:RobotRotation';
const SECRET = 'kubernetes:core/v1:Secret';
const DAY = 86_400_000;

describeLab('Pulumi engine: blue/green rotation under a pull loop', () => {
  let lab: Lab;
  let image: string;
  let secretName: string;
  const loops: PullLoop[] = [];

  /**
   * The seed's app with rotation; `robot` overrides. With the preflight pull check (on by default; the lab's registry
   * is plain http on loopback), except for the very first up: the image is pushed once the project exists.
   */
  const props = (robot: NonNullable<HarborPrivateAppArgs['robot']>, pull = true): HarborPrivateAppArgs => {
    const { image: _image, ...seed } = labSeedProps(lab.registryHost);
    return {
      ...seed,
      robot: { name: 'coredns-pull', durationDays: 30, ...robot },
      preflight: pull ? { plainHttp: true, timeoutMs: 5000 } : { pull: false },
    };
  };
  /** The pull Secret's `.dockerconfigjson` as the engine last applied it: what kubelet reads at each pull. */
  const pullSecret = (): string | undefined => {
    const data = engine.current(SECRET, secretName)?.state?.data as Record<string, string> | undefined;
    return data ? Buffer.from(data['.dockerconfigjson'], 'base64').toString('utf8') : undefined;
  };
  const robotNames = () =>
    lab.emulator
      .state()
      .robots.map((r) => r.name)
      .sort();
  const writes = () => lab.emulator.calls((r) => r.write);
  /**
   * `pulumi up` of the program with these robot props; each step waits until the running pull loop pulled with what it
   * left (two more pulls: the one in flight may have read the Secret before the step).
   */
  const up = async (robot: NonNullable<HarborPrivateAppArgs['robot']>, forceDeleteBeforeReplace = false) => {
    const from = engine.events.length;
    engine.beginUp({ afterStep: () => loops[loops.length - 1]?.waitForPulls(2, 240_000), forceDeleteBeforeReplace });
    new HarborPrivateApp('coredns', props(robot));
    await engine.settled('HarborPrivateApp "coredns" (a later up)', 240_000);
    await engine.finishUp();
    return engine.events.slice(from);
  };
  const order = (events: readonly LiveEvent[]) => events.filter((e) => e.op !== 'same').map((e) => `${e.op} ${e.name}`);
  /**
   * A rotation's steps, in the order the engine can take them: the generation, the new robot, its login (which checks
   * that the new login pulls); then the pull Secret, once the login is there; the old robot last.
   */
  const expectRotationOrder = (events: readonly LiveEvent[]): void => {
    const steps = order(events);
    expect([...steps].sort()).toEqual(
      [
        'update coredns-robot-rotation',
        'create-replacement coredns-robot',
        'update coredns-robot-login',
        `update ${secretName}`,
        'delete-replaced coredns-robot',
      ].sort(),
    );
    const at = (step: string) => steps.indexOf(step);
    expect(at('update coredns-robot-rotation')).toBeLessThan(at('create-replacement coredns-robot'));
    expect(at('create-replacement coredns-robot')).toBeLessThan(at('update coredns-robot-login'));
    expect(at('update coredns-robot-login')).toBeLessThan(at(`update ${secretName}`));
    expect(at(`update ${secretName}`)).toBeLessThan(at('delete-replaced coredns-robot'));
    expect(steps[steps.length - 1]).toBe('delete-replaced coredns-robot');
  };

  beforeAll(async () => {
    lab = await startLab();
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
    // The first `pulumi up`: rotation on from the start (generation 0 is the robot without rotation).
    new HarborPrivateApp('coredns', props({ rotation: { trigger: 'initial', everyDays: 30 } }, false));
    await engine.settled('HarborPrivateApp "coredns"', 240_000);
    secretName = engine.byType(SECRET)[0].name;
    await lab.pushImage('k8s', 'coredns', '1.2.6');
    // The image is there: from now on with the preflight pull check (this up creates it).
    engine.beginUp();
    new HarborPrivateApp('coredns', props({ rotation: { trigger: 'initial', everyDays: 30 } }));
    await engine.settled('HarborPrivateApp "coredns" (the pull check)', 240_000);
    await engine.finishUp();
  }, 300_000);

  afterEach(async () => {
    for (const l of loops.splice(0)) await l.stop();
    expect(engine.errors).toEqual([]);
    expect(lab.emulator.contractViolations).toEqual([]);
  });

  afterAll(async () => {
    await lab?.stop();
  });

  test('a rotation on demand (trigger), then one on schedule (everyDays): 0 failed pulls, old credentials refused', async () => {
    expect(robotNames()).toEqual(['robot$k8s+coredns-pull']);
    const loop = startPullLoop({
      image,
      pull: (i, c) => lab.pull(i, c),
      readDockerConfig: pullSecret,
      maxDurationMs: 600_000,
    });
    loops.push(loop);
    await loop.waitForPulls(5);
    const first = pullSecret()!;

    // An up with nothing due: every resource the same, not one Harbor request.
    lab.emulator.resetLog();
    const quiet = await up({ rotation: { trigger: 'initial', everyDays: 30 } });
    expect(order(quiet)).toEqual([]);
    expect(lab.emulator.requests).toEqual([]);

    // A new trigger value: a rotation now.
    lab.emulator.resetLog();
    const rotated = await up({ rotation: { trigger: 'leaked-2026-11-30', everyDays: 30 } });
    // The engine's order: generation, new robot, its login, the pull check and the pull Secret; the old robot last
    // (post-steps).
    expectRotationOrder(rotated);
    const secretAt = rotated.find((e) => e.name === secretName)!.at;
    const deletedAt = rotated.find((e) => e.op === 'delete-replaced')!.at;
    expect(secretAt).toBeLessThan(deletedAt);
    expect(writes()).toEqual(['POST /robots', expect.stringMatching(/^DELETE \/robots\/\d+$/)]);
    expect(robotNames()).toEqual(['robot$k8s+coredns-pull-green-0']);
    await loop.waitForPulls(5);
    const second = pullSecret()!;
    expect(usernameFor(second, lab.registryHost)).toBe('robot$k8s+coredns-pull-green-0');

    // 31 days later where Pulumi runs: the generation is older than everyDays (its start, in the rotation's state,
    // is what the diff reads; the clock cannot be moved under the provider host).
    const rotation = engine.current(ROTATION, 'coredns-robot-rotation')!;
    rotation.state = { ...rotation.state, startedAt: rotation.state!.startedAt - 31 * DAY };
    lab.emulator.resetLog();
    const scheduled = await up({ rotation: { trigger: 'leaked-2026-11-30', everyDays: 30 } });
    expectRotationOrder(scheduled);
    expect(robotNames()).toEqual(['robot$k8s+coredns-pull-blue-1']);
    await loop.waitForPulls(5);
    const report = await loop.stop();
    if (process.env.LAB_STORY) {
      console.log(describeReport('Pulumi rotation: trigger, then everyDays', report));
      const gaps = [rotated, scheduled].map((evs) => {
        const s = evs.find((e) => e.name === secretName)!.at;
        const d = evs.find((e) => e.op === 'delete-replaced')!.at;
        return `${d - s} ms`;
      });
      console.log(`old robot deleted ${gaps.join(' and ')} after the pull Secret was updated`);
    }

    expect(report.failures).toBe(0);
    expect(report.pulls).toBeGreaterThanOrEqual(15);
    expect(report.usernames).toEqual([
      'robot$k8s+coredns-pull',
      'robot$k8s+coredns-pull-green-0',
      'robot$k8s+coredns-pull-blue-1',
    ]);
    // The credentials of earlier generations are refused; the current ones pull.
    for (const old of [first, second]) {
      const denied = await lab.pull(image, old);
      expect(denied.ok).toBe(false);
      expect(denied.stderr).toMatch(/denied|unauthorized/);
    }
    expect((await lab.pull(image, pullSecret())).ok).toBe(true);
    // The state: one robot, the rotation's generation 2, the login and the Secret on it.
    expect(engine.current(ROBOT, 'coredns-robot')!.state).toMatchObject({
      generation: 2,
      harborName: 'coredns-pull-blue-1',
      fullName: 'robot$k8s+coredns-pull-blue-1',
    });
    expect(engine.current(LOGIN, 'coredns-robot-login')!.state!.fullName).toBe('robot$k8s+coredns-pull-blue-1');
  });

  test('what the order protects against: the old robot deleted FIRST makes pulls fail until the Secret moves', async () => {
    const loop = startPullLoop({
      image,
      pull: (i, c) => lab.pull(i, c),
      readDockerConfig: pullSecret,
      maxDurationMs: 600_000,
    });
    loops.push(loop);
    await loop.waitForPulls(5);
    const oldLogin = usernameFor(pullSecret(), lab.registryHost);
    const events = await up({ rotation: { trigger: 'delete-first', everyDays: 30 } }, true);
    const steps = order(events);
    expect(steps.slice(0, 4)).toEqual([
      'update coredns-robot-rotation',
      'delete-replaced coredns-robot',
      'create-replacement coredns-robot',
      'update coredns-robot-login',
    ]);
    expect(steps.slice(4)).toEqual([`update ${secretName}`]);
    await loop.waitForPulls(5);
    const report = await loop.stop();
    if (process.env.LAB_STORY) console.log(describeReport('Pulumi rotation, old robot deleted first', report));
    // From the delete to the pull Secret's update, pulls fail: the old robot's login is refused (each step waited for
    // the loop, so it pulled in that window whatever the machine's load).
    expect(report.failures).toBeGreaterThan(0);
    expect(new Set(report.attempts.filter((a) => !a.ok).map((a) => a.username))).toEqual(new Set([oldLogin]));
    expect(robotNames()).toEqual(['robot$k8s+coredns-pull-green-1']);
    expect((await lab.pull(image, pullSecret())).ok).toBe(true);
  });
});
