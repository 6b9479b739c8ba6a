/**
 * What the component tells the user about its robot's lifecycle, from the robot's expiry as the run sees it (the
 * robot login's outputs, known in a preview): a robot inside its renewal window that this run does not renew (a
 * preview, or an `up` that leaves the robot out with `--target`), or expired. Pure: the component logs them with
 * `pulumi.log.warn`.
 */
import { renewalDue } from '../../core/renewal';

/** The robot's state as a run sees it. */
export interface RobotLifecycleState {
  /** The app's scope for messages, e.g. `HarborPrivateApp "coredns"`. */
  readonly scope: string;
  /** The robot's login name. */
  readonly fullName: string;
  /**
   * Its expiry, seconds since the epoch, `-1` never.
   * @default - not known (older states): no warning
   */
  readonly expiresAt?: number;
  /** The declared lifetime (`robot.durationDays`), `-1` never. */
  readonly durationDays: number;
  /**
   * The renewal window in days.
   * @default - none: a robot that never expires
   */
  readonly renewBeforeDays?: number;
  /** The pull Secret's name (what fails to pull). */
  readonly pullSecretName: string;
}

const DAY_MS = 86_400_000;

/** What a robot's state calls for at a time: nothing, or a warning that it expired or is due for renewal. */
export type RobotLifecycleWarning = 'expired' | 'renewal-due' | undefined;

/** Whether the robot's expiry, as the run sees it at `nowMs`, calls for a warning, and which. */
export function robotLifecycleWarning(
  state: Pick<RobotLifecycleState, 'expiresAt' | 'durationDays' | 'renewBeforeDays'>,
  nowMs: number,
): RobotLifecycleWarning {
  const { expiresAt, renewBeforeDays } = state;
  if (typeof expiresAt !== 'number' || expiresAt <= 0) return undefined;
  if (expiresAt * 1000 - nowMs <= 0) return 'expired';
  if (renewBeforeDays !== undefined && state.durationDays !== -1 && renewalDue(expiresAt, renewBeforeDays, nowMs)) {
    return 'renewal-due';
  }
  return undefined;
}

/** The warnings for a robot's state at `nowMs`: none for a healthy robot. */
export function robotLifecycleWarnings(state: RobotLifecycleState, nowMs: number): string[] {
  const { scope, fullName, expiresAt, renewBeforeDays, pullSecretName } = state;
  const warning = robotLifecycleWarning(state, nowMs);
  if (warning === undefined || expiresAt === undefined) return [];
  const leftMs = expiresAt * 1000 - nowMs;
  // Only a date within reach is shown (a robot of 2147483646 days expires beyond what a Date can hold).
  const at = (): string => new Date(expiresAt * 1000).toISOString();
  if (warning === 'expired') {
    return [
      `${scope}: robot ${fullName} EXPIRED on ${at()} (Harbor's "expires_at", as last read): Harbor refuses its logins, ` +
        `so every pull with the pull Secret "${pullSecretName}" fails (ErrImagePull) since then. Fix: run "pulumi up": ` +
        (state.durationDays === -1
          ? 'it replaces the robot by a new one and writes its secret to the pull Secret.'
          : 'it renews the robot in place (PUT, the same secret: pulls work again at once, the pull Secret does not change).'),
    ];
  }
  const days = leftMs / DAY_MS;
  return [
    `${scope}: robot ${fullName} expires on ${at()} (in ${days < 1 ? `${Math.round(days * 24)} hours` : `${days.toFixed(1)} days`}), ` +
      `inside its renewal window (robot.renewBeforeDays: ${String(renewBeforeDays)}), and this run does not renew it (a ` +
      'preview, or an up that leaves the robot out). Fix: run "pulumi up" before then: it renews the robot in place ' +
      `(PUT, the same secret: the pull Secret does not change) for ${state.durationDays} more days.`,
  ];
}
