import type * as kplus from 'cdk8s-plus-27';
import type { HarborPrivateAppOptions, HarborRobotOptions, SecretStoreRef } from '../core';

/**
 * The workload HarborPrivateApp creates: a cdk8s-plus-27 Deployment, given the pull Secret. It is the only part of the
 * construct that needs cdk8s-plus (cdk8s-plus-27, an optional peer dependency); on another cdk8s-plus-NN, build the
 * Deployment yourself and wire it with `addWorkload()`.
 */
export interface HarborWorkloadProps extends Omit<kplus.DeploymentProps, 'dockerRegistryAuth'> {
  /** Name and namespace of the Deployment; the namespace defaults to the app's first namespace. */
  readonly metadata?: kplus.DeploymentProps['metadata'];
  /**
   * How the Deployment selects its pods. Unset: cdk8s-plus' address label (`cdk8s.io/metadata.addr`) with a value
   * from the Deployment's own name, on the pods and in the selector, so that renaming the app or moving the construct
   * never changes the selector (Kubernetes cannot change one in place). `true`: cdk8s-plus' own value, derived from
   * the construct's path (it changes when the app is renamed or moved). `false`: none; add yours with
   * `workload.select(...)`.
   * @default - a label from the Deployment's name
   */
  readonly select?: boolean;
}

/**
 * The YAML engine's blue/green rotation of the robot's secret without a pull outage: two robots, blue and green; the
 * pull Secret moves one `step` per reviewed change (see docs/rotation.md). The Pulumi component rotates a whole cycle
 * in one `pulumi up` instead (`RotationArgs`).
 */
export interface RobotRotationProps {
  /**
   * The rotation step, a whole number >= 0. Raise it by exactly one per reviewed change, and apply the next step only
   * once the previous one has taken effect. An odd step moves the pull Secret to the other robot (both robots are
   * valid, nothing is refused); an even step above 0 replaces the robot the pull Secret has just left with a new one
   * (new secret; the old secret is refused from then on). Step 0 is the app as without rotation, plus an idle green
   * robot. Blue generation 0 is the robot the app has without rotation, so turning rotation on keeps it.
   * @default 0
   */
  readonly step?: number;
}

/** The pull robot of the cdk8s construct: the shared robot options plus the YAML engine's rotation. */
export interface RobotProps extends HarborRobotOptions {
  /**
   * Rotate the robot's secret without a pull outage: two robots, blue and green, switched by `rotation.step` in a
   * reviewed change.
   * @default - no rotation: one robot, whose secret never changes
   */
  readonly rotation?: RobotRotationProps;
}

/**
 * How the robot's secret reaches the namespaces on the YAML engine: Crossplane writes it to the robot's connection
 * Secret, and an External Secrets `ExternalSecret` per namespace reads it through a store and renders the pull Secret.
 */
export interface RobotSecretsProps {
  /**
   * The External Secrets store that reads the robot's connection Secret.
   * @default SecretStoreRef.cluster('harbor-robot-secrets')
   */
  readonly store?: SecretStoreRef;
  /**
   * Also emit that store: the connection Secret namespace, and a `ClusterSecretStore` on ESO's `kubernetes` provider,
   * limited (`spec.conditions`) to this app's namespaces, with a ServiceAccount and the RBAC to read Secrets in the
   * connection Secret namespace only. Only valid with a cluster store. For tenant isolation, give each tenant its own
   * store and connection namespace.
   * @default false
   */
  readonly emitStore?: boolean;
  /**
   * The namespace where Crossplane writes the robot's connection Secret. Keep it free of other Secrets: the store
   * reading it can read every Secret there.
   * @default 'harbor-robots'
   */
  readonly connectionSecretNamespace?: string;
  /**
   * How often External Secrets re-reads the robot secret (a Go duration).
   * @default '1h'
   */
  readonly refreshInterval?: string;
}

/** Props of the cdk8s HarborPrivateApp: the shared options plus the YAML engine's own. */
export interface HarborPrivateAppProps extends HarborPrivateAppOptions {
  /**
   * The pull robot (used by the default credentials).
   * @default - a pull-only robot that never expires
   */
  readonly robot?: RobotProps;
  /**
   * How the robot's secret reaches each namespace (with the default credentials, `PullCredentials.fromRobot()`).
   * @default - read through the ClusterSecretStore `harbor-robot-secrets` from the namespace `harbor-robots`
   */
  readonly robotSecrets?: RobotSecretsProps;
  /**
   * Harbor's `robot_name_prefix`: the YAML engine writes the robot's login name, `<prefix><project>+<name>`, into the
   * pull Secret's template (Harbor's answer is not readable there). No white space, no `:` (the login name goes into
   * `username:password`), no `{{` or `}}` (it is written into a Go template).
   * @default 'robot$'
   */
  readonly robotNamePrefix?: string;
  /**
   * A Deployment to create, whose pods use the pull Secret: cdk8s-plus-27's `DeploymentProps` (cdk8s-plus-27 must be
   * installed).
   * @default - none; wire your own workloads with `addWorkload()` or `addWorkloadsIn()`
   */
  readonly workload?: HarborWorkloadProps;
  /**
   * The Crossplane provider-harbor `ProviderConfig` the Harbor resources use.
   * @default 'default'
   */
  readonly providerConfigName?: string;
}
