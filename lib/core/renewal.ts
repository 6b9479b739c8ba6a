/**
 * The arithmetic of a robot's renewal, written once: when a robot that expires is due for renewal (the Pulumi robot
 * provider renews it then, the component warns about it then), and the duration that renews it. Harbor counts a robot's
 * `duration` in days from its creation and sets `expires_at` (seconds since the epoch, `-1` never) from it. No imports:
 * the Pulumi robot provider, which Pulumi serializes, carries this file along.
 */

/** One day in milliseconds. */
const DAY_MS = 86_400_000;

/**
 * The renewal window of a robot that expires, in days (Pulumi engine): the declared `renewBeforeDays`, else a third
 * of `durationDays`, rounded up. `undefined` for a robot that never expires (`durationDays` -1).
 */
export function renewalWindowDays(robot: {
  readonly durationDays: number;
  readonly renewBeforeDays?: number;
}): number | undefined {
  if (robot.durationDays === -1) return undefined;
  return robot.renewBeforeDays ?? Math.ceil(robot.durationDays / 3);
}

/**
 * True when a robot expiring at `expiresAt` (seconds since the epoch) is inside its renewal window of
 * `renewBeforeDays` days at `nowMs`, or past its expiry. False for a robot that never expires (`expiresAt` <= 0).
 */
export function renewalDue(expiresAt: number, renewBeforeDays: number, nowMs: number): boolean {
  return expiresAt > 0 && expiresAt * 1000 - renewBeforeDays * DAY_MS <= nowMs;
}

/**
 * The `duration` that gives a robot created at `createdMs` `durationDays` more days from `nowMs` (both in
 * milliseconds, on Harbor's clock): its age in whole days, rounded up, plus `durationDays`.
 */
export function renewedDurationDays(createdMs: number, nowMs: number, durationDays: number): number {
  return Math.ceil(Math.max(0, nowMs - createdMs) / DAY_MS) + durationDays;
}
