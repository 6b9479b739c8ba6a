/**
 * Writes whose outcome is unknown. A create (POST) that failed without a clear answer — the connection broke, the
 * call timed out, Harbor or a proxy answered 429/5xx — may have been applied. Such a write is never repeated blindly:
 * the object is looked up first, and created again only when it is absent. The caller decides what a found object
 * means (see {@link createdWithin}). Pure policy: no I/O of its own, no state.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { HarborApiError, isHarborApiError } from './errors';
import { NOT_SENT_NETWORK_CODES, isRetryableNetworkCode, isRetryableStatus, retryDelayMs } from './retry';
import { errorMessage } from '../core/errors';

/** The retry bounds of a client ({@link HarborClient} has these fields). */
export interface WriteRetryPolicy {
  /** Repeats after the first attempt. */
  readonly maxRetries: number;
  /** Backoff base, in milliseconds. */
  readonly retryBaseDelayMs: number;
  /** Cap of one wait, in milliseconds (also caps Harbor's `Retry-After`). */
  readonly maxRetryDelayMs: number;
}

/**
 * What a failed write did, as far as the caller can know:
 * - `not-applied`: the request provably never left (connection refused, name not resolved);
 * - `unknown`: it may have been applied (connection broke after sending, timeout, 429/5xx, a 2xx without the expected
 *   body);
 * - `failed`: Harbor refused it (4xx other than 429, TLS failure...): it was not applied and repeating cannot help.
 */
export type WriteOutcome = 'not-applied' | 'unknown' | 'failed';

/** Classifies a failed write; see {@link WriteOutcome}. */
export function writeOutcome(e: unknown): WriteOutcome {
  if (!isHarborApiError(e)) return 'failed';
  if (e.status === undefined) {
    if (e.code !== undefined && NOT_SENT_NETWORK_CODES.includes(e.code)) return 'not-applied';
    return isRetryableNetworkCode(e.code) ? 'unknown' : 'failed';
  }
  if (isRetryableStatus(e.status)) return 'unknown';
  if (e.code === 'UNEXPECTED_RESPONSE' && e.status >= 200 && e.status < 300) return 'unknown';
  return 'failed';
}

/** A create with a lookup, for {@link createChecked}. */
export interface CheckedCreate<C, F> {
  /** What is created, for messages, e.g. `Harbor project "app"`. */
  readonly what: string;
  /** The bounds: at most `maxRetries + 1` creates, with backoff between them. */
  readonly policy: WriteRetryPolicy;
  /** The create call (a POST). */
  readonly create: () => Promise<C>;
  /**
   * Looks the object up after a create whose outcome is unknown; `undefined` when it is absent.
   * @param sinceMs local time (ms) when the FIRST create was sent: anything created by these creates is newer.
   */
  readonly lookup: (sinceMs: number) => Promise<F | undefined>;
}

/** How {@link createChecked} ended. */
export type CheckedCreateResult<C, F> =
  /** A create answered: `value` is its result. */
  | { readonly kind: 'created'; readonly value: C; readonly attempts: number }
  /**
   * A create failed without a clear answer and the lookup found the object: `value` is the lookup's result. The
   * caller must decide whether it is the object these creates made (e.g. with {@link createdWithin}).
   */
  | { readonly kind: 'found'; readonly value: F; readonly attempts: number; readonly sinceMs: number };

/**
 * Creates an object without ever repeating a create blindly:
 * 1. create; a clear failure (401, 403, 404, 409, 412...) is thrown at once, after one request;
 * 2. a failure that may have been applied (see {@link writeOutcome}) is followed by `lookup`; found: done (`found`);
 * 3. absent: wait (backoff, at least Harbor's `Retry-After`) and create again, at most `maxRetries + 1` creates.
 *    A 409 on a repeat is looked up too: it may be an earlier attempt that Harbor finished late (a timed-out call).
 *
 * @throws HarborApiError the last failure, after the last attempt, saying that nothing was left behind.
 * @throws Error when a lookup fails after an unknown outcome: the object may exist; the message says to check.
 * @internal
 */
