/**
 * Validation of where the Harbor client connects: the URL, the plain-HTTP policy and the CA bundle.
 */
import { isLoopbackHost, plainHttpProblem } from '../core/harbor-url';

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
