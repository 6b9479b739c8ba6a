/**
 * The check of one container: would kubelet pull its image with credentials?
 *
 * 1. The pod's pull Secrets: its own `imagePullSecrets`, or, only when it names none, those of its ServiceAccount
 *    (`default` when none is named), as the ServiceAccount admission plugin copies them.
 * 2. Each named Secret must be in the pod's own namespace, of type `kubernetes.io/dockerconfigjson` (or the legacy
 *    `kubernetes.io/dockercfg`), with a readable document.
 * 3. One of its keys must match the image's registry the way kubelet's keyring matches (see registry-keys.ts).
 *
 * Any Secret that covers the image is enough (kubelet tries them all). Otherwise the check gives a finding that names
 * every reason and the fix.
 */
import { HarborPrivateAppError } from '../core/errors';
import { parseImageReference, type ImageReference } from '../core/image-reference';
import type { CheckedRegistries } from './checked-registries';
import type { DockerConfigEntry } from './docker-config-document';
import { containerFinding, type Finding, type FindingCode } from './findings';
import type { ManifestInventory } from './inventory';
import { describeSecret, DOCKER_CONFIG_JSON_TYPE, isPullSecretType, typeFix, type PullSecret } from './pull-secrets';
import { imageRepository, matchingKeys, splitHostPort, type ImageRepository, type RegistryKey } from './registry-keys';
import type { Workload, WorkloadContainer } from './workloads';

/** A Secret entry kubelet would use for an image. */
export interface CredentialCandidate {
  /** The Secret. */
  readonly secret: PullSecret;
  /**
   * The matching entry. `undefined` when the Secret's hosts are not known before it is created (a templated host,
   * a document from the secret store, a sealed or SOPS-encrypted one): it may cover the image, and is counted as
   * covering it.
   */
  readonly entry?: DockerConfigEntry;
  /** Set when the Secret counts as covering the image without lint knowing it does: why (for a note). */
  readonly uncertain?: string;
}

/** The result of checking one container whose image is on a checked registry. */
export interface ImageCheck {
  readonly workload: Workload;
  readonly container: WorkloadContainer;
  /** The parsed image (absent when it cannot be parsed: then there is a finding). */
  readonly reference?: ImageReference;
  /** The repository kubelet looks credentials up for. */
  readonly repository?: ImageRepository;
  /** The entries kubelet would use; empty when there is a finding. */
  readonly credentials: readonly CredentialCandidate[];
  /** Set when the image would be pulled without credentials. */
  readonly finding?: Finding;
}

interface Reason {
  readonly code: FindingCode;
  readonly text: string;
  readonly fix: string;
}

type Parsed =
  { readonly ref: ImageReference; readonly repo: ImageRepository } | { readonly error: HarborPrivateAppError };

const q = (s: string): string => JSON.stringify(s);

/** The host part of an unparsable image, when it has one (`reg.harbor.com/K8S/x` -> `reg.harbor.com`). */
function rawHost(image: string): string | undefined {
  const slash = image.indexOf('/');
  if (slash <= 0) return undefined;
  const first = image.slice(0, slash);
  return first.includes('.') || first.includes(':') || first === 'localhost' ? first : undefined;
}

/** Checks containers against one inventory and set of registries, parsing each distinct image once. */
export class ContainerChecker {
  private readonly parsed = new Map<string, Parsed>();
  private readonly covering = new Map<string, PullSecret | undefined>();

  constructor(
    private readonly inventory: ManifestInventory,
    private readonly registries: CheckedRegistries,
  ) {}

