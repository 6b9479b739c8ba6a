/**
 * What a failed HTTP request says about the network: the one classifier of network errors, used by lib/harbor's
 * client (retries, messages) and lib/registry's pull check (the `registry-unreachable` outcome). No imports, so that
 * the Harbor client, serialized into Pulumi dynamic providers, can carry this file along.
 */

/** A request that failed before an answer came: why. */
export interface NetworkFailure {
  /**
   * The most specific error code in the error's `cause` chain (`ECONNREFUSED`, `ENOTFOUND`,
   * `DEPTH_ZERO_SELF_SIGNED_CERT`, `UND_ERR_SOCKET`...), `TIMEOUT` when the request's time limit ended it, else
   * `NETWORK_ERROR`.
   */
  readonly code: string;
  /**
   * The message that goes with `code` (undici's generic `fetch failed` skipped); `undefined` for `TIMEOUT` and when
   * no error in the chain has one, so that callers say it in their own words.
   */
  readonly message: string | undefined;
  /** The code is a TLS failure (certificate, handshake): retrying cannot fix it. */
  readonly tls: boolean;
}

const TLS_CODE = /CERT|SELF_SIGNED|VERIFY|ERR_TLS|ERR_SSL|EPROTO|HANDSHAKE/;

/** How deep the `cause` chain is followed. */
const MAX_DEPTH = 6;

/** Classifies a network error (`fetch` rejected): the most specific code in its `cause` chain and its message. */
export function classifyNetworkError(e: unknown): NetworkFailure {
  let cur: unknown = e;
  let code: string | undefined;
  let message: string | undefined;
  for (let depth = 0; cur && depth < MAX_DEPTH; depth++) {
    const err = cur as { name?: unknown; code?: unknown; message?: unknown; cause?: unknown };
    if (err.name === 'TimeoutError' || err.code === 23 /* DOMException TIMEOUT_ERR */) {
      return { code: 'TIMEOUT', message: undefined, tls: false };
    }
    if (typeof err.code === 'string' && err.code) {
      code = err.code;
      message = typeof err.message === 'string' ? err.message : undefined;
    } else if (message === undefined && typeof err.message === 'string' && err.message !== 'fetch failed') {
      message = err.message;
    }
    cur = err.cause;
  }
  const c = code ?? 'NETWORK_ERROR';
  return { code: c, message, tls: TLS_CODE.test(c) };
}
