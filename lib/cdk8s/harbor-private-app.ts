import { ApiObject, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import {
  HarborPrivateAppError,
  HarborPrivateAppOptions,
  ResolvedHarborPrivateApp,
  TERRAFORM_ROLE_NAMES,
  WorkloadImage,
  checkObjectName,
  checkWorkloadImages,
  checkWorkloadNamespace,
  connectionSecretName,
  dockerConfigJson,
  dockerConfigJsonTemplate,
  kubernetesNameFor,
  resolveHarborPrivateApp,
} from '../core';
import {
  MemberGroupForProvider,
  MemberUserForProvider,
  PROJECT_API_VERSION,
  ProjectForProvider,
  ROBOT_API_VERSION,
  RobotAccountForProvider,
  managedResource,
} from './crossplane';
import { ChartChecks } from './chart-checks';
import { ExternalSecretSpec, clusterSecretStore, externalSecret } from './external-secrets';

/**
 * Marks props rendered for the Pulumi engine: no Crossplane or External Secrets objects, and for the
 * robot credentials a `kubernetes.io/dockerconfigjson` Secret without data, which the Pulumi engine fills
 * from Harbor's create response. Not part of the public API.
 * @internal
 */
export const RENDER_FOR_PULUMI: unique symbol = Symbol.for('harbor-private-app.render-for-pulumi') as never;

/** The workload HarborPrivateApp creates: a cdk8s-plus Deployment, given the pull Secret. */
export interface HarborWorkloadProps extends Omit<kplus.DeploymentProps, 'dockerRegistryAuth'> {
  /** Name and namespace of the Deployment; the namespace defaults to the app's first namespace. */
  readonly metadata?: kplus.DeploymentProps['metadata'];
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
  /** @internal */
  readonly [RENDER_FOR_PULUMI]?: boolean;
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
  /** The Crossplane `RobotAccount`, with the default credentials. */
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
    const forPulumi = props[RENDER_FOR_PULUMI] === true;

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
    const names = objectNames(config);
    this.claimNames(config, names, forPulumi);

    // Harbor objects, as Crossplane provider-harbor resources.
    const projectResourceName = names.project;
    if (!forPulumi) {
      const common = { providerConfigRef: { name: providerConfigName } };
      if (!config.project.adopt) {
        const forProvider: ProjectForProvider = {
          name: config.project.name,
          public: config.project.public,
          vulnerabilityScanning: config.project.autoScan,
          storageQuota: config.project.storageQuotaGb === -1 ? undefined : config.project.storageQuotaGb,
          deploymentSecurity: config.project.preventVulnerableImages ? 'high' : undefined,
          forceDestroy: config.project.forceDestroy,
        };
        this.project = managedResource(this, 'Project', PROJECT_API_VERSION, 'Project', projectResourceName, {
          ...common,
          forProvider,
        });
      }
      config.members.forEach((m, i) => {
        const name = names.members[i];
        if (m.kind === 'user') {
          const forProvider: MemberUserForProvider = {
            projectIdRef: { name: projectResourceName },
            userName: m.name,
            role: TERRAFORM_ROLE_NAMES[m.role],
          };
          managedResource(this, `Member${i}`, PROJECT_API_VERSION, 'MemberUser', name, { ...common, forProvider });
        } else {
          const forProvider: MemberGroupForProvider = {
            projectIdRef: { name: projectResourceName },
            groupName: m.name,
            type: m.groupType!,
            role: TERRAFORM_ROLE_NAMES[m.role],
            ldapGroupDn: m.ldapGroupDn,
          };
          managedResource(this, `Member${i}`, PROJECT_API_VERSION, 'MemberGroup', name, { ...common, forProvider });
        }
      });
      if (config.robot && config.robotStore) {
        const r = config.robot;
        const forProvider: RobotAccountForProvider = {
          name: r.name,
          description: r.description,
          level: 'project',
          duration: r.durationDays,
          permissions: [
            {
              kind: 'project',
              namespace: r.permission.namespace,
              access: r.permission.access.map((a) => ({ action: a.action, resource: a.resource })),
            },
          ],
        };
        this.robot = managedResource(this, 'Robot', ROBOT_API_VERSION, 'RobotAccount', names.robot!, {
          ...common,
          forProvider,
          writeConnectionSecretToRef: {
            name: names.connectionSecret!,
            namespace: config.robotStore.connectionSecretNamespace,
          },
        });
        if (config.robotStore.emitStore) this.emitStore(config);
      }
    }

    // The pull Secret in each namespace.
    this.pullSecretObjects = config.namespaces
      .map((ns) => this.emitPullSecret(config, ns, forPulumi))
      .filter((o): o is ApiObject => o !== undefined);
    this.pullSecret = kplus.Secret.fromSecretName(this, 'PullSecretRef', config.pullSecretName);
    // Checked once per chart at synthesis: objects of the user's that make the same Secret, stores that do not serve.
    ChartChecks.of(Chart.of(this)).add({
      scope: this.scopeName,
      path: this.node.path,
      pullSecret:
        config.credentials.kind === 'existingSecret'
          ? undefined
          : { name: config.pullSecretName, namespaces: config.namespaces },
      pullSecretObjects: this.pullSecretObjects,
      robotStore:
        config.robotStore && !forPulumi
          ? {
              kind: config.robotStore.store.kind,
              name: config.robotStore.store.name,
              emitted: config.robotStore.emitStore,
              namespaces: config.namespaces,
              connectionSecretNamespace: config.robotStore.connectionSecretNamespace,
            }
          : undefined,
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

    // The workload.
    if (props.workload) {
      this.workload = new kplus.Deployment(this, 'Workload', {
        ...props.workload,
        metadata: { ...props.workload.metadata, namespace: workloadNamespace },
        dockerRegistryAuth: this.pullSecret,
      });
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
   * the same kind, namespace and name (kubectl apply would keep only the last).
   */
  private claimNames(config: ResolvedHarborPrivateApp, names: ObjectNames, forPulumi: boolean): void {
    const chart = Chart.of(this);
    let registry = REGISTRIES.get(chart);
    if (!registry) {
      registry = { taken: new Map() };
      REGISTRIES.set(chart, registry);
    }
    // [key, field, value, fix]
    const claims: Array<[string, string, string, string]> = [];
    const adoptFix = 'declare the project in one app and set project.adopt: true in the others';
    if (!config.project.adopt) {
      claims.push([`harbor-project:${config.project.name}`, 'project.name', config.project.name, adoptFix]);
      if (!forPulumi)
        claims.push([
          `Project/${names.project}`,
          'project.name',
          config.project.name,
          `rename the project: its Kubernetes name "${names.project}" is taken`,
        ]);
    }
    if (config.robot) {
      claims.push([
        `harbor-robot:${config.robot.fullName}`,
        'robot.name',
        config.robot.name,
        'give each app in this project its own robot name',
      ]);
      if (!forPulumi) {
        claims.push([
          `RobotAccount/${names.robot}`,
          'robot.name',
          config.robot.name,
          `rename the robot: its Kubernetes name "${names.robot}" is taken`,
        ]);
        claims.push([
          `Secret/${config.robotStore!.connectionSecretNamespace}/${names.connectionSecret}`,
          'robot.name',
          config.robot.name,
          `rename the robot: its connection Secret "${names.connectionSecret}" is taken`,
        ]);
        if (config.robotStore!.emitStore) {
          claims.push([
            `ClusterSecretStore/${config.robotStore!.store.name}`,
            'credentials.store.name',
            config.robotStore!.store.name,
            'emit each store from one app only (emitStore: true), or name another store',
          ]);
          claims.push([
            `Namespace/${config.robotStore!.connectionSecretNamespace}`,
            'credentials.connectionSecretNamespace',
            config.robotStore!.connectionSecretNamespace,
            'give each emitted store its own connection Secret namespace',
          ]);
        }
      }
    }
    if (!forPulumi) {
      config.members.forEach((m, i) =>
        claims.push([
          `Member/${names.members[i]}`,
          `members[${i}].name`,
          m.name,
          'declare each project member in one app only',
        ]),
      );
    }
    if (config.credentials.kind !== 'existingSecret') {
      for (const ns of config.namespaces) {
        claims.push([
          `Secret/${ns}/${config.pullSecretName}`,
          'pullSecretName',
          config.pullSecretName,
          `pick another pullSecretName for namespace "${ns}", or share the Secret with PullCredentials.fromExistingSecret()`,
        ]);
      }
    }
    for (const ns of config.namespaces) {
      for (const sa of config.serviceAccounts) {
        claims.push([
          `ServiceAccount/${ns}/${sa}`,
          'serviceAccounts',
          sa,
          `list ServiceAccount "${sa}" of namespace "${ns}" in one app only`,
        ]);
      }
    }
    for (const [key, field, value, fix] of claims) {
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
    for (const [key] of claims) registry.taken.set(key, `HarborPrivateApp "${this.node.path}"`);
  }

  private emitPullSecret(
    config: ResolvedHarborPrivateApp,
    namespace: string,
    forPulumi: boolean,
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
      case 'robot': {
        if (forPulumi) {
          // The Pulumi engine fills `data` from Harbor's create response.
          return new kplus.k8s.KubeSecret(this, id, { metadata, type: 'kubernetes.io/dockerconfigjson' });
        }
        const store = config.robotStore!;
        const spec: ExternalSecretSpec = {
          refreshInterval: store.refreshInterval,
          secretStoreRef: { kind: store.store.kind, name: store.store.name },
          target: {
            name: config.pullSecretName,
            creationPolicy: 'Owner',
            template: {
              type: 'kubernetes.io/dockerconfigjson',
              engineVersion: 'v2',
              data: {
                '.dockerconfigjson': dockerConfigJsonTemplate(
                  config.registryHost,
                  { literal: config.robot!.fullName },
                  { variable: 'password' },
                ),
              },
            },
          },
          data: [
            {
              secretKey: 'password',
              remoteRef: {
                key: connectionSecretName(config.project.name, config.robot!.name),
                property: 'attribute.secret',
              },
            },
          ],
        };
        return externalSecret(this, id, config.pullSecretName, namespace, spec);
      }
      case 'externalStore': {
        const ext = creds.externalStore!;
        const spec: ExternalSecretSpec = {
          refreshInterval: ext.refreshInterval ?? '1h',
          secretStoreRef: { kind: ext.store.kind, name: ext.store.name },
          target: {
            name: config.pullSecretName,
            creationPolicy: 'Owner',
            template: {
              type: 'kubernetes.io/dockerconfigjson',
              engineVersion: 'v2',
              data: {
                '.dockerconfigjson': dockerConfigJsonTemplate(
                  config.registryHost,
                  { variable: 'username' },
                  { variable: 'password' },
                ),
              },
            },
          },
          data: [
            { secretKey: 'username', remoteRef: { key: ext.key, property: ext.usernameProperty ?? 'username' } },
            { secretKey: 'password', remoteRef: { key: ext.key, property: ext.passwordProperty ?? 'password' } },
          ],
        };
        return externalSecret(this, id, config.pullSecretName, namespace, spec);
      }
    }
  }

  /** The ClusterSecretStore reading connection Secrets, with its ServiceAccount and RBAC. */
  private emitStore(config: ResolvedHarborPrivateApp): void {
    const store = config.robotStore!;
    const ns = store.connectionSecretNamespace;
    const reader = `${store.store.name}-reader`;
    new kplus.k8s.KubeNamespace(this, 'StoreNamespace', { metadata: { name: ns } });
    new kplus.k8s.KubeServiceAccount(this, 'StoreServiceAccount', { metadata: { name: reader, namespace: ns } });
    new kplus.k8s.KubeRole(this, 'StoreRole', {
      metadata: { name: reader, namespace: ns },
      rules: [
        { apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list', 'watch'] },
        { apiGroups: ['authorization.k8s.io'], resources: ['selfsubjectrulesreviews'], verbs: ['create'] },
      ],
    });
    new kplus.k8s.KubeRoleBinding(this, 'StoreRoleBinding', {
      metadata: { name: reader, namespace: ns },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: reader },
      subjects: [{ kind: 'ServiceAccount', name: reader, namespace: ns }],
    });
    clusterSecretStore(this, 'Store', store.store.name, {
      conditions: [{ namespaces: [...config.namespaces] }],
      provider: {
        kubernetes: {
          remoteNamespace: ns,
          server: { caProvider: { type: 'ConfigMap', name: 'kube-root-ca.crt', key: 'ca.crt', namespace: ns } },
          auth: { serviceAccount: { name: reader, namespace: ns } },
        },
      },
    });
  }
}

/** The names of the objects an app emits, derived once from the Harbor names. */
interface ObjectNames {
  readonly project: string;
  readonly members: readonly string[];
  readonly robot?: string;
  readonly connectionSecret?: string;
}

function objectNames(config: ResolvedHarborPrivateApp): ObjectNames {
  const project = kubernetesNameFor(config.project.name);
  return {
    project,
    members: config.members.map((m) => `${project}-${m.kind}-${kubernetesNameFor(m.name, 180)}`),
    robot: config.robot && `${project}-${kubernetesNameFor(config.robot.name, 180)}`,
    connectionSecret: config.robot && connectionSecretName(config.project.name, config.robot.name),
  };
}

function imagesOf(workload: PodWorkload, field: string): WorkloadImage[] {
  return [
    ...workload.containers.map((c, i) => ({ field: `${field}.containers[${i}].image`, image: c.image })),
    ...workload.initContainers.map((c, i) => ({ field: `${field}.initContainers[${i}].image`, image: c.image })),
  ];
}
