import { renewalDue, renewedDurationDays } from '../../lib/core/renewal';

const DAY_MS = 86_400_000;
const NOW = Date.UTC(2026, 11, 1);
const inDays = (days: number): number => (NOW + days * DAY_MS) / 1000;

describe('renewalDue', () => {
  it('is due inside the window and after the expiry, not before the window', () => {
    expect(renewalDue(inDays(10.5), 10, NOW)).toBe(false);
    expect(renewalDue(inDays(10), 10, NOW)).toBe(true);
    expect(renewalDue(inDays(2), 10, NOW)).toBe(true);
    expect(renewalDue(inDays(-1), 10, NOW)).toBe(true);
  });

  it('is never due for a robot that never expires', () => {
    expect(renewalDue(-1, 10, NOW)).toBe(false);
    expect(renewalDue(0, 10, NOW)).toBe(false);
  });
});

describe('renewedDurationDays', () => {
  it("adds the days to the robot's age in whole days, rounded up", () => {
    expect(renewedDurationDays(NOW - 20 * DAY_MS, NOW, 30)).toBe(50);
    expect(renewedDurationDays(NOW - 20.2 * DAY_MS, NOW, 30)).toBe(51);
    expect(renewedDurationDays(NOW, NOW, 30)).toBe(30);
  });

  it('counts a creation time ahead of the clock (clock skew) as age 0', () => {
    expect(renewedDurationDays(NOW + DAY_MS, NOW, 7)).toBe(7);
  });
});
