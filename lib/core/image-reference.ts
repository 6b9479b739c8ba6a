import { HarborPrivateAppError } from './errors';

/** A parsed container image reference, as kubelet and containerd read it. */
export interface ImageReference {
  /** The registry host with its port when given (`reg.harbor.com`, `harbor.local:8443`); `docker.io` by default. */
  readonly host: string;
  /** The repository path below the host (`k8s/coredns`; `library/nginx` for a bare Docker Hub name). */
  readonly path: string;
  /** The tag, when given. */
  readonly tag?: string;
  /** The digest (`sha256:...`), when given. */
  readonly digest?: string;
}

const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$/;
/** A registry host as image references name it: a DNS name or a bracketed IP address, with an optional `:port`. */
export const REGISTRY_HOST =
  /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:.]+\])(?::[0-9]+)?$/;

/**
 * Parses an image reference with the rules of the distribution reference grammar: the first
 * component is a registry host only when it holds a `.` or a `:`, or is `localhost`; otherwise the
 * image is on Docker Hub (`docker.io`), and a one-component name lives under `library/`.
 *
 * @throws HarborPrivateAppError naming `field` when the reference is malformed.
 */
export function parseImageReference(image: string, field = 'image', scope?: string): ImageReference {
  const bad = (problem: string): never => {
    throw new HarborPrivateAppError({
      scope,
      field,
      value: image,
      problem,
      fix: 'write it as <registry host[:port]>/<project>/<repository>[:tag][@sha256:digest], e.g. "reg.harbor.com/k8s/coredns:1.2.6"',
    });
  };
  if (typeof image !== 'string' || image.length === 0) bad('is not an image reference');
  if (image !== image.trim() || /\s/.test(image)) bad('contains white space');

  let rest = image;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at > 0 && !rest.slice(0, at).includes('/') && rest.slice(at + 1).includes('/')) {
    // `user:password@host/...`: the error shows it redacted (HarborPrivateAppError never echoes user info).
    throw new HarborPrivateAppError({
      scope,
      field,
      value: image,
      problem:
        'holds user info ("user:password@") before the registry host; kubelet never reads credentials from an image reference, it takes them from the pull Secret',
      fix: `remove everything up to the "@": write it as <registry host[:port]>/<project>/<repository>[:tag], e.g. "reg.harbor.com/k8s/coredns:1.2.6"`,
    });
  }
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) bad(`has a malformed digest "${digest}"`);
  }

  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const lastColon = rest.lastIndexOf(':');
  if (lastColon > lastSlash) {
    tag = rest.slice(lastColon + 1);
    rest = rest.slice(0, lastColon);
    if (!TAG.test(tag)) bad(`has a malformed tag "${tag}"`);
  }

  const parts = rest.split('/');
  let host = 'docker.io';
  const first = parts[0];
  if (parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost')) {
    host = first;
    parts.shift();
    if (!REGISTRY_HOST.test(host)) bad(`has a malformed registry host "${host}"`);
  }
  if (parts.length === 0 || parts.some((p) => !PATH_COMPONENT.test(p))) {
    bad('has a repository path that is empty or not lowercase letters, digits and separators');
  }
  if (host === 'docker.io' && parts.length === 1) parts.unshift('library');

  return { host, path: parts.join('/'), tag, digest };
}

/**
 * How an image's registry host differs from the registry host a pull Secret is keyed by, as kubelet matches them
 * (kubernetes pkg/credentialprovider/keyring.go `URLsMatch`: the port must be the same and each DNS label must match
 * with `filepath.Match`, which is case-sensitive): `undefined` when kubelet sends the Secret's login with the pull,
 * else `port` (same host name, other port), `case` (the same host written in other letter case) or `host`. The one
 * rule of "on the app's registry" for both engines, the workload checks and the pull check.
 */
export function registryHostDifference(host: string, registryHost: string): 'port' | 'case' | 'host' | undefined {
  if (host === registryHost) return undefined;
  if (host.toLowerCase() === registryHost.toLowerCase()) return 'case';
  return hostName(host).toLowerCase() === hostName(registryHost).toLowerCase() ? 'port' : 'host';
}

/** Whether kubelet sends a pull Secret keyed by `registryHost` with a pull from `host` (see {@link registryHostDifference}). */
export function isOnRegistryHost(host: string, registryHost: string): boolean {
  return registryHostDifference(host, registryHost) === undefined;
}

/** The host name of `host[:port]` (a bracketed IPv6 address kept whole). */
function hostName(host: string): string {
  const m = /^(\[[^\]]*\]|[^:]*)(?::\d+)?$/.exec(host);
  return m ? m[1] : host;
}
