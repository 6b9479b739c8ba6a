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
