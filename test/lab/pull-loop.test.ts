/**
 * The pull loop itself, on real pulls: it reads the Secret before every pull, every pull really reaches the token
 * service and the registry, it sees a failure as soon as the credentials stop working, and it ends by itself.
 */
import { dockerConfigJson } from '../../lib/core';
import { HarborClient } from '../../lib/harbor';
import { describeLab } from './binaries';
import { startLab, type Lab } from './lab';
import { describeReport, startPullLoop, usernameFor } from './pull-loop';

describeLab('pull loop: a node pulling every ~200 ms with the Secret as it is now', () => {
  let lab: Lab;
  let harbor: HarborClient;
  let image: string;
  let robot: { id: number; name: string; secret: string };

  beforeAll(async () => {
    lab = await startLab();
    harbor = new HarborClient({ url: lab.harborUrl, username: lab.adminUsername, password: lab.adminPassword });
    await harbor.createProject({ name: 'k8s', public: false, autoScan: false, preventVul: false });
    image = (await lab.pushImage('k8s', 'coredns', '1.2.6')).imageRef;
    robot = await harbor.createRobot({
      name: 'loop',
      duration: -1,
      level: 'project',
      permissions: [{ kind: 'project', namespace: 'k8s', access: [{ resource: 'repository', action: 'pull' }] }],
    });
  });

  afterAll(async () => {
    await harbor?.close();
    await lab?.stop();
  });

  afterEach(() => expect(lab.emulator.contractViolations).toEqual([]));

  test('each pull reads the Secret first, asks the token service and fetches the manifest, ~200 ms apart', async () => {
    const secret = dockerConfigJson(lab.registryHost, robot.name, robot.secret);
    let reads = 0;
    const tokensBefore = lab.tokenRequests();
    const loop = startPullLoop({
      image,
      pull: (i, c) => lab.pull(i, c),
      readDockerConfig: () => {
        reads += 1;
        return secret;
      },
      maxPulls: 8,
    });
    const r = await loop.done;
    expect([r.pulls, r.failures, r.stoppedBy]).toEqual([8, 0, 'maxPulls']);
    expect(reads).toBe(8);
    expect(r.usernames).toEqual([robot.name]);
    // One token per pull at least: nothing was served from a cache.
    expect(lab.tokenRequests() - tokensBefore).toBeGreaterThanOrEqual(8);
    const starts = r.attempts.map((a) => a.startedAt);
    for (let i = 1; i < starts.length; i++) expect(starts[i] - starts[i - 1]).toBeGreaterThanOrEqual(195);
  });

  test('a credential that stops working fails from the very next pull; the gap is measured', async () => {
    // Rotating in place (PATCH) while the Secret still holds the old secret: the outage a rotation must avoid.
    let current: string | undefined = dockerConfigJson(lab.registryHost, robot.name, robot.secret);
    const loop = startPullLoop({ image, pull: (i, c) => lab.pull(i, c), readDockerConfig: () => current });
    await loop.waitForPulls(3);
    const fresh = await harbor.refreshRobotSecret(robot.id);
    const rotatedAt = Date.now();
    await loop.waitForPulls(4);
    current = undefined; // the Secret is gone for a while: pulls go without credentials
    await loop.waitForPulls(2);
    current = dockerConfigJson(lab.registryHost, robot.name, fresh);
    const fixedAt = Date.now();
    robot = { ...robot, secret: fresh };
    await loop.waitForPulls(3);
    const r = await loop.stop();
    const between = r.attempts.filter((a) => a.startedAt > rotatedAt && a.startedAt + a.durationMs < fixedAt);
    expect(between.length).toBeGreaterThanOrEqual(4);
    expect(between.every((a) => !a.ok)).toBe(true);
    expect(between.some((a) => /denied|unauthorized/.test(a.error) && a.username === robot.name)).toBe(true);
    expect(between.some((a) => a.error.startsWith('no pull Secret') && a.username === undefined)).toBe(true);
    expect(r.attempts.slice(0, 3).every((a) => a.ok)).toBe(true);
    expect(r.attempts.filter((a) => a.startedAt > fixedAt).every((a) => a.ok)).toBe(true);
    expect(r.failures).toBe(r.attempts.filter((a) => !a.ok).length);
    expect(r.longestGapMs).toBeGreaterThanOrEqual(4 * 190);
    expect(describeReport('in-place PATCH', r)).toMatch(/^pull loop in-place PATCH: \d+ pulls, \d+ failed, .*gap/);
    expect(JSON.stringify(r)).not.toContain(fresh);
  });

  test('ends by itself after maxDurationMs, and stop() ends it at once', async () => {
    const secret = dockerConfigJson(lab.registryHost, robot.name, robot.secret);
    const bounded = await startPullLoop({
      image,
      pull: (i, c) => lab.pull(i, c),
      readDockerConfig: () => secret,
      maxDurationMs: 1000,
    }).done;
    expect(bounded.stoppedBy).toBe('maxDuration');
    expect(bounded.pulls).toBeGreaterThanOrEqual(1);
    expect(bounded.pulls).toBeLessThanOrEqual(6);
    const loop = startPullLoop({ image, pull: (i, c) => lab.pull(i, c), readDockerConfig: () => secret });
    await loop.waitForPulls(1);
    // It ends after the pull in flight: at most one more pull, however long that one takes on a busy machine.
    const before = loop.attempts.length;
    const stopped = await loop.stop();
    expect(stopped.pulls).toBeLessThanOrEqual(before + 1);
    expect(stopped.stoppedBy).toBe('stop');
    expect(await loop.stop()).toBe(stopped);
  });

  test('usernameFor reads the login name for the image host only', () => {
    const doc = dockerConfigJson('127.0.0.1:5000', 'robot$k8s+a', 'placeholder-not-a-secret');
    expect(usernameFor(doc, '127.0.0.1:5000')).toBe('robot$k8s+a');
    expect(usernameFor(doc, '127.0.0.1:5001')).toBeUndefined();
    expect(usernameFor('not json', '127.0.0.1:5000')).toBeUndefined();
    expect(usernameFor(undefined, '127.0.0.1:5000')).toBeUndefined();
  });
});
