import { ApiObject, Chart } from 'cdk8s';
import type * as kplus from 'cdk8s-plus-27';
import { Construct, IConstruct } from 'constructs';
import {
  HarborPrivateAppError,
  ResolvedHarborPrivateApp,
  checkObjectName,
  checkWorkloadImages,
  checkWorkloadNamespace,
  isOnRegistryHost,
  parseImageReference,
  resolveHarborPrivateApp,
} from '../core';
import { POD_BEARING_KINDS } from '../core/workloads';
import { RenderHooks, pullSecretManifest, serviceAccountManifest } from '../render/app-objects';
import type { KubernetesManifest } from '../render/manifest';
import { writtenPodProblems } from '../render/pod-wiring';
import { checkWorkload, declareWorkload } from '../render/workload';
import { ChartChecks } from './chart-checks';
import { CrossplaneDelivery } from './crossplane-delivery';
import { NameClaim } from './harbor-delivery';
import { HarborPrivateAppProps } from './props';
import {
  PodObject,
  PodObjectState,
  addImagePullSecret,
  addNamespace,
  podObjectOf,
  podObjectState,
  podObjectsIn,
} from './workloads';

/**
 * What `addWorkload()` wires: a cdk8s-plus pod or workload of any cdk8s-plus-NN; an `ApiObject` of a kind that runs
 * pods (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob), such as a generated
 * `KubeDeployment`; or a construct holding such objects (an `Include` of existing YAML, a construct of yours).
 */
export type PodWorkload = IConstruct;

/** The kinds `addWorkload()` wires, for messages. */
const POD_KINDS_TEXT = Object.keys(POD_BEARING_KINDS).join(', ');

interface ChartRegistry {
  readonly taken: Map<string, string>;
}
const REGISTRIES = new WeakMap<Chart, ChartRegistry>();

/**
 * A private Harbor project, a member with a role, a pull-only robot account, a
 * `kubernetes.io/dockerconfigjson` Secret in each target namespace built from the robot's credentials,
 * and workloads that use it in `imagePullSecrets`: the whole of "pull from a private Harbor" as one construct.
 *
 * Harbor objects are Crossplane provider-harbor resources; the robot's secret reaches each namespace
 * through an External Secrets `ExternalSecret`, so the YAML holds no credential. It is a Construct, not a
 * Chart: put thousands in one chart.
 */
export class HarborPrivateApp extends Construct {
  /** Every prop with its default applied. */
  public readonly config: ResolvedHarborPrivateApp;
  /** The name of the pull Secret in every target namespace. */
  public readonly pullSecretName: string;
  /** The Deployment, when `workload` was given. */
  public readonly workload?: kplus.Deployment;
  /** The Crossplane `Project`, unless the project is adopted. */
  public readonly project?: ApiObject;
  /** The Crossplane `RobotAccount`, with the default credentials (with rotation: the one the pull Secret uses). */
  public readonly robot?: ApiObject;
  /** The Kubernetes objects that provide the pull Secret, one per namespace (ExternalSecret or Secret). */
  public readonly pullSecretObjects: readonly ApiObject[];

  /** The objects whose pods this app gave its pull Secret. */
  private readonly wired = new Set<ApiObject>();

  constructor(scope: Construct, id: string, props: HarborPrivateAppProps) {
    super(scope, id);
    const config = resolveHarborPrivateApp(id, props);
    this.config = config;
    this.pullSecretName = config.pullSecretName;
    const providerConfigName = checkObjectName(
      'providerConfigName',
      props.providerConfigName ?? 'default',
      this.scopeName,
    );
    const delivery = new CrossplaneDelivery({ providerConfigName });

    // Validate the workload before anything is emitted.
    const workload = props.workload
      ? checkWorkload(
          config,
          props.workload,
          "build the Deployment with your project's own cdk8s-plus-NN (or a KubeDeployment of its imports) and wire it with addWorkload()",
        )
      : undefined;
    this.claimNames(config, delivery.claims(config));

    // Harbor objects (Crossplane provider-harbor resources).
    const harborObjects = delivery.emitHarborObjects(this, config);
    this.project = harborObjects.project;
    this.robot = harborObjects.robot;

    // The Kubernetes objects, rendered by lib/render (as on Pulumi), each written as an ApiObject. The pull Secret in
    // each namespace: the robot's comes from the Crossplane delivery (an ExternalSecret).
    const hooks: RenderHooks = { robotPullSecret: (ns) => delivery.robotPullSecret(config, ns) };
    this.pullSecretObjects = config.namespaces.flatMap((ns) => {
      const manifest = pullSecretManifest(config, ns, hooks);
      return manifest ? [apiObjectOf(this, `PullSecret-${ns}`, manifest)] : [];
    });
    // Checked once per chart at synthesis: objects of the user's that make the same Secret, stores that do not serve.
    ChartChecks.of(Chart.of(this)).addPullSecret({
      scope: this.scopeName,
      pullSecret:
        config.credentials.kind === 'existingSecret'
          ? undefined
          : { name: config.pullSecretName, namespaces: config.namespaces },
      pullSecretObjects: this.pullSecretObjects,
    });

    // ServiceAccounts that carry the pull Secret.
    for (const ns of config.namespaces) {
      for (const sa of config.serviceAccounts) {
        apiObjectOf(this, `ServiceAccount-${ns}-${sa}`, serviceAccountManifest(config, ns, sa));
      }
    }

    // The workload (lib/render: a stable selector, the pull Secret).
    if (workload) {
      this.workload = declareWorkload(this, config, workload);
      // Its images were checked above; containers added later are checked at synthesis, as written.
      this.track(podObjectOf(this.workload)!, 'workload');
    }
  }

