/**
 * Validation of where the Harbor client connects: the URL, the plain-HTTP policy and the CA bundle.
 */
import { httpsFormOf, isLoopbackHost, plainHttpProblem } from '../core/harbor-url';

/** A validated Harbor endpoint. */
export interface HarborEndpoint {
  /** `https://host[:port]` or `http://host[:port]`, plus any base path, without trailing slash. */
  readonly origin: string;
  /** `origin` + `/api/v2.0`. */
  readonly apiBase: string;
  /** True for `https:`. */
  readonly tls: boolean;
}

/** True for 127.0.0.0/8, ::1 (also IPv4-mapped) and `localhost` / `*.localhost` (the rule lives in lib/core). */
export { isLoopbackHost };

/**
 * Checks the `url`, `allowPlainHttp` and `caBundle` options and computes the API base.
 *
 * @throws Error naming the option, the value received and the fix: not http(s), credentials or query in the URL,
 * `http://` to a non-loopback host without `allowPlainHttp`, a `caBundle` that holds no PEM certificate or is given
 * for an `http://` URL.
 */
export function resolveHarborEndpoint(opts: {
  readonly url: string;
  readonly allowPlainHttp?: boolean;
  readonly caBundle?: string;
}): HarborEndpoint {
  if (typeof opts.url !== 'string' || opts.url.trim() === '') {
    throw new TypeError('HarborClientOptions.url is empty: give Harbor\'s address, e.g. "https://reg.example.com".');
  }
  let u: URL;
  try {
    u = new URL(opts.url.trim());
  } catch {
    const shown = opts.url.includes('@') ? '(not shown: it contains "@", maybe credentials)' : `"${opts.url}"`;
    throw new TypeError(`HarborClientOptions.url ${shown} is not a valid URL: use e.g. "https://reg.example.com".`);
  }
  if (u.username || u.password) {
    // Never echo the credentials; they belong in username/password.
    throw new TypeError(
      `HarborClientOptions.url "${u.protocol}//***@${u.host}${u.pathname}" carries credentials: remove them from the URL and pass username and password instead.`,
    );
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') {
    throw new TypeError(`HarborClientOptions.url "${u.href}" must start with https:// (got protocol ${u.protocol}).`);
  }
  if (u.search || u.hash) {
    throw new TypeError(
      `HarborClientOptions.url "${u.href}" must not carry a query or fragment: give only Harbor's base address, e.g. "${u.origin}".`,
    );
  }
  const tls = u.protocol === 'https:';
  const plainHttp = opts.allowPlainHttp ? undefined : plainHttpProblem(u);
  if (plainHttp) {
    throw new Error(
      `HarborClientOptions.url "${u.origin}" ${plainHttp}: ` +
        `use "https://${u.host}" (with caBundle for a private CA), or set allowPlainHttp: true if you really mean it.`,
    );
  }
  if (opts.caBundle !== undefined) {
    if (
      typeof opts.caBundle !== 'string' ||
      !/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.test(opts.caBundle)
    ) {
      throw new TypeError(
        'HarborClientOptions.caBundle holds no PEM certificate: pass the CA certificate text ("-----BEGIN CERTIFICATE-----..."), not a file path or a key.',
      );
    }
    if (!tls) {
      throw new Error(
        `HarborClientOptions.caBundle is set but url "${u.origin}" is plain http://, so it would be ignored: use "https://${u.host}" or drop caBundle.`,
      );
    }
  }
  let basePath = u.pathname.replace(/\/+$/, '');
  basePath = basePath.replace(/\/api\/v2\.0$/, '');
  const origin = `${u.origin}${basePath}`;
  return { origin, apiBase: `${origin}/api/v2.0`, tls };
}

/** Why a connection's Harbor URL and CA bundle cannot be used, for callers that name the fields themselves. */
export interface HarborEndpointProblem {
  /** The field at fault. */
  readonly field: 'url' | 'caBundle';
  /** What is wrong, without the field's name (e.g. `"..." is not a valid URL: ...`). */
  readonly problem: string;
  /** For a plain-HTTP URL to a non-loopback host: the `https://` form to suggest. */
  readonly httpsForm?: string;
}

/**
 * The checks of {@link resolveHarborEndpoint} for a connection that has no `allowPlainHttp` switch (the Pulumi engine's):
 * the plain-HTTP rule of lib/core first, then the URL and CA bundle checks; undefined when both can be used.
 */
export function harborEndpointProblem(url: string, caBundle?: string): HarborEndpointProblem | undefined {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url.trim());
  } catch {
    parsed = undefined;
  }
  const plainHttp = parsed && plainHttpProblem(parsed);
  if (parsed && plainHttp) return { field: 'url', problem: plainHttp, httpsForm: httpsFormOf(parsed) };
  try {
    resolveHarborEndpoint({ url, caBundle });
    return undefined;
  } catch (e) {
    const message = (e as Error).message;
    const field = message.startsWith('HarborClientOptions.caBundle') ? 'caBundle' : 'url';
    return { field, problem: message.replace(/^HarborClientOptions\.(url|caBundle) /, '').replace(/\.$/, '') };
  }
}

/**
 * Harbor's address in one canonical form, so that two spellings of the same address compare equal: scheme and host
 * in lower case, the scheme's default port dropped (`:443` for https, `:80` for http), no trailing `/`, no
 * `/api/v2.0`. `https://Reg.Harbor.com:443/api/v2.0/` becomes `https://reg.harbor.com`. Another scheme, host or port
 * (http -> https, an IP address for a DNS name) stays another address: whether it reaches the same Harbor is for
 * Harbor to answer.
 *
 * @returns the canonical URL, or `undefined` for anything that is not an http(s) URL without user info, query or
 * fragment (such as a value Pulumi does not know yet during a preview).
 */
export function canonicalHarborUrl(url: unknown): string | undefined {
  if (typeof url !== 'string') return undefined;
  let u: URL;
  try {
    u = new URL(url.trim());
  } catch {
    return undefined;
  }
  if ((u.protocol !== 'https:' && u.protocol !== 'http:') || u.username || u.password || u.search || u.hash) {
    return undefined;
  }
  // URL already lower-cases the scheme and the host and drops the scheme's default port.
  const path = u.pathname
    .replace(/\/+$/, '')
    .replace(/\/api\/v2\.0$/i, '')
    .replace(/\/+$/, '');
  return `${u.protocol}//${u.host}${path}`;
}
