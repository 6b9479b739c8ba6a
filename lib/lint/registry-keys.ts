/**
 * How kubelet matches the keys of a `.dockerconfigjson` (`auths`) or `.dockercfg` against an image, re-stated from
 * kubernetes/kubernetes `pkg/credentialprovider/keyring.go` (`BasicDockerKeyring.Add`, `Lookup`, `URLsMatch`):
 *
 * - a key loses an `http://` or `https://` prefix (no other scheme is stripped); a path of `/v1/` or `/v2/...` loses
 *   that version segment; a remaining path of `/` counts as none;
 * - the port must be equal: `reg.harbor.com:443` does not cover `reg.harbor.com`, nor the other way round;
 * - the host must have as many dot-separated parts as the image's, each part matched as a glob (`*.harbor.com`,
 *   `reg.*.com`; `*` never spans a dot);
 * - the key's path, if any, must be a string prefix of the image's repository path (`reg.harbor.com/k8s` covers
 *   `reg.harbor.com/k8s/coredns`);
 * - when nothing matched, an image on Docker Hub still gets the credentials of a key `index.docker.io`
 *   (`https://index.docker.io/v1/`).
 *
 * Host names compare case-sensitively, as kubelet does.
 */

/** A `.dockerconfigjson` key as kubelet reads it. */
export interface RegistryKey {
  /** The key as written in the document. */
  readonly raw: string;
  /** Host and port, without scheme or path (`reg.harbor.com:8443`). */
  readonly host: string;
  /** The host without its port (IPv6 brackets removed). */
  readonly hostname: string;
  /** The port, or `''` when none is written. */
  readonly port: string;
  /** The path the key is restricted to (`/k8s`), or `''`. */
  readonly path: string;
}

/** The repository an image is pulled from, as kubelet looks it up: `host[:port]` and the path below it. */
export interface ImageRepository {
  /** `reg.harbor.com`, `127.0.0.1:5000`, `docker.io`. */
  readonly host: string;
  /** `k8s/coredns`, `library/nginx`. */
  readonly path: string;
}

const DOCKER_HUB = 'docker.io';
const DOCKER_HUB_LEGACY = 'index.docker.io';

/** Go's `net.SplitHostPort`, falling back to `(host, '')` when it fails, as kubelet's `splitURL` does. */
export function splitHostPort(hostport: string): { hostname: string; port: string } {
  if (hostport.startsWith('[')) {
    const end = hostport.indexOf(']');
    if (end > 0 && hostport.length > end + 1 && hostport[end + 1] === ':') {
      const port = hostport.slice(end + 2);
      if (!port.includes(':') && !port.includes(']')) return { hostname: hostport.slice(1, end), port };
    }
    return { hostname: hostport, port: '' };
  }
  const first = hostport.indexOf(':');
  if (first < 0 || first !== hostport.lastIndexOf(':')) return { hostname: hostport, port: '' };
  return { hostname: hostport.slice(0, first), port: hostport.slice(first + 1) };
}

function percentDecode(s: string): string | undefined {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
}

/**
 * Parses a `.dockerconfigjson` key the way kubelet's keyring does. Returns `undefined` for a key that Go's URL parser
 * rejects (kubelet logs it and ignores the entry): an invalid port, a bad percent escape, white space.
 */
export function parseRegistryKey(raw: string): RegistryKey | undefined {
  let rest = raw;
  if (rest.startsWith('https://')) rest = rest.slice('https://'.length);
  else if (rest.startsWith('http://')) rest = rest.slice('http://'.length);
  // Go's url.Parse refuses ASCII control characters; kubelet then ignores the key. White space never makes a host.
  for (let i = 0; i < rest.length; i++) {
    const c = rest.charCodeAt(i);
    if (c <= 0x20 || c === 0x7f) return undefined;
  }
  const hash = rest.indexOf('#');
  if (hash >= 0) rest = rest.slice(0, hash);
  const query = rest.indexOf('?');
  if (query >= 0) rest = rest.slice(0, query);
  const slash = rest.indexOf('/');
  let authority = slash >= 0 ? rest.slice(0, slash) : rest;
  let path = slash >= 0 ? rest.slice(slash) : '';
  const at = authority.lastIndexOf('@');
  if (at >= 0) authority = authority.slice(at + 1);
  const host = percentDecode(authority);
  const decodedPath = percentDecode(path);
  if (host === undefined || decodedPath === undefined) return undefined;
  path = decodedPath;
  // Go's url.Parse: a port, when present, is digits only.
  const bracketEnd = host.lastIndexOf(']');
  const colon = host.lastIndexOf(':');
  if (colon > bracketEnd && !/^\d*$/.test(host.slice(colon + 1))) return undefined;
  if (host.startsWith('[') && bracketEnd < 0) return undefined;
  if (path.startsWith('/v2/') || path.startsWith('/v1/')) path = path.slice(3);
  if (path === '/') path = '';
  const { hostname, port } = splitHostPort(host);
  return { raw, host, hostname, port, path };
}

