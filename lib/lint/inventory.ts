/**
 * The input, indexed the way kubelet and the ServiceAccount admission plugin look things up: Secrets and
 * ServiceAccounts by namespace and name, and the workloads to check. Secrets declared to exist outside the input
 * (declared-secrets.ts) are indexed with the input's own.
 */
import { apiGroupOf } from '../core/workloads';
import { declaredPullSecret, type DeclaredSecret } from './declared-secrets';
import type { ManifestObject } from './manifests';
import { pullSecretOf, type NamespaceLabels, type PullSecret, type SpreadSecret } from './pull-secrets';
import { imagesOf, objectName, referenceNames, workloadsOf, type ImagePath, type Workload } from './workloads';

/** A ServiceAccount of the input. */
export interface ServiceAccountInfo {
  readonly name: string;
  readonly namespace: string;
  /** The names in its `imagePullSecrets`. */
  readonly imagePullSecrets: readonly string[];
}

const key = (namespace: string, name: string): string => `${namespace}\u0000${name}`;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** An object of no known kind that has image fields: not checked, and named in the summary. */
export interface UncheckedObject {
  readonly kind: string;
  readonly apiVersion: string;
  readonly namespace: string;
  readonly name: string;
  readonly file: string;
  readonly line: number;
  /** Its image fields' values (at most 100). */
  readonly images: readonly string[];
}

/** The indexed input. */
export class ManifestInventory {
  /**
   * Reads the objects; those without a namespace are placed in `defaultNamespace`. `declared` are Secrets that exist
   * outside the input; `imagePaths` the image fields of other kinds (`--image-path`).
   */
  static from(
    objects: readonly ManifestObject[],
    defaultNamespace: string,
    declared: readonly DeclaredSecret[] = [],
    imagePaths: readonly ImagePath[] = [],
  ): ManifestInventory {
    const inv = new ManifestInventory();
    const known = new Set<ManifestObject>();
    for (const obj of objects) {
      const workloads = workloadsOf(obj, defaultNamespace, imagePaths);
      if (workloads) {
        for (const w of workloads) inv.workloads.push(w);
        known.add(obj);
        continue;
      }
      const contribution = pullSecretOf(obj, defaultNamespace);
      if (contribution) {
        known.add(obj);
        if ('one' in contribution) inv.addSecret(contribution.one);
        else inv.addSpread(contribution.spread);
        continue;
      }
      const kind = obj.value.kind;
      if (apiGroupOf(obj.value.apiVersion) !== '') continue;
      if (kind === 'ServiceAccount') {
        const { name, namespace } = objectName(obj, defaultNamespace);
        inv.accounts.set(key(namespace, name), {
          name,
          namespace,
          imagePullSecrets: referenceNames(obj.value.imagePullSecrets),
        });
      } else if (kind === 'Namespace') {
        const { name } = objectName(obj, defaultNamespace);
        const metadata = isRecord(obj.value.metadata) ? obj.value.metadata : {};
        const labels: Record<string, string> = {};
        if (isRecord(metadata.labels)) {
          for (const [k, v] of Object.entries(metadata.labels)) labels[k] = String(v);
        }
        inv.namespaceLabels.set(name, labels);
      }
    }
    for (const obj of objects) {
      if (known.has(obj)) continue;
      const images = imagesOf(obj);
      if (images.length === 0) continue;
      const { name, namespace } = objectName(obj, defaultNamespace);
      inv.unchecked.push({
        kind: obj.value.kind as string,
        apiVersion: obj.value.apiVersion as string,
        namespace,
        name,
        file: obj.file,
        line: obj.line,
        images,
      });
    }
    for (const d of declared) {
      const secret = declaredPullSecret(d);
      if ('one' in secret) inv.addSecret(secret.one);
      else inv.addSpread(secret.spread);
    }
    return inv;
  }