  /** Checks one container; `undefined` when its image is not on a checked registry. */
  check(workload: Workload, container: WorkloadContainer): ImageCheck | undefined {
    const parsed = this.parse(container.image);
    if ('error' in parsed) {
      const host = rawHost(container.image);
      if (host === undefined || !this.registries.covers(host)) return undefined;
      return {
        workload,
        container,
        credentials: [],
        finding: this.finding(workload, container, host, {
          code: 'invalid-image',
          text: 'is not a valid image reference, so kubelet cannot pull it (InvalidImageName)',
          fix: parsed.error.fix,
        }),
      };
    }
    const { ref, repo } = parsed;
    if (!this.registries.covers(repo.host)) return undefined;

    const ns = workload.namespace;
    const field = workload.pullSecretsField;
    let names = workload.imagePullSecrets;
    let via = 'the pod';
    if (names.length === 0) {
      const accountName = workload.serviceAccountName;
      if (accountName === undefined) {
        return this.fail(workload, container, ref, repo, [
          {
            code: 'no-pull-secret',
            text: `${workload.kind} ${q(workload.name)} names no ${field}, and its puller reads no ServiceAccount's (pull Secrets are read in namespace ${ns})`,
            fix: this.addSecretFix(workload, repo),
          },
        ]);
      }
      const account = this.inventory.serviceAccount(ns, accountName);
      names = account?.imagePullSecrets ?? [];
      via = `ServiceAccount ${q(accountName)}`;
      if (names.length === 0) {
        const why = account
          ? `its ServiceAccount ${q(accountName)} names none either`
          : `its ServiceAccount ${q(accountName)} is not in the input`;
        return this.fail(workload, container, ref, repo, [
          {
            code: 'no-pull-secret',
            text: `the pod names no ${field} and ${why}`,
            fix: this.addSecretFix(workload, repo),
          },
        ]);
      }
    }

    const credentials: CredentialCandidate[] = [];
    const reasons: Reason[] = [];
    for (const name of names) {
      const secrets = this.inventory.secretsIn(ns, name);
      if (secrets.length === 0) {
        const elsewhere = this.inventory.otherNamespacesOf(name, ns);
        const more = elsewhere.more > 0 ? ` and ${elsewhere.more} other namespace(s)` : '';
        const makers = this.inventory.spreadMakersOf(name);
        reasons.push({
          code: 'secret-not-found',
          text:
            `${via} names Secret ${q(name)}, which is not in namespace ${ns}` +
            (elsewhere.shown.length > 0
              ? ` (there is one in ${elsewhere.shown.join(', ')}${more}; kubelet reads only the pod's own namespace)`
              : makers.length === 0
                ? ' in the input'
                : '') +
            (makers.length > 0
              ? ` (${makers.join(', ')} makes it only in the namespaces it selects, and ${ns} is not one of them)`
              : ''),
          fix:
            (makers.length > 0 ? `label namespace ${ns} so that ${makers.join(' or ')} selects it, or ` : '') +
            `create Secret ${q(name)} of type ${DOCKER_CONFIG_JSON_TYPE} with an entry for ${q(repo.host)} in namespace ${ns} (HarborPrivateApp: add ${q(ns)} to namespaces)` +
            `; if it is made outside these files (kubectl create secret, SOPS, another repository), declare it: --assume-secret ${ns}/${name}=${repo.host}`,
        });
        continue;
      }
      for (const secret of secrets) {
        const reason = this.use(secret, repo, credentials);
        if (reason) reasons.push(reason);
      }
    }
    if (credentials.length > 0) return { workload, container, reference: ref, repository: repo, credentials };
    return this.fail(workload, container, ref, repo, reasons);
  }

  /** Adds the entries of `secret` that cover `repo` to `out`, or says why it cannot. */
  private use(secret: PullSecret, repo: ImageRepository, out: CredentialCandidate[]): Reason | undefined {
    const what = describeSecret(secret);
    const content = secret.content;
    if (secret.type === undefined) {
      const reason = content.state === 'unknown' ? content.reason : 'its type is not in the input';
      out.push({
        secret,
        uncertain: joined(secret.uncertain, `its type and registry hosts are known only once it exists (${reason})`),
      });
      return undefined;
    }
    if (!isPullSecretType(secret.type)) {
      return {
        code: 'secret-wrong-type',
        text: `${what} has type ${secret.type}; kubelet reads pull credentials only from type ${DOCKER_CONFIG_JSON_TYPE} (or the legacy kubernetes.io/dockercfg)`,
        fix: typeFix(secret),
      };
    }
    if (content.state === 'missing' || content.state === 'unreadable') {
      return {
        code: 'secret-without-credentials',
        text: `${what}: ${content.problem}`,
        fix: `give ${what} a .dockerconfigjson with an entry for ${q(repo.host)}`,
      };
    }
    if (content.state === 'unknown') {
      out.push({
        secret,
        uncertain: joined(secret.uncertain, `its registry hosts are known only once it exists (${content.reason})`),
      });
      return undefined;
    }
    const matched = matchingKeys(keyed(content.entries), repo);
    if (matched.length > 0) {
      for (const entry of matched)
        out.push({ secret, entry, ...(secret.uncertain ? { uncertain: secret.uncertain } : {}) });
      return undefined;
    }
    const keys = content.entries.map((e) => q(e.rawKey));
    return {
      code: 'no-entry-for-registry',
      text:
        (keys.length === 0
          ? `${what} has no registry entry`
          : `${what} has entries for ${keys.join(', ')} but none that kubelet uses for ${q(`${repo.host}/${repo.path}`)}`) +
        hints(content.entries, repo),
      fix:
        secret.source === 'declared'
          ? `if the Secret in the cluster has an entry for ${q(repo.host)}, add that host to its declaration in ${secret.objectName}; if not, key its entry by ${q(repo.host)}, exactly the registry host the image names`
          : `key the entry of ${what} by ${q(repo.host)}, exactly the registry host the image names (HarborPrivateApp: registryHost: ${q(repo.host)})`,
    };
  }