/** The repository of an image for the keyring: Docker Hub's legacy `index.docker.io` is `docker.io`, as kubelet sees it. */
export function imageRepository(host: string, path: string): ImageRepository {
  if (host === DOCKER_HUB_LEGACY) {
    return { host: DOCKER_HUB, path: path.includes('/') ? path : `library/${path}` };
  }
  return { host, path };
}

const globCache = new Map<string, RegExp | null>();

/**
 * Compiles a Go `path/filepath.Match` pattern (`*`, `?`, `[a-z]`, `[^0-9]`, `\` escapes) for one host part.
 * `null` for a malformed pattern, which kubelet treats as no match.
 */
export function hostGlob(pattern: string): RegExp | null {
  const cached = globCache.get(pattern);
  if (cached !== undefined) return cached;
  let source = '';
  let ok = true;
  for (let i = 0; i < pattern.length && ok; i++) {
    const c = pattern[i];
    if (c === '*') source += '[^/]*';
    else if (c === '?') source += '[^/]';
    else if (c === '\\') {
      if (i + 1 >= pattern.length) ok = false;
      else source += escapeRegExp(pattern[++i]);
    } else if (c === '[') {
      let j = i + 1;
      let cls = '';
      if (pattern[j] === '^') {
        cls += '^';
        j++;
      }
      let ranges = 0;
      while (j < pattern.length && pattern[j] !== ']') {
        let lo = pattern[j];
        if (lo === '\\') lo = pattern[++j] ?? '';
        if (lo === '' || lo === '-') {
          ok = false;
          break;
        }
        j++;
        let hi = lo;
        if (pattern[j] === '-') {
          hi = pattern[++j] ?? '';
          if (hi === '\\') hi = pattern[++j] ?? '';
          if (hi === '' || hi === ']' || hi < lo) {
            ok = false;
            break;
          }
          j++;
        }
        cls += hi === lo ? escapeClassChar(lo) : `${escapeClassChar(lo)}-${escapeClassChar(hi)}`;
        ranges++;
      }
      if (!ok || j >= pattern.length || ranges === 0) ok = false;
      else {
        source += `[${cls}]`;
        i = j;
      }
    } else if (c === ']') ok = false;
    else source += escapeRegExp(c);
  }
  const re = ok ? new RegExp(`^${source}$`) : null;
  globCache.set(pattern, re);
  return re;
}

function escapeRegExp(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

function escapeClassChar(c: string): string {
  return c.replace(/[\\\]^-]/g, '\\$&');
}

/** True when every dot-separated part of `hostname` matches the glob part of `pattern` at the same place. */
export function hostnameMatches(pattern: string, hostname: string): boolean {
  if (pattern === hostname) return true;
  const want = pattern.split('.');
  const have = hostname.split('.');
  if (want.length !== have.length) return false;
  for (let i = 0; i < want.length; i++) {
    if (want[i] === have[i]) continue;
    const re = hostGlob(want[i]);
    if (!re || !re.test(have[i])) return false;
  }
  return true;
}

/** kubelet's `URLsMatch`: does this key cover the repository? */
export function registryKeyMatches(key: RegistryKey, repo: ImageRepository): boolean {
  const target = splitHostPort(repo.host);
  if (key.port !== target.port) return false;
  if (!`/${repo.path}`.startsWith(key.path)) return false;
  return hostnameMatches(key.hostname, target.hostname);
}

/**
 * kubelet's `Lookup` over a set of keys: the keys that cover the repository, or, when none does and the image is on
 * Docker Hub, a key for `index.docker.io`.
 */
export function matchingKeys<K extends { readonly key: RegistryKey }>(
  entries: readonly K[],
  repo: ImageRepository,
): K[] {
  const found = entries.filter((e) => registryKeyMatches(e.key, repo));
  if (found.length > 0 || repo.host !== DOCKER_HUB) return found;
  return entries.filter((e) => e.key.host === DOCKER_HUB_LEGACY && e.key.path === '');
}
