import type * as k8s from '@pulumi/kubernetes';
import type * as kplus from 'cdk8s-plus-27';
import type { HarborWorkloadProps } from '../../cdk8s/props';
import type { HarborPrivateAppOptions, HarborRobotOptions } from '../../core';
import type { KubernetesManifest } from '../../render/manifest';
import type { HarborConnection } from '../resources/config-connection';
import type { HarborPreflightOptions } from './preflight';

/**
 * The Pulumi engine's rotation of the robot's secret without a pull outage: a whole blue/green cycle in one
 * `pulumi up` (a new robot, the pull Secret moved to it, then the old robot deleted), on demand (`trigger`) or on a
 * schedule (`everyDays`). The cdk8s construct moves one `step` per reviewed change instead (`RobotRotationProps`).
 */
export interface RotationArgs {
  /**
   * Rotate when the robot is this many days old or older at `pulumi up` (a whole number >= 1): a new robot, the pull
   * Secret moved to it, then the old robot deleted, in that one `up`. Counted from the start of the robot's
   * generation: its creation under rotation, or the `up` that turned rotation on for an existing robot.
   * @default - no scheduled rotation
   */
  readonly everyDays?: number;
  /**
   * Any string or number; a `pulumi up` after it CHANGED rotates at once (a leaked secret, a colleague leaving): e.g.
   * the date of the request, or a counter. Turning rotation on with a trigger does not rotate; the next new value
   * does.
   * @default - no rotation on demand
   */
  readonly trigger?: string | number;
}

/** The pull robot of the Pulumi component: the shared robot options plus the Pulumi engine's lifecycle. */
export interface RobotArgs extends HarborRobotOptions {
  /**
   * A robot of this name may exist already (made by hand, or by a stack that lost it): take it over instead of
   * failing with Harbor's 409. Harbor shows a robot's secret only when it creates it, so taking it over means having
   * Harbor generate a NEW secret for it: a rotation. Whatever still uses the robot's current secret stops pulling.
   * Its settings are set to these.
   * @default false
   */
  readonly adopt?: boolean;
  /**
   * For a robot that expires (`durationDays` >= 1): a `pulumi up` within this many days of its expiry renews it in
   * place (`PUT`, same robot, same secret: the pull Secret does not change) to expire `durationDays` days after that
   * `up`. A whole number >= 1, less than `durationDays`. A robot that has expired already is renewed the same way
   * (its secret pulls again at once).
   * @default - a third of `durationDays`, rounded up (10 for 30 days); nothing for a robot that never expires
   */
  readonly renewBeforeDays?: number;
  /**
   * Rotate the robot's secret without a pull outage: a whole rotation in one `pulumi up` when `rotation.trigger`
   * changes or the robot is `rotation.everyDays` old.
   * @default - no rotation: one robot, whose secret never changes
   */
  readonly rotation?: RotationArgs;
}

/** Args of the Pulumi HarborPrivateApp: the shared options plus the Pulumi engine's own. */
export interface HarborPrivateAppArgs extends HarborPrivateAppOptions {
  /**
   * The pull robot (used by the default credentials).
   * @default - a pull-only robot that never expires
   */
  readonly robot?: RobotArgs;
  /**
   * Harbor's URL, for its API. Plain `http://` only to a loopback host (127.0.0.1, ::1, localhost): the Harbor
   * password goes with every request. The connection's `harborUrl` configuration key, when set, wins.
   * @default - `https://<registryHost>`
   */
  readonly harborUrl?: string;
  /**
   * A Deployment to create, whose pods use the pull Secret: cdk8s-plus-27's `DeploymentProps` (cdk8s-plus-27 must be
   * installed), rendered with cdk8s-plus (as the cdk8s construct declares it: a selector from its name, the pull Secret)
   * and created as Pulumi resources. Tune it with `configureWorkload`.
   * @default - none
   */
  readonly workload?: HarborWorkloadProps;
  /**
   * Where the Harbor objects are made, and the stack configuration keys the Harbor login is read from when Pulumi runs
   * their provider. The Harbor resources store Harbor's canonical URL and the keys' name, never the password: a new
   * password is a configuration change (see docs/operations.md).
   * @default HarborConnection.fromConfig(): `harborUrl` (optional; else `harborUrl` of these args, else
   * `https://<registryHost>`), `harborUsername`, `harborPassword` (a secret) and `harborCaBundle` (optional), in the
   * project's namespace
   */
  readonly connection?: HarborConnection;
  /**
   * The Kubernetes provider of the Kubernetes objects.
   * @default - the default provider (or the `providers` given to the component)
   */
  readonly provider?: k8s.Provider;
  /**
   * Called on the `workload` Deployment (cdk8s-plus-27's, the type `workload` is declared with) before it is rendered:
   * tolerations, `exposeViaService`, more containers of the app's project... The Deployment lives in a chart of its
   * own (a scratch chart); every object added to that chart (the Service of `exposeViaService`, anything declared in
   * `Chart.of(workload)`) is created too, after the pull Secrets when it runs pods. The Deployment is checked again as
   * it is written (namespace, images, the pull Secret in its pod spec), and an object of that chart that would make a
   * Secret with the pull Secret's name and namespace is refused. Requires `workload`.
   * @default - nothing
   */
  readonly configureWorkload?: (workload: kplus.Deployment) => void;
  /**
   * More objects whose pods pull with the pull Secret, of the kinds that run pods (Pod, Deployment, StatefulSet,
   * DaemonSet, ReplicaSet, ReplicationController, Job, CronJob): those of a cdk8s chart's `toJson()`, parsed YAML, or objects
   * written by hand. Each gets the pull Secret in its pod spec's `imagePullSecrets` (after any listed there, once), is
   * checked like `workload` (a namespace of the app, the first one when it names none, which it is then given; every image in `<registryHost>/<project>/`: an image of another
   * registry or project fails), has its images in the preflight pull check, and is created after the pull Secrets and
   * the robot's login that checks them. Any other kind is refused: create it beside the app (e.g. with `kubernetesResources`). Since only
   * objects that run pods are taken, none can clash with the pull Secret. The objects given are not changed.
   * @default - none
   */
  readonly workloads?: readonly KubernetesManifest[];
  /**
   * What `pulumi up` checks before it creates or changes a workload: by default, that every image of every workload on
   * `registryHost` can be pulled with the robot's login (the robot login resource checks it); a failed check stops the
   * `up` before the pull Secret takes that login and before the workloads, naming the cause. Never in a preview. See docs/lint.md, "On Pulumi: a pull check before the workload".
   * @default { pull: true }
   */
  readonly preflight?: HarborPreflightOptions;
}
