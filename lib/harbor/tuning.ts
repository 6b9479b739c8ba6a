/**
 * The connection tuning of the Harbor client (`maxRetries`, `timeoutMs`, `retryBaseDelayMs`, `maxRetryDelayMs`): the
 * defaults and the one rule for their values, used by the client and by the Pulumi component (which checks the plain
 * values at construction, before anything is registered).
 */

/** Node's longest timer: a longer `setTimeout` or `AbortSignal.timeout` fires at once (TimeoutOverflowWarning). */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** A tuning field's name. */
export type ConnectionTuningKey = 'maxRetries' | 'timeoutMs' | 'retryBaseDelayMs' | 'maxRetryDelayMs';

/** The default and the bounds of one tuning field. */
export interface ConnectionTuningSpec {
  /**
   * The value when the field is not given. (`defaultValue`, not `default`: Pulumi's closure serializer, which captures
   * this file into the dynamic provider, mistakes an object with a `default` key for a module.)
   */
  readonly defaultValue: number;
  /** The smallest value allowed. */
  readonly min: number;
  /** The largest value allowed. */
  readonly max: number;
  /** The unit, for messages (` ms`, or nothing). */
  readonly unit: string;
}

/**
 * The tuning fields with their defaults and bounds.
 * @internal
 */
export const CONNECTION_TUNING: Readonly<Record<ConnectionTuningKey, ConnectionTuningSpec>> = {
  maxRetries: { defaultValue: 3, min: 0, max: Number.MAX_SAFE_INTEGER, unit: '' },
  timeoutMs: { defaultValue: 30_000, min: 1, max: MAX_TIMER_MS, unit: ' ms' },
  retryBaseDelayMs: { defaultValue: 200, min: 0, max: MAX_TIMER_MS, unit: ' ms' },
  maxRetryDelayMs: { defaultValue: 10_000, min: 0, max: MAX_TIMER_MS, unit: ' ms' },
};

/**
 * The tuning fields, in a fixed order.
 * @internal
 */
export const CONNECTION_TUNING_KEYS = Object.keys(CONNECTION_TUNING) as readonly ConnectionTuningKey[];

/**
 * Why a tuning value is refused (a phrase such as `must be a whole number >= 1`), or undefined when it is valid.
 * Every field is a whole number, at least its minimum (`timeoutMs` >= 1, the others >= 0); the millisecond fields at
 * most {@link MAX_TIMER_MS}, since Node fires a longer timer at once.
 * @internal
 */
export function connectionTuningProblem(key: ConnectionTuningKey, value: unknown): string | undefined {
  const { min, max, unit } = CONNECTION_TUNING[key];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) return `must be a whole number >= ${min}`;
  if (value > max)
    return `must be at most ${max}${unit}${unit === ' ms' ? ' (a longer timer fires at once in Node)' : ''}`;
  return undefined;
}