export async function createChecked<C, F>(op: CheckedCreate<C, F>): Promise<CheckedCreateResult<C, F>> {
  const attempts = op.policy.maxRetries + 1;
  const sinceMs = Date.now();
  let unknownBefore = false;
  for (let attempt = 1; ; attempt++) {
    let failure: HarborApiError;
    try {
      return { kind: 'created', value: await op.create(), attempts: attempt };
    } catch (e) {
      const outcome = writeOutcome(e);
      const lateConflict = unknownBefore && isHarborApiError(e) && e.status === 409;
      if (outcome === 'failed' && !lateConflict) throw e;
      failure = e as HarborApiError;
      if (outcome !== 'not-applied') {
        unknownBefore = true;
        let found: F | undefined;
        try {
          found = await op.lookup(sinceMs);
        } catch (lookupError) {
          throw new Error(
            `${op.what}: the create failed without a clear answer (${failure.message}), and looking it up afterwards failed too ` +
              `(${errorMessage(lookupError)}). It may exist in Harbor now without ` +
              'this stack knowing it: look it up in Harbor (and delete it if this stack should create it) before running again.',
            { cause: lookupError },
          );
        }
        if (found !== undefined) return { kind: 'found', value: found, attempts: attempt, sinceMs };
        if (lateConflict) throw failure;
      }
    }
    if (attempt >= attempts) throw gaveUp(op.what, failure, attempt, unknownBefore);
    await sleep(
      retryDelayMs({
        attempt,
        baseDelayMs: op.policy.retryBaseDelayMs,
        maxDelayMs: op.policy.maxRetryDelayMs,
        retryAfterMs: failure.retryAfterMs,
      }),
    );
  }
}

/**
 * Repeats a write whose repetition is harmless (e.g. asking for a new secret of a robot nobody uses yet) while its
 * outcome is unknown, at most `maxRetries + 1` times. Clear failures are thrown at once.
 * @internal
 */
export async function repeatHarmlessWrite<T>(policy: WriteRetryPolicy, write: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (e) {
      if (writeOutcome(e) === 'failed' || attempt >= policy.maxRetries + 1) throw e;
      const retryAfterMs = isHarborApiError(e) ? e.retryAfterMs : undefined;
      await sleep(
        retryDelayMs({
          attempt,
          baseDelayMs: policy.retryBaseDelayMs,
          maxDelayMs: policy.maxRetryDelayMs,
          retryAfterMs,
        }),
      );
    }
  }
}

/**
 * True when an object with Harbor creation time `creationTimeMs` was created after a create was sent at local time
 * `sinceMs` (so: by that create, barring a race within `slackMs`). Harbor's own clock is used for both ends — the
 * lookup's `harborTimeMs` (the `Date` header) and the local time `nowMs` when that answer arrived — so a skewed local
 * clock does not matter. False when either Harbor time is unknown: then nobody can tell.
 *
 * @param slackMs tolerance for `Date`'s whole seconds and Harbor's rounding. @default 1500
 * @internal
 */
export function createdWithin(
  creationTimeMs: number | undefined,
  lookup: { readonly harborTimeMs?: number },
  sinceMs: number,
  nowMs: number,
  slackMs = 1500,
): boolean {
  const harborNow = lookup.harborTimeMs;
  if (creationTimeMs === undefined || harborNow === undefined) return false;
  const elapsed = Math.max(0, nowMs - sinceMs);
  return harborNow - creationTimeMs <= elapsed + slackMs && creationTimeMs <= harborNow + slackMs;
}

/**
 * The error after the last create. `lookedUp`: some create may have reached Harbor, and the lookup after it found
 * nothing; else no create left (every attempt failed before sending: nothing listens, the name does not resolve).
 */
function gaveUp(what: string, last: HarborApiError, attempts: number, lookedUp: boolean): HarborApiError {
  return new HarborApiError({
    method: last.method,
    path: last.path,
    origin: last.origin,
    status: last.status,
    code: last.code,
    harborMessage: last.harborMessage,
    requestId: last.requestId,
    attempts,
    retryable: true,
    retryAfterMs: last.retryAfterMs,
    hint: lookedUp
      ? `${what} was not created: Harbor kept failing, and a lookup after each create that may have reached it found ` +
        'nothing, so nothing was left behind. Run again once Harbor recovers (check its health, or raise timeoutMs for a ' +
        'slow Harbor)'
      : `${what} was not created: Harbor at ${last.origin ?? 'the url'} could not be reached (${last.code ?? 'network error'}); ` +
        'no request was sent, so nothing was left behind: check url and that Harbor is running',
  });
}
