import { PullCredentials, SecretStoreRef } from './credentials';
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
   * Storage quota in GB, `-1` for unlimited. On the Pulumi engine, set: the project is created with it, a change is
   * applied in place and `pulumi refresh` reads it back (Harbor lets only a system administrator set quotas); unset:
   * the quota is left to Harbor (a new project gets Harbor's default, its `storage_per_project` system setting), and
   * the app never reads, changes or reports it. The YAML engine writes it as the Crossplane Project's `storageQuota`
   * (left out when unset or `-1`).
   * @default - Harbor's default quota, not managed
   * @see https://goharbor.io/docs/main/administration/configure-project-quotas/
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
 * The robot account whose credentials the pull Secret carries: what both engines honour. Each engine adds its own
 * robot props (`RobotProps` on cdk8s: the blue/green `rotation.step`; `RobotArgs` on Pulumi: `adopt`,
 * `renewBeforeDays`, `rotation.trigger`/`everyDays`).
 */
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
   * kept in the state, apart from this); the YAML engine renews by a raised `durationDays` in a reviewed change.
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
}

/**
 * What HarborPrivateApp declares, in Harbor's and Kubernetes' words: the props both engines honour. The cdk8s
 * construct takes `HarborPrivateAppProps` and the Pulumi component `HarborPrivateAppArgs`; each extends this with the
 * props of its own engine, so the compiler rejects the other engine's.
 */
export interface HarborPrivateAppOptions {
  /**
   * The registry host, with its port if any, exactly as it appears in image references
   * (`reg.harbor.com`, `harbor.example.com:8443`). It keys the `.dockerconfigjson`.
   */
  readonly registryHost: string;
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

/**
 * What the resolver reads: the shared options plus every engine's own, each checked when given. The engines' props
 * types (`HarborPrivateAppProps`, `HarborPrivateAppArgs`) are assignable to it. Not exported by any entry point.
 */
export interface EngineOptions extends Omit<HarborPrivateAppOptions, 'robot'> {
  /** Pulumi: Harbor's URL for its API. */
  readonly harborUrl?: string;
  /** cdk8s: Harbor's `robot_name_prefix`. */
  readonly robotNamePrefix?: string;
  /** The robot, with either engine's own props. */
  readonly robot?: HarborRobotOptions & {
    readonly adopt?: boolean;
    readonly renewBeforeDays?: number;
    readonly rotation?: RotationOptions;
  };
  /** cdk8s: how the robot's secret reaches the namespaces. */
  readonly robotSecrets?: RobotSecretsOptions;
}

/**
 * Either engine's rotation props: `step` (cdk8s), `everyDays` and `trigger` (Pulumi). Not exported by any entry point.
 */
export interface RotationOptions {
  /** cdk8s: the blue/green step. */
  readonly step?: number;
  /** Pulumi: rotate at this age in days. */
  readonly everyDays?: number;
  /** Pulumi: rotate when it changes. */
  readonly trigger?: string | number;
}

/**
 * The YAML engine's robot secret chain (Crossplane connection Secret, read by External Secrets), as the cdk8s
 * construct's `robotSecrets` prop takes it. Not exported by any entry point.
 */
export interface RobotSecretsOptions {
  /** The store that reads the connection Secret. */
  readonly store?: SecretStoreRef;
  /** Emit that store too. */
  readonly emitStore?: boolean;
  /** Where Crossplane writes the connection Secret. */
  readonly connectionSecretNamespace?: string;
  /** External Secrets' re-sync period. */
  readonly refreshInterval?: string;
}
