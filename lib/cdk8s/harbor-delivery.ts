import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { ResolvedHarborPrivateApp } from '../core';
import type { KubernetesManifest } from '../render/manifest';

/**
 * A name an object takes in a chart: two apps of one chart may not take the same one (`kubectl apply` would keep
 * only the last object, or two apps would fight over one Harbor object).
 */
export interface NameClaim {
  /** What is taken, e.g. `RobotAccount/k8s-coredns-pull` or `Secret/<namespace>/<name>`. */
  readonly key: string;
  /** The prop the name comes from, e.g. `robot.name`. */
  readonly field: string;
  /** That prop's value. */
  readonly value: string;
  /** How to resolve the clash. */
  readonly fix: string;
}

/** The Harbor objects a delivery emitted into the chart. */
export interface DeliveredHarborObjects {
  /**
   * The object that declares the Harbor project.
   * @default - none (adopted project, or Harbor objects not declared in the chart)
   */
  readonly project?: ApiObject;
  /**
   * The object that declares the robot account.
   * @default - none (no robot, or Harbor objects not declared in the chart)
   */
  readonly robot?: ApiObject;
}

/**
 * How an app's Harbor objects (project, members, robot) and the robot's credentials reach Harbor and the cluster:
 * the YAML engine's part of HarborPrivateApp. The construct validates the props, emits the engine-neutral
 * Kubernetes objects of lib/render (ServiceAccounts, the workload, pull Secrets of the other credential sources) and
 * asks the delivery for the rest.
 *
 * {@link CrossplaneDelivery} declares the Harbor objects as Crossplane provider-harbor resources and delivers the
 * robot's secret through External Secrets. (The Pulumi engine does not go through the construct: it calls lib/render
 * itself, with its own robot pull Secret.)
 */
export interface IHarborDelivery {
  /**
   * The chart-wide names the objects of {@link emitHarborObjects} and {@link robotPullSecret} take, beyond the
   * Harbor names and the pull Secrets the construct claims itself. Checked before anything is emitted. A delivery
   * that cannot honour a prop throws its HarborPrivateAppError here.
   */
  claims(config: ResolvedHarborPrivateApp): NameClaim[];

  /** Emits the objects that declare the Harbor project, members and robot, as children of `app`. */
  emitHarborObjects(app: Construct, config: ResolvedHarborPrivateApp): DeliveredHarborObjects;

  /**
   * The object that provides the robot's pull Secret (`config.pullSecretName`, type `kubernetes.io/dockerconfigjson`)
   * in `namespace`: the renderer's robot hook (lib/render). Called with `PullCredentials.fromRobot()` only, once per
   * namespace.
   */
  robotPullSecret(config: ResolvedHarborPrivateApp, namespace: string): KubernetesManifest;
}