  /**
   * Gives a workload's pods the pull Secret: a cdk8s-plus pod or workload of any cdk8s-plus-NN (27 to 33), an
   * `ApiObject` of a kind that runs pods (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController,
   * Job, CronJob), such as your generated `KubeDeployment`, or every such object of a construct (an `Include` of
   * existing YAML, a construct of yours). The pull Secret is added to the pod spec's `imagePullSecrets` with a JSON
   * patch on the object (`ApiObject.addJsonPatch`), after any pull Secret it lists already; an object without a
   * namespace (none of its own, none from its chart) is given the app's first namespace the same way. Its images and
   * namespace are checked now, and again at synthesis on the object as it will be written (every JSON patch applied).
   * @throws HarborPrivateAppError when an image is not in this app's registry/project, the workload's namespace gets
   * no pull Secret, the object runs no pods, or the construct holds no object that does.
   */
  public addWorkload(workload: PodWorkload): void {
    const method = `addWorkload(${workload.node.path})`;
    const pod = podObjectOf(workload);
    if (pod) {
      this.wire(pod, 'addWorkload');
      return;
    }
    if (ApiObject.isApiObject(workload)) {
      throw new HarborPrivateAppError({
        scope: this.scopeName,
        field: method,
        value: `${workload.apiVersion} ${workload.kind}`,
        problem: 'runs no pods, so it has no imagePullSecrets',
        fix: `wire the objects that run its pods: a ${POD_KINDS_TEXT}`,
      });
    }
    const pods = podObjectsIn(workload);
    if (pods.length === 0) {
      throw new HarborPrivateAppError({
        scope: this.scopeName,
        field: method,
        value: workload.node.path,
        problem: `holds no object that runs pods (${POD_KINDS_TEXT}), nor any cdk8s-plus workload`,
        fix: 'pass the construct that holds the workloads, after declaring them',
      });
    }
    for (const p of pods) this.wire(p, 'addWorkload');
  }

  /**
   * Gives the pull Secret to every object in `scope` (a chart, an `Include`, any construct; itself included) whose pods
   * run an image of this app's project on its registry host (`<registryHost>/<project>/...`): cdk8s-plus workloads of
   * any cdk8s-plus-NN and `ApiObject`s of the kinds that run pods, as `addWorkload()` does, with the same checks (an
   * object that also runs an image from elsewhere fails them). Objects declared after the call are not wired: call it
   * once the chart's workloads are declared. Images of another Harbor project are left to the app of that project.
   * @returns the objects whose pods use the pull Secret (those wired before included)
   * @throws HarborPrivateAppError when no object of `scope` runs an image of the project, or as `addWorkload()`.
   */
  public addWorkloadsIn(scope: IConstruct): ApiObject[] {
    const selected: ApiObject[] = [];
    for (const pod of podObjectsIn(scope)) {
      let state: PodObjectState;
      try {
        state = podObjectState(pod, `addWorkloadsIn(${pod.construct.node.path})`);
      } catch {
        continue; // an object without a readable pod spec runs no image of this project
      }
      if (!state.images.some((i) => this.isProjectImage(i.image))) continue;
      this.wire(pod, 'addWorkloadsIn', state);
      selected.push(pod.apiObject);
    }
    if (selected.length === 0) {
      throw new HarborPrivateAppError({
        scope: this.scopeName,
        field: `addWorkloadsIn(${scope.node.path})`,
        value: `${this.config.registryHost}/${this.config.project.name}/`,
        problem: `holds no object that runs pods with an image of this project (${POD_KINDS_TEXT}, cdk8s-plus workloads)`,
        fix: 'call it once the workloads are declared (objects declared later are not wired), on the scope that holds them',
      });
    }
    return selected;
  }

