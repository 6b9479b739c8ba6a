/**
 * Types of the Harbor REST API v2.0 client: its options and the Harbor objects it reads and writes,
 * in this project's words (camelCase), not Harbor's wire format (snake_case, string metadata).
 *
 * @see https://github.com/goharbor/harbor/blob/v2.15.2/api/v2.0/swagger.yaml (Harbor v2.15 contract; the subset the
 *   tests check against: test/contracts/harbor-api.json)
 */
import type { HarborRoleName } from '../core/roles';

/** One HTTP attempt, reported to {@link HarborClientOptions.onRequest}. Never carries credentials. */
export interface HarborRequestEvent {
  /** HTTP method, e.g. `GET`. */
  readonly method: string;
  /** API path below `/api/v2.0`, with its query string, e.g. `/projects?project_name=app`. */
  readonly path: string;
  /** HTTP status when Harbor answered; absent for network errors and timeouts. */
  readonly status?: number;
  /** 1 for the first attempt, 2 for the first retry, ... */
  readonly attempt: number;
  /** A short, redacted description of what went wrong (network error code, Harbor error code). */
  readonly error?: string;
  /** Wall-clock time of this attempt in milliseconds. */
  readonly durationMs?: number;
  /** Set when the client will retry: the delay before the next attempt, in milliseconds. */
  readonly retryInMs?: number;
}

/** How to reach and authenticate against one Harbor instance. */
export interface HarborClientOptions {
  /**
   * Harbor's base URL, e.g. `https://reg.harbor.com`. The API base `/api/v2.0` is appended
   * (a URL that already ends in `/api/v2.0` is accepted as is).
   */
  readonly url: string;
  /** Harbor user name (or a robot's full name, `robot$...`). Must not contain `:`. */
  readonly username: string;
  /** The user's password or the robot's secret. Never logged, never put in an error message. */
  readonly password: string;
  /**
   * PEM certificate(s) of the CA that signed Harbor's certificate. It REPLACES Node's default trust store for this
   * client's connections. TLS verification is always on for `https`; there is no switch to turn it off.
   * @default - Node's default trust store
   */
  readonly caBundle?: string;
  /**
   * Allow `http://` to a non-loopback host (credentials then travel in clear text).
   * Plain HTTP to 127.0.0.0/8, ::1 and localhost is always allowed.
   * @default false
   */
  readonly allowPlainHttp?: boolean;
  /**
   * Retries after the first attempt, for idempotent calls only (GET, HEAD, PUT, DELETE),
   * on 429, 500, 502, 503, 504, connection errors and timeouts. POST and PATCH are never retried.
   * @default 3
   */
  readonly maxRetries?: number;
  /**
   * Time limit of one attempt (connect, response and body), in milliseconds.
   * @default 30000
   */
  readonly timeoutMs?: number;
  /**
   * Base of the exponential backoff between retries, in milliseconds: attempt n waits
   * between half and all of `retryBaseDelayMs * 2^(n-1)`, at least Harbor's `Retry-After`, at most `maxRetryDelayMs`.
   * @default 200
   */
  readonly retryBaseDelayMs?: number;
  /**
   * Upper bound of one wait between retries, including a `Retry-After` asked by Harbor, in milliseconds.
   * @default 10000
   */
  readonly maxRetryDelayMs?: number;
  /**
   * Called after every HTTP attempt (for logs and metrics). Exceptions it throws are ignored.
   * The event never contains the password, a robot secret or the Authorization header.
   * @default - no callback
   */
  readonly onRequest?: (e: HarborRequestEvent) => void;
}

/** The desired state of a Harbor project. */
export interface ProjectSpec {
  /** Project name: `^[a-z0-9]+(?:[._-][a-z0-9]+)*$`, 1-255 characters. */
  readonly name: string;
  /** Anyone (even anonymous) may pull when true. */
  readonly public: boolean;
  /** Scan images automatically on push (metadata `auto_scan`). */
  readonly autoScan: boolean;
  /** Block pulls of vulnerable or never-scanned images (metadata `prevent_vul`). */
  readonly preventVul: boolean;
  /**
   * Storage quota in bytes, `-1` for unlimited. Only sent on create (Harbor keeps quotas apart from projects).
   * @default - Harbor's default project quota
   */
  readonly storageLimitBytes?: number;
}

/** A Harbor project as read back from Harbor. */
export interface HarborProject {
  /** Numeric project id (`project_id`). */
  readonly id: number;
  readonly name: string;
  /** `metadata.public === "true"`. */
  readonly public: boolean;
  /** `metadata.auto_scan === "true"`. */
  readonly autoScan: boolean;
  /** `metadata.prevent_vul === "true"`. */
  readonly preventVul: boolean;
  /** All metadata entries as Harbor returns them (string values). */
  readonly metadata: Record<string, string>;
  /**
   * The user who created the project (`owner_name`).
   * @default - absent when Harbor did not say
   */
  readonly ownerName?: string;
  /**
   * When Harbor created the project (`creation_time`), milliseconds since the epoch on HARBOR's clock.
   * @default - absent when Harbor did not say
   */
  readonly creationTime?: number;
}

