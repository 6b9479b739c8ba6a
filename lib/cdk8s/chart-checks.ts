import { ApiObject, Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { HarborPrivateAppError } from '../core';

/** The pull Secret an app provides, for the chart-wide checks (registered by the construct). */
export interface ChartPullSecretEntry {
  /** `HarborPrivateApp "<id>"`: the scope of the app's messages. */
  readonly scope: string;
  /** The pull Secret this app provides (not with `fromExistingSecret`, whose Secret is the user's own). */
  readonly pullSecret?: { readonly name: string; readonly namespaces: readonly string[] };
  /** The objects that provide the pull Secret (Secret or ExternalSecret), one per namespace. */
  readonly pullSecretObjects: readonly ApiObject[];
}

/** The External Secrets store an app reads its robot secret through (registered by the delivery that uses one). */
export interface ChartRobotStoreEntry {
  /** `HarborPrivateApp "<id>"`: the scope of the app's messages. */
  readonly scope: string;
  /** The app's construct path, to name it in another app's message. */
  readonly path: string;
  /** `ClusterSecretStore` or `SecretStore`. */
  readonly kind: 'ClusterSecretStore' | 'SecretStore';
  /** The store's name. */
  readonly name: string;
  /** True when this app emits the store (`emitStore: true`). */
  readonly emitted: boolean;
  /** The app's namespaces (those of its ExternalSecrets; an emitted store admits only these). */
  readonly namespaces: readonly string[];
  /** Where its robot's connection Secret is written (an emitted store reads only this namespace). */
  readonly connectionSecretNamespace: string;
}

/** An object whose pods an app gave its pull Secret, checked as it will be written (registered by that app). */
export interface ChartWorkloadEntry {
  /** The object that is written: it is rendered (`toJson()`, JSON patches applied) once per synthesis pass. */
  readonly apiObject: ApiObject;
  /** The app's checks of the written object: error messages, empty when it is fine. */
  readonly check: (written: Record<string, unknown>) => string[];
}

const CHECKS = new WeakMap<Chart, ChartChecks>();

/**
 * Checks that need the finished chart, run once per chart at synthesis (a validation on the chart, not one per app,
 * so a chart of thousands of apps is scanned once):
 * - an object the user declares in the chart that would make a Secret with a pull Secret's name and namespace (a
 *   `Secret`, or an `ExternalSecret` targeting that name): kubectl apply would keep one of the two;
 * - an app that reads its robot secret through a ClusterSecretStore another app of the chart emits
 *   (`emitStore: true`), while that store admits none of its namespaces or reads another connection Secret namespace;
 * - every workload an app wired, as it will be written (its JSON patches applied, the user's included): its images, its
 *   namespace, and the pull Secret in its pod spec. Each object is rendered once per pass, however many apps of the
 *   chart wired it.
 */
export class ChartChecks {
  /** The checks of `chart`, registered on it the first time. */
  public static of(chart: Chart): ChartChecks {
    let checks = CHECKS.get(chart);
    if (!checks) {
      const created = new ChartChecks(chart);
      chart.node.addValidation({ validate: () => created.validate() });
      CHECKS.set(chart, created);
      checks = created;
    }
    return checks;
  }

  private readonly pullSecrets: ChartPullSecretEntry[] = [];
  private readonly stores: ChartRobotStoreEntry[] = [];
  private readonly workloads: ChartWorkloadEntry[] = [];
  /** The last scan's result, for the rest of the synchronous synthesis pass that made it. */
  private memo?: { readonly key: string; readonly errors: string[] };

  private constructor(private readonly chart: Chart) {}

  /** Adds an app's pull Secret to the chart's checks. */
  public addPullSecret(entry: ChartPullSecretEntry): void {
    this.pullSecrets.push(entry);
  }

  /** Adds the store an app reads its robot secret through. */
  public addRobotStore(entry: ChartRobotStoreEntry): void {
    this.stores.push(entry);
  }

  /** Adds a workload an app wired, to be checked as it will be written. */
  public addWorkload(entry: ChartWorkloadEntry): void {
    this.workloads.push(entry);
  }

  /** The error messages (HarborPrivateAppError texts), empty when the chart is fine. */
  public validate(): string[] {
    // cdk8s validates the whole app again for every chart it synthesizes (a chart per app: once per app), all in one
    // synchronous pass: the scan is kept for that pass only (dropped at the next microtask), and dropped at once when
    // an app registers something (a pull Secret, a store, a workload) or the chart gets another direct child. Other
    // changes made between two syntheses of one synchronous run (a JSON patch, a container) count from the next
    // microtask on.
    const key = `${this.pullSecrets.length}/${this.stores.length}/${this.workloads.length}/${this.chart.node.children.length}`;
    if (this.memo?.key === key) return this.memo.errors;
    const errors = [...this.secretClashes(), ...this.storeCoverage(), ...this.writtenWorkloads()];
    const memo = { key, errors };
    this.memo = memo;
    queueMicrotask(() => {
      if (this.memo === memo) this.memo = undefined;
    });
    return errors;
  }

  private secretClashes(): string[] {
    const owners = new Map<string, ChartPullSecretEntry>();
    const own = new Set<ApiObject>();
    for (const app of this.pullSecrets) {
      app.pullSecretObjects.forEach((o) => own.add(o));
      if (!app.pullSecret) continue;
      for (const ns of app.pullSecret.namespaces) owners.set(`${ns}/${app.pullSecret.name}`, app);
    }
    if (owners.size === 0) return [];
    const errors: string[] = [];
    for (const node of this.chart.node.findAll()) {
      if (!(node instanceof ApiObject) || own.has(node)) continue;
      const made = secretMadeBy(node);
      if (!made) continue;
      const app = owners.get(`${made.namespace}/${made.name}`);
      if (!app) continue;
      errors.push(
        new HarborPrivateAppError({
          scope: app.scope,
          field: 'pullSecretName',
          value: made.name,
          problem:
            `clashes with ${made.what} "${made.name}" in namespace "${made.namespace}" declared at ${pathOf(node)} in the same chart` +
            `${made.defaultedNamespace ? ' (no namespace: kubectl puts it in "default")' : ''}; ` +
            'kubectl apply would keep one of the two, and pods would pull with whichever credentials won',
          fix:
            `give this app another pullSecretName, or remove your ${made.what}; to have pods use your own Secret instead, ` +
            `set credentials: PullCredentials.fromExistingSecret(${JSON.stringify(made.name)})`,
        }).message,
      );
    }
    return errors;
  }

  private writtenWorkloads(): string[] {
    const checks = new Map<ApiObject, Array<ChartWorkloadEntry['check']>>();
    for (const { apiObject, check } of this.workloads) {
      const list = checks.get(apiObject);
      if (list) list.push(check);
      else checks.set(apiObject, [check]);
    }
    const errors: string[] = [];
    for (const [apiObject, list] of checks) {
      let written: Record<string, unknown>;
      try {
        written = apiObject.toJson() as Record<string, unknown>;
      } catch {
        // What keeps an object from rendering is cdk8s' to report, when it writes the object.
        continue;
      }
      for (const check of list) errors.push(...check(written));
    }
    return errors;
  }

  private storeCoverage(): string[] {
    const emitters = new Map<string, ChartRobotStoreEntry>();
    for (const s of this.stores) if (s.emitted && s.kind === 'ClusterSecretStore') emitters.set(s.name, s);
    const errors: string[] = [];
    for (const s of this.stores) {
      if (s.emitted || s.kind !== 'ClusterSecretStore') continue;
      const served = emitters.get(s.name);
      if (!served) continue;
      const refused = s.namespaces.filter((ns) => !served.namespaces.includes(ns));
      const ownStore =
        `emit a store for this app too: robotSecrets: { store: SecretStoreRef.cluster("<another name>"), ` +
        `emitStore: true, connectionSecretNamespace: "<another namespace>" } (one store per tenant), or declare these ` +
        `namespaces in the app that emits "${s.name}"`;
      if (refused.length > 0) {
        errors.push(
          new HarborPrivateAppError({
            scope: s.scope,
            field: 'robotSecrets.store',
            value: s.name,
            problem:
              `is the ClusterSecretStore that HarborPrivateApp "${served.path}" emits (emitStore: true) in the same chart, and it ` +
              `admits only that app's namespaces ${JSON.stringify(served.namespaces)}: this app's ExternalSecrets in ` +
              `${JSON.stringify(refused)} would be refused, and no pull Secret would appear there`,
            fix: ownStore,
          }).message,
        );
      } else if (s.connectionSecretNamespace !== served.connectionSecretNamespace) {
        errors.push(
          new HarborPrivateAppError({
            scope: s.scope,
            field: 'robotSecrets.connectionSecretNamespace',
            value: s.connectionSecretNamespace,
            problem:
              `differs from "${served.connectionSecretNamespace}", the only namespace the ClusterSecretStore "${s.name}" ` +
              `emitted by HarborPrivateApp "${served.path}" reads: this app's robot secret would never be found`,
            fix: `use connectionSecretNamespace "${served.connectionSecretNamespace}", or ${ownStore}`,
          }).message,
        );
      }
    }
    return errors;
  }
}

/** The Secret an object would make: a v1 Secret itself, or the target of an External Secrets `ExternalSecret`. */
function secretMadeBy(
  o: ApiObject,
): { what: string; name: string; namespace: string; defaultedNamespace: boolean } | undefined {
  let what: string;
  let name: string | undefined;
  if (o.kind === 'Secret' && o.apiVersion === 'v1') {
    what = 'Secret';
    name = o.name;
  } else if (o.kind === 'ExternalSecret' && o.apiVersion.startsWith('external-secrets.io/')) {
    what = 'ExternalSecret target';
    const spec = (o.toJson() as { spec?: { target?: { name?: string } } }).spec;
    name = spec?.target?.name ?? o.name;
  } else {
    return undefined;
  }
  if (name === undefined) return undefined;
  const namespace = o.metadata.namespace;
  return { what, name, namespace: namespace ?? 'default', defaultedNamespace: namespace === undefined };
}

function pathOf(node: IConstruct): string {
  return node.node.path;
}
