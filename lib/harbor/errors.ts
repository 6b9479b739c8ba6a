/**
 * The one error type of the Harbor client: what was called, what Harbor answered, and what usually fixes it.
 * Messages never contain the password, a robot secret or the Authorization header.
 */

/** What {@link HarborApiError} is built from. */
export interface HarborApiErrorInit {
  /** HTTP method, e.g. `POST`. */
  readonly method: string;
  /** API path below `/api/v2.0`, with query, e.g. `/projects`. */
  readonly path: string;
  /** Harbor's address (scheme, host, port; never credentials), for the message. */
  readonly origin?: string;
  /** HTTP status, absent for network errors. */
  readonly status?: number;
  /** Harbor's error code (`CONFLICT`) or, without an HTTP answer, the network error code (`ECONNRESET`, `TIMEOUT`). */
  readonly code?: string;
  /** Harbor's error message (or the network error's message). */
  readonly harborMessage?: string;
  /** The `X-Request-Id` of the failed attempt. */
  readonly requestId?: string;
  /** How to fix it; when absent, derived from the status and the method. */
  readonly hint?: string;
  /** Whether the caller may safely try the same call again later. */
  readonly retryable: boolean;
  /** How many attempts were made. @default 1 */
  readonly attempts?: number;
  /** Harbor's `Retry-After`, in milliseconds, when it sent one (429, 503). */
  readonly retryAfterMs?: number;
  /** Values to scrub from every text of the error (password, secrets, Authorization header). Not stored. */
  readonly secrets?: readonly string[];
}

/** A Harbor error as found in the body `{"errors":[{"code","message"}]}`. */
export interface HarborErrorBody {
  readonly code?: string;
  readonly message?: string;
}

/**
 * Extracts Harbor's error code and message from a response body (`{"errors":[{code, message}, ...]}`; several
 * errors are joined with "; "). Falls back to a short excerpt of a non-JSON body (a proxy's HTML page).
 */
export function parseHarborError(bodyText: string | undefined): HarborErrorBody {
  if (!bodyText) return {};
  try {
    const parsed: unknown = JSON.parse(bodyText);
    if (parsed && typeof parsed === 'object' && Array.isArray((parsed as { errors?: unknown }).errors)) {
      const errors = (parsed as { errors: unknown[] }).errors.filter(
        (e): e is Record<string, unknown> => typeof e === 'object' && e !== null,
      );
      const codes = [
        ...new Set(errors.map((e) => e.code).filter((c): c is string => typeof c === 'string' && c !== '')),
      ];
      const messages = errors.map((e) => e.message).filter((m): m is string => typeof m === 'string' && m !== '');
      return {
        code: codes.length ? codes.join(',') : undefined,
        message: messages.length ? messages.join('; ') : undefined,
      };
    }
    if (parsed && typeof parsed === 'object' && typeof (parsed as { message?: unknown }).message === 'string') {
      return { message: (parsed as { message: string }).message };
    }
  } catch {
    // not JSON: fall through to an excerpt
  }
  const text = bodyText
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return text ? { message: text.length > 200 ? `${text.slice(0, 197)}...` : text } : {};
}

/** Replaces every occurrence of each secret (at least 4 characters long) in `text` with `***`. */
export function redactSecrets(text: string, secrets: readonly string[] | undefined): string {
  if (!secrets || !text) return text;
  let out = text;
  for (const s of [...secrets].sort((a, b) => b.length - a.length)) {
    if (s && s.length >= 4) out = out.split(s).join('***');
  }
  // Belt and braces: an Authorization value that slipped through in another encoding.
  return out.replace(/\b(Basic|Bearer)\s+[A-Za-z0-9+/=._~-]{8,}/gi, '$1 ***');
}

const WRITE_MAY_HAVE_HAPPENED =
  'this write is not retried automatically and it may have been applied: look for the object in Harbor before trying ' +
  'again';

/**
 * The usual cause and fix of a failed call, by HTTP status (or network failure) and method.
 * Returns `undefined` when there is nothing useful to add.
 */
export function harborErrorHint(status: number | undefined, method: string, path = ''): string | undefined {
  const m = method.toUpperCase();
  const write = m === 'POST' || m === 'PATCH';
  switch (status) {
    case 400:
      return 'Harbor refused the request: check the field named in its message (project names match ^[a-z0-9]+(?:[._-][a-z0-9]+)*$, robot duration is -1 or a positive number of days, a project robot takes exactly one permission)';
    case 401:
      return 'bad credentials: check username and password; a robot login name starts with "robot$", and the "$" is swallowed by shells and env substitution unless quoted.';
    case 403:
      return path.startsWith('/robots')
        ? 'permission denied: creating or changing robot accounts needs the projectAdmin role in the project (or a system admin)'
        : 'permission denied: the account needs the projectAdmin role in this project (or must be a system admin); creating projects may be restricted to admins';
    case 404:
      return 'not found: check the project name or id; it may have been deleted outside this program';
    case 409:
      return m === 'POST'
        ? 'already exists: adopt the existing object or pick another name'
        : 'conflict: the object was changed at the same time by someone else: read it again (pulumi refresh) and retry';
    case 412:
      return m === 'DELETE' && /^\/projects\/[^/?]+(\?|$)/.test(path)
        ? 'the project still holds repositories: delete them first (or use force deletion)'
        : 'Harbor refused a precondition: the object is in a state that forbids this change (e.g. a project that still holds repositories): read it again (pulumi refresh), fix that state, and retry';
    case 429:
    case 500:
    case 502:
    case 503:
    case 504:
      return write
        ? `Harbor is overloaded or failing (transient); ${WRITE_MAY_HAVE_HAPPENED}`
        : 'Harbor is overloaded or failing (transient): try again later';
    default:
      if (status !== undefined && status >= 300 && status < 400) {
        return 'Harbor answered with a redirect: use the URL it redirects to (often https:// instead of http://) as url';
      }
      if (status === undefined) {
        return write
          ? `the connection failed or timed out; ${WRITE_MAY_HAVE_HAPPENED}`
          : 'the connection failed or timed out (transient): check that Harbor is reachable, then try again';
      }
      return undefined;
  }
}

