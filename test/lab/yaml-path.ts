/**
 * Plays the cluster side of the YAML engine against the lab, so the objects `cdk8s synth` emits can be proven on
 * real pulls: a GitOps sync, and stand-ins for Crossplane provider-harbor and External Secrets that reconcile on
 * their own, with the timing of the real controllers.
 *
 * What each stand-in does, and the source it follows:
 * - **GitOps** (`apply`): one sync with pruning. Objects gone from the new set are deleted (Argo CD / Flux with
 *   `prune: true`); new or changed objects are stored.
 * - **Crossplane provider-harbor** (globallogicuki/provider-harbor v3.11.2: Upjet v0.11 over
 *   goharbor/terraform-provider-harbor v3.11.2). A managed resource is reconciled when it is created, changed or
 *   deleted (its watch), then every poll interval, and again after an error.
 *   `Project`, `MemberUser`/`MemberGroup`: created once (a member waits for its project's external name), deleted
 *   with the object. `RobotAccount`, field by field:
 *   - create: `POST /robots`; with `secretSecretRef`, then `PATCH` with that secret (the provider's Create); the
 *     connection Secret gets `attribute.secret` at once;
 *   - observe (every poll): `GET /robots/{id}`; a robot gone from Harbor is created again;
 *   - `duration`, `description`, `disable`, `permissions` changed (or drifted): `PUT` with the robot's full name
 *     (the provider's Update); Harbor then moves `expires_at` to creation + duration, the secret stays;
 *   - the value behind `secretSecretRef` changed: `PUT`, then `PATCH` with it. Nothing watches that Secret, so this
 *     happens at the next poll; the connection Secret follows at the poll after (Upjet's Update returns no
 *     connection details);
 *   - `name` or `level` changed: both are ForceNew, and Upjet writes `lifecycle.prevent_destroy` for every
 *     resource not being deleted, so the plan fails ("Instance cannot be destroyed"): an error, no API call. A
 *     robot is only ever replaced by deleting its object and creating another;
 *   - deleted: `DELETE /robots/{id}`, and the connection Secret is deleted.
 * - **External Secrets** (external-secrets/external-secrets, `externalsecret_controller.go` `shouldRefresh`): an
 *   `ExternalSecret` is synced when it is created or its spec changes (generation), then every `refreshInterval`,
 *   and again after an error. A failed sync (a missing source Secret or key) keeps the target Secret as it was.
 *   Deleting the ExternalSecret deletes its target (`creationPolicy: Owner`, garbage collection).
 *
 * Timing: each controller reacts to a change `reactionMs` after it (0 by default) and retries `retryMs` after an
 * error. Crossplane polls every `pollMs` (provider-harbor's `--poll` default is 10 minutes); ESO refreshes every
 * `refreshInterval` of the spec (1h by default), mapped through `refreshIntervalMs`. Real controllers add jitter
 * and rate limits; the stand-ins do not.
 */
import { HarborRoleName, TERRAFORM_ROLE_NAMES } from '../../lib/core';
import { type RobotPermission } from '../../lib/harbor';
import { samePermissions } from '../../lib/harbor/permissions';
import { renderGoTemplate } from './go-template';
import { LabHarborClient } from './lab-client';

/** A Kubernetes object as `cdk8s synth` emits it. */
export type SimObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  spec?: any;
  [k: string]: any;
};
type Obj = SimObject;

/** A Kubernetes Secret as the simulated cluster holds it (string data, not base64, for the tests' ease). */
export interface SimSecret {
  readonly type: string;
  readonly data: Record<string, string>;
}

/** Timing of one controller stand-in, in milliseconds. */
export interface SimControllerTiming {
  /**
   * Delay between a change of an object and its reconcile (the watch event and the work queue).
   * @default 0
   */
  readonly reactionMs?: number;
  /**
   * Delay before a failed reconcile is tried again.
   * @default 50
   */
  readonly retryMs?: number;
}

/** Options of {@link SimCluster}. */
export interface SimClusterOptions {
  /** Crossplane provider-harbor's timing. */
  readonly crossplane?: SimControllerTiming & {
    /**
     * The poll interval: how often a managed resource is observed without a change (provider-harbor's `--poll`).
     * @default 600000 (10 minutes, provider-harbor's default)
     */
    readonly pollMs?: number;
  };
  /** External Secrets' timing. */
  readonly eso?: SimControllerTiming & {
    /**
     * Maps an ExternalSecret's `refreshInterval` (a Go duration) to the lab's milliseconds.
     * @default - the duration as it is (`1h` is an hour)
     */
    readonly refreshIntervalMs?: (goDuration: string) => number;
  };
  /**
   * Where a `ClusterSecretStore` that is not applied reads Secrets from (ESO's kubernetes provider `remoteNamespace`),
   * by store name. An applied store's own `remoteNamespace` wins.
   * @default - 'harbor-robots' for every store
   */
  readonly storeNamespaces?: Readonly<Record<string, string>>;
}

