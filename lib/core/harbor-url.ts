/**
 * Where Harbor's API may be reached: the plain-HTTP rule shared by both engines (`harborUrl`, the Pulumi engine's
 * `harbor.url`) and by the Harbor client. Imports nothing but Node built-ins: lib/harbor, which Pulumi serializes into
 * its dynamic providers, uses it too.
 */
import { isIP } from 'node:net';

/** True for 127.0.0.0/8, ::1 (also IPv4-mapped) and `localhost` / `*.localhost`. */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (isIP(h) === 4) return h.split('.')[0] === '127';
  if (isIP(h) === 6) {
    if (h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(h);
    return mapped !== null && mapped[1].split('.')[0] === '127';
  }
  return false;
}

/**
 * The parts of a parsed URL (a WHATWG `URL`) the rules read. Structural, so the public types need neither the DOM
 * library nor Node's types.
 */
export interface UrlParts {
  /** `http:` or `https:`. */
  readonly protocol: string;
  /** The host name, without port (IPv6 in brackets). */
  readonly hostname: string;
  /** The host name with its port, if any. */
  readonly host: string;
  /** The path (`/` at least). */
  readonly pathname: string;
}

/**
 * The plain-HTTP rule: Harbor's API is reached over `http://` only on a loopback host (127.0.0.0/8, ::1, localhost),
 * because the Harbor password goes with every request and would otherwise cross the network in clear text.
 *
 * @returns why `url` is refused (a sentence without a final period), or undefined when it is `https://`, or `http://`
 * to a loopback host.
 */
export function plainHttpProblem(url: UrlParts): string | undefined {
  if (url.protocol !== 'http:' || isLoopbackHost(url.hostname)) return undefined;
  return `uses plain http:// to the non-loopback host "${url.hostname}", which would send the Harbor password in clear text`;
}

/** The `https://` form of a plain-HTTP URL, for a fix (`http://h:8080/x` gives `https://h:8080/x`). */
export function httpsFormOf(url: UrlParts): string {
  return `https://${url.host}${url.pathname.replace(/\/+$/, '')}`;
}

/** A URL's parts as {@link parseHarborUrl} reports them, for messages. */
export interface HarborUrlParts extends UrlParts {
  /** The whole URL, normalised. */
  readonly href: string;
  /** `https://host[:port]`: scheme and host in lower case, the scheme's default port dropped. */
  readonly origin: string;
}

/** A Harbor URL that passed {@link parseHarborUrl}. */
export interface ParsedHarborUrl extends HarborUrlParts {
  /**
   * Harbor's base URL in one canonical form: the origin and any base path, without trailing `/` and without
   * `/api/v2.0` (`https://Reg.Harbor.com:443/api/v2.0/` gives `https://reg.harbor.com`).
   */
  readonly base: string;
  /** True for `https:`. */
  readonly tls: boolean;
}

/** Why {@link parseHarborUrl} refused a URL, with its parts when it is a URL at all. */
export type HarborUrlFault =
  | { readonly fault: 'not-a-url' }
  | { readonly fault: 'user-info' | 'not-http' | 'query-or-fragment'; readonly url: HarborUrlParts };

/**
 * The one parser of Harbor's address (the engines' `harborUrl`, the Pulumi engine's `harbor.url`, the Harbor client's
 * `url`): a URL, without user info (credentials travel apart), `http:` or `https:`, without query or fragment, in
 * that order of checks. Harbor serves its API under `/api/v2.0` of its base URL (paths are case-sensitive there), so
 * a trailing `/api/v2.0` is dropped from the base. The plain-HTTP rule ({@link plainHttpProblem}) is the caller's
 * to apply: the Harbor client has a switch for it.
 */
export function parseHarborUrl(
  url: string,
): { readonly fault?: undefined; readonly url: ParsedHarborUrl } | HarborUrlFault {
  let u: URL;
  try {
    u = new URL(url.trim());
  } catch {
    return { fault: 'not-a-url' };
  }
  const parts: HarborUrlParts = {
    protocol: u.protocol,
    hostname: u.hostname,
    host: u.host,
    pathname: u.pathname,
    href: u.href,
    origin: `${u.protocol}//${u.host}`,
  };
  if (u.username || u.password) return { fault: 'user-info', url: parts };
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return { fault: 'not-http', url: parts };
  if (u.search || u.hash) return { fault: 'query-or-fragment', url: parts };
  const path = u.pathname
    .replace(/\/+$/, '')
    .replace(/\/api\/v2\.0$/, '')
    .replace(/\/+$/, '');
  return { url: { ...parts, base: `${parts.origin}${path}`, tls: u.protocol === 'https:' } };
}