  /** Checks a pod-bearing object now, gives it the pull Secret, and has it checked again at synthesis, as written. */
  private wire(pod: PodObject, method: string, known?: PodObjectState): void {
    if (this.wired.has(pod.apiObject)) return;
    const field = `${method}(${pod.construct.node.path})`;
    let state: PodObjectState;
    try {
      state = known ?? podObjectState(pod, field);
    } catch (e) {
      throw new HarborPrivateAppError({
        scope: this.scopeName,
        field,
        value: `${pod.apiObject.apiVersion} ${pod.apiObject.kind}`,
        problem: (e as Error).message,
        fix: 'give the object its pod spec before wiring it',
      });
    }
    const namespace = checkWorkloadNamespace(this.config, `${field}.metadata.namespace`, state.namespace);
    checkWorkloadImages(this.config, state.images);
    if (state.namespace === undefined) addNamespace(pod, namespace);
    addImagePullSecret(pod, state, this.pullSecretName);
    this.track(pod, field);
  }

  /** Has a wired object checked at synthesis (once per chart, see ChartChecks), as it will be written. */
  private track(pod: PodObject, field: string): void {
    this.wired.add(pod.apiObject);
    ChartChecks.of(Chart.of(this)).addWorkload({
      apiObject: pod.apiObject,
      check: (written) => writtenPodProblems(this.config, field, pod.podSpec, written),
    });
  }

  /** Whether an image is in this app's project on its registry host (a malformed one on the host counts). */
  private isProjectImage(image: string): boolean {
    const { registryHost, project } = this.config;
    try {
      const ref = parseImageReference(image);
      return isOnRegistryHost(ref.host, registryHost) && ref.path.split('/')[0] === project.name;
    } catch {
      return typeof image === 'string' && image.startsWith(`${registryHost}/`);
    }
  }

  private get scopeName(): string {
    return `HarborPrivateApp ${JSON.stringify(this.node.id)}`;
  }

  /**
   * Rejects two apps in one chart that would declare the same Harbor project or robot, or emit objects with
   * the same kind, namespace and name (kubectl apply would keep only the last). `deliveryClaims` are the names
   * the delivery's objects take.
   */
  private claimNames(config: ResolvedHarborPrivateApp, deliveryClaims: readonly NameClaim[]): void {
    const chart = Chart.of(this);
    let registry = REGISTRIES.get(chart);
    if (!registry) {
      registry = { taken: new Map() };
      REGISTRIES.set(chart, registry);
    }
    const claims: NameClaim[] = [];
    if (!config.project.adopt) {
      claims.push({
        key: `harbor-project:${config.project.name}`,
        field: 'project.name',
        value: config.project.name,
        fix: 'declare the project in one app and set project.adopt: true in the others',
      });
    }
    if (config.robot) {
      for (const fullName of config.robot.rotation?.slots.map((s) => s.fullName) ?? [config.robot.fullName]) {
        claims.push({
          key: `harbor-robot:${fullName}`,
          field: 'robot.name',
          value: config.robot.name,
          fix: 'give each app in this project its own robot name',
        });
      }
    }
    claims.push(...deliveryClaims);
    if (config.credentials.kind !== 'existingSecret') {
      for (const ns of config.namespaces) {
        claims.push({
          key: `Secret/${ns}/${config.pullSecretName}`,
          field: 'pullSecretName',
          value: config.pullSecretName,
          fix: `pick another pullSecretName for namespace "${ns}", or share the Secret with PullCredentials.fromExistingSecret()`,
        });
      }
    }
    for (const ns of config.namespaces) {
      for (const sa of config.serviceAccounts) {
        claims.push({
          key: `ServiceAccount/${ns}/${sa}`,
          field: 'serviceAccounts',
          value: sa,
          fix: `list ServiceAccount "${sa}" of namespace "${ns}" in one app only`,
        });
      }
    }
    for (const { key, field, value, fix } of claims) {
      const owner = registry.taken.get(key);
      if (owner !== undefined) {
        throw new HarborPrivateAppError({
          scope: this.scopeName,
          field,
          value,
          problem: `clashes with ${owner} in the same chart`,
          fix,
        });
      }
    }
    for (const { key } of claims) registry.taken.set(key, `HarborPrivateApp "${this.node.path}"`);
  }
}

/** Writes a rendered manifest as a cdk8s `ApiObject` of `scope`. */
function apiObjectOf(scope: Construct, id: string, manifest: KubernetesManifest): ApiObject {
  return new ApiObject(scope, id, manifest);
}
