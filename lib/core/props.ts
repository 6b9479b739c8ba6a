import { PullCredentials } from './credentials';
import { HarborMember } from './members';

/** What the robot may do in its project. */
export enum RobotAction {
  /** `repository:pull`: all a node needs. */
  PULL = 'pull',
  /** `repository:push`: needs `allowPush: true` as well. */
  PUSH = 'push',
}

/** The private Harbor project. */
export interface HarborProjectOptions {
  /**
   * The project name, also the first path component of every image (`reg.harbor.com/<name>/coredns`).
   * Harbor's rule: lowercase letters and digits separated by single `.`, `_` or `-`, at most 255.
   */
  readonly name: string;
  /**
   * Make the project public (anyone may pull). The point of this construct is a private project.
   * @default false
   */
  readonly public?: boolean;
  /**
   * Scan images on push (`auto_scan`).
   * @default true
   */
  readonly autoScan?: boolean;
  /**
   * Block pulls of images with vulnerabilities (`prevent_vul`). It also blocks images never scanned,
   * such as a freshly pushed one, which is why it is off by default.
   * @default false
   */
  readonly preventVulnerableImages?: boolean;
  /**
   * Storage quota in GB, `-1` for unlimited.
   * @default -1
   */
  readonly storageQuotaGb?: number;
  /**
   * The project exists already and is managed elsewhere: it is used, never created, changed or deleted.
   * @default false
   */
  readonly adopt?: boolean;
  /**
   * Let deletion remove the project even while it holds repositories (they are lost).
   * @default false
   */
  readonly forceDestroy?: boolean;
}

/**
 * Blue/green rotation of the robot's secret without a pull outage: a new robot is made, the pull Secret moves to it,
 * and only then is the old one deleted. Each engine has its own levers (see README "Rotation and expiry"):
 * - the YAML engine keeps two robots, blue and green, and moves one `step` per reviewed change;
 * - the Pulumi engine does a whole rotation in one `pulumi up`, on demand (`trigger`) or on a schedule (`everyDays`).
 */
export interface RobotRotationOptions {
  /**
   * (YAML engine) The rotation step, a whole number >= 0. Raise it by exactly one per reviewed change, and apply the
   * next step only once the previous one has taken effect. An odd step moves the pull Secret to the other robot (both
   * robots are valid, nothing is refused); an even step above 0 replaces the robot the pull Secret has just left with
   * a new one (new secret; the old secret is refused from then on). Step 0 is the app as without rotation, plus an
   * idle green robot. Blue generation 0 is the robot the app has without rotation, so turning rotation on keeps it.
   * The Pulumi engine refuses it: use `trigger` or `everyDays` there.
   * @default 0 on the YAML engine, when neither `everyDays` nor `trigger` is given
   */
  readonly step?: number;
  /**
   * (Pulumi engine) Rotate when the robot is this many days old or older at `pulumi up` (a whole number >= 1): a new
   * robot, the pull Secret moved to it, then the old robot deleted, in that one `up`. Counted from the start of the
   * robot's generation: its creation under rotation, or the `up` that turned rotation on for an existing robot.
   * @default - no scheduled rotation
   */
  readonly everyDays?: number;
  /**
   * (Pulumi engine) Any string or number; a `pulumi up` after it CHANGED rotates at once (a leaked secret, a
   * colleague leaving): e.g. the date of the request, or a counter. Turning rotation on with a trigger does not
   * rotate; the next new value does.
   * @default - no rotation on demand
   */
  readonly trigger?: string | number;
}