/**
 * A failed Harbor API call: HTTP status, Harbor's error code and message, the request id, method and path, a hint
 * for the usual cause, and whether the caller may safely retry.
 */
export class HarborApiError extends Error {
  /** HTTP status; absent when Harbor never answered (network error, timeout). */
  readonly status?: number;
  /** Harbor's error code (e.g. `CONFLICT`), or the network error code (e.g. `ECONNRESET`, `TIMEOUT`). */
  readonly code?: string;
  /** Harbor's own error message (redacted). */
  readonly harborMessage?: string;
  /** The `X-Request-Id` of the failed attempt, to find it in Harbor's logs. */
  readonly requestId?: string;
  /** HTTP method of the call. */
  readonly method: string;
  /** API path below `/api/v2.0`, with query. */
  readonly path: string;
  /** The usual cause and its fix. */
  readonly hint?: string;
  /**
   * True when trying the same call again later is safe and may succeed (transient failure of an idempotent call,
   * or a request that provably never left). False for POST/PATCH that may have been applied, and for 4xx.
   */
  readonly retryable: boolean;
  /** Number of attempts made. */
  readonly attempts: number;
  /** Harbor's address (scheme, host, port; never credentials). */
  readonly origin?: string;
  /** Harbor's `Retry-After` of the last attempt, in milliseconds, when it sent one. */
  readonly retryAfterMs?: number;

  constructor(init: HarborApiErrorInit) {
    const secrets = init.secrets;
    const harborMessage = init.harborMessage === undefined ? undefined : redactSecrets(init.harborMessage, secrets);
    const hint =
      redactSecrets(init.hint ?? harborErrorHint(init.status, init.method, init.path) ?? '', secrets) || undefined;
    const path = redactSecrets(init.path, secrets);
    const attempts = init.attempts ?? 1;
    const where = `${init.method} ${init.origin ? `${init.origin}/api/v2.0` : ''}${path}`;
    const what =
      init.status !== undefined
        ? `HTTP ${init.status}${init.code ? ` ${init.code}` : ''}`
        : `${init.code ?? 'network error'}`;
    const parts = [
      `Harbor API ${where} failed: ${what}`,
      harborMessage ? `: ${harborMessage}` : '',
      attempts > 1 ? ` (after ${attempts} attempts)` : '',
      init.requestId ? ` [request id ${init.requestId}]` : '',
      hint ? `. Hint: ${hint}` : '',
    ];
    const message = redactSecrets(parts.join(''), secrets);
    super(message);
    // Pulumi's closure serializer turns this class into a function that runs `Error.call(this, message)`, which
    // sets nothing on `this`: in the provider Pulumi runs, the message would be lost. Set it explicitly.
    if (this.message !== message) {
      Object.defineProperty(this, 'message', { value: message, enumerable: false, writable: true, configurable: true });
      if (typeof Error.captureStackTrace === 'function') Error.captureStackTrace(this, HarborApiError);
    }
    this.name = 'HarborApiError';
    this.status = init.status;
    this.code = init.code === undefined ? undefined : redactSecrets(init.code, secrets);
    this.harborMessage = harborMessage;
    this.requestId = init.requestId === undefined ? undefined : redactSecrets(init.requestId, secrets);
    this.method = init.method;
    this.path = path;
    this.hint = hint;
    this.retryable = init.retryable;
    this.attempts = attempts;
    this.origin = init.origin;
    this.retryAfterMs = init.retryAfterMs;
    Object.setPrototypeOf(this, HarborApiError.prototype);
  }
}

/** True when `e` is a {@link HarborApiError} (also across module copies, by name and shape). */
export function isHarborApiError(e: unknown): e is HarborApiError {
  return (
    e instanceof HarborApiError ||
    // By name and shape, not `instanceof Error`: an error class serialized by Pulumi's closure serializer (a provider
    // stored by value) makes errors that are not `instanceof Error`.
    (typeof e === 'object' &&
      e !== null &&
      (e as { name?: unknown }).name === 'HarborApiError' &&
      typeof (e as { retryable?: unknown }).retryable === 'boolean')
  );
}