  private addSecretFix(workload: Workload, repo: ImageRepository): string {
    const ns = workload.namespace;
    const field = workload.pullSecretsField;
    const covering = this.coveringSecret(ns, repo);
    if (covering) {
      return `add ${field}: [{name: ${covering.name}}] to ${workload.podSpecPath} (${describeSecret(covering)} in namespace ${ns} covers ${repo.host})`;
    }
    return (
      `add ${field} to ${workload.podSpecPath} naming a ${DOCKER_CONFIG_JSON_TYPE} Secret in namespace ${ns} with an entry for ${q(repo.host)}` +
      (workload.serviceAccountName === undefined
        ? ''
        : `, or give ServiceAccount ${q(workload.serviceAccountName)} those imagePullSecrets (HarborPrivateApp makes the Secret in each of its namespaces and wires the workloads it is given)`)
    );
  }

  /** The first Secret of the namespace (in input order) whose entries cover the repository, found once per pair. */
  private coveringSecret(namespace: string, repo: ImageRepository): PullSecret | undefined {
    const k = `${namespace}\u0000${repo.host}\u0000${repo.path}`;
    if (this.covering.has(k)) return this.covering.get(k);
    const found = this.inventory.secretsInNamespace(namespace).find((s) => {
      if (s.type === undefined || !isPullSecretType(s.type) || s.content.state !== 'entries') return false;
      return matchingKeys(keyed(s.content.entries), repo).length > 0;
    });
    this.covering.set(k, found);
    return found;
  }

  private fail(
    workload: Workload,
    container: WorkloadContainer,
    ref: ImageReference,
    repo: ImageRepository,
    reasons: readonly Reason[],
  ): ImageCheck {
    const codes = new Set(reasons.map((r) => r.code));
    const code: FindingCode = codes.size === 1 ? reasons[0].code : 'no-usable-pull-secret';
    const fixes = [...new Set(reasons.map((r) => r.fix))];
    const combined: Reason = {
      code,
      text: `would be pulled from ${repo.host} without credentials (ErrImagePull on a private project): ${reasons.map((r) => r.text).join('; ')}`,
      fix: fixes.join('; or '),
    };
    return {
      workload,
      container,
      reference: ref,
      repository: repo,
      credentials: [],
      finding: this.finding(workload, container, repo.host, combined),
    };
  }

  private finding(workload: Workload, container: WorkloadContainer, registry: string, reason: Reason): Finding {
    return containerFinding(workload, container, registry, reason.code, reason.text, reason.fix);
  }

  private parse(image: string): Parsed {
    let p = this.parsed.get(image);
    if (!p) {
      try {
        const ref = parseImageReference(image, 'image');
        p = { ref, repo: imageRepository(ref.host, ref.path) };
      } catch (e) {
        if (!(e instanceof HarborPrivateAppError)) throw e;
        p = { error: e };
      }
      this.parsed.set(image, p);
    }
    return p;
  }
}

/** Two reasons for a note, the first one first. */
function joined(first: string | undefined, second: string): string {
  return first ? `${first}; ${second}` : second;
}

type KeyedEntry = DockerConfigEntry & { readonly key: RegistryKey };

/** The entries whose key kubelet can read. */
function keyed(entries: readonly DockerConfigEntry[]): KeyedEntry[] {
  return entries.filter((e): e is KeyedEntry => e.key !== undefined);
}

/** Why keys that look close to the image's registry do not cover it. */
function hints(entries: readonly DockerConfigEntry[], repo: ImageRepository): string {
  const target = splitHostPort(repo.host);
  const out: string[] = [];
  for (const e of entries) {
    if (!e.key) {
      out.push(`${q(e.rawKey)} is no registry address kubelet can read`);
      continue;
    }
    const sameName = e.key.hostname.toLowerCase() === target.hostname.toLowerCase();
    if (!sameName) continue;
    if (e.key.port !== target.port) {
      out.push(
        `${q(e.rawKey)} names ${e.key.port ? `port ${e.key.port}` : 'no port'} and the image ${target.port ? `port ${target.port}` : 'no port'}: a key covers only the port it names`,
      );
    } else if (e.key.hostname !== target.hostname) {
      out.push(`${q(e.rawKey)} differs in letter case, and kubelet compares host names exactly`);
    } else if (e.key.path) {
      out.push(`${q(e.rawKey)} is limited to the repositories under ${e.key.path}`);
    }
  }
  return out.length > 0 ? ` (${out.join('; ')})` : '';
}
