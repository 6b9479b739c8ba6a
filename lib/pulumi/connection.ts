/**
 * How the dynamic providers reach Harbor. Shared by the provider code that Pulumi serializes, so this file imports
 * nothing but the Harbor client (no `@pulumi/pulumi` at run time).
 */
import { CONNECTION_TUNING_KEYS, HarborClient, isHarborApiError } from '../harbor';

/**
 * The Harbor connection as it is stored in each dynamic resource's inputs and outputs. The dynamic provider needs it
 * in the outputs too: Pulumi hands `read` and `delete` the outputs only. Resources mark it as a secret output.
 */
export interface HarborConnectionState {
  /** Harbor's base URL, e.g. `https://reg.harbor.com`. */
  readonly url: string;
  /** A Harbor user allowed to create projects and robots (system admin, or projectAdmin of an adopted project). */
  readonly username: string;
  /** The user's password. Always a Pulumi secret. */
  readonly password: string;
  /**
   * PEM of the CA that signed Harbor's certificate.
   * @default - Node's default trust store
   */
  readonly caBundle?: string;
  /**
   * Retries after the first attempt of an idempotent call (and the bound of checked re-creates).
   * @default 3
   * @see HarborClientOptions.maxRetries
   */
  readonly maxRetries?: number;
  /**
   * Time limit of one attempt, in milliseconds; raise it for a slow Harbor.
   * @default 30000
   */
  readonly timeoutMs?: number;
  /**
   * Base of the exponential backoff between retries, in milliseconds.
   * @default 200
   */
  readonly retryBaseDelayMs?: number;
  /**
   * Upper bound of one wait between retries (also of Harbor's `Retry-After`), in milliseconds.
   * @default 10000
   */
  readonly maxRetryDelayMs?: number;
}

/** The optional tuning fields of {@link HarborConnectionState}. */
export const TUNING_KEYS = CONNECTION_TUNING_KEYS;

/** Opens a client on a stored connection, with a clear error when the connection is incomplete. */
export function harborClientFor(connection: HarborConnectionState | undefined, resource: string): HarborClient {
  if (!connection || typeof connection !== 'object') {
    throw new Error(
      `${resource}: the Harbor connection is missing from the resource's state; run "pulumi up" with harbor.url, harbor.username and harbor.password set.`,
    );
  }
  return new HarborClient({
    url: connection.url,
    username: connection.username,
    password: connection.password,
    ...(connection.caBundle ? { caBundle: connection.caBundle } : {}),
    ...Object.fromEntries(
      TUNING_KEYS.filter((k) => connection[k] !== undefined && connection[k] !== null).map((k) => [k, connection[k]]),
    ),
  });
}

/** Harbor's address in a comparable form: no trailing slash, no `/api/v2.0`. */
export function normaliseHarborUrl(url: string | undefined): string {
  return String(url ?? '')
    .trim()
    .replace(/\/+$/, '')
    .replace(/\/api\/v2\.0$/, '')
    .replace(/\/+$/, '');
}

/** True when both connections point at the same Harbor (a different one means a different object: replace). */
export function sameHarbor(a: HarborConnectionState | undefined, b: HarborConnectionState | undefined): boolean {
  return normaliseHarborUrl(a?.url) === normaliseHarborUrl(b?.url);
}

/** True when the connections differ in anything (url, user, password, CA): the new one must be stored. */
export function connectionChanged(a: HarborConnectionState | undefined, b: HarborConnectionState | undefined): boolean {
  return (
    !sameHarbor(a, b) ||
    a?.username !== b?.username ||
    a?.password !== b?.password ||
    (a?.caBundle ?? '') !== (b?.caBundle ?? '') ||
    TUNING_KEYS.some((k) => (a?.[k] ?? undefined) !== (b?.[k] ?? undefined))
  );
}

/** True for Harbor's 404 (the object or its project is gone). */
export function isNotFound(e: unknown): boolean {
  return isHarborApiError(e) && e.status === 404;
}

/** Runs `fn` with a client and always closes the client's connections. */
export async function withHarbor<T>(
  connection: HarborConnectionState | undefined,
  resource: string,
  fn: (client: HarborClient) => Promise<T>,
): Promise<T> {
  const client = harborClientFor(connection, resource);
  try {
    return await fn(client);
  } finally {
    await client.close();
  }
}
