/**
 * What the component warns about its robot (pulumi.log.warn), from the robot's state as the run sees it: inside its
 * renewal window without a renewal in this run (a preview shows the robot's state before the up), or expired.
 * The messages first (pure), then the component under Pulumi's mocks with a robot whose state says so, and the new
 * rotation resource the component registers with `robot.rotation`.
 */
import { randomBytes } from 'node:crypto';
import * as pulumi from '@pulumi/pulumi';
import { HarborPrivateApp, HarborRole, HarborMember } from '../../lib/pulumi';
import {
  robotLifecycleWarning,
  robotLifecycleWarnings,
  type RobotLifecycleState,
} from '../../lib/pulumi/component/robot-warnings';
import { installMocks, settled, unwrapSecrets } from './support/mocks';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 30, 12);
const IN_3_DAYS = NOW / 1000 + 3 * 86_400;
const state = (over: Partial<RobotLifecycleState> = {}): RobotLifecycleState => ({
  scope: 'HarborPrivateApp "coredns"',
  fullName: 'robot$k8s+coredns-pull',
  expiresAt: IN_3_DAYS,
  durationDays: 30,
  renewBeforeDays: 10,
  pullSecretName: 'registry-secret',
  ...over,
});

describe('the messages', () => {
  test('a healthy robot: nothing; one that never expires: nothing', () => {
    expect(robotLifecycleWarnings(state({ expiresAt: NOW / 1000 + 11 * 86_400 }), NOW)).toEqual([]);
    expect(robotLifecycleWarnings(state({ expiresAt: -1, durationDays: -1, renewBeforeDays: undefined }), NOW)).toEqual(
      [],
    );
    // The longest lifetime Harbor takes expires beyond what a Date holds: nothing to say, and no failure.
    expect(robotLifecycleWarnings(state({ expiresAt: NOW / 1000 + (2 ** 31 - 2) * 86_400 }), NOW)).toEqual([]);
    // Older states do not know the expiry: nothing to say.
    expect(robotLifecycleWarnings(state({ expiresAt: undefined }), NOW)).toEqual([]);
  });

  test('inside the renewal window: when it expires, the window, and that "pulumi up" renews it', () => {
    expect(robotLifecycleWarnings(state(), NOW)).toEqual([
      'HarborPrivateApp "coredns": robot robot$k8s+coredns-pull expires on 2026-12-03T12:00:00.000Z (in 3.0 days), ' +
        'inside its renewal window (robot.renewBeforeDays: 10), and this run does not renew it (a preview, or an up ' +
        'that leaves the robot out). Fix: run "pulumi up" before then: it renews the robot in place (PUT, the same ' +
        'secret: the pull Secret does not change) for 30 more days.',
    ]);
    expect(robotLifecycleWarnings(state({ expiresAt: NOW / 1000 + 5 * 3600 }), NOW)[0]).toMatch(/\(in 5 hours\)/);
  });

  test('expired: since when, that every pull with the Secret fails, and what "pulumi up" does about it', () => {
    const [renew] = robotLifecycleWarnings(state({ expiresAt: (NOW - 2 * DAY) / 1000 }), NOW);
    expect(renew).toBe(
      'HarborPrivateApp "coredns": robot robot$k8s+coredns-pull EXPIRED on 2026-11-28T12:00:00.000Z (Harbor\'s ' +
        '"expires_at", as last read): Harbor refuses its logins, so every pull with the pull Secret "registry-secret" ' +
        'fails (ErrImagePull) since then. Fix: run "pulumi up": it renews the robot in place (PUT, the same secret: ' +
        'pulls work again at once, the pull Secret does not change).',
    );
    const [replace] = robotLifecycleWarnings(
      state({ expiresAt: (NOW - DAY) / 1000, durationDays: -1, renewBeforeDays: undefined }),
      NOW,
    );
    expect(replace).toMatch(/EXPIRED.*Fix: run "pulumi up": it replaces the robot by a new one and writes its secret/);
  });

  test("the component asks for the robot's name only when its expiry calls for a warning: the two rules agree", () => {
    const cases: Array<[Partial<RobotLifecycleState>, string | undefined]> = [
      [{}, 'renewal-due'],
      [{ expiresAt: NOW / 1000 + 11 * 86_400 }, undefined],
      [{ expiresAt: NOW / 1000 + 10 * 86_400 - 60 }, 'renewal-due'],
      [{ expiresAt: (NOW - DAY) / 1000 }, 'expired'],
      [{ expiresAt: (NOW - DAY) / 1000, durationDays: -1, renewBeforeDays: undefined }, 'expired'],
      [{ expiresAt: IN_3_DAYS, durationDays: -1, renewBeforeDays: undefined }, undefined],
      [{ expiresAt: IN_3_DAYS, renewBeforeDays: undefined }, undefined],
      [{ expiresAt: -1 }, undefined],
      [{ expiresAt: undefined }, undefined],
    ];
    for (const [over, expected] of cases) {
      expect(robotLifecycleWarning(state(over), NOW)).toBe(expected);
      expect(robotLifecycleWarnings(state(over), NOW)).toHaveLength(expected === undefined ? 0 : 1);
    }
  });
});

describe('the component', () => {
  const registrations = installMocks({ robot: { expiresAt: Math.floor(Date.now() / 1000) + 2 * 86_400 } });
  const password = `pw-${randomBytes(9).toString('hex')}`;
  let warnings: string[];

  beforeAll(async () => {
    pulumi.runtime.setAllConfig({ 'project:harborUsername': 'admin', 'project:harborPassword': password }, [
      'project:harborPassword',
    ]);
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    new HarborPrivateApp('coredns', {
      registryHost: 'reg.harbor.com',
      project: { name: 'k8s' },
      members: [HarborMember.user('k8s-puller', HarborRole.GUEST)],
      robot: { name: 'coredns-pull', durationDays: 30, rotation: { trigger: '2026-11-30', everyDays: 60 } },
      namespaces: ['kube-system'],
      pullSecretName: 'registry-secret',
    });
    await settled('HarborPrivateApp "coredns"');
    warnings = warn.mock.calls.map((c) => String(c[0]));
    warn.mockRestore();
  });

  test('a robot whose state says it expires in 2 days (of 30, window 10): pulumi.log.warn, naming it', () => {
    expect(warnings).toEqual([
      expect.stringMatching(
        /^warning: \[runtime\] HarborPrivateApp "coredns": robot robot\$k8s\+coredns-pull expires on .* \(in 2\.0 days\), inside its renewal window \(robot\.renewBeforeDays: 10\)/,
      ),
    ]);
  });

  test('robot.rotation: a rotation resource, whose generation the robot takes; the renewal window reaches the robot', () => {
    const rotation = registrations.find((r) => r.type === 'pulumi-nodejs:dynamic/harbor:RobotRotation')!;
    expect(rotation.name).toBe('coredns-robot-rotation');
    expect(unwrapSecrets(rotation.inputs)).toMatchObject({
      trigger: '2026-11-30',
      everyDays: 60,
    });
    const robot = registrations.find((r) => r.type === 'pulumi-nodejs:dynamic/harbor:RobotAccount')!;
    expect(robot.dependencies).toContain(rotation.urn);
    expect(unwrapSecrets(robot.inputs)).toMatchObject({
      name: 'coredns-pull',
      renewBeforeDays: 10,
      generation: 0,
    });
  });
});