/** The robot account whose credentials the pull Secret carries. */
export interface HarborRobotOptions {
  /**
   * The robot's short name; Harbor logs it in as `<prefix><project>+<name>`. Harbor's rule: lowercase letters and
   * digits separated by single `.`, `_` or `-` (no leading, trailing or doubled separator), at most 255.
   * @default - `<app name>-pull`, the app name lowercased with every run of characters other than `a-z`, `0-9` and `-`
   * made one `-` and no `-` at either end (`CoreDNS_v1` gives `coredns-v1-pull`)
   */
  readonly name?: string;
  /**
   * Lifetime in days: `-1` never expires, or a whole number from 1 to 2147483646 (Harbor rejects 0, and anything from
   * MaxInt32 on). A robot that expires stops every pull at once, so the default never expires: rotate its secret
   * instead. The Pulumi engine renews a robot that expires within `renewBeforeDays` of its expiry, for `durationDays`
   * more days (Harbor counts a robot's duration from its creation, so the duration Harbor stores then grows: it is
   * kept in the state, apart from this).
   * @default -1
   */
  readonly durationDays?: number;
  /**
   * The robot's description in Harbor.
   * @default - "Pull secret of <app name>, managed by harbor-private-app"
   */
  readonly description?: string;
  /**
   * What the robot may do on `repository`.
   * @default [RobotAction.PULL]
   */
  readonly actions?: RobotAction[];
  /**
   * The explicit opt-in for `RobotAction.PUSH` (a node never needs to push). It grants nothing by itself: `true`
   * without `RobotAction.PUSH` in `actions` is rejected.
   * @default false
   */
  readonly allowPush?: boolean;
  /**
   * A robot of this name may exist already (made by hand, or by a stack that lost it): take it over instead of
   * failing with Harbor's 409. Harbor shows a robot's secret only when it creates it, so taking it over means having
   * Harbor generate a NEW secret for it: a rotation. Whatever still uses the robot's current secret stops pulling.
   * Its settings are set to these. Pulumi engine only (the YAML engine rejects it).
   * @default false
   */
  readonly adopt?: boolean;
  /**
   * (Pulumi engine) For a robot that expires (`durationDays` >= 1): a `pulumi up` within this many days of its expiry
   * renews it in place (`PUT`, same robot, same secret: the pull Secret does not change) to expire `durationDays`
   * days after that `up`. A whole number >= 1, less than `durationDays`. A robot that has expired already is renewed
   * the same way (its secret pulls again at once). The YAML engine refuses it (it renews by a raised `durationDays`).
   * @default - a third of `durationDays`, rounded up (10 for 30 days); nothing for a robot that never expires
   */
  readonly renewBeforeDays?: number;
  /**
   * Rotate the robot's secret without a pull outage: a new robot, the pull Secret moved to it, then the old robot
   * deleted. YAML engine: two robots, blue and green, switched by `rotation.step` in a reviewed change. Pulumi engine:
   * a whole rotation in one `pulumi up` when `rotation.trigger` changes or the robot is `rotation.everyDays` old.
   * @default - no rotation: one robot, whose secret never changes
   */
  readonly rotation?: RobotRotationOptions;
}

/** Everything HarborPrivateApp declares, in Harbor's and Kubernetes' words; the same for both engines. */
export interface HarborPrivateAppOptions {
  /**
   * The registry host, with its port if any, exactly as it appears in image references
   * (`reg.harbor.com`, `harbor.example.com:8443`). It keys the `.dockerconfigjson`.
   */
  readonly registryHost: string;
  /**
   * Harbor's URL, for its API. Plain `http://` only to a loopback host (127.0.0.1, ::1, localhost): the Harbor
   * password goes with every request.
   * @default - `https://<registryHost>`
   */
  readonly harborUrl?: string;
  /** The private Harbor project the images live in. */
  readonly project: HarborProjectOptions;
  /**
   * Project members (users or groups) with their roles.
   * @default - none
   */
  readonly members?: HarborMember[];
  /**
   * The pull robot (used by the default credentials).
   * @default - a pull-only robot that never expires
   */
  readonly robot?: HarborRobotOptions;
  /**
   * Harbor's `robot_name_prefix`, used where the robot's full name cannot be read back from Harbor. No white space,
   * no `:` (the login name goes into `username:password`), no `{{` or `}}` (it is written into a Go template).
   * @default 'robot$'
   */
  readonly robotNamePrefix?: string;
  /**
   * The Kubernetes namespaces that get the pull Secret (kubelet reads imagePullSecrets in the pod's own namespace).
   */
  readonly namespaces: string[];
  /**
   * The name of the `kubernetes.io/dockerconfigjson` Secret in each namespace.
   * @default - `harbor-<project>` (the existing Secret's name with `fromExistingSecret`)
   */
  readonly pullSecretName?: string;
  /**
   * Where the credentials come from.
   * @default PullCredentials.fromRobot()
   */
  readonly credentials?: PullCredentials;
  /**
   * ServiceAccounts, in every target namespace, that get the pull Secret in their `imagePullSecrets`
   * (so pods using them need no imagePullSecrets of their own). They are emitted by this app.
   * @default - none
   */
  readonly serviceAccounts?: string[];
}