/** One thing a stand-in did, for the story and for timing checks. */
export interface SimEvent {
  /** Milliseconds since the epoch. */
  readonly at: number;
  readonly controller: 'gitops' | 'crossplane' | 'eso';
  /** `Kind/namespace/name`. */
  readonly object: string;
  /** What happened, e.g. `POST /robots -> robot$k8s+x`, `wrote kube-system/registry-secret`, an error. */
  readonly action: string;
}

const CROSSPLANE_KINDS = new Set(['Project', 'MemberUser', 'MemberGroup', 'RobotAccount']);
const GO_DURATION_PART = /([0-9]+(?:\.[0-9]+)?)(ns|us|µs|ms|s|m|h)/g;
const GO_UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** A Go duration (`1h30m`, `15m`, `0s`) in milliseconds. */
export function goDurationMs(value: string): number {
  let total = 0;
  let matched = '';
  for (const m of value.matchAll(GO_DURATION_PART)) {
    total += Number(m[1]) * GO_UNITS[m[2]];
    matched += m[0];
  }
  if (matched !== value || value === '') throw new Error(`"${value}" is not a Go duration`);
  return total;
}

function keyOf(o: Obj): string {
  return `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
}

/** What Crossplane knows of a managed resource beyond its spec (its external name and the Terraform state). */
interface ManagedState {
  /** Harbor's id (robot, member) or name (project) once created. */
  external?: number | string;
  /** The project a member belongs to. */
  project?: string;
  /** RobotAccount: the Terraform state's `secret` (what the connection Secret publishes). */
  secret?: string;
}

interface Applied {
  obj: Obj;
  deleting: boolean;
}

/** A controller's work queue: one reconcile at a time per object, each scheduled for a moment. */
class WorkQueue {
  private readonly pending = new Map<
    string,
    { timer: NodeJS.Timeout; at: number; reason: 'change' | 'retry' | 'poll' }
  >();
  private readonly running = new Set<string>();
  private readonly again = new Set<string>();
  /** The last error of each object whose last reconcile failed. */
  readonly errors = new Map<string, string>();
  private stopped = false;

  constructor(
    private readonly reconcile: (key: string) => Promise<number | undefined>,
    private readonly retryMs: number,
    private readonly onError: (key: string, message: string) => void,
  ) {}

  /** Schedules a reconcile in `delayMs` unless one is due sooner. */
  add(key: string, delayMs: number, reason: 'change' | 'retry' | 'poll'): void {
    if (this.stopped || !Number.isFinite(delayMs)) return;
    const at = Date.now() + delayMs;
    const current = this.pending.get(key);
    if (current && current.at <= at) {
      if (reason !== 'poll' && current.reason === 'poll') current.reason = reason;
      return;
    }
    if (current) clearTimeout(current.timer);
    const timer = setTimeout(() => void this.fire(key), Math.max(0, delayMs));
    timer.unref();
    this.pending.set(key, { timer, at, reason });
  }

  /** True while a reconcile runs or one is due for a change or a retry (polls do not count). */
  busy(): boolean {
    return this.running.size > 0 || [...this.pending.values()].some((p) => p.reason !== 'poll');
  }

  stop(): void {
    this.stopped = true;
    for (const p of this.pending.values()) clearTimeout(p.timer);
    this.pending.clear();
  }

  private async fire(key: string): Promise<void> {
    this.pending.delete(key);
    if (this.running.has(key)) {
      this.again.add(key);
      return;
    }
    this.running.add(key);
    try {
      const next = await this.reconcile(key);
      this.errors.delete(key);
      if (next !== undefined) this.add(key, next, 'poll');
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      this.errors.set(key, message);
      this.onError(key, message);
      this.add(key, this.retryMs, 'retry');
    } finally {
      this.running.delete(key);
      if (this.again.delete(key)) this.add(key, 0, 'change');
    }
  }
}

/**
 * The simulated cluster: the objects applied, the Secrets (`namespace/name`), and the controllers at work. Call
 * {@link stop} when done.
 */
export class SimCluster {
  /** Every Secret of the cluster by `namespace/name`: connection Secrets, pull Secrets, Secrets you add. */
  public readonly secrets = new Map<string, SimSecret>();
  /** What the stand-ins did, in order. */
  public readonly events: SimEvent[] = [];

  private readonly objects = new Map<string, Applied>();
  private readonly managed = new Map<string, ManagedState>();
  private readonly crossplane: WorkQueue;
  private readonly eso: WorkQueue;
  private readonly timing: {
    crossplaneReactionMs: number;
    pollMs: number;
    esoReactionMs: number;
    refreshIntervalMs: (d: string) => number;
  };

  constructor(
    private readonly harbor: LabHarborClient,
    private readonly options: SimClusterOptions = {},
  ) {
    this.timing = {
      crossplaneReactionMs: options.crossplane?.reactionMs ?? 0,
      pollMs: options.crossplane?.pollMs ?? 600_000,
      esoReactionMs: options.eso?.reactionMs ?? 0,
      refreshIntervalMs: options.eso?.refreshIntervalMs ?? goDurationMs,
    };
    this.crossplane = new WorkQueue(
      (key) => this.reconcileManaged(key),
      options.crossplane?.retryMs ?? 50,
      (key, message) => this.log('crossplane', key, `error: ${message}`),
    );
    this.eso = new WorkQueue(
      (key) => this.reconcileExternalSecret(key),
      options.eso?.retryMs ?? 50,
      (key, message) => this.log('eso', key, `error: ${message}`),
    );
  }

  /**
   * One GitOps sync with pruning: `objects` become the desired state. New and changed objects are stored and their
   * controllers notified; objects of the previous sync that are missing are deleted (a managed resource stays
   * until Crossplane has deleted what it manages).
   */
  public apply(objects: readonly Obj[]): void {
    const next = new Map(objects.map((o) => [keyOf(o), structuredClone(o)]));
    for (const [key, applied] of this.objects) {
      if (next.has(key) || applied.deleting) continue;
      applied.deleting = true;
      this.log('gitops', key, 'pruned');
      this.notify(applied.obj, key);
    }
    for (const [key, obj] of next) {
      const current = this.objects.get(key);
      if (current && !current.deleting && JSON.stringify(current.obj) === JSON.stringify(obj)) continue;
      this.objects.set(key, { obj, deleting: false });
      this.log('gitops', key, current ? 'changed' : 'created');
      this.notify(obj, key);
    }
  }

  /** Waits until no controller has work due for a change or a retry; throws after `timeoutMs` with the errors. */
  public async settle(timeoutMs = 120_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.crossplane.busy() || this.eso.busy()) {
      if (Date.now() > deadline) {
        const errors = [...this.crossplane.errors, ...this.eso.errors].map(([k, m]) => `${k}: ${m}`);
        throw new Error(`SimCluster did not settle within ${timeoutMs} ms; errors: ${errors.join('; ') || 'none'}`);
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** Waits until `condition` holds (checked every 10 ms); throws after `timeoutMs`. */
  public async waitFor(what: string, condition: () => boolean, timeoutMs = 120_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error(`SimCluster: ${what} did not happen within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** The last error of an object's controller (`Kind/namespace/name`), if its last reconcile failed. */
  public errorOf(key: string): string | undefined {
    return this.crossplane.errors.get(key) ?? this.eso.errors.get(key);
  }

  /** The `.dockerconfigjson` of Secret `namespace/name` as kubelet would read it now; undefined when absent. */
  public dockerConfig(namespace: string, name: string): string | undefined {
    return this.secrets.get(`${namespace}/${name}`)?.data['.dockerconfigjson'];
  }

  /** True while an object of that key is applied (a managed resource being deleted counts until it is gone). */
  public has(key: string): boolean {
    return this.objects.has(key);
  }

  /** Stops every controller (pending reconciles are dropped). */
  public stop(): void {
    this.crossplane.stop();
    this.eso.stop();
  }

  private notify(obj: Obj, key: string): void {
    if (CROSSPLANE_KINDS.has(obj.kind)) this.crossplane.add(key, this.timing.crossplaneReactionMs, 'change');
    else if (obj.kind === 'ExternalSecret') this.eso.add(key, this.timing.esoReactionMs, 'change');
    else if (this.objects.get(key)?.deleting) this.objects.delete(key);
  }

  private log(controller: SimEvent['controller'], object: string, action: string): void {
    this.events.push({ at: Date.now(), controller, object, action });
  }

  // ------------------------------------------------------------------------------------------ Crossplane

  /** One reconcile of a managed resource; returns when to observe it again (the poll), undefined when gone. */
  private async reconcileManaged(key: string): Promise<number | undefined> {
    const applied = this.objects.get(key);
    if (!applied) return undefined;
    const state = this.managed.get(key) ?? {};
    this.managed.set(key, state);
    const { obj } = applied;
    const f = obj.spec.forProvider;
    switch (obj.kind) {
      case 'Project':
        if (applied.deleting) {
          if (state.external !== undefined) await this.harbor.deleteProject(String(state.external));
          this.forget(key, 'crossplane', `DELETE /projects/${String(state.external)}`);
          return undefined;
        }
        if (state.external === undefined) {
          await this.harbor.createProject({
            name: f.name,
            public: f.public,
            autoScan: f.vulnerabilityScanning,
            preventVul: f.deploymentSecurity !== undefined,
          });
          state.external = f.name as string;
          this.log('crossplane', key, `POST /projects -> ${f.name}`);
        }
        return this.timing.pollMs;
      case 'MemberUser':
      case 'MemberGroup':
        if (applied.deleting) {
          if (state.external !== undefined) await this.harbor.removeMember(state.project!, Number(state.external));
          this.forget(key, 'crossplane', 'DELETE member');
          return undefined;
        }
        if (state.external === undefined) {
          const project = this.managed.get(`Project//${f.projectIdRef.name}`)?.external;
          if (project === undefined)
            throw new Error(`cannot resolve references: Project ${f.projectIdRef.name} has no external name yet`);
          const entity =
            obj.kind === 'MemberUser'
              ? { kind: 'user' as const, name: f.userName as string }
              : { kind: 'group' as const, name: f.groupName as string };
          const { id } = await this.harbor.addMember(String(project), entity, roleOf(f.role));
          state.external = id;
          state.project = String(project);
          this.log('crossplane', key, `POST /projects/${String(project)}/members -> ${id}`);
        }
        return this.timing.pollMs;
      case 'RobotAccount':
        return this.reconcileRobot(key, applied, state);
      default:
        return undefined;
    }
  }

  private async reconcileRobot(key: string, applied: Applied, state: ManagedState): Promise<number | undefined> {
    const { obj } = applied;
    const f = obj.spec.forProvider;
    const ref = obj.spec.writeConnectionSecretToRef as { name: string; namespace: string };
    const connection = `${ref.namespace}/${ref.name}`;
    if (applied.deleting) {
      if (state.external !== undefined) await this.harbor.deleteRobot(Number(state.external));
      this.secrets.delete(connection);
      this.forget(
        key,
        'crossplane',
        `DELETE /robots/${String(state.external)}; connection Secret ${connection} deleted`,
      );
      return undefined;
    }
    const chosen = this.chosenSecret(f);
    const permissions = f.permissions as RobotPermission[];
    const existing = state.external === undefined ? undefined : await this.harbor.getRobot(Number(state.external));
    if (!existing) {
      // Create (again, if the robot vanished from Harbor).
      const created = await this.harbor.createRobot({
        name: f.name,
        description: f.description ?? '',
        duration: f.duration ?? -1,
        level: f.level,
        permissions,
      });
      if (chosen !== undefined) await this.harbor.setRobotSecret(created.id, chosen);
      state.external = created.id;
      state.secret = chosen ?? created.secret;
      this.secrets.set(connection, {
        type: 'connection.crossplane.io/v1alpha1',
        data: { 'attribute.secret': state.secret },
      });
      this.log('crossplane', key, `POST /robots -> ${created.name}; wrote ${connection}`);
      return this.timing.pollMs;
    }
    // Observe: the Terraform state as Read leaves it, compared with the spec.
    const namespace = existing.permissions[0]?.namespace ?? '';
    const shortName = existing.name.split(`${namespace}+`)[1] ?? existing.name;
    if (shortName !== f.name || existing.level !== f.level) {
      throw new Error(
        `plan: ${shortName !== f.name ? `name "${shortName}" -> "${f.name}"` : `level "${existing.level}" -> "${f.level}"`} ` +
          'forces replacement, and Instance cannot be destroyed: Resource harbor_robot_account has lifecycle.prevent_destroy set',
      );
    }
    const drift =
      (f.description ?? '') !== existing.description ||
      (f.duration ?? -1) !== existing.duration ||
      (f.disable ?? false) !== existing.disabled ||
      !samePermissions(permissions, existing.permissions);
    const secretChanged = chosen !== undefined && chosen !== state.secret;
    if (drift || secretChanged) {
      await this.harbor.updateRobot(existing.id, {
        name: existing.name,
        description: f.description ?? '',
        duration: f.duration ?? -1,
        level: 'project',
        disable: f.disable ?? false,
        permissions,
      });
      let action = `PUT /robots/${existing.id} (duration ${f.duration ?? -1})`;
      if (secretChanged) {
        await this.harbor.setRobotSecret(existing.id, chosen);
        state.secret = chosen;
        action += `; PATCH /robots/${existing.id}`;
      }
      // Upjet's Update returns no connection details: the connection Secret follows at the next observe.
      this.log('crossplane', key, action);
      return this.timing.pollMs;
    }
    const current = this.secrets.get(connection)?.data['attribute.secret'];
    if (current !== state.secret) {
      this.secrets.set(connection, {
        type: 'connection.crossplane.io/v1alpha1',
        data: { 'attribute.secret': state.secret! },
      });
      this.log('crossplane', key, `wrote ${connection}`);
    }
    return this.timing.pollMs;
  }

  /** The value behind a RobotAccount's `secretSecretRef`, read now; undefined without one. */
  private chosenSecret(forProvider: any): string | undefined {
    const ref = forProvider.secretSecretRef as { name: string; namespace: string; key: string } | undefined;
    if (!ref) return undefined;
    const value = this.secrets.get(`${ref.namespace}/${ref.name}`)?.data[ref.key];
    if (value === undefined)
      throw new Error(`cannot get sensitive parameters: ${ref.namespace}/${ref.name} key ${ref.key}`);
    return value;
  }

  private forget(key: string, controller: SimEvent['controller'], action: string): void {
    this.objects.delete(key);
    this.managed.delete(key);
    this.log(controller, key, action);
  }

  // ------------------------------------------------------------------------------------------ External Secrets

  /** One sync of an ExternalSecret; resolves with when to refresh it again. */
  private reconcileExternalSecret(key: string): Promise<number | undefined> {
    return Promise.resolve().then(() => this.syncExternalSecret(key));
  }

  private syncExternalSecret(key: string): number | undefined {
    const applied = this.objects.get(key);
    if (!applied) return undefined;
    const o = applied.obj;
    const target = `${o.metadata.namespace}/${o.spec.target.name}`;
    if (applied.deleting) {
      this.secrets.delete(target);
      this.forget(key, 'eso', `deleted ${target} (owner gone)`);
      return undefined;
    }
    const remoteNamespace = this.storeNamespace(o.spec.secretStoreRef.name);
    const fetched: Record<string, string> = {};
    for (const d of o.spec.data) {
      const source = this.secrets.get(`${remoteNamespace}/${d.remoteRef.key}`);
      if (!source)
        throw new Error(`could not get secret data from provider: ${remoteNamespace}/${d.remoteRef.key} not found`);
      const value = source.data[d.remoteRef.property];
      if (value === undefined)
        throw new Error(`could not get secret data from provider: key ${d.remoteRef.property} missing`);
      fetched[d.secretKey] = value;
    }
    const t = o.spec.target.template;
    const data: Record<string, string> = {};
    for (const [k, v] of Object.entries<string>(t.data)) data[k] = renderGoTemplate(v, fetched);
    const before = this.secrets.get(target);
    if (!before || JSON.stringify(before.data) !== JSON.stringify(data) || before.type !== t.type) {
      this.secrets.set(target, { type: t.type, data });
      this.log('eso', key, `wrote ${target}`);
    }
    const interval = this.timing.refreshIntervalMs(o.spec.refreshInterval ?? '1h');
    return interval > 0 ? interval : undefined;
  }

  private storeNamespace(storeName: string): string {
    const store = this.objects.get(`ClusterSecretStore//${storeName}`)?.obj;
    return (
      (store?.spec?.provider?.kubernetes?.remoteNamespace as string | undefined) ??
      this.options.storeNamespaces?.[storeName] ??
      'harbor-robots'
    );
  }
}

function roleOf(tf: string): HarborRoleName {
  const found = (Object.keys(TERRAFORM_ROLE_NAMES) as HarborRoleName[]).find((r) => TERRAFORM_ROLE_NAMES[r] === tf);
  if (!found) throw new Error(`provider-harbor does not know role "${tf}"`);
  return found;
}
