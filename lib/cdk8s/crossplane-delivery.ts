import { ApiObject, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import {
  HarborPrivateAppError,
  ResolvedHarborPrivateApp,
  RobotSlot,
  TERRAFORM_ROLE_NAMES,
  connectionSecretName,
  kubernetesNameFor,
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
import { clusterSecretStore } from './external-secrets';
import { pullSecretExternalSecret } from '../render/external-secret';
import type { KubernetesManifest } from '../render/manifest';
import { DeliveredHarborObjects, IHarborDelivery, NameClaim } from './harbor-delivery';
import { namespaceObject, roleBindingObject, roleObject, serviceAccountObject } from './kubernetes';

/** Options of {@link CrossplaneDelivery}. */
export interface CrossplaneDeliveryOptions {
  /**
   * The Crossplane provider-harbor `ProviderConfig` the Harbor resources use.
   * @default 'default'
   */
  readonly providerConfigName?: string;
}

/**
 * The YAML engine's delivery (the default): the Harbor project, members and robot as Crossplane provider-harbor
 * managed resources; the robot's secret, which Crossplane writes to the robot's connection Secret, reaches each
 * namespace through an External Secrets `ExternalSecret` whose template renders the `kubernetes.io/dockerconfigjson`
 * pull Secret. No credential is written to the YAML.
 */
export class CrossplaneDelivery implements IHarborDelivery {
  /** The provider-harbor `ProviderConfig` name. */
  public readonly providerConfigName: string;

  constructor(options: CrossplaneDeliveryOptions = {}) {
    this.providerConfigName = options.providerConfigName ?? 'default';
  }

  public claims(config: ResolvedHarborPrivateApp): NameClaim[] {
    rejectMemberAdoption(config);
    const names = objectNames(config);
    const claims: NameClaim[] = [];
    if (!config.project.adopt) {
      claims.push({
        key: `Project/${names.project}`,
        field: 'project.name',
        value: config.project.name,
        fix: `rename the project: its Kubernetes name "${names.project}" is taken`,
      });
    }
    if (config.robot) {
      const store = config.robotStore!;
      for (const robot of names.robots) {
        claims.push({
          key: `RobotAccount/${robot.objectName}`,
          field: 'robot.name',
          value: config.robot.name,
          fix: `rename the robot: its Kubernetes name "${robot.objectName}" is taken`,
        });
        claims.push({
          key: `Secret/${store.connectionSecretNamespace}/${robot.connectionSecret}`,
          field: 'robot.name',
          value: config.robot.name,
          fix: `rename the robot: its connection Secret "${robot.connectionSecret}" is taken`,
        });
      }
      if (store.emitStore) {
        claims.push({
          key: `ClusterSecretStore/${store.store.name}`,
          field: 'robotSecrets.store.name',
          value: store.store.name,
          fix: 'emit each store from one app only (emitStore: true), or name another store',
        });
        claims.push({
          key: `Namespace/${store.connectionSecretNamespace}`,
          field: 'robotSecrets.connectionSecretNamespace',
          value: store.connectionSecretNamespace,
          fix: 'give each emitted store its own connection Secret namespace',
        });
      }
    }
    config.members.forEach((m, i) =>
      claims.push({
        key: `Member/${names.members[i]}`,
        field: `members[${i}].name`,
        value: m.name,
        fix: 'declare each project member in one app only',
      }),
    );
    return claims;
  }

  public emitHarborObjects(app: Construct, config: ResolvedHarborPrivateApp): DeliveredHarborObjects {
    const names = objectNames(config);
    const common = { providerConfigRef: { name: this.providerConfigName } };
    let project: ApiObject | undefined;
    let robot: ApiObject | undefined;
    if (!config.project.adopt) {
      const forProvider: ProjectForProvider = {
        name: config.project.name,
        public: config.project.public,
        vulnerabilityScanning: config.project.autoScan,
        storageQuota: config.project.storageQuotaGb === -1 ? undefined : config.project.storageQuotaGb,
        deploymentSecurity: config.project.preventVulnerableImages ? 'high' : undefined,
        forceDestroy: config.project.forceDestroy,
      };
      project = managedResource(app, 'Project', PROJECT_API_VERSION, 'Project', names.project, {
        ...common,
        forProvider,
      });
    }
    config.members.forEach((m, i) => {
      const name = names.members[i];
      if (m.kind === 'user') {
        const forProvider: MemberUserForProvider = {
          projectIdRef: { name: names.project },
          userName: m.name,
          role: TERRAFORM_ROLE_NAMES[m.role],
        };
        managedResource(app, `Member${i}`, PROJECT_API_VERSION, 'MemberUser', name, { ...common, forProvider });
      } else {
        const forProvider: MemberGroupForProvider = {
          projectIdRef: { name: names.project },
          groupName: m.name,
          type: m.groupType!,
          role: TERRAFORM_ROLE_NAMES[m.role],
          ldapGroupDn: m.ldapGroupDn,
        };
        managedResource(app, `Member${i}`, PROJECT_API_VERSION, 'MemberGroup', name, { ...common, forProvider });
      }
    });
    if (config.robot && config.robotStore) {
      const r = config.robot;
      for (const slot of names.robots) {
        const forProvider: RobotAccountForProvider = {
          name: slot.name,
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
        const object = managedResource(app, slot.id, ROBOT_API_VERSION, 'RobotAccount', slot.objectName, {
          ...common,
          forProvider,
          writeConnectionSecretToRef: {
            name: slot.connectionSecret,
            namespace: config.robotStore.connectionSecretNamespace,
          },
        });
        if (slot.active) robot = object;
      }
      if (config.robotStore.emitStore) emitStore(app, config);
      // Checked once per chart at synthesis: a store emitted by one app and read by another that it does not serve.
      ChartChecks.of(Chart.of(app)).addRobotStore({
        scope: `HarborPrivateApp ${JSON.stringify(app.node.id)}`,
        path: app.node.path,
        kind: config.robotStore.store.kind,
        name: config.robotStore.store.name,
        emitted: config.robotStore.emitStore,
        namespaces: config.namespaces,
        connectionSecretNamespace: config.robotStore.connectionSecretNamespace,
      });
    }
    return { project, robot };
  }

  public robotPullSecret(config: ResolvedHarborPrivateApp, namespace: string): KubernetesManifest {
    const store = config.robotStore!;
    const active = objectNames(config).robots.find((r) => r.active)!;
    return pullSecretExternalSecret({
      name: config.pullSecretName,
      namespace,
      registryHost: config.registryHost,
      store: store.store,
      refreshInterval: store.refreshInterval,
      username: { literal: active.fullName },
      data: [{ secretKey: 'password', remoteRef: { key: active.connectionSecret, property: 'attribute.secret' } }],
    });
  }
}

/** The ClusterSecretStore reading connection Secrets, with its namespace, ServiceAccount and RBAC. */
function emitStore(app: Construct, config: ResolvedHarborPrivateApp): void {
  const store = config.robotStore!;
  const ns = store.connectionSecretNamespace;
  const reader = `${store.store.name}-reader`;
  const account = { name: reader, namespace: ns };
  namespaceObject(app, 'StoreNamespace', ns);
  serviceAccountObject(app, 'StoreServiceAccount', account);
  roleObject(app, 'StoreRole', account, [
    { apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list', 'watch'] },
    { apiGroups: ['authorization.k8s.io'], resources: ['selfsubjectrulesreviews'], verbs: ['create'] },
  ]);
  roleBindingObject(app, 'StoreRoleBinding', account, reader, [account]);
  clusterSecretStore(app, 'Store', store.store.name, {
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

/** One RobotAccount: its construct id, Harbor names and Kubernetes names. */
interface RobotNames {
  /** Construct id under the app (`Robot` for the robot without rotation and for blue). */
  readonly id: string;
  /** Short Harbor name. */
  readonly name: string;
  /** Full login name. */
  readonly fullName: string;
  /** The RobotAccount's Kubernetes name. */
  readonly objectName: string;
  /** Its connection Secret's name. */
  readonly connectionSecret: string;
  /** The robot the pull Secret uses. */
  readonly active: boolean;
}

/** The Kubernetes names of the Crossplane objects, derived once from the Harbor names. */
interface ObjectNames {
  readonly project: string;
  readonly members: readonly string[];
  /** One robot, or both slots (blue first) with rotation; none without a robot. */
  readonly robots: readonly RobotNames[];
}

const NAMES = new WeakMap<ResolvedHarborPrivateApp, ObjectNames>();

function objectNames(config: ResolvedHarborPrivateApp): ObjectNames {
  let names = NAMES.get(config);
  if (!names) {
    const project = kubernetesNameFor(config.project.name);
    const robot = (id: string, name: string, fullName: string, active: boolean): RobotNames => ({
      id,
      name,
      fullName,
      objectName: `${project}-${kubernetesNameFor(name, 180)}`,
      connectionSecret: connectionSecretName(config.project.name, name),
      active,
    });
    const r = config.robot;
    names = {
      project,
      members: config.members.map((m) => `${project}-${m.kind}-${kubernetesNameFor(m.name, 180)}`),
      robots: !r
        ? []
        : r.rotation
          ? r.rotation.slots.map((s) =>
              robot(s.slot === RobotSlot.BLUE ? 'Robot' : 'RobotGreen', s.name, s.fullName, s.active),
            )
          : [robot('Robot', r.name, r.fullName, true)],
    };
    NAMES.set(config, names);
  }
  return names;
}

/**
 * Taking over an existing member (`HarborMember.user(..., { adopt: true })`) is the Pulumi engine's: Crossplane's
 * provider-harbor creates members and fails on one that exists. A run-time check: members are values shared by both
 * engines, so the compiler cannot tell (the robot's `adopt` is a Pulumi-only prop, `RobotArgs`).
 */
function rejectMemberAdoption(config: ResolvedHarborPrivateApp): void {
  const scope = `HarborPrivateApp ${JSON.stringify(config.appName)}`;
  const fix = 'drop adopt on the YAML engine: remove the existing one in Harbor so that Crossplane creates it';
  config.members.forEach((m, i) => {
    if (m.adopt) {
      throw new HarborPrivateAppError({
        scope,
        field: `members[${i}].adopt`,
        value: true,
        problem: "is supported by the Pulumi engine only (Crossplane's provider-harbor cannot take over a member)",
        fix,
      });
    }
  });
}
