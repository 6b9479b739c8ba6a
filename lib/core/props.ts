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
 * Blue/green rotation of the robot's secret (YAML engine): the app keeps two robots, blue and green, and the pull
 * Secret follows one of them. See README "Rotation and expiry" for the steps and their timings.
 */
export interface RobotRotationOptions {
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
   * instead.
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
   * (YAML engine) Rotate the robot's secret without a pull outage: two robots, blue and green, and the pull Secret
   * follows one of them, switched by `rotation.step` in a reviewed change.
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
