/**
 * The error every validation rule of harbor-private-app throws: it names the field, the value received
 * and how to fix it, and it is thrown before any object is rendered or any API call is made.
 *
 * The value is shown through `showValue`: a value of a credential-bearing field, and anything in a user-info
 * position, is never echoed, only its shape (`<redacted: 19 characters>`).
 */
export class HarborPrivateAppError extends Error {
  /** The prop path, e.g. `project.name` or `workload.containers[0].image`. */
  public readonly field: string;
  /** The offending value, rendered for humans (never a credential: see `showValue`). */
  public readonly value: string;
  /** What to do about it. */
  public readonly fix: string;

  constructor(opts: { scope?: string; field: string; value: unknown; problem: string; fix: string }) {
    const shown = showValue(opts.value, opts.field);
    const where = opts.scope ? `${opts.scope}: ` : '';
    const fix = redactUserInfo(opts.fix);
    super(`${where}${opts.field} = ${shown}: ${redactUserInfo(opts.problem)}. Fix: ${fix}`);
    this.name = 'HarborPrivateAppError';
    this.field = opts.field;
    this.value = shown;
    this.fix = fix;
  }
}

/** Throws the HarborPrivateAppError of one broken rule: the field, the value received, the problem and the fix. */
export type Fail = (field: string, value: unknown, problem: string, fix: string) => never;

/** The {@link Fail} of one scope (e.g. `HarborPrivateApp "coredns"`), which starts every message it throws. */
export function failIn(scope?: string): Fail {
  return (field, value, problem, fix) => {
    throw new HarborPrivateAppError({ scope, field, value, problem, fix });
  };
}

/**
 * The message of anything thrown. Duck-typed: an `Error` subclass serialized by Pulumi's closure serializer (a dynamic
 * provider stored by value) makes errors that are not `instanceof Error` in the provider host.
 */
export function errorMessage(e: unknown): string {
  const message = (e as { message?: unknown } | null | undefined)?.message;
  return typeof message === 'string' ? message : String(e);
}

/**
 * Fields whose values are credentials, or hold them: the last segment of the field path is a password, secret or
 * token, the `credentials` prop itself (when it is not a PullCredentials, e.g. a plain `{ username, password }`), or
 * the Pulumi engine's `harbor` connection (when it is not an object, e.g. a URL or a password given as a string).
 */
const CREDENTIAL_FIELD = /(?:^|\.)(?:credentials|harbor|[A-Za-z]*(?:password|passwd|secret|token))$/i;
/** Fields holding a login name: whatever follows a `:` in them is in the password position of `user:password`. */
const USERNAME_FIELD = /(?:^|\.)[A-Za-z]*username$/i;
/** Object keys whose values are credentials, at any depth of an object shown in a message. */
const CREDENTIAL_KEY = /^(?:auth|authorization|credentials?|[A-Za-z_]*(?:password|passwd|secret|token))$/i;

/** `scheme://userinfo@`: the user info of a URL. */
const URL_USER_INFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#"'<>]*@/gi;
/**
 * `user:password@host...` without a scheme (an image reference or a registry address written with credentials): at
 * the start of the text or after white space, a quote or a bracket, a run without `/` or `@` that holds a `:` and
 * ends in `@` followed by a host[:port] and a `/` or the end (so the digest of `coredns:1.2.6@sha256:...` is not
 * taken for a host).
 */
const BARE_USER_INFO =
  /(^|[\s"'([=])([^\s"'/@:]+:[^\s"'/@]*)@(?=(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::[0-9]+)?(?:[/\s"'<>)\]]|$))/g;

/**
 * Replaces the user info of every URL in `text` (`https://user:password@host` becomes `https://***@host`), so a URL
 * given with credentials is never echoed with them. Kept for callers of the URL-only rule; {@link redactUserInfo}
 * also covers user info written without a scheme.
 */
export function redactUrlCredentials(text: string): string {
  return text.replace(URL_USER_INFO, '$1***@');
}

/**
 * Removes everything in a user-info position from `text`: the user info of a URL (`https://***@host`) and a
 * `user:password@` written without a scheme, as in an image reference (`<redacted: 19 characters>@host/...`).
 */
export function redactUserInfo(text: string): string {
  return redactUrlCredentials(text).replace(
    BARE_USER_INFO,
    (_all, before: string, info: string) => `${before}${redactedShape(info)}@`,
  );
}

/** The shape of a credential, never the credential: `<redacted: 19 characters>`, `<redacted: number>`... */
function redactedShape(value: unknown): string {
  if (typeof value === 'string') return `<redacted: ${value.length} character${value.length === 1 ? '' : 's'}>`;
  return `<redacted: ${Array.isArray(value) ? 'array' : typeof value}>`;
}

/** What `SecretValue.toJSON()` gives: already redacted, shown as is. */
const ALREADY_REDACTED = '<redacted>';

/** JSON of a value with every primitive leaf replaced by its shape (an object held by a credential field). */
function shapeJson(value: unknown): string {
  const text = JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' ? v : v === ALREADY_REDACTED ? v : redactedShape(v),
  );
  return text ?? redactedShape(value);
}

/** JSON of a value with credential keys shown by shape and user info removed from every string. */
function safeJson(value: unknown): string | undefined {
  return JSON.stringify(value, (key, v: unknown) => {
    if (key !== '' && CREDENTIAL_KEY.test(key) && v !== undefined && v !== null && v !== ALREADY_REDACTED) {
      return typeof v === 'object' ? (JSON.parse(shapeJson(v)) as unknown) : redactedShape(v);
    }
    return typeof v === 'string' ? redactUserInfo(v) : v;
  });
}

/** A login name with whatever follows its first `:` (the password position of `user:password`) shown by shape. */
function redactUsername(value: string): string {
  const colon = value.indexOf(':');
  return colon < 0 ? value : `${value.slice(0, colon)}:${redactedShape(value.slice(colon + 1))}`;
}

/**
 * Renders a value for an error message: strings quoted, objects as JSON, long values cut. Never a credential:
 * - the value of a credential-bearing `field` (a password, secret or token, `credentials` that is not a
 *   PullCredentials, a `harbor` connection that is not an object) shows only its shape, `<redacted: 19 characters>`;
 * - in a login-name field (`...username`), what follows a `:` shows only its shape;
 * - in objects, the values of keys such as `password`, `secret`, `token` or `auth` show only their shape;
 * - in every string, user info (`https://user:pw@host`, `user:pw@host/...`) is removed.
 *
 * @param field the prop path the value came from, when there is one.
 */
export function showValue(value: unknown, field?: string): string {
  let text: string;
  const credentialField = field !== undefined && CREDENTIAL_FIELD.test(field);
  if (value === undefined) text = 'undefined';
  else if (value === null || value === '') text = JSON.stringify(value);
  else if (credentialField && value !== ALREADY_REDACTED) {
    text = typeof value === 'object' ? shapeJson(value) : redactedShape(value);
  } else if (typeof value === 'string') {
    const shown = field !== undefined && USERNAME_FIELD.test(field) ? redactUsername(value) : value;
    text = JSON.stringify(redactUserInfo(shown));
  } else {
    try {
      text = safeJson(value) ?? `<${typeof value}>`;
    } catch {
      text = redactUserInfo(typeof value === 'bigint' ? value.toString() : Object.prototype.toString.call(value));
    }
  }
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