/** Who becomes a project member: a Harbor user, or a user group (LDAP, HTTP or OIDC). */
export type MemberEntity =
  | { readonly kind: 'user'; readonly name: string }
  | {
      readonly kind: 'group';
      readonly name: string;
      /** 1 LDAP, 2 HTTP, 3 OIDC. @default - Harbor decides (looks the group up by name) */
      readonly groupType?: number;
      /** The group's DN, for LDAP groups. @default - none */
      readonly ldapGroupDn?: string;
    };

/** A project member as read back from Harbor. */
export interface HarborMember {
  /** Member id (the `mid` in `/projects/{p}/members/{mid}`), not the user id. */
  readonly id: number;
  /** User name or group name. */
  readonly entityName: string;
  /** `u` for a user, `g` for a group. */
  readonly entityType: 'u' | 'g';
  /** The member's project role. */
  readonly role: HarborRoleName;
  /** The user's or group's own id (`entity_id`). */
  readonly entityId?: number;
}

/** One access right of a robot permission. */
export interface RobotAccess {
  /** e.g. `repository`. */
  readonly resource: string;
  /** e.g. `pull`. */
  readonly action: string;
  /**
   * Only present for `deny`; Harbor's `""` and `"allow"` both mean allow and are dropped when normalising.
   * @default - allow
   */
  readonly effect?: 'deny';
}

/** A robot permission: the rights a robot has in one project. */
export interface RobotPermission {
  readonly kind: 'project';
  /** The project name. */
  readonly namespace: string;
  readonly access: RobotAccess[];
}

/** What to create: a project-level robot account. */
export interface RobotSpec {
  /**
   * Short name: lowercase letters and digits separated by single `.`, `_` or `-` (Harbor's rule: `HARBOR_ROBOT_NAME`);
   * Harbor builds the full name `robot$<project>+<name>`.
   */
  readonly name: string;
  /** @default "" */
  readonly description?: string;
  /** Lifetime in DAYS, `-1` never expires; 0 is refused. */
  readonly duration: number;
  readonly level: 'project';
  /** Exactly one entry for a project robot. */
  readonly permissions: RobotPermission[];
}

/** What `createRobot` returns. The secret is shown only here: store it at once. */
export interface CreatedRobot {
  readonly id: number;
  /** The FULL login name (`robot$<project>+<name>` with Harbor's configured prefix). */
  readonly name: string;
  readonly secret: string;
  /** Expiry, seconds since the epoch; `-1` when it never expires. */
  readonly expiresAt: number;
  /** When Harbor created it (`creation_time`), milliseconds since the epoch on Harbor's clock. */
  readonly creationTime?: number;
}

/** A robot account as read back from Harbor (never with its secret). */
export interface HarborRobot {
  readonly id: number;
  /** The FULL login name. */
  readonly name: string;
  readonly description: string;
  /** Lifetime in days, `-1` never. */
  readonly duration: number;
  /** Harbor's `disable`. */
  readonly disabled: boolean;
  /** Expiry, seconds since the epoch; `-1` when it never expires. */
  readonly expiresAt: number;
  /** `project` or `system`. */
  readonly level: string;
  /** Normalised: sorted, de-duplicated, `effect` "" / "allow" dropped. */
  readonly permissions: RobotPermission[];
  /**
   * When Harbor created it (`creation_time`), milliseconds since the epoch on Harbor's clock.
   * @default - absent when Harbor did not say
   */
  readonly creationTime?: number;
}

/**
 * An object read back together with Harbor's clock at the moment it answered (the response's `Date` header), so that
 * its `creationTime` can be compared with "now" without trusting the local clock.
 */
export interface HarborLookup<T> {
  /** The object, `undefined` when absent. */
  readonly found: T | undefined;
  /**
   * Harbor's clock when it answered, milliseconds since the epoch (whole seconds: `Date` has no fractions).
   * @default - absent when the answer had no valid `Date` header
   */
  readonly harborTimeMs?: number;
}

/** An artifact (an image manifest or index) as read back from Harbor. */
export interface HarborArtifact {
  /** Its manifest digest (`sha256:...`). */
  readonly digest: string;
  /** The tags that point at it. */
  readonly tags: readonly string[];
}

/** The full robot record `PUT /robots/{id}` expects (Harbor replaces all permissions). */
export interface RobotUpdate {
  /** The FULL name as Harbor returned it; Harbor refuses a changed name. */
  readonly name: string;
  /** @default "" */
  readonly description?: string;
  readonly duration: number;
  readonly level: 'project';
  readonly disable: boolean;
  readonly permissions: RobotPermission[];
}
