import { failIn } from './errors';
import { httpsFormOf, parseHarborUrl, plainHttpProblem } from './harbor-url';
import { EngineOptions } from './props';

const HOST_PORT =
  /^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*|\[[0-9a-f:.]+\])(?::([0-9]{1,5}))?$/;

/** Where the registry is: the host image references start with, and Harbor's API URL. */
export interface ResolvedRegistry {
  /** `host[:port]` as in image references. */
  readonly registryHost: string;
  /** Harbor's base URL, without a trailing slash. */
  readonly harborUrl: string;
}

/**
 * Checks `registryHost` (a lower-case `host[:port]`, no scheme or path) and `harborUrl` (default
 * `https://<registryHost>`; no user info, query or fragment; plain http:// to a loopback host only).
 */
export function resolveRegistry(
  options: Pick<EngineOptions, 'registryHost' | 'harborUrl'>,
  scope: string,
): ResolvedRegistry {
  const fail = failIn(scope);
  const registryHost = options.registryHost;
  if (typeof registryHost !== 'string' || registryHost.length === 0) {
    fail(
      'registryHost',
      registryHost,
      'is required',
      'give the host[:port] your image references start with, e.g. "reg.harbor.com"',
    );
  }
  if (registryHost.includes('://') || registryHost.includes('/')) {
    fail(
      'registryHost',
      registryHost,
      'holds a scheme or a path',
      `give the host[:port] only, e.g. ${JSON.stringify(registryHost.replace(/^[a-z]+:\/\//i, '').split('/')[0])}; on Pulumi, harborUrl (or the harborUrl stack configuration key) gives the API URL`,
    );
  }
  if (registryHost !== registryHost.toLowerCase()) {
    fail(
      'registryHost',
      registryHost,
      'has upper-case letters; image references and .dockerconfigjson keys are compared as written',
      `write it in lower case: ${JSON.stringify(registryHost.toLowerCase())}`,
    );
  }
  const hostMatch = HOST_PORT.exec(registryHost);
  if (!hostMatch || (hostMatch[1] !== undefined && (Number(hostMatch[1]) < 1 || Number(hostMatch[1]) > 65535))) {
    fail(
      'registryHost',
      registryHost,
      'is not a host name with an optional port (1-65535)',
      'write it as "host" or "host:port", e.g. "reg.harbor.com" or "harbor.local:8443"',
    );
  }
  const harborUrl = options.harborUrl ?? `https://${registryHost}`;
  const parsed = typeof harborUrl === 'string' ? parseHarborUrl(harborUrl) : ({ fault: 'not-a-url' } as const);
  if (parsed.fault === 'user-info') {
    fail(
      'harborUrl',
      '<URL with user info>',
      'embeds credentials',
      'remove the user:password part; pass credentials through the Harbor connection settings',
    );
  }
  if (parsed.fault === 'query-or-fragment') {
    fail(
      'harborUrl',
      harborUrl,
      'carries a query or fragment, which the Harbor client refuses',
      `give Harbor's base URL only, e.g. ${JSON.stringify(parsed.url.origin)}`,
    );
  }
  const url =
    parsed.fault === undefined
      ? parsed.url
      : fail('harborUrl', harborUrl, 'is not an http(s) URL', 'give Harbor\'s base URL, e.g. "https://reg.harbor.com"');
  const plainHttp = plainHttpProblem(url);
  if (plainHttp) {
    fail(
      'harborUrl',
      harborUrl,
      plainHttp,
      `use ${JSON.stringify(httpsFormOf(url))} (a private CA: on the Pulumi engine, the connection's CA bundle key, harborCaBundle by default); plain http:// is allowed only to a loopback host (127.0.0.1, ::1, localhost)`,
    );
  }
  return { registryHost, harborUrl: harborUrl.replace(/\/+$/, '') };
}
