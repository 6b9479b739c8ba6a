/**
 * Which images a lint run checks: those on the registries given with `--registry`, or by default those on any host
 * that a pull Secret of the input names. Selection compares host names only (any port, case-insensitive, a key's glob
 * parts honoured), so that an image on `reg.harbor.com` is checked, and reported, when the only Secret covers
 * `reg.harbor.com:443`. Images elsewhere (public `docker.io` ones, say) are not checked.
 */
import { REGISTRY_HOST } from '../core/image-reference';
import type { DockerConfigEntry } from './docker-config-document';
import { hostnameMatches, splitHostPort } from './registry-keys';

/** A `--registry` value that is not a registry host. */
export class RegistryFlagError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RegistryFlagError';
  }
}

interface Rule {
  /** Lower-case host-name pattern (glob parts allowed when it comes from a Secret). */
  readonly hostname: string;
  /** Exact lower-case `host:port` when a `--registry` value names a port. */
  readonly hostport?: string;
  /** How the rule is shown. */
  readonly shown: string;
}

function dockerHub(hostname: string): string {
  return hostname === 'index.docker.io' ? 'docker.io' : hostname;
}

/** The set of registries a run checks. */
export class CheckedRegistries {
  /**
   * From `--registry` values: `host` checks that host on any port, `host:port` that port only. A leading
   * `https://` or `http://` and a trailing `/` are dropped.
   * @throws RegistryFlagError naming the value and the fix
   */
  static fromFlags(values: readonly string[]): CheckedRegistries {
    const rules = values.map((value): Rule => {
      const host = value.replace(/^https?:\/\//, '').replace(/\/+$/, '');
      if (!REGISTRY_HOST.test(host)) {
        throw new RegistryFlagError(
          `--registry ${JSON.stringify(value)} is not a registry host. Fix: give host or host:port as in image references, e.g. --registry reg.harbor.com`,
        );
      }
      const { hostname, port } = splitHostPort(host.toLowerCase());
      return {
        hostname: dockerHub(hostname),
        ...(port ? { hostport: `${dockerHub(hostname)}:${port}` } : {}),
        shown: host,
      };
    });
    return new CheckedRegistries(rules, 'flags');
  }

  /** Every host a pull Secret's entry names (host names only, any port). */
  static fromEntries(entries: Iterable<DockerConfigEntry>): CheckedRegistries {
    const byHostname = new Map<string, Rule>();
    for (const e of entries) {
      if (!e.key) continue;
      const hostname = dockerHub(e.key.hostname.toLowerCase());
      if (!byHostname.has(hostname)) byHostname.set(hostname, { hostname, shown: hostname });
    }
    return new CheckedRegistries([...byHostname.values()], 'secrets');
  }

  private readonly exact = new Set<string>();
  private readonly cache = new Map<string, boolean>();

  private constructor(
    private readonly rules: readonly Rule[],
    /** Where the registries came from. */
    public readonly origin: 'flags' | 'secrets',
  ) {
    for (const r of rules) if (!r.hostport && !/[*?[\\]/.test(r.hostname)) this.exact.add(r.hostname);
  }

  /** True when no registry is checked (no `--registry` and no pull Secret in the input). */
  get empty(): boolean {
    return this.rules.length === 0;
  }

  /** The registries, as shown in reports. */
  get names(): string[] {
    return this.rules.map((r) => r.shown).sort();
  }

  /** True when images on this `host[:port]` are checked. */
  covers(host: string): boolean {
    let hit = this.cache.get(host);
    if (hit === undefined) {
      const split = splitHostPort(host.toLowerCase());
      const hostname = dockerHub(split.hostname);
      const hostport = split.port ? `${hostname}:${split.port}` : undefined;
      hit =
        this.exact.has(hostname) ||
        this.rules.some((r) => (r.hostport ? r.hostport === hostport : hostnameMatches(r.hostname, hostname)));
      this.cache.set(host, hit);
    }
    return hit;
  }
}
