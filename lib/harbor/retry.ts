/**
 * The retry policy of the Harbor client: which calls may be repeated, on which failures, and how long to wait.
 * Pure functions, no state.
 */

/** HTTP statuses worth another attempt: rate limiting and transient server or gateway failures. */
export const RETRYABLE_STATUSES: readonly number[] = Object.freeze([429, 500, 502, 503, 504]);

/**
 * Network error codes worth another attempt for an idempotent call (the connection broke or never opened).
 * TLS verification failures are deliberately absent: retrying cannot fix a certificate.
 */
export const RETRYABLE_NETWORK_CODES: readonly string[] = Object.freeze([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'TIMEOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

/**
 * Network error codes that prove the request never reached the server, so even a POST did not happen.
 */
export const NOT_SENT_NETWORK_CODES: readonly string[] = Object.freeze(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);

/** True for methods that may be repeated without changing the outcome: GET, HEAD, PUT, DELETE (and OPTIONS). */
export function isIdempotent(method: string): boolean {
  const m = method.toUpperCase();
  return m === 'GET' || m === 'HEAD' || m === 'PUT' || m === 'DELETE' || m === 'OPTIONS';
}

/** True for a status in {@link RETRYABLE_STATUSES}. */
export function isRetryableStatus(status: number): boolean {
  return RETRYABLE_STATUSES.includes(status);
}

/** True for a network error code in {@link RETRYABLE_NETWORK_CODES}. */
export function isRetryableNetworkCode(code: string | undefined): boolean {
  return code !== undefined && RETRYABLE_NETWORK_CODES.includes(code);
}

/**
 * Parses a `Retry-After` header: delay-seconds (`"3"`) or an HTTP date. Returns milliseconds (0 for a date in the
 * past) or `undefined` when absent or unparsable.
 */
export function parseRetryAfter(value: string | null | undefined, nowMs: number = Date.now()): number | undefined {
  if (value === null || value === undefined) return undefined;
  const v = value.trim();
  if (v === '') return undefined;
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

/** Inputs of {@link retryDelayMs}. */
export interface BackoffInput {
  /** The attempt that just failed: 1 for the first attempt. */
  readonly attempt: number;
  /** Backoff base in milliseconds. */
  readonly baseDelayMs: number;
  /** Upper bound of the result in milliseconds. */
  readonly maxDelayMs: number;
  /** Harbor's `Retry-After`, in milliseconds, if it sent one. */
  readonly retryAfterMs?: number;
  /**
   * Random number in [0, 1) for the jitter.
   * @default Math.random()
   */
  readonly random?: number;
}

/**
 * Delay before the next attempt: exponential backoff with "equal jitter" — between half and all of
 * `baseDelayMs * 2^(attempt-1)` — raised to `Retry-After` when Harbor asks for longer, and capped at `maxDelayMs`.
 */
export function retryDelayMs(input: BackoffInput): number {
  const attempt = Math.max(1, Math.floor(input.attempt));
  const exp = input.baseDelayMs * 2 ** Math.min(attempt - 1, 30);
  const r = input.random ?? Math.random();
  const jittered = exp / 2 + r * (exp / 2);
  const wanted = Math.max(jittered, input.retryAfterMs ?? 0);
  return Math.max(0, Math.round(Math.min(wanted, input.maxDelayMs)));
}
