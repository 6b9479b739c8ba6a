/**
 * Harbor's robot lifecycle on real pulls, engine-neutral (the Harbor client alone): what a rotation or a renewal
 * may rely on. A changed secret is refused on the next pull while tokens issued before still work; a renewal
 * through `PUT` keeps the secret, so a pull loop running through it never fails; an expired or disabled robot is
 * kept but cannot pull.
 */
import { dockerConfigJson } from '../../lib/core';
import { type CreatedRobot } from '../../lib/harbor';
import { describeLab } from './binaries';
import { LAB_TOKEN_SERVICE, startLab, type Lab } from './lab';
import { describeReport, startPullLoop } from './pull-loop';
import { inspect } from './skopeo';
import { LabHarborClient } from './lab-client';

const DAY = 86_400_000;

describeLab('robot lifecycle on real pulls: rotation, renewal, expiry', () => {
  let lab: Lab;
  let harbor: LabHarborClient;
  let image: string;
  let clock = Date.now();
  let serial = 0;

  async function robot(durationDays: number): Promise<CreatedRobot & { config: string }> {
    const r = await harbor.createRobot({
      name: `life-${++serial}`,
      duration: durationDays,
      level: 'project',
      permissions: [{ kind: 'project', namespace: 'k8s', access: [{ resource: 'repository', action: 'pull' }] }],
    });
    return { ...r, config: dockerConfigJson(lab.registryHost, r.name, r.secret) };
  }

  beforeAll(async () => {
    lab = await startLab({ now: () => clock });
    harbor = new LabHarborClient({ url: lab.harborUrl, username: lab.adminUsername, password: lab.adminPassword });
    await harbor.createProject({ name: 'k8s', public: false, autoScan: false, preventVul: false });
    image = (await lab.pushImage('k8s', 'coredns', '1.2.6')).imageRef;
  });

  afterAll(async () => {
    await harbor?.close();
    await lab?.stop();
  });

  afterEach(() => expect(lab.emulator.contractViolations).toEqual([]));

  test('a new secret: the old one is refused on the next pull, a token issued before still pulls', async () => {
    const r = await robot(-1);
    const token = await fetch(
      `${lab.harborUrl}/service/token?service=${LAB_TOKEN_SERVICE}&scope=repository:k8s/coredns:pull`,
      { headers: { Authorization: `Basic ${Buffer.from(`${r.name}:${r.secret}`).toString('base64')}` } },
    ).then(async (res) => ((await res.json()) as { token: string }).token);
    expect((await lab.pull(image, r.config)).ok).toBe(true);

    const fresh = await harbor.refreshRobotSecret(r.id);
    const old = await lab.pull(image, r.config);
    expect(old.ok).toBe(false);
    expect(old.stderr).toMatch(/denied|unauthorized/);
    expect((await lab.pull(image, dockerConfigJson(lab.registryHost, r.name, fresh))).ok).toBe(true);
    // The registry checks the token it is shown, not the robot: issued before the change, it pulls until it expires.
    const withToken = await inspect(image, { registryToken: token });
    expect(withToken.stderr).toBe('');
    expect(withToken.ok).toBe(true);
  });

  test('renewal through PUT during a pull loop: 0 failed pulls, the Secret unchanged, expires_at moved', async () => {
    const r = await robot(30);
    const created = clock;
    clock += 25 * DAY; // inside the last third of its 30 days
    const secretBefore = r.config;
    let current = r.config;
    const loop = startPullLoop({ image, pull: (i, c) => lab.pull(i, c), readDockerConfig: () => current });
    await loop.waitForPulls(5);
    const renewed = await harbor.renewRobot(r.id, 90);
    // What a renewal writes to the pull Secret: the same name and secret (nothing new to write).
    current = dockerConfigJson(lab.registryHost, renewed.name, r.secret);
    await loop.waitForPulls(5);
    clock += 40 * DAY; // day 65: past the old expiry, inside the new one
    await loop.waitForPulls(5);
    const report = await loop.stop();
    if (process.env.LAB_STORY) console.log(describeReport('renewal through PUT (client)', report));

    expect(report.failures).toBe(0);
    expect(report.pulls).toBeGreaterThanOrEqual(15);
    expect(current).toBe(secretBefore);
    expect(renewed.expiresAt).toBe(Math.floor(created / 1000) + 90 * 86400);
    expect(renewed.expiresAt).toBeGreaterThan(r.expiresAt);
  });

  test('an expired robot is kept but cannot pull; renewing it lets the same Secret pull again', async () => {
    const r = await robot(7);
    expect((await lab.pull(image, r.config)).ok).toBe(true);
    clock += 7 * DAY;
    const expired = await lab.pull(image, r.config);
    expect(expired.ok).toBe(false);
    expect(expired.stderr).toMatch(/denied|unauthorized/);
    expect(await harbor.getRobot(r.id)).toMatchObject({ name: r.name, expiresAt: r.expiresAt });
    await harbor.renewRobot(r.id, 30);
    expect((await lab.pull(image, r.config)).ok).toBe(true);
  });

  test('a disabled robot cannot pull; enabled again, the same Secret pulls', async () => {
    const r = await robot(-1);
    lab.emulator.setRobotDisabled(r.name, true);
    expect((await lab.pull(image, r.config)).ok).toBe(false);
    lab.emulator.setRobotDisabled(r.name, false);
    expect((await lab.pull(image, r.config)).ok).toBe(true);
  });
});