  /** The workloads, in input order. */
  readonly workloads: Workload[] = [];
  /** Objects of no known kind with image fields, in input order: not checked. */
  readonly unchecked: UncheckedObject[] = [];
  /** Every Secret of one namespace (literal, made by an object of the input, or declared), in input order. */
  readonly secrets: PullSecret[] = [];
  /** Secrets made in several namespaces (ClusterExternalSecrets, Secrets declared for every namespace). */
  readonly spreadSecrets: SpreadSecret[] = [];
  private readonly secretsAt = new Map<string, PullSecret[]>();
  private readonly secretsByNamespace = new Map<string, PullSecret[]>();
  private readonly spreadNamed = new Map<string, SpreadSecret[]>();
  private readonly namespacesNamed = new Map<string, Set<string>>();
  private readonly accounts = new Map<string, ServiceAccountInfo>();
  private readonly namespaceLabels = new Map<string, NamespaceLabels>();
  private readonly found = new Map<string, readonly PullSecret[]>();

  private constructor() {}

  private addSecret(secret: PullSecret): void {
    appendTo(this.secretsAt, key(secret.namespace, secret.name), secret);
    appendTo(this.secretsByNamespace, secret.namespace, secret);
    const namespaces = this.namespacesNamed.get(secret.name);
    if (namespaces) namespaces.add(secret.namespace);
    else this.namespacesNamed.set(secret.name, new Set([secret.namespace]));
    this.secrets.push(secret);
  }

  private addSpread(spread: SpreadSecret): void {
    appendTo(this.spreadNamed, spread.name, spread);
    this.spreadSecrets.push(spread);
  }

  /**
   * The Secrets of this name in this namespace (more than one when the input declares it twice, or when a
   * ClusterExternalSecret also makes it there).
   */
  secretsIn(namespace: string, name: string): readonly PullSecret[] {
    const k = key(namespace, name);
    let list = this.found.get(k);
    if (!list) {
      const own = this.secretsAt.get(k) ?? [];
      const spread = this.spreadNamed.get(name);
      list = spread ? [...own, ...this.spreadIn(spread, namespace)] : own;
      this.found.set(k, list);
    }
    return list;
  }

  /** The objects that make a Secret of this name in the namespaces they select (ClusterExternalSecrets). */
  spreadMakersOf(name: string): string[] {
    return (this.spreadNamed.get(name) ?? []).map((s) => s.maker);
  }

  /** Every Secret in a namespace, in input order, those made in several namespaces last. */
  secretsInNamespace(namespace: string): readonly PullSecret[] {
    const own = this.secretsByNamespace.get(namespace) ?? [];
    return this.spreadSecrets.length === 0 ? own : [...own, ...this.spreadIn(this.spreadSecrets, namespace)];
  }

  private spreadIn(spread: readonly SpreadSecret[], namespace: string): PullSecret[] {
    const labels = this.namespaceLabels.get(namespace);
    const out: PullSecret[] = [];
    for (const s of spread) {
      const secret = s.in(namespace, labels);
      if (secret) out.push(secret);
    }
    return out;
  }

  /**
   * The namespaces other than `namespace` that hold a Secret of this name: the first three the input shows (sorted),
   * and how many more there are. Bounded, because a message that names them is built for every finding.
   */
  otherNamespacesOf(name: string, namespace: string): { readonly shown: string[]; readonly more: number } {
    const all = this.namespacesNamed.get(name);
    if (!all) return { shown: [], more: 0 };
    const shown: string[] = [];
    for (const ns of all) {
      if (ns === namespace) continue;
      if (shown.length === 3) break;
      shown.push(ns);
    }
    const others = all.size - (all.has(namespace) ? 1 : 0);
    return { shown: shown.sort(), more: others - shown.length };
  }

  /** A ServiceAccount of the input, or `undefined`. */
  serviceAccount(namespace: string, name: string): ServiceAccountInfo | undefined {
    return this.accounts.get(key(namespace, name));
  }
}

/** Appends `value` to the list at `key`, made when missing. */
function appendTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
