/**
 * The input, indexed the way kubelet and the ServiceAccount admission plugin look things up: Secrets and
 * ServiceAccounts by namespace and name, and the workloads to check.
 */
import type { ManifestObject } from './manifests';
import { pullSecretOf, type PullSecret } from './pull-secrets';
import { apiGroup, objectName, referenceNames, workloadOf, type Workload } from './workloads';

/** A ServiceAccount of the input. */
export interface ServiceAccountInfo {
  readonly name: string;
  readonly namespace: string;
  /** The names in its `imagePullSecrets`. */
  readonly imagePullSecrets: readonly string[];
}

const key = (namespace: string, name: string): string => `${namespace}\u0000${name}`;

/** The indexed input. */
export class ManifestInventory {
  /** Reads the objects; those without a namespace are placed in `defaultNamespace`. */
  static from(objects: readonly ManifestObject[], defaultNamespace: string): ManifestInventory {
    const inv = new ManifestInventory();
    for (const obj of objects) {
      const workload = workloadOf(obj, defaultNamespace);
      if (workload) {
        inv.workloads.push(workload);
        continue;
      }
      const secret = pullSecretOf(obj, defaultNamespace);
      if (secret) {
        const k = key(secret.namespace, secret.name);
        appendTo(inv.secretsAt, k, secret);
        appendTo(inv.secretsNamed, secret.name, secret);
        inv.secrets.push(secret);
        continue;
      }
      if (obj.value.kind === 'ServiceAccount' && apiGroup(obj.value.apiVersion) === '') {
        const { name, namespace } = objectName(obj, defaultNamespace);
        inv.accounts.set(key(namespace, name), {
          name,
          namespace,
          imagePullSecrets: referenceNames(obj.value.imagePullSecrets),
        });
      }
    }
    return inv;
  }

  /** The workloads, in input order. */
  readonly workloads: Workload[] = [];
  /** Every Secret (literal or from an ExternalSecret), in input order. */
  readonly secrets: PullSecret[] = [];
  private readonly secretsAt = new Map<string, PullSecret[]>();
  private readonly secretsNamed = new Map<string, PullSecret[]>();
  private readonly accounts = new Map<string, ServiceAccountInfo>();

  private constructor() {}

  /** The Secrets of this name in this namespace (more than one when the input declares it twice). */
  secretsIn(namespace: string, name: string): readonly PullSecret[] {
    return this.secretsAt.get(key(namespace, name)) ?? [];
  }

  /** The namespaces other than `namespace` that hold a Secret of this name. */
  otherNamespacesOf(name: string, namespace: string): string[] {
    const found = (this.secretsNamed.get(name) ?? []).map((s) => s.namespace).filter((ns) => ns !== namespace);
    return [...new Set(found)].sort();
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
