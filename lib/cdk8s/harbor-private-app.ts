import { ApiObject, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import {
  HarborPrivateAppError,
  HarborPrivateAppOptions,
  ResolvedHarborPrivateApp,
  WorkloadImage,
  checkObjectName,
  checkWorkloadImages,
  checkWorkloadNamespace,
  dockerConfigJson,
  resolveHarborPrivateApp,
  workloadSelectorValue,
} from '../core';
import { ChartChecks } from './chart-checks';
import { CrossplaneDelivery } from './crossplane-delivery';
import { pullSecretExternalSecret } from './external-secrets';
import { IHarborDelivery, NameClaim } from './harbor-delivery';

/** The workload HarborPrivateApp creates: a cdk8s-plus Deployment, given the pull Secret. */
export interface HarborWorkloadProps extends Omit<kplus.DeploymentProps, 'dockerRegistryAuth'> {
  /** Name and namespace of the Deployment; the namespace defaults to the app's first namespace. */
  readonly metadata?: kplus.DeploymentProps['metadata'];
  /**
   * How the Deployment selects its pods. Unset: cdk8s-plus' address label (`cdk8s.io/metadata.addr`) with a value
   * from the Deployment's own name, on the pods and in the selector, so that renaming the app or moving the construct
   * never changes the selector (Kubernetes cannot change one in place). `true`: cdk8s-plus' own value, derived from
   * the construct's path (the selector of versions up to 0.1). `false`: none; add yours with `workload.select(...)`.
   * @default - a label from the Deployment's name
   */
  readonly select?: boolean;
}

/** Props of the cdk8s HarborPrivateApp. */
export interface HarborPrivateAppProps extends HarborPrivateAppOptions {
  /**
   * A Deployment to create, whose pods use the pull Secret.
   * @default - none; wire your own workloads with `addWorkload()`
   */
  readonly workload?: HarborWorkloadProps;
  /**
   * The Crossplane provider-harbor `ProviderConfig` the Harbor resources use.
   * @default 'default'
   */
  readonly providerConfigName?: string;
  /**
   * How the Harbor objects and the robot's credentials reach Harbor and the cluster. Engines other than the YAML one
   * pass their own (the Pulumi engine does).
   * @default - `new CrossplaneDelivery({ providerConfigName })`: Crossplane provider-harbor resources and External
   * Secrets
   */
  readonly delivery?: IHarborDelivery;
}

/** A workload HarborPrivateApp can wire: anything with a cdk8s-plus pod spec. */
export type PodWorkload = kplus.AbstractPod;

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
  /** The pull Secret, as cdk8s-plus sees it (for `dockerRegistryAuth` of your own workloads). */
  public readonly pullSecret: kplus.ISecret;
  /** The Deployment, when `workload` was given. */
  public readonly workload?: kplus.Deployment;
  /** The Crossplane `Project`, unless the project is adopted. */
  public readonly project?: ApiObject;
  /** The Crossplane `RobotAccount`, with the default credentials (with rotation: the one the pull Secret uses). */
  public readonly robot?: ApiObject;
  /** The Kubernetes objects that provide the pull Secret, one per namespace (ExternalSecret or Secret). */
  public readonly pullSecretObjects: readonly ApiObject[];

  private readonly workloads: PodWorkload[] = [];
  /** Containers whose image has been checked (see validateWorkloads). */
  private readonly checkedContainers = new WeakSet<kplus.Container>();

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
    const delivery = props.delivery ?? new CrossplaneDelivery({ providerConfigName });

    // Validate the workload before anything is emitted.
    let workloadNamespace: string | undefined;
    if (props.workload) {
      workloadNamespace = checkWorkloadNamespace(
        config,
        'workload.metadata.namespace',
        props.workload.metadata?.namespace,
      );
      checkWorkloadImages(config, [
        ...(props.workload.containers ?? []).map((c, i) => ({
          field: `workload.containers[${i}].image`,
          image: c.image,
        })),
        ...(props.workload.initContainers ?? []).map((c, i) => ({
          field: `workload.initContainers[${i}].image`,
          image: c.image,
        })),
      ]);
    }
    this.claimNames(config, delivery.claims(config));

    // Harbor objects (for the YAML engine, Crossplane provider-harbor resources).
    const harborObjects = delivery.emitHarborObjects(this, config);
    this.project = harborObjects.project;
    this.robot = harborObjects.robot;

    // The pull Secret in each namespace.
    this.pullSecretObjects = config.namespaces
      .map((ns) => this.emitPullSecret(config, ns, delivery))
      .filter((o): o is ApiObject => o !== undefined);
    this.pullSecret = kplus.Secret.fromSecretName(this, 'PullSecretRef', config.pullSecretName);
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
        new kplus.k8s.KubeServiceAccount(this, `ServiceAccount-${ns}-${sa}`, {
          metadata: { name: sa, namespace: ns },
          imagePullSecrets: [{ name: config.pullSecretName }],
        });
      }
    }

    // The workload. Its pods are selected by a label from the Deployment's own name (cdk8s-plus' address label, with
    // a value that does not depend on this construct's path): renaming the app or moving the construct never changes
    // the selector, which Kubernetes cannot change in place. `select: true` keeps cdk8s-plus' own, path-derived one.
    if (props.workload) {
      const stableSelector = props.workload.select === undefined;
      this.workload = new kplus.Deployment(this, 'Workload', {
        ...props.workload,
        ...(stableSelector ? { select: false } : {}),
        metadata: { ...props.workload.metadata, namespace: workloadNamespace },
        dockerRegistryAuth: this.pullSecret,
      });
      if (stableSelector) {
        const value = workloadSelectorValue(this.workload.name);
        this.workload.podMetadata.addLabel(kplus.Pod.ADDRESS_LABEL, value);
        this.workload.select(kplus.LabelSelector.of({ labels: { [kplus.Pod.ADDRESS_LABEL]: value } }));
      }
      this.workloads.push(this.workload);
      this.markChecked(this.workload);
    }

    // Containers added after construction are checked when the app synthesizes.
    this.node.addValidation({ validate: () => this.validateWorkloads() });
  }

  /**
   * Wires a workload you built with cdk8s-plus (Deployment, StatefulSet, DaemonSet, Job, Pod...): it gets
   * the pull Secret as its `imagePullSecrets`, and its images and namespace are checked now and again at
   * synthesis.
   * @throws HarborPrivateAppError when an image is not in this app's registry/project, the workload's
   * namespace gets no pull Secret, or it already uses another pull Secret.
   */
  public addWorkload(workload: PodWorkload): void {
    const field = `addWorkload(${workload.node.path})`;
    checkWorkloadNamespace(this.config, `${field}.metadata.namespace`, workload.metadata.namespace);
    checkWorkloadImages(this.config, imagesOf(workload, field));
    const existing = workload.dockerRegistryAuth;
    if (existing && existing.name !== this.pullSecretName) {
      throw new HarborPrivateAppError({
        scope: this.scopeName,
        field: `${field}.dockerRegistryAuth`,
        value: existing.name,
        problem: `already uses pull Secret "${existing.name}", and a cdk8s-plus pod takes one`,
        fix: `drop its dockerRegistryAuth, or give it this app's pull Secret "${this.pullSecretName}"`,
      });
    }
    if (!existing) {
      // cdk8s-plus reads dockerRegistryAuth when it renders the pod spec, so setting it now is enough.
      Object.defineProperty(workload, 'dockerRegistryAuth', { value: this.pullSecret, enumerable: true });
    }
    if (!this.workloads.includes(workload)) this.workloads.push(workload);
    this.markChecked(workload);
  }

  private markChecked(workload: PodWorkload): void {
    for (const c of [...workload.containers, ...workload.initContainers]) this.checkedContainers.add(c);
  }

  private get scopeName(): string {
    return `HarborPrivateApp ${JSON.stringify(this.node.id)}`;
  }

  /**
   * Checks the images of containers added since the workload was wired. Images and namespaces of cdk8s-plus
   * objects are fixed once made, so each container is checked once, however often cdk8s validates (with one
   * chart per app, it validates the whole app once per chart).
   */
  private validateWorkloads(): string[] {
    const errors: string[] = [];
    for (const w of this.workloads) {
      const fresh = [...w.containers, ...w.initContainers].filter((c) => !this.checkedContainers.has(c));
      if (fresh.length === 0) continue;
      try {
        checkWorkloadImages(this.config, imagesOf(w, w === this.workload ? 'workload' : `addWorkload(${w.node.path})`));
        fresh.forEach((c) => this.checkedContainers.add(c));
      } catch (e) {
        errors.push((e as Error).message);
      }
    }
    return errors;
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

  private emitPullSecret(
    config: ResolvedHarborPrivateApp,
    namespace: string,
    delivery: IHarborDelivery,
  ): ApiObject | undefined {
    const creds = config.credentials;
    const id = `PullSecret-${namespace}`;
    const metadata = { name: config.pullSecretName, namespace };
    switch (creds.kind) {
      case 'existingSecret':
        return undefined;
      case 'literal': {
        const json = dockerConfigJson(
          config.registryHost,
          creds.literal!.username,
          creds.literal!.password.unsafeUnwrap(),
        );
        return new kplus.k8s.KubeSecret(this, id, {
          metadata,
          type: 'kubernetes.io/dockerconfigjson',
          data: { '.dockerconfigjson': Buffer.from(json, 'utf8').toString('base64') },
        });
      }
      case 'robot':
        return delivery.emitRobotPullSecret(this, id, config, namespace);
      case 'externalStore': {
        const ext = creds.externalStore!;
        return pullSecretExternalSecret(this, id, {
          name: config.pullSecretName,
          namespace,
          registryHost: config.registryHost,
          store: ext.store,
          refreshInterval: ext.refreshInterval ?? '1h',
          username: { variable: 'username' },
          data: [
            { secretKey: 'username', remoteRef: { key: ext.key, property: ext.usernameProperty ?? 'username' } },
            { secretKey: 'password', remoteRef: { key: ext.key, property: ext.passwordProperty ?? 'password' } },
          ],
        });
      }
    }
  }
}

function imagesOf(workload: PodWorkload, field: string): WorkloadImage[] {
  return [
    ...workload.containers.map((c, i) => ({ field: `${field}.containers[${i}].image`, image: c.image })),
    ...workload.initContainers.map((c, i) => ({ field: `${field}.initContainers[${i}].image`, image: c.image })),
  ];
}
