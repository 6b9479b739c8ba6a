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
const APPS = new WeakMap<IConstruct, AppChecks>();

/** The synchronous pass (the run of code until the next microtask) a memo was made in: see {@link currentPass}. */
let pass = 0;
let passEnding = false;

/**
 * The current synchronous pass: a number that changes at the next microtask. One microtask per pass, shared by every
 * app, that holds nothing: a memo's own microtask would hold its app's checks, and so its charts, until the program's
 * synchronous code ends (the Pulumi engine renders each component's workload in a scratch chart: 1,000 components
 * declared in one loop kept 1,000 construct trees alive, about 65 MB of peak RSS: bench/RESULTS.md).
 */
function currentPass(): number {
  if (!passEnding) {
    passEnding = true;
    queueMicrotask(() => {
      pass++;
      passEnding = false;
    });
  }
  return pass;
}

/**
 * The chart checks of one cdk8s app (one construct tree), run by a single validation: cdk8s validates the whole app
 * before it synthesizes any chart (`App.synthYaml()`: once, then again for every chart), so a validation per chart
 * would be called charts x (charts + 1) times, a million calls for a chart per app at 1,000 apps. The validation is
 * hosted by the first chart given checks, so that a chart's own `node.findAll()` (as the Pulumi engine walks its single
 * chart) finds it; the messages of the app's other charts name their chart.
 */
class AppChecks {
  private readonly charts: ChartChecks[] = [];
  /** Registrations (pull Secrets, stores, workloads, charts) so far: a change invalidates the memo at once. */
  private registrations = 0;
  /** The last scan's result, for the rest of the synchronous synthesis pass that made it. */
  private memo?: {
    readonly pass: number;
    readonly registrations: number;
    readonly children: readonly number[];
    readonly errors: string[];
  };

  constructor(host: Chart) {
    host.node.addValidation({ validate: () => this.validate() });
  }

  public add(chart: ChartChecks): void {
    this.charts.push(chart);
    this.changed();
  }

  public changed(): void {
    this.registrations++;
  }

  private validate(): string[] {
    // All of it in one synchronous pass (App.synthYaml() validates the app once per chart): the scan is kept for that
    // pass only (stale from the next microtask on), and dropped at once when something is registered (a pull Secret, a
    // store, a workload, a chart) or a chart gets another direct child. Other changes made between two syntheses of
    // one synchronous run (a JSON patch, a container) count from the next microtask on.
    const memo = this.memo;
    if (memo?.pass === pass && memo.registrations === this.registrations && this.sameChildren(memo.children))
      return memo.errors;
    const host = this.charts[0];
    const errors = this.charts.flatMap((c) => {
      const found = c.errors();
      return c === host ? found : found.map((m) => `[${c.path}] ${m}`);
    });
    this.memo = {
      pass: currentPass(),
      registrations: this.registrations,
      children: this.charts.map((c) => c.directChildren()),
      errors,
    };
    return errors;
  }

  /**
   * Whether every chart has as many direct children as `counts` says (a plain loop: it runs once per pass). The one
   * part of the checks that grows with charts x charts: constructs has no child count or change counter, only
   * `node.children`, a fresh array, so a chart per app at 1,000 apps makes a million of them per synthesis (about 3%
   * of its instructions, more of its time: bench/README.md); without it, a Secret added to another chart between two
   * syntheses of one turn is missed.
   */
  private sameChildren(counts: readonly number[]): boolean {
    for (let i = 0; i < this.charts.length; i++) if (this.charts[i].directChildren() !== counts[i]) return false;
    return true;
  }
}

/**
 * Checks that need the finished chart, run at synthesis (one validation for the whole app, see {@link AppChecks}, not
 * one per app or per chart, so that thousands of apps, in one chart or a chart each, are scanned once per synthesis):
 * - an object the user declares in the chart that would make a Secret with a pull Secret's name and namespace (a
 *   `Secret`, or an `ExternalSecret` targeting that name): kubectl apply would keep one of the two;
 * - an app that reads its robot secret through a ClusterSecretStore another app of the chart emits
 *   (`emitStore: true`), while that store admits none of its namespaces or reads another connection Secret namespace;
 * - every workload an app wired, as it will be written (its JSON patches applied, the user's included): its images, its
 *   namespace, and the pull Secret in its pod spec. Each object is rendered once per pass, however many apps of the
 *   chart wired it.
 */
export class ChartChecks {
  /** The checks of `chart`, registered with its app's validation the first time. */
  public static of(chart: Chart): ChartChecks {
    let checks = CHECKS.get(chart);
    if (!checks) {
      const root = chart.node.root;
      let app = APPS.get(root);
      if (!app) {
        app = new AppChecks(chart);
        APPS.set(root, app);
      }
      checks = new ChartChecks(chart, app);
      app.add(checks);
      CHECKS.set(chart, checks);
    }
    return checks;
  }

  private readonly pullSecrets: ChartPullSecretEntry[] = [];
  private readonly stores: ChartRobotStoreEntry[] = [];
  private readonly workloads: ChartWorkloadEntry[] = [];

  private constructor(
    private readonly chart: Chart,
    private readonly app: AppChecks,
  ) {}

  /** Adds an app's pull Secret to the chart's checks. */
  public addPullSecret(entry: ChartPullSecretEntry): void {
    this.pullSecrets.push(entry);
    this.app.changed();
  }

  /** Adds the store an app reads its robot secret through. */
  public addRobotStore(entry: ChartRobotStoreEntry): void {
    this.stores.push(entry);
    this.app.changed();
  }

  /** Adds a workload an app wired, to be checked as it will be written. */
  public addWorkload(entry: ChartWorkloadEntry): void {
    this.workloads.push(entry);
    this.app.changed();
  }

  /** The chart's path, to name it in messages. */
  public get path(): string {
    return this.chart.node.path;
  }

  /** How many direct children the chart has (a new one drops the app's memo). */
  public directChildren(): number {
    return this.chart.node.children.length;
  }

  /** The error messages (HarborPrivateAppError texts), empty when the chart is fine: a full scan of the chart. */
  public errors(): string[] {
    return [...this.secretClashes(), ...this.storeCoverage(), ...this.writtenWorkloads()];
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

  /**
   * Renders each wired object once and runs its apps' checks on it. The render is most of what the checks cost (one
   * more render of each wired object per synthesis, bench/README.md) and cannot be skipped: any object, the
   * construct's own Deployment included, takes JSON patches after wiring, and cdk8s keeps them private, so nothing
   * public tells an object without patches from one with; nor does cdk8s share the render it writes.
   */
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
