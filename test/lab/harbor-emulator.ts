/**
 * A stateful emulator of Harbor's REST API v2.0 (projects, members, robot accounts, reading artifacts) for the project's
 * tests.
 *
 * It behaves like Harbor v2.15 as described in HARBOR-FACTS.md (the team's notes), and it checks EVERY request it
 * receives and every response it sends against Harbor's swagger (see {@link HarborSwagger}): a request or response
 * that breaks the contract is recorded in {@link HarborEmulator.contractViolations} and answered with
 * `500 {"errors":[{"code":"CONTRACT_VIOLATION",...}]}` so the client notices too. Assert
 * `expect(emulator.contractViolations).toEqual([])` in every test that uses it.
 *
 * Behaviour worth knowing (each mirrors Harbor unless marked "emulator choice"; test/lab/FIDELITY.md lists where it
 * was checked against Harbor's source, and the tests that prove it):
 * - HTTP Basic auth; missing or wrong credentials make the caller anonymous (public projects readable, anything else
 *   401); a write carrying the `sid` cookie gets 403 (CSRF); every response carries `X-Request-Id`.
 * - Harbor's RBAC per project role, public project and robot permission, checked BEFORE the project is looked up: a
 *   project that does not exist is 403 to anybody but a system administrator (404), as in Harbor's base.go. Use
 *   {@link HarborEmulator.addProjectAdmin} for a login that is projectAdmin of a project and no system administrator.
 * - Robot permissions must be pairs of Harbor's list (lib/harbor/robot-access.ts, from Harbor's const.go); a project
 *   robot's stored name `<project>+<name>` over 255 characters is a 500; its push brings pull.
 * - Quotas and group members follow Harbor's configuration ({@link EmulatorConfiguration}: quotas per project, the
 *   default quota, the auth mode).
 * - The creator of a project becomes its `projectAdmin` member (Harbor's project DAO inserts it), so a new
 *   project lists one member, e.g. `admin`.
 * - Members: `GET ?entityname=` is an EXACT match and `X-Total-Count` counts all members of the project regardless
 *   of it (Harbor's `GetTotalOfProjectMembers` ignores the filter); PUT and DELETE of an unknown member id answer
 *   200 and change nothing (Harbor runs a plain SQL UPDATE/DELETE); an unknown `username` answers 404.
 * - Robots: the secret is returned only by create and by PATCH with `{secret:""}`; GET returns permissions in a
 *   shuffled order with `effect` randomly `"allow"`, `""` or absent (seeded, so runs are reproducible); PUT needs
 *   the full name and level, replaces permissions and description, and sets `disable` to the body's value
 *   (absent = false, as Harbor's Go handler does); PUT may not move a project robot to another project (400, as
 *   `updateV2Robot` says: "cannot update the project id of robot").
 * - Robot lifecycle (src/server/v2.0/handler/robot.go, src/controller/robot, src/server/middleware/security/robot.go):
 *   POST ignores a `secret` in the body; `PATCH {secret:""}` generates a new secret and returns it; `PATCH {secret}`
 *   with a chosen secret (8-128 bytes, an upper-case letter, a lower-case letter, a digit; else 400) sets it and
 *   answers `{}` (Harbor's `RobotSec{Secret: ""}`, whose empty `secret` go-swagger omits). Every login re-checks the
 *   secret, so the old one fails at once (registry tokens already issued stay valid until they expire: the registry
 *   checks their signature, not the robot). PATCH never moves `expires_at`. PUT moves it only when `duration`
 *   changes, to creation time + duration days (-1: never), without any check against the robot's age: a duration
 *   shorter than the age is accepted and leaves the robot expired. Expired robots are kept (never deleted) but
 *   cannot log in (`expires_at <= now`); disabled robots cannot log in. The clock is {@link HarborEmulatorOptions.now},
 *   also sent as the `Date` header.
 * - Unknown metadata keys and unknown body fields are dropped, as go-swagger's decoding does.
 *
 * @see HARBOR-FACTS.md (the team's notes on how Harbor behaves, beside the repository)
 * @see test/contracts/harbor-api.json (Harbor's swagger, the path families we use)
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { timingSafeEqual } from 'node:crypto';
import { HARBOR_ROBOT_ACCESS } from '../../lib/harbor/robot-access';
import { HarborSwagger, type SwaggerOperation } from './swagger';
import type { RepositoryAction } from './token-service';
import { undeclaredStatusesFor } from './emulator-contract-exceptions';
import { matchesCondition, paginate, parseHarborQuery, QuerySyntaxError, type QueryCondition } from './emulator-query';
import { isValidRobotSecret, randomRequestId, randomRobotSecret, SeededRandom } from './emulator-random';

/** One request the emulator saw. */
export interface RequestLogEntry {
  /** Upper-case HTTP method. */
  method: string;
  /** The request path, including `/api/v2.0`, without the query string (still percent-encoded). */
  path: string;
  /** The raw query string without `?` ('' when none). */
  query: string;
  /**
   * The status the emulator answered; 0 when it answered nothing (`reset`, `hang`, or the client went away).
   * For `reset-after-commit` it is the status of the applied request that the client never received.
   */
  status: number;
  /** True for POST, PUT, PATCH and DELETE. */
  write: boolean;
  /** The injected fault that hit this request, if any. */
  fault?: Fault['kind'];
}

/** Which requests a fault hits. Every given field must match; an empty match hits every API request. */
export interface FaultMatch {
  /** HTTP method, case-insensitive. @default - any method */
  method?: string;
  /** Tested against the request path including `/api/v2.0`, WITHOUT the query string. @default - any path */
  path?: RegExp;
}

/**
 * A failure to inject. `times` is how many matching requests it hits. @default times 1
 * Faults apply after the request has passed the contract check and before authentication.
 */
export type Fault =
  /** Answer `status` with a Harbor error body (and `Retry-After` when given) WITHOUT applying the request. */
  | { kind: 'status'; status: number; retryAfterSeconds?: number; match: FaultMatch; times?: number }
  /** Destroy the connection before applying the request. */
  | { kind: 'reset'; match: FaultMatch; times?: number }
  /** Apply the request (state changes) and then destroy the connection: "a create that may have happened". */
  | { kind: 'reset-after-commit'; match: FaultMatch; times?: number }
  /** Never answer; the client must time out. The connection is closed by {@link HarborEmulator.dispose}. */
  | { kind: 'hang'; match: FaultMatch; times?: number };

/** Options of {@link HarborEmulator}. */
export interface HarborEmulatorOptions {
  /** The system administrator's user name. @default 'admin' */
  readonly adminUsername?: string;
  /** The system administrator's password (generate one per test run). */
  readonly adminPassword: string;
  /** Harbor's `robot_name_prefix`. @default 'robot$' */
  readonly robotNamePrefix?: string;
  /** Seed of the generator that shuffles robot permissions and varies `effect` in GET answers. @default 1 */
  readonly seed?: number;
  /** The clock, in milliseconds since the epoch (advance it to expire robots). @default Date.now */
  readonly now?: () => number;
  /** The swagger to check against. @default DEFAULT_SWAGGER_PATH (test/contracts/harbor-api.json) */
  readonly swaggerPath?: string;
  /** Harbor's system configuration at start (see {@link HarborEmulator.setConfiguration}). @default the defaults of {@link EmulatorConfiguration} */
  readonly configuration?: Partial<EmulatorConfiguration>;
}

/** The parts of Harbor's system configuration (`/api/v2.0/configurations`, src/lib/config/metadata) the emulator honours. */
export interface EmulatorConfiguration {
  /**
   * `auth_mode`: how a group member named by name resolves when no group of that name AND type exists
   * (src/controller/member/controller.go `Create`, src/core/auth): `db_auth` answers 404, `oidc_auth` onboards an OIDC
   * group of that name (or takes the one that exists).
   * @default 'db_auth'
   */
  readonly authMode: 'db_auth' | 'oidc_auth';
  /** `quota_per_project_enable`: projects get a storage quota. @default true */
  readonly quotaPerProject: boolean;
  /**
   * `storage_per_project`: the quota, in bytes (-1 unlimited), of a project created by anybody but a system
   * administrator, or without `storage_limit`.
   * @default -1
   */
  readonly storagePerProject: number;
}

/** A robot permission as Harbor's API carries it. */
export interface EmulatorPermission {
  kind: string;
  namespace: string;
  access: Array<{ resource: string; action: string; effect?: string }>;
}

/** A project, as {@link HarborEmulator.state} shows it. */
export interface EmulatorProjectState {
  readonly id: number;
  readonly name: string;
  readonly ownerName: string;
  /** Harbor's string metadata, e.g. `{public: 'false', auto_scan: 'true'}`. */
  readonly metadata: Readonly<Record<string, string>>;
  readonly repositories: readonly string[];
  /** Bytes; -1 = unlimited; undefined when Harbor keeps no quota for it (quotas per project off when it was created). */
  readonly storageLimit?: number;
}

/** A project member, as {@link HarborEmulator.state} shows it. */
export interface EmulatorMemberState {
  readonly id: number;
  readonly project: string;
  readonly projectId: number;
  readonly entityName: string;
  /** `u` for a user, `g` for a group. */
  readonly entityType: 'u' | 'g';
  readonly entityId: number;
  readonly roleId: number;
}

/** A robot account WITHOUT its secret, as {@link HarborEmulator.state} shows it. */
export interface EmulatorRobotState {
  readonly id: number;
  /** The full login name, e.g. `robot$app+puller`. */
  readonly name: string;
  readonly level: 'project' | 'system';
  /** The project's name for a project robot; undefined for a system robot. */
  readonly project?: string;
  readonly description: string;
  /** Days; -1 = never expires. */
  readonly duration: number;
  /** Seconds since the epoch; -1 = never. */
  readonly expiresAt: number;
  readonly disabled: boolean;
  /** As stored (the order and `effect` given at create/update), not shuffled. */
  readonly permissions: EmulatorPermission[];
}

/** Read-only snapshot of the emulator's state (robot secrets excluded). */
export interface EmulatorState {
  readonly projects: EmulatorProjectState[];
  readonly members: EmulatorMemberState[];
  readonly robots: EmulatorRobotState[];
}

interface UserRec {
  readonly id: number;
  readonly username: string;
  password?: string;
  readonly admin: boolean;
  readonly groupIds: Set<number>;
  readonly created: number;
}
interface GroupRec {
  readonly id: number;
  readonly name: string;
  /** Harbor's `group_type`: 1 LDAP, 2 HTTP, 3 OIDC. */
  readonly type: number;
}
interface CveAllowlist {
  items: Array<{ cve_id?: string }>;
  expiresAt?: number | null;
}
interface ProjectRec {
  readonly id: number;
  readonly name: string;
  readonly ownerId: number;
  metadata: Record<string, string>;
  readonly repositories: Set<string>;
  /** Bytes, -1 unlimited; undefined when Harbor keeps no quota for it (quotas per project were off at its creation). */
  storageLimit: number | undefined;
  cveAllowlist: CveAllowlist;
  readonly created: number;
  updated: number;
}
interface MemberRec {
  readonly id: number;
  readonly projectId: number;
  readonly entityType: 'u' | 'g';
  readonly entityId: number;
  roleId: number;
}
interface RobotRec {
  readonly id: number;
  readonly fullName: string;
  readonly level: 'project' | 'system';
  readonly projectId: number;
  description: string;
  duration: number;
  expiresAt: number;
  disabled: boolean;
  secret: string;
  permissions: EmulatorPermission[];
  readonly creatorRef: number;
  readonly created: number;
  updated: number;
}

/**
 * Who is calling. Missing or wrong credentials make the caller anonymous, as in Harbor: its security middleware
 * (src/server/middleware/security/security.go `Middleware`) tries each generator, the basic-auth and robot ones give
 * none for a failed login (basic_auth.go `Generate`), and `UnauthorizedMiddleware` then sets an unauthenticated context.
 */
type Principal =
  | { readonly kind: 'user'; readonly user: UserRec }
  | { readonly kind: 'robot'; readonly robot: RobotRec }
  | { readonly kind: 'anonymous' };

/** The project-scoped RBAC resources the emulated handlers check (`self` is the project itself). */
type RbacResource = 'self' | 'member' | 'robot' | 'repository' | 'artifact' | 'quota';
type Policies = Readonly<Partial<Record<RbacResource, readonly string[]>>>;

/**
 * What each project role may do, for the resources the emulated handlers check: src/common/rbac/project/rbac_role.go
 * `rolePoliciesMap` (projectAdmin, maintainer, developer, guest, limitedGuest), by role id.
 */
const ROLE_POLICIES: Readonly<Record<number, Policies>> = {
  1: {
    self: ['read', 'update', 'delete'],
    member: ['create', 'read', 'update', 'delete', 'list'],
    robot: ['create', 'read', 'update', 'delete', 'list'],
    repository: ['create', 'read', 'update', 'delete', 'list', 'pull', 'push'],
    artifact: ['create', 'read', 'delete', 'list'],
    quota: ['read'],
  },
  4: {
    self: ['read'],
    member: ['read', 'list'],
    robot: ['read', 'list'],
    repository: ['create', 'read', 'update', 'delete', 'list', 'push', 'pull'],
    artifact: ['create', 'read', 'delete', 'list'],
    quota: ['read'],
  },
  2: {
    self: ['read'],
    member: ['read', 'list'],
    robot: ['read', 'list'],
    repository: ['create', 'read', 'update', 'list', 'push', 'pull'],
    artifact: ['create', 'read', 'list'],
    quota: ['read'],
  },
  3: {
    self: ['read'],
    member: ['read', 'list'],
    robot: ['read', 'list'],
    repository: ['read', 'list', 'pull'],
    artifact: ['read', 'list'],
    quota: ['read'],
  },
  5: {
    self: ['read'],
    repository: ['list', 'read', 'pull'],
    artifact: ['read', 'list'],
    quota: ['read'],
  },
};

/** What anybody, even anonymous, may do in a public project: src/common/rbac/project/rbac_util.go `publicProjectPolicies`. */
const PUBLIC_POLICIES: Policies = { self: ['read'], repository: ['list', 'pull'], artifact: ['read', 'list'] };

/** The repository actions Harbor's token service may grant (src/core/service/token/creator.go `actionScopeMap`). */
const TOKEN_ACTIONS: readonly RepositoryAction[] = ['pull', 'push', 'delete', 'scanner-pull'];

interface Reply {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

interface Ctx {
  readonly op: SwaggerOperation;
  /** Decoded path parameters. */
  readonly params: Record<string, string>;
  readonly query: URLSearchParams;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: unknown;
  readonly principal: Principal;
  /** Request path including the API base, without the query string. */
  readonly fullPath: string;
}

type Handler = (ctx: Ctx) => Reply;

/** A Harbor error answer raised by a handler. */
class HarborError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
// Harbor's own rules, written here from Harbor's source and not imported from lib/core (the emulator checks the
// library): `validProjectName` in src/pkg/project/manager.go, `validateName` in src/server/v2.0/handler/robot.go.
const PROJECT_NAME = /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
const ROBOT_NAME = /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
const ROLE_NAMES: Readonly<Record<number, string>> = {
  1: 'projectAdmin',
  2: 'developer',
  3: 'guest',
  4: 'maintainer',
  5: 'limitedGuest',
};
/** Harbor's ranking of roles, most powerful first (for `current_user_role_id`). */
const ROLE_RANK = [1, 4, 2, 3, 5];
const BOOL_METADATA = [
  'public',
  'enable_content_trust',
  'enable_content_trust_cosign',
  'prevent_vul',
  'auto_scan',
  'auto_sbom_generation',
  'reuse_sys_cve_allowlist',
  'proxy_cache_local_on_not_found',
];
const SEVERITIES = ['none', 'low', 'medium', 'high', 'critical'];
/** Proxy-cache-only metadata Harbor drops for ordinary projects. */
const PROXY_ONLY_METADATA = ['proxy_speed_kb', 'max_upstream_conn', 'proxy_cache_local_on_not_found'];
const KNOWN_METADATA = new Set([...BOOL_METADATA, 'severity', 'retention_id', 'proxy_speed_kb', 'max_upstream_conn']);
const GO_TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const GO_FALSE = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);
const ERROR_CODES: Readonly<Record<number, string>> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  409: 'CONFLICT',
  412: 'PRECONDITION',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'UNPROCESSABLE_ENTITY',
  429: 'TOO_MANY_REQUESTS',
  500: 'UNKNOWN',
  502: 'BAD_GATEWAY',
  503: 'SERVICE_UNAVAILABLE',
  504: 'GATEWAY_TIMEOUT',
};
const MAX_BODY_BYTES = 1024 * 1024;

/** Harbor's error body. */
function errorBody(status: number, message: string, code: string = ERROR_CODES[status] ?? 'UNKNOWN'): unknown {
  return { errors: [{ code, message }] };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Quota ids are the project's id plus this, so that a client mixing the two up is caught. */
const QUOTA_ID_OFFSET = 1000;
/** Harbor's robot table keeps the name (`<project>+<name>` for a project robot) in `name varchar(255)`. */
const ROBOT_NAME_COLUMN = 255;
/** The largest storage quota Harbor takes: 1024 TB (src/pkg/quota/types `MaxLimitedValue`). */
const MAX_QUOTA_BYTES = 1024 ** 5;

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error(`request body larger than ${MAX_BODY_BYTES} bytes`));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
    req.on('aborted', () => reject(new Error('client aborted')));
  });
}

function clonePermissions(perms: readonly EmulatorPermission[]): EmulatorPermission[] {
  return perms.map((p) => ({
    kind: p.kind,
    namespace: p.namespace,
    access: p.access.map((a) =>
      a.effect === undefined
        ? { resource: a.resource, action: a.action }
        : { resource: a.resource, action: a.action, effect: a.effect },
    ),
  }));
}

/**
 * The emulator. Plug {@link handle} into any `http.Server` (it ignores paths outside `/api/v2.0`), or use
 * {@link startEmulatorServer}.
 */
export class HarborEmulator {
  /** Every API request seen, in order (see {@link resetLog}). */
  readonly requests: RequestLogEntry[] = [];
  /** Every contract violation seen (requests and responses that break the swagger, unimplemented operations). */
  readonly contractViolations: string[] = [];
  /** The system administrator's user name. */
  readonly adminUsername: string;
  /** Harbor's `robot_name_prefix`. */
  readonly robotNamePrefix: string;

  private readonly swagger: HarborSwagger;
  private readonly rng: SeededRandom;
  private readonly now: () => number;
  private readonly users = new Map<number, UserRec>();
  private readonly groups = new Map<number, GroupRec>();
  private readonly projects = new Map<number, ProjectRec>();
  private readonly members = new Map<number, MemberRec>();
  private readonly robots = new Map<number, RobotRec>();
  /** Artifacts by `<project id>/<repository>`, recorded by {@link addArtifact}. */
  private readonly artifacts = new Map<string, Array<{ digest: string; tags: string[]; pushed: number }>>();
  private readonly faults: Array<{ fault: Fault; remaining: number }> = [];
  private readonly hung = new Set<http.ServerResponse>();
  private nextId = { user: 1, group: 1, project: 1, member: 1, robot: 1 };
  private config: EmulatorConfiguration;
  private readonly handlers: Readonly<Record<string, Handler>>;

  constructor(opts: HarborEmulatorOptions) {
    if (!opts || typeof opts.adminPassword !== 'string' || opts.adminPassword === '') {
      throw new Error(
        'HarborEmulator: adminPassword must be a non-empty string; generate one per test run, e.g. crypto.randomBytes(12).toString("hex").',
      );
    }
    this.adminUsername = opts.adminUsername ?? 'admin';
    this.robotNamePrefix = opts.robotNamePrefix ?? 'robot$';
    this.rng = new SeededRandom(opts.seed ?? 1);
    this.now = opts.now ?? Date.now;
    this.swagger = HarborSwagger.load(opts.swaggerPath);
    this.config = { authMode: 'db_auth', quotaPerProject: true, storagePerProject: -1, ...opts.configuration };
    this.createUser(this.adminUsername, opts.adminPassword, true);
    this.handlers = {
      listProjects: (c) => this.listProjects(c),
      headProject: (c) => this.headProject(c),
      createProject: (c) => this.createProject(c),
      getProject: (c) => this.getProject(c),
      updateProject: (c) => this.updateProject(c),
      deleteProject: (c) => this.deleteProject(c),
      getProjectDeletable: (c) => this.getProjectDeletable(c),
      listRepositories: (c) => this.listRepositories(c),
      deleteRepository: (c) => this.deleteRepository(c),
      getArtifact: (c) => this.getArtifact(c),
      listProjectMembers: (c) => this.listMembers(c),
      createProjectMember: (c) => this.createMember(c),
      getProjectMember: (c) => this.getMember(c),
      updateProjectMember: (c) => this.updateMember(c),
      deleteProjectMember: (c) => this.deleteMember(c),
      ListRobot: (c) => this.listRobots(c),
      CreateRobot: (c) => this.createRobot(c),
      GetRobotByID: (c) => this.getRobot(c),
      UpdateRobot: (c) => this.updateRobot(c),
      RefreshSec: (c) => this.refreshSecret(c),
      DeleteRobot: (c) => this.deleteRobot(c),
      getCurrentUserInfo: (c) => this.currentUser(c),
      getProjectSummary: (c) => this.projectSummary(c),
      listQuotas: (c) => this.listQuotas(c),
      getQuota: (c) => this.getQuota(c),
      updateQuota: (c) => this.updateQuota(c),
      updateUserPassword: (c) => this.updateUserPassword(c),
    };
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Test set-up and inspection
  // ---------------------------------------------------------------------------------------------------------------

  /**
   * Adds a Harbor user (members are existing users). Without a password the user exists but cannot log in.
   * @throws when the name is taken
   */
  addUser(username: string, password?: string): void {
    this.createUser(username, password, false);
  }

  /** Out-of-band edit (an administrator in the UI): gives an existing user a new password; the old one stops working. */
  setUserPassword(username: string, password: string): void {
    const user = this.userByName(username);
    if (!user) throw new Error(`HarborEmulator.setUserPassword: no user "${username}"; call addUser first.`);
    if (typeof password !== 'string' || password === '')
      throw new Error('HarborEmulator.setUserPassword: the password must be a non-empty string.');
    user.password = password;
  }

  /** Changes Harbor's system configuration, as an administrator would in the UI (Configuration). */
  setConfiguration(change: Partial<EmulatorConfiguration>): void {
    this.config = { ...this.config, ...change };
  }

  /**
   * A login that is projectAdmin of `project` and not a system administrator (the README's login for an adopted
   * project): creates the project as the system administrator when it does not exist, and the user with the
   * projectAdmin role in it.
   */
  addProjectAdmin(project: string, username: string, password: string): void {
    if (!this.projectByName(project)) {
      const admin = [...this.users.values()].find((u) => u.admin)!;
      const id = this.nextId.project++;
      const now = this.now();
      this.projects.set(id, {
        id,
        name: project,
        ownerId: admin.id,
        metadata: { public: 'false' },
        repositories: new Set(),
        storageLimit: this.config.quotaPerProject ? this.config.storagePerProject : undefined,
        cveAllowlist: { items: [] },
        created: now,
        updated: now,
      });
      this.addMember(id, 'u', admin.id, 1);
    }
    this.createUser(username, password, false);
    this.addMember(this.projectByName(project)!.id, 'u', this.userByName(username)!.id, 1);
  }

  /** Out-of-band edit: sets a project's storage quota in bytes (-1 unlimited), as an administrator in the UI would. */
  setProjectStorageLimit(project: string, bytes: number): void {
    this.projectOrThrow('setProjectStorageLimit', project).storageLimit = bytes;
  }

  /**
   * Adds a user group of `groupType` (1 LDAP, 2 HTTP, 3 OIDC). Group names are unique whatever the type (Harbor's
   * `unique_group_name`, make/migrations/postgresql/0005_1.8.2_schema.up.sql). @throws when the name is taken
   */
  addGroup(groupName: string, groupType: 1 | 2 | 3): void {
    if ([...this.groups.values()].some((g) => g.name === groupName)) {
      throw new Error(`HarborEmulator.addGroup: group "${groupName}" already exists; use another name.`);
    }
    if (![1, 2, 3].includes(groupType))
      throw new Error(
        `HarborEmulator.addGroup: groupType ${String(groupType)} must be 1 (LDAP), 2 (HTTP) or 3 (OIDC).`,
      );
    const id = this.nextId.group++;
    this.groups.set(id, { id, name: groupName, type: groupType });
  }

  /** Puts an existing user in an existing group (so a group membership grants the user that role). */
  addUserToGroup(username: string, groupName: string): void {
    const user = this.userByName(username);
    if (!user) throw new Error(`HarborEmulator.addUserToGroup: no user "${username}"; call addUser first.`);
    const group = [...this.groups.values()].find((g) => g.name === groupName);
    if (!group) throw new Error(`HarborEmulator.addUserToGroup: no group "${groupName}"; call addGroup first.`);
    user.groupIds.add(group.id);
  }

  /** Records a repository in `project` (as a push would); a project with repositories cannot be deleted (412). */
  addRepository(project: string, repository: string): void {
    this.projectOrThrow('addRepository', project).repositories.add(repository);
  }

  /** Removes a repository from `project` (as deleting it in the UI would). */
  removeRepository(project: string, repository: string): void {
    const p = this.projectOrThrow('removeRepository', project);
    p.repositories.delete(repository);
    this.artifacts.delete(`${p.id}/${repository}`);
  }

  /** Records a pushed artifact (its manifest digest and tags) and its repository, as a push would. */
  addArtifact(project: string, repository: string, digest: string, tags: readonly string[]): void {
    const p = this.projectOrThrow('addArtifact', project);
    p.repositories.add(repository);
    const key = `${p.id}/${repository}`;
    const list = (this.artifacts.get(key) ?? []).map((a) => ({ ...a, tags: a.tags.filter((t) => !tags.includes(t)) }));
    const same = list.find((a) => a.digest === digest);
    if (same) same.tags.push(...tags);
    else list.push({ digest, tags: [...tags], pushed: this.now() });
    this.artifacts.set(key, list);
  }

  /** True when these credentials log in (a user, or a robot that is enabled, not expired and has this secret). */
  authenticates(username: string, password: string): boolean {
    return this.login(username, password) !== undefined;
  }

  /** Adds a fault; see {@link Fault}. */
  injectFault(f: Fault): void {
    const times = f.times ?? 1;
    if (!(times > 0))
      throw new Error(`HarborEmulator.injectFault: times must be > 0 (or Infinity), got ${String(f.times)}.`);
    if (f.kind === 'status' && !(Number.isInteger(f.status) && f.status >= 400 && f.status <= 599)) {
      throw new Error(
        `HarborEmulator.injectFault: a status fault needs an HTTP error status 400-599, got ${String(f.status)}.`,
      );
    }
    this.faults.push({ fault: f, remaining: times });
  }

  /** Removes all faults (used or not). */
  clearFaults(): void {
    this.faults.length = 0;
  }

  /** How many write requests (POST, PUT, PATCH, DELETE) were seen since the last {@link resetLog}. */
  writes(): number {
    return this.requests.filter((r) => r.write).length;
  }

  /**
   * The requests since the last {@link resetLog}, as tests compare them: `METHOD /path`, the path below `/api/v2.0`
   * (ids as seen, no query string).
   * @param keep which requests, e.g. `(r) => r.write` for the writes only
   */
  calls(keep: (request: RequestLogEntry) => boolean = () => true): string[] {
    return this.requests.filter(keep).map((r) => `${r.method} ${r.path.replace(/^\/api\/v2\.0/, '')}`);
  }

  /** Forgets the request log (not the contract violations). */
  resetLog(): void {
    this.requests.length = 0;
  }

  /** Closes every connection held by a `hang` fault. Call it when the test is done (startEmulatorServer's close does). */
  dispose(): void {
    for (const res of this.hung) res.destroy();
    this.hung.clear();
  }

  /**
   * The repository actions these credentials get in `project` from Harbor's token service
   * (src/core/service/token/creator.go `repositoryFilter`): every action of `actionScopeMap` (pull, push, delete,
   * scanner-pull) the caller may do on the project's repositories, whatever it asked for, by {@link can}'s RBAC. Wrong
   * or missing credentials make the caller anonymous (pull from a public project only). Unknown project: [].
   */
  authorize(username: string | undefined, password: string | undefined, project: string): RepositoryAction[] {
    const p = this.projectByName(project);
    if (!p) return [];
    const principal: Principal = (username !== undefined && password !== undefined
      ? this.login(username, password)
      : undefined) ?? {
      kind: 'anonymous',
    };
    return TOKEN_ACTIONS.filter((a) => this.can(principal, p, 'repository', a));
  }

  /** True when these credentials belong to a Harbor system administrator (the token service's `registry:catalog`). */
  isSystemAdmin(username: string, password: string): boolean {
    const principal = this.login(username, password);
    return principal !== undefined && this.isSysAdmin(principal);
  }

  /** Out-of-band edit (an admin in the UI): makes `name` public or private. */
  setProjectPublic(name: string, isPublic: boolean): void {
    const p = this.projectOrThrow('setProjectPublic', name);
    p.metadata.public = String(isPublic);
    p.updated = this.now();
  }

  /** Out-of-band edit: disables or enables a robot by its full name. */
  setRobotDisabled(fullName: string, disabled: boolean): void {
    const r = this.robotOrThrow('setRobotDisabled', fullName);
    r.disabled = disabled;
    r.updated = this.now();
  }

  /** Out-of-band edit: replaces a robot's permissions (no validation, like a direct database edit). */
  setRobotPermissions(fullName: string, perms: EmulatorPermission[]): void {
    const r = this.robotOrThrow('setRobotPermissions', fullName);
    r.permissions = clonePermissions(perms);
    r.updated = this.now();
  }

  /** Out-of-band edit: sets a robot's expiry (seconds since the epoch, -1 = never). */
  setRobotExpiresAt(fullName: string, expiresAtSeconds: number): void {
    this.robotOrThrow('setRobotExpiresAt', fullName).expiresAt = expiresAtSeconds;
  }

  /** Out-of-band edit: deletes a robot by its full name. */
  deleteRobotOutOfBand(fullName: string): void {
    this.robots.delete(this.robotOrThrow('deleteRobotOutOfBand', fullName).id);
  }

  /** Out-of-band edit: changes the role of the member called `entityName` (user or group) in `project`. */
  setMemberRole(project: string, entityName: string, roleId: number): void {
    if (!ROLE_NAMES[roleId]) throw new Error(`HarborEmulator.setMemberRole: role id ${roleId} is unknown; use 1-5.`);
    this.memberOrThrow('setMemberRole', project, entityName).roleId = roleId;
  }

  /** Out-of-band edit: removes the member called `entityName` from `project`. */
  removeMemberOutOfBand(project: string, entityName: string): void {
    this.members.delete(this.memberOrThrow('removeMemberOutOfBand', project, entityName).id);
  }

  /** A deep copy of the state, for assertions. Robot secrets and user passwords are never included. */
  state(): EmulatorState {
    const projects = [...this.projects.values()].map((p) => ({
      id: p.id,
      name: p.name,
      ownerName: this.users.get(p.ownerId)?.username ?? '',
      metadata: { ...p.metadata },
      repositories: [...p.repositories].sort(),
      storageLimit: p.storageLimit,
    }));
    const members = [...this.members.values()].map((m) => ({
      id: m.id,
      project: this.projects.get(m.projectId)?.name ?? '',
      projectId: m.projectId,
      entityName: this.entityName(m),
      entityType: m.entityType,
      entityId: m.entityId,
      roleId: m.roleId,
    }));
    const robots = [...this.robots.values()].map((r) => ({
      id: r.id,
      name: r.fullName,
      level: r.level,
      project: r.level === 'project' ? this.projects.get(r.projectId)?.name : undefined,
      description: r.description,
      duration: r.duration,
      expiresAt: r.expiresAt,
      disabled: r.disabled,
      permissions: clonePermissions(r.permissions),
    }));
    return { projects, members, robots };
  }

  // ---------------------------------------------------------------------------------------------------------------
  // HTTP
  // ---------------------------------------------------------------------------------------------------------------

  /** Handles requests under `/api/v2.0`; returns false (and does nothing) for other paths. */
  async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<boolean> {
    const url = new URL(req.url ?? '/', 'http://emulator.invalid');
    const base = this.swagger.basePath;
    if (url.pathname !== base && !url.pathname.startsWith(`${base}/`)) return false;

    const method = (req.method ?? 'GET').toUpperCase();
    const entry: RequestLogEntry = {
      method,
      path: url.pathname,
      query: url.search.replace(/^\?/, ''),
      status: 0,
      write: WRITE_METHODS.has(method),
    };
    this.requests.push(entry);
    const incomingId = req.headers['x-request-id'];
    const requestId = typeof incomingId === 'string' && incomingId !== '' ? incomingId : randomRequestId();

    let rawBody: string;
    try {
      rawBody = await readBody(req);
    } catch {
      res.destroy();
      return true;
    }

    const found = this.swagger.findOperation(method, url.pathname.slice(base.length) || '/');
    if ('problem' in found) {
      this.sendContractError(res, entry, requestId, method, [found.problem]);
      return true;
    }
    const op = found.operation;
    const requestProblems = this.swagger.validateRequest(op, {
      pathParams: found.pathParams,
      query: url.searchParams,
      headers: req.headers,
      rawBody,
    });
    if (requestProblems.length > 0) {
      this.sendContractError(
        res,
        entry,
        requestId,
        method,
        requestProblems.map((p) => `request ${p}`),
      );
      return true;
    }

    const fault = this.takeFault(method, url.pathname);
    if (fault) entry.fault = fault.kind;
    if (fault?.kind === 'status') {
      const headers: Record<string, string> = {};
      if (fault.retryAfterSeconds !== undefined) headers['Retry-After'] = String(fault.retryAfterSeconds);
      this.write(res, entry, requestId, method, {
        status: fault.status,
        body: errorBody(fault.status, `injected fault: HTTP ${fault.status}`),
        headers,
      });
      return true;
    }
    if (fault?.kind === 'reset') {
      req.socket.destroy();
      return true;
    }
    if (fault?.kind === 'hang') {
      this.hung.add(res);
      res.on('close', () => this.hung.delete(res));
      return true;
    }

    let reply = this.apply(op, found.pathParams, url, req.headers, rawBody, method);
    const responseProblems = this.swagger.validateResponse(
      op,
      reply.status,
      reply.body === undefined ? '' : JSON.stringify(reply.body),
      undeclaredStatusesFor(op.operationId),
    );
    if (responseProblems.length > 0) {
      const messages = responseProblems.map((p) => `response ${p}`);
      this.contractViolations.push(...messages);
      reply = {
        status: 500,
        body: errorBody(500, `Harbor emulator contract violation: ${messages.join(' | ')}`, 'CONTRACT_VIOLATION'),
      };
    }
    if (fault?.kind === 'reset-after-commit') {
      entry.status = reply.status;
      req.socket.destroy();
      return true;
    }
    this.write(res, entry, requestId, method, reply);
    return true;
  }

  /** Authenticates and runs the handler; turns Harbor errors into error replies. */
  private apply(
    op: SwaggerOperation,
    rawParams: Record<string, string>,
    url: URL,
    headers: http.IncomingHttpHeaders,
    rawBody: string,
    method: string,
  ): Reply {
    try {
      const cookies = String(headers.cookie ?? '');
      if (WRITE_METHODS.has(method) && /(^|;\s*)sid=/.test(cookies)) {
        // Harbor's CSRF middleware: a session cookie means a browser session, whose writes need X-Harbor-CSRF-Token.
        throw new HarborError(403, 'CSRF token invalid');
      }
      const principal = this.authenticate(headers.authorization);
      const handler = this.handlers[op.operationId];
      if (!handler) {
        const message = `emulator does not implement ${op.method} ${op.template} (${op.operationId}); add it to test/lab/harbor-emulator.ts or avoid the call`;
        this.contractViolations.push(message);
        return { status: 500, body: errorBody(500, message) };
      }
      const params: Record<string, string> = {};
      for (const [k, v] of Object.entries(rawParams)) params[k] = decodeURIComponent(v);
      const body = rawBody.trim() === '' ? undefined : (JSON.parse(rawBody) as unknown);
      const fullPath = url.pathname;
      return handler({ op, params, query: url.searchParams, headers, body, principal, fullPath });
    } catch (e) {
      if (e instanceof HarborError) return { status: e.status, body: errorBody(e.status, e.message) };
      const message = `emulator error in ${op.operationId}: ${e instanceof Error ? e.message : String(e)}`;
      this.contractViolations.push(message);
      return { status: 500, body: errorBody(500, message) };
    }
  }

  private sendContractError(
    res: http.ServerResponse,
    entry: RequestLogEntry,
    requestId: string,
    method: string,
    problems: string[],
  ): void {
    this.contractViolations.push(...problems);
    this.write(res, entry, requestId, method, {
      status: 500,
      body: errorBody(500, `Harbor emulator contract violation: ${problems.join(' | ')}`, 'CONTRACT_VIOLATION'),
    });
  }

  private write(
    res: http.ServerResponse,
    entry: RequestLogEntry,
    requestId: string,
    method: string,
    reply: Reply,
  ): void {
    entry.status = reply.status;
    res.statusCode = reply.status;
    res.setHeader('X-Request-Id', requestId);
    // Harbor's clock: the Date header follows the emulator's clock (clients compare it with creation times).
    res.setHeader('Date', new Date(this.now()).toUTCString());
    for (const [k, v] of Object.entries(reply.headers ?? {})) res.setHeader(k, v);
    if (reply.body === undefined || method === 'HEAD') {
      res.end();
      return;
    }
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.end(JSON.stringify(reply.body));
  }

  private takeFault(method: string, path: string): Fault | undefined {
    for (const slot of this.faults) {
      if (slot.remaining <= 0) continue;
      const m = slot.fault.match ?? {};
      if (m.method && m.method.toUpperCase() !== method) continue;
      if (m.path) {
        m.path.lastIndex = 0;
        if (!m.path.test(path)) continue;
      }
      slot.remaining -= 1;
      return slot.fault;
    }
    return undefined;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Authentication and authorisation
  // ---------------------------------------------------------------------------------------------------------------

  /** The caller: a user or robot whose credentials log in, else anonymous (see {@link Principal}). */
  private authenticate(authorization: string | undefined): Principal {
    const m = /^Basic\s+(\S+)\s*$/i.exec(authorization ?? '');
    if (!m) return { kind: 'anonymous' };
    const decoded = Buffer.from(m[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const principal = colon < 0 ? undefined : this.login(decoded.slice(0, colon), decoded.slice(colon + 1));
    return principal ?? { kind: 'anonymous' };
  }

  /** The principal for these credentials, or undefined (unknown, wrong password, disabled or expired robot). */
  private login(username: string, password: string): Principal | undefined {
    const user = this.userByName(username);
    if (user)
      return user.password !== undefined && safeEqual(user.password, password) ? { kind: 'user', user } : undefined;
    if (!username.startsWith(this.robotNamePrefix)) return undefined;
    const robot = this.robotByName(username);
    if (!robot || robot.disabled || this.isExpired(robot) || !safeEqual(robot.secret, password)) return undefined;
    return { kind: 'robot', robot };
  }

  private isExpired(r: RobotRec): boolean {
    return r.expiresAt !== -1 && Math.floor(this.now() / 1000) >= r.expiresAt;
  }

  private isSysAdmin(principal: Principal): boolean {
    return principal.kind === 'user' && principal.user.admin;
  }

  private rolesOf(principal: Principal, p: ProjectRec): number[] {
    if (principal.kind !== 'user') return [];
    const u = principal.user;
    const roles = [...this.members.values()]
      .filter(
        (m) =>
          m.projectId === p.id &&
          ((m.entityType === 'u' && m.entityId === u.id) || (m.entityType === 'g' && u.groupIds.has(m.entityId))),
      )
      .map((m) => m.roleId);
    return [...new Set(roles)];
  }

  private permissionCovers(robot: RobotRec, perm: EmulatorPermission, p: ProjectRec): boolean {
    if (perm.namespace === p.name) return robot.level === 'system' || robot.projectId === p.id;
    return robot.level === 'system' && perm.namespace === '*';
  }

  /**
   * Harbor's RBAC on one project (src/common/rbac/project/evaluator.go): a system administrator may do anything
   * (src/common/security/local/context.go `Can`, the admin evaluator); a user what its roles grant (directly or through a
   * group, {@link ROLE_POLICIES}); a robot what its permissions for the project grant, where a permission's `project`
   * resource is the project itself and `push` brings `pull` of the same resource (src/common/security/robot/context.go
   * `getPolicyResource`, `filterRobotPolicies`), a `deny` winning; and anybody what a public project grants
   * ({@link PUBLIC_POLICIES}).
   */
  private can(principal: Principal, p: ProjectRec, resource: RbacResource, action: string): boolean {
    if (this.isSysAdmin(principal)) return true;
    const allows = (policies: Policies | undefined): boolean => policies?.[resource]?.includes(action) === true;
    if (p.metadata.public === 'true' && allows(PUBLIC_POLICIES)) return true;
    if (principal.kind === 'user') return this.rolesOf(principal, p).some((r) => allows(ROLE_POLICIES[r]));
    if (principal.kind !== 'robot') return false;
    const matches = (a: { resource: string; action: string }): boolean => {
      const res = a.resource === 'project' ? 'self' : a.resource;
      return (
        (res === resource || res === '*') &&
        (a.action === action || a.action === '*' || (action === 'pull' && a.action === 'push'))
      );
    };
    const access = principal.robot.permissions
      .filter((perm) => this.permissionCovers(principal.robot, perm, p))
      .flatMap((perm) => perm.access);
    return (
      access.some((a) => a.effect !== 'deny' && matches(a)) && !access.some((a) => a.effect === 'deny' && matches(a))
    );
  }

  /**
   * Harbor's check of a project-scoped call (src/server/v2.0/handler/base.go `RequireProjectAccess`), made BEFORE the
   * handler looks the project up: a project that does not exist becomes project 0, on which only a system
   * administrator has permissions (`HasProjectPermission`). So, without the permission: 401 for an anonymous caller,
   * 403 for anybody else, whether the project exists or not; with it, the handler's own lookup answers 404.
   * @returns the project
   */
  private requireProjectAccess(
    principal: Principal,
    p: ProjectRec | undefined,
    shown: string,
    resource: RbacResource,
    action: string,
  ): ProjectRec {
    this.checkProjectAccess(principal, p, resource, action);
    if (!p) throw new HarborError(404, `project ${shown} not found`);
    return p;
  }

  /** The access check of {@link requireProjectAccess} alone, for handlers that never look the project up. */
  private checkProjectAccess(
    principal: Principal,
    p: ProjectRec | undefined,
    resource: RbacResource,
    action: string,
  ): void {
    if (p ? this.can(principal, p, resource, action) : this.isSysAdmin(principal)) return;
    if (principal.kind === 'anonymous') throw new HarborError(401, 'UNAUTHORIZED');
    throw new HarborError(403, 'FORBIDDEN');
  }

  /** Harbor's `RequireSystemAccess` (base.go): 401 for an anonymous caller, 403 for anybody but a system administrator. */
  private requireSysAdmin(principal: Principal): void {
    if (principal.kind === 'anonymous') throw new HarborError(401, 'UNAUTHORIZED');
    if (!this.isSysAdmin(principal)) throw new HarborError(403, 'FORBIDDEN');
  }

  /** Harbor's `RequireAuthenticated` (base.go): 401 for an anonymous caller. */
  private requireAuthenticated(principal: Principal): void {
    if (principal.kind === 'anonymous') throw new HarborError(401, 'UNAUTHORIZED');
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Projects
  // ---------------------------------------------------------------------------------------------------------------

  private listProjects(c: Ctx): Reply {
    const name = c.query.get('name') ?? '';
    const owner = c.query.get('owner');
    const publicParam = c.query.get('public');
    let conditions: Map<string, QueryCondition>;
    try {
      conditions = parseHarborQuery(c.query.get('q'));
    } catch (e) {
      throw new HarborError(400, (e as Error).message);
    }
    const principal = c.principal;
    // src/server/v2.0/handler/project.go `ListProjects`: an administrator sees all; a user its projects and the public
    // ones; a robot the projects its permissions name and the public ones; an anonymous caller the public ones.
    const visible = (p: ProjectRec): boolean => {
      if (this.isSysAdmin(principal)) return true;
      if (p.metadata.public === 'true') return true;
      if (principal.kind === 'robot')
        return principal.robot.permissions.some((perm) => this.permissionCovers(principal.robot, perm, p));
      return this.rolesOf(principal, p).length > 0;
    };
    const all = [...this.projects.values()]
      .filter(visible)
      .filter((p) => name === '' || p.name.includes(name))
      .filter((p) => !owner || this.users.get(p.ownerId)?.username === owner)
      .filter(
        (p) =>
          publicParam === null || (p.metadata.public === 'true') === ['true', '1'].includes(publicParam.toLowerCase()),
      )
      .filter((p) => {
        const byName = conditions.get('name');
        const byId = conditions.get('project_id');
        return (!byName || matchesCondition(p.name, byName)) && (!byId || matchesCondition(p.id, byId));
      })
      .sort((a, b) => a.id - b.id);
    const page = paginate(all, c.query, c.fullPath);
    return { status: 200, body: page.items.map((p) => this.projectJson(p, c.principal)), headers: page.headers };
  }

  /** src/server/v2.0/handler/project.go `HeadProject`: any logged-in caller may ask whether a name is taken. */
  private headProject(c: Ctx): Reply {
    this.requireAuthenticated(c.principal);
    const name = c.query.get('project_name') ?? '';
    if (!this.projectByName(name)) throw new HarborError(404, `project ${name} not found`);
    return { status: 200 };
  }

  private createProject(c: Ctx): Reply {
    const principal = c.principal;
    this.requireAuthenticated(principal);
    if (principal.kind === 'robot' && principal.robot.level !== 'system') {
      throw new HarborError(403, 'Only system level robot can create project');
    }
    const body = isRecord(c.body) ? c.body : {};
    const name = typeof body.project_name === 'string' ? body.project_name : '';
    if (name === '') throw new HarborError(400, 'project_name is required');
    if (!PROJECT_NAME.test(name)) {
      throw new HarborError(
        400,
        `project name "${name}" is invalid: use lower-case letters, digits and single ".", "_" or "-" between them (^[a-z0-9]+(?:[._-][a-z0-9]+)*$)`,
      );
    }
    if (body.registry_id !== undefined && body.registry_id !== null) {
      throw new HarborError(
        400,
        `registry_id ${String(body.registry_id)}: proxy-cache projects are not supported by the lab emulator`,
      );
    }
    const inMeta = isRecord(body.metadata) ? body.metadata : {};
    if (typeof inMeta.retention_id === 'string' && inMeta.retention_id !== '') {
      throw new HarborError(
        400,
        "the retention_id in the request's payload when creating a project should be omitted, alternatively passing an empty string",
      );
    }
    const metadata = this.normaliseMetadata(inMeta);
    if (metadata.public === undefined && typeof body.public === 'boolean') metadata.public = String(body.public);
    metadata.public ??= 'false';
    const storageLimit = this.createStorageLimit(principal, body.storage_limit);
    if (this.projectByName(name)) throw new HarborError(409, `The project named ${name} already exists`);

    const ownerId = principal.kind === 'user' ? principal.user.id : [...this.users.values()].find((u) => u.admin)!.id;
    const id = this.nextId.project++;
    const now = this.now();
    this.projects.set(id, {
      id,
      name,
      ownerId,
      metadata,
      repositories: new Set(),
      storageLimit,
      cveAllowlist: this.cveAllowlist(body.cve_allowlist),
      created: now,
      updated: now,
    });
    this.addMember(id, 'u', ownerId, 1);
    const inName = String(c.headers['x-resource-name-in-location'] ?? '').toLowerCase();
    const location = `${c.fullPath.replace(/\/$/, '')}/${inName === 'true' || inName === '1' ? name : id}`;
    return { status: 201, headers: { Location: location } };
  }

  private getProject(c: Ctx): Reply {
    const p = this.pathProject(c, 'self', 'read');
    return { status: 200, body: this.projectJson(p, c.principal) };
  }

  private updateProject(c: Ctx): Reply {
    const p = this.pathProject(c, 'self', 'update');
    const body = isRecord(c.body) ? c.body : {};
    if (isRecord(body.metadata)) {
      const rid = body.metadata.retention_id;
      if (typeof rid === 'string' && rid !== '' && rid !== p.metadata.retention_id) {
        throw new HarborError(
          400,
          "the retention_id in the request's payload when updating a project should be omitted, alternatively passing the one that has already been associated to this project",
        );
      }
      Object.assign(p.metadata, this.normaliseMetadata(body.metadata));
    }
    if (body.cve_allowlist !== undefined && body.cve_allowlist !== null) {
      const pid = isRecord(body.cve_allowlist) ? body.cve_allowlist.project_id : undefined;
      if (typeof pid === 'number' && pid !== 0 && pid !== p.id) {
        throw new HarborError(400, `project_id in cve_allowlist must be ${p.id} but it's ${pid}`);
      }
      p.cveAllowlist = this.cveAllowlist(body.cve_allowlist);
    }
    p.updated = this.now();
    return { status: 200 };
  }

  private deleteProject(c: Ctx): Reply {
    const p = this.pathProject(c, 'self', 'delete');
    if (p.repositories.size > 0) throw new HarborError(412, 'the project contains repositories, can not be deleted');
    this.projects.delete(p.id);
    for (const m of [...this.members.values()]) if (m.projectId === p.id) this.members.delete(m.id);
    for (const r of [...this.robots.values()])
      if (r.level === 'project' && r.projectId === p.id) this.robots.delete(r.id);
    return { status: 200 };
  }

  private getProjectDeletable(c: Ctx): Reply {
    const p = this.pathProject(c, 'self', 'delete');
    return {
      status: 200,
      body:
        p.repositories.size > 0
          ? { deletable: false, message: 'the project contains repositories, can not be deleted' }
          : { deletable: true },
    };
  }

  /** `GET /projects/{project_name}/repositories`: the repositories recorded by pushes (`addRepository`). */
  private listRepositories(c: Ctx): Reply {
    const p = this.pathProject(c, 'repository', 'list');
    const created = iso(p.created);
    const all = [...p.repositories].sort().map((r, i) => ({
      id: i + 1,
      project_id: p.id,
      name: `${p.name}/${r}`,
      artifact_count: 1,
      pull_count: 0,
      creation_time: created,
      update_time: created,
    }));
    const page = paginate(all, c.query, c.fullPath);
    return { status: 200, body: page.items, headers: page.headers };
  }

  /**
   * `DELETE /projects/{project_name}/repositories/{repository_name}`. Harbor's rule: the name is given without its
   * project and with each `/` encoded twice (`tools%252Fdebug`), so it is decoded once more after the path's own decoding.
   */
  private deleteRepository(c: Ctx): Reply {
    const p = this.pathProject(c, 'repository', 'delete');
    const repo = decodeURIComponent(c.params.repository_name);
    if (!p.repositories.has(repo)) throw new HarborError(404, `repository ${p.name}/${repo} not found`);
    p.repositories.delete(repo);
    this.artifacts.delete(`${p.id}/${repo}`);
    return { status: 200 };
  }

  /**
   * `GET /projects/{project_name}/repositories/{repository_name}/artifacts/{reference}`: an artifact recorded by
   * {@link addArtifact}, by tag or digest (the repository name encoded twice, as for deleteRepository).
   */
  private getArtifact(c: Ctx): Reply {
    const p = this.pathProject(c, 'artifact', 'read');
    const repo = decodeURIComponent(c.params.repository_name);
    const ref = c.params.reference;
    if (!p.repositories.has(repo)) throw new HarborError(404, `repository ${p.name}/${repo} not found`);
    const list = this.artifacts.get(`${p.id}/${repo}`) ?? [];
    const index = list.findIndex((a) => a.digest === ref || a.tags.includes(ref));
    if (index < 0) throw new HarborError(404, `artifact ${p.name}/${repo}:${ref} not found`);
    const a = list[index];
    const pushed = iso(a.pushed);
    return {
      status: 200,
      body: {
        id: index + 1,
        type: 'IMAGE',
        media_type: 'application/vnd.oci.image.config.v1+json',
        manifest_media_type: 'application/vnd.oci.image.manifest.v1+json',
        project_id: p.id,
        repository_name: `${p.name}/${repo}`,
        digest: a.digest,
        push_time: pushed,
        tags: a.tags.map((name, i) => ({
          id: i + 1,
          artifact_id: index + 1,
          name,
          push_time: pushed,
          immutable: false,
        })),
      },
    };
  }

  private projectJson(p: ProjectRec, principal: Principal): unknown {
    const roles = this.rolesOf(principal, p);
    const top = ROLE_RANK.find((r) => roles.includes(r));
    const cve: Record<string, unknown> = {
      id: p.id,
      project_id: p.id,
      items: p.cveAllowlist.items.map((i) => ({ ...i })),
      creation_time: iso(p.created),
      update_time: iso(p.updated),
    };
    if (p.cveAllowlist.expiresAt !== undefined) cve.expires_at = p.cveAllowlist.expiresAt;
    return {
      project_id: p.id,
      owner_id: p.ownerId,
      name: p.name,
      creation_time: iso(p.created),
      update_time: iso(p.updated),
      deleted: false,
      owner_name: this.users.get(p.ownerId)?.username ?? '',
      togglable: true,
      ...(top !== undefined
        ? { current_user_role_id: top, current_user_role_ids: [...roles].sort((a, b) => a - b) }
        : {}),
      repo_count: p.repositories.size,
      metadata: { ...p.metadata },
      cve_allowlist: cve,
    };
  }

  /** Harbor's metadata rules: known keys only, booleans as "true"/"false", severity from a fixed list. */
  private normaliseMetadata(input: Record<string, unknown>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [key, value] of Object.entries(input)) {
      if (!KNOWN_METADATA.has(key) || value === null || value === undefined || value === '') continue;
      if (PROXY_ONLY_METADATA.includes(key) || key === 'retention_id') continue;
      const v = String(value);
      if (BOOL_METADATA.includes(key)) {
        if (GO_TRUE.has(v)) out[key] = 'true';
        else if (GO_FALSE.has(v)) out[key] = 'false';
        else throw new HarborError(400, `metadata.${key} should only be 'true' or 'false', but got: '${v}'`);
      } else if (key === 'severity') {
        if (!SEVERITIES.includes(v.toLowerCase()))
          throw new HarborError(400, `invalid severity ${v}: use one of ${SEVERITIES.join(', ')}`);
        out[key] = v.toLowerCase();
      } else {
        out[key] = v;
      }
    }
    return out;
  }

  /**
   * The quota a created project gets (src/server/v2.0/handler/project.go `CreateProject`): with quotas per project
   * switched on, the body's `storage_limit` only from a system administrator, and only when it is not 0 or absent; the
   * system's default (`storage_per_project`) otherwise; then validated (src/lib/quota_storage_limit.go
   * `ValidateQuotaLimit`: -1, or 1 byte to 1024 TB). Switched off: no quota at all (undefined), whatever was sent.
   */
  private createStorageLimit(principal: Principal, v: unknown): number | undefined {
    if (!this.config.quotaPerProject) return undefined;
    const given = typeof v === 'number' && v !== 0 && this.isSysAdmin(principal) ? v : this.config.storagePerProject;
    this.validateQuotaLimit(given, 'storage_limit');
    return given;
  }

  /** src/lib/quota_storage_limit.go `ValidateQuotaLimit` (through src/pkg/quota `Validate`): -1, or 1 B to 1024 TB. */
  private validateQuotaLimit(v: unknown, field: string): asserts v is number {
    if (typeof v !== 'number' || !Number.isInteger(v) || (v !== -1 && (v <= 0 || v > MAX_QUOTA_BYTES))) {
      throw new HarborError(
        400,
        `${field} ${String(v)} is invalid: ${typeof v === 'number' && v > MAX_QUOTA_BYTES ? `exceeded 1024TB, which is ${MAX_QUOTA_BYTES} Bytes` : 'use -1 (unlimited) or a positive number of bytes'}`,
      );
    }
  }

  private cveAllowlist(v: unknown): CveAllowlist {
    if (!isRecord(v)) return { items: [] };
    const items = Array.isArray(v.items)
      ? v.items.filter(isRecord).map((i) => (typeof i.cve_id === 'string' ? { cve_id: i.cve_id } : {}))
      : [];
    const out: CveAllowlist = { items };
    if (typeof v.expires_at === 'number' || v.expires_at === null) out.expiresAt = v.expires_at;
    return out;
  }

  /** `GET /projects/{p}/summary`: the repository count and, for members (and admins), the storage quota. */
  /**
   * src/server/v2.0/handler/project.go `GetProjectSummary` and `getProjectQuotaSummary`: the quota only for a caller
   * with `quota:read` in the project, and only when quotas per project are on and the project has one.
   */
  private projectSummary(c: Ctx): Reply {
    const p = this.pathProject(c, 'self', 'read');
    const quota =
      this.config.quotaPerProject && p.storageLimit !== undefined && this.can(c.principal, p, 'quota', 'read')
        ? { quota: { hard: { storage: p.storageLimit }, used: { storage: 0 } } }
        : {};
    return { status: 200, body: { repo_count: p.repositories.size, ...quota } };
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Quotas (system administrators only, as in Harbor). A project's quota has an id of its own (not the project's).
  // ---------------------------------------------------------------------------------------------------------------

  private quotaJson(p: ProjectRec): Record<string, unknown> {
    return {
      id: p.id + QUOTA_ID_OFFSET,
      ref: { id: p.id, name: p.name, owner_name: this.users.get(p.ownerId)?.username ?? '' },
      hard: { storage: p.storageLimit },
      used: { storage: 0 },
      creation_time: iso(p.created),
      update_time: iso(p.updated),
    };
  }

  private listQuotas(c: Ctx): Reply {
    this.requireSysAdmin(c.principal);
    const reference = c.query.get('reference');
    const referenceId = c.query.get('reference_id');
    const all = [...this.projects.values()]
      .filter(
        (p) =>
          p.storageLimit !== undefined &&
          (reference === null || reference === 'project') &&
          (referenceId === null || String(p.id) === referenceId),
      )
      .sort((a, b) => a.id - b.id)
      .map((p) => this.quotaJson(p));
    const page = paginate(all, c.query, c.fullPath);
    return { status: 200, body: page.items, headers: page.headers };
  }

  private quotaProject(c: Ctx): ProjectRec {
    const p = this.projects.get(Number(c.params.id) - QUOTA_ID_OFFSET);
    if (!p || p.storageLimit === undefined) throw new HarborError(404, `quota ${c.params.id} not found`);
    return p;
  }

  private getQuota(c: Ctx): Reply {
    this.requireSysAdmin(c.principal);
    return { status: 200, body: this.quotaJson(this.quotaProject(c)) };
  }

  private updateQuota(c: Ctx): Reply {
    this.requireSysAdmin(c.principal);
    const p = this.quotaProject(c);
    const hard = isRecord(c.body) && isRecord(c.body.hard) ? c.body.hard : undefined;
    const storage = hard?.storage;
    this.validateQuotaLimit(storage, 'hard.storage');
    p.storageLimit = storage;
    p.updated = this.now();
    return { status: 200 };
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Members
  // ---------------------------------------------------------------------------------------------------------------

  private listMembers(c: Ctx): Reply {
    const p = this.pathProject(c, 'member', 'list');
    const entityName = c.query.get('entityname') ?? '';
    const ofProject = [...this.members.values()].filter((m) => m.projectId === p.id);
    const matching = ofProject
      .filter((m) => entityName === '' || this.entityName(m) === entityName)
      .sort((a, b) =>
        this.entityName(a) < this.entityName(b) ? -1 : this.entityName(a) > this.entityName(b) ? 1 : a.id - b.id,
      );
    // Harbor's GetTotalOfProjectMembers ignores `entityname`: X-Total-Count is the project's member count.
    const page = paginate(matching, c.query, c.fullPath, ofProject.length);
    return { status: 200, body: page.items.map((m) => this.memberJson(m)), headers: page.headers };
  }

  private createMember(c: Ctx): Reply {
    const p = this.pathProject(c, 'member', 'create');
    if (!isRecord(c.body)) throw new HarborError(400, 'the project member should provide');
    const mu = isRecord(c.body.member_user) ? c.body.member_user : {};
    const mg = isRecord(c.body.member_group) ? c.body.member_group : {};
    const userId = typeof mu.user_id === 'number' ? mu.user_id : 0;
    const username = typeof mu.username === 'string' ? mu.username : '';
    const groupId = typeof mg.id === 'number' ? mg.id : 0;
    const groupName = typeof mg.group_name === 'string' ? mg.group_name : '';
    const ldapDn = typeof mg.ldap_group_dn === 'string' ? mg.ldap_group_dn : '';
    if (userId <= 0 && username === '' && groupId <= 0 && groupName === '' && ldapDn === '') {
      throw new HarborError(400, 'at least one of member_user or member_group must be provided');
    }
    let entityType: 'u' | 'g';
    let entityId: number;
    if (userId > 0) {
      if (!this.users.has(userId)) throw new HarborError(400, `User ${userId} not found`);
      entityType = 'u';
      entityId = userId;
    } else if (groupId > 0) {
      if (!this.groups.has(groupId)) throw new HarborError(400, `Group ${groupId} not found`);
      entityType = 'g';
      entityId = groupId;
    } else if (username !== '') {
      const u = this.userByName(username);
      if (!u) throw new HarborError(404, `user ${username} is not found`);
      entityType = 'u';
      entityId = u.id;
    } else if (ldapDn !== '') {
      throw new HarborError(
        400,
        `ldap_group_dn ${ldapDn}: LDAP groups are not supported by the lab emulator (database auth mode)`,
      );
    } else {
      entityType = 'g';
      entityId = this.groupForMember(groupName, typeof mg.group_type === 'number' ? mg.group_type : 0).id;
    }
    if (
      [...this.members.values()].some(
        (m) => m.projectId === p.id && m.entityType === entityType && m.entityId === entityId,
      )
    ) {
      throw new HarborError(409, 'The project member specified already exist');
    }
    const roleId = typeof c.body.role_id === 'number' ? c.body.role_id : 0;
    if (!ROLE_NAMES[roleId])
      throw new HarborError(400, 'invalid role: must be a built-in project role (1-5) or an existing custom role');
    const m = this.addMember(p.id, entityType, entityId, roleId);
    // Harbor formats the project as the caller addressed it (name or id).
    return {
      status: 201,
      headers: { Location: `${this.swagger.basePath}/projects/${c.params.project_name_or_id}/members/${m.id}` },
    };
  }

  /**
   * The group a member named by `group_name` is (src/controller/member/controller.go `Create`): the group of that name
   * AND `group_type` (a missing type is 0 and matches nothing); else `auth.SearchAndOnBoardGroup`, which in database
   * mode answers 404 (src/core/auth/authenticator.go `DefaultAuthenticateHelper.SearchGroup`) and in OIDC mode
   * onboards an OIDC group of that name (src/core/auth/oidc/oidc.go `SearchGroup`, `OnBoardGroup`: read or created by
   * name and type 3; a group of that name with another type breaks the unique name: 500).
   */
  private groupForMember(name: string, type: number): GroupRec {
    const all = [...this.groups.values()];
    const found = all.find((g) => g.name === name && g.type === type);
    if (found) return found;
    if (this.config.authMode !== 'oidc_auth') throw new HarborError(404, `${name} not found`);
    const oidc = all.find((g) => g.name === name && g.type === 3);
    if (oidc) return oidc;
    if (all.some((g) => g.name === name)) throw new HarborError(500, 'internal server error');
    const created: GroupRec = { id: this.nextId.group++, name, type: 3 };
    this.groups.set(created.id, created);
    return created;
  }

  private getMember(c: Ctx): Reply {
    const p = this.pathProject(c, 'member', 'read');
    const mid = Number(c.params.mid);
    if (mid === 0) throw new HarborError(400, 'the member id can not be empty!');
    const m = this.members.get(mid);
    if (!m || m.projectId !== p.id) throw new HarborError(404, `project member ${mid} not found`);
    return { status: 200, body: this.memberJson(m) };
  }

  private updateMember(c: Ctx): Reply {
    const p = this.pathProject(c, 'member', 'update');
    if (!isRecord(c.body)) throw new HarborError(400, 'role can not be empty');
    const mid = Number(c.params.mid);
    if (mid === 0) throw new HarborError(400, 'member id can not be empty');
    const roleId = typeof c.body.role_id === 'number' ? c.body.role_id : 0;
    if (!ROLE_NAMES[roleId])
      throw new HarborError(400, 'invalid role: must be a built-in project role (1-5) or an existing custom role');
    const m = this.members.get(mid);
    // Harbor runs `update project_member set role=? where project_id=? and id=?`: an unknown id changes nothing, 200.
    if (m && m.projectId === p.id) m.roleId = roleId;
    return { status: 200 };
  }

  private deleteMember(c: Ctx): Reply {
    const p = this.pathProject(c, 'member', 'delete');
    const mid = Number(c.params.mid);
    if (mid === 0) throw new HarborError(400, 'the project member id is required.');
    const m = this.members.get(mid);
    // Harbor runs a plain SQL delete: an unknown id answers 200.
    if (m && m.projectId === p.id) this.members.delete(mid);
    return { status: 200 };
  }

  private memberJson(m: MemberRec): unknown {
    return {
      id: m.id,
      project_id: m.projectId,
      entity_name: this.entityName(m),
      role_name: ROLE_NAMES[m.roleId] ?? '',
      role_id: m.roleId,
      entity_id: m.entityId,
      entity_type: m.entityType,
    };
  }

  private addMember(projectId: number, entityType: 'u' | 'g', entityId: number, roleId: number): MemberRec {
    const m: MemberRec = { id: this.nextId.member++, projectId, entityType, entityId, roleId };
    this.members.set(m.id, m);
    return m;
  }

  private entityName(m: MemberRec): string {
    return (m.entityType === 'u' ? this.users.get(m.entityId)?.username : this.groups.get(m.entityId)?.name) ?? '';
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Robots
  // ---------------------------------------------------------------------------------------------------------------

  /**
   * src/server/v2.0/handler/robot.go `ListRobot`: logged-in callers only; `Level=project` needs a positive `ProjectID`;
   * `robot:list` on that project (a developer or guest has it; a project that does not exist answers 403 to anybody
   * but a system administrator, who gets an empty list).
   */
  private listRobots(c: Ctx): Reply {
    this.requireAuthenticated(c.principal);
    let conditions: Map<string, QueryCondition>;
    try {
      conditions = parseHarborQuery(c.query.get('q'));
    } catch (e) {
      if (e instanceof QuerySyntaxError) throw new HarborError(400, e.message);
      throw e;
    }
    const levelCond = conditions.get('Level');
    let projectId = 0;
    let level: 'project' | 'system' = 'system';
    if (levelCond) {
      const lv = levelCond.kind === 'exact' ? levelCond.value : '';
      if (lv !== 'project' && lv !== 'system') throw new HarborError(400, 'bad request error level input');
      level = lv;
      if (level === 'project') {
        const pidCond = conditions.get('ProjectID');
        if (!pidCond) throw new HarborError(400, 'must with project ID when to query project robots');
        if (pidCond.kind !== 'exact' || !/^\d+$/.test(pidCond.value) || Number(pidCond.value) <= 0)
          throw new HarborError(400, 'ProjectID must be a positive integer');
        projectId = Number(pidCond.value);
      }
    }
    if (level === 'project') {
      // No project lookup follows (robot.go ListRobot): an administrator gets an empty list for an unknown id.
      this.checkProjectAccess(c.principal, this.projects.get(projectId), 'robot', 'list');
    } else {
      this.requireSysAdmin(c.principal);
    }
    const nameCond = conditions.get('name') ?? conditions.get('Name');
    const all = [...this.robots.values()]
      .filter((r) => r.level === level && (level === 'system' || r.projectId === projectId))
      .filter((r) => !nameCond || matchesCondition(r.fullName.slice(this.robotNamePrefix.length), nameCond))
      .sort((a, b) => a.id - b.id);
    const page = paginate(all, c.query, c.fullPath);
    return { status: 200, body: page.items.map((r) => this.robotJson(r)), headers: page.headers };
  }

  /**
   * src/server/v2.0/handler/robot.go `CreateRobot`: the name (`validateName`) and the input (`validate`: duration, level,
   * one permission for a project robot, every access pair in Harbor's list) first, then `robot:create` on the project
   * ({@link requireProjectAccess}; a robot creating one may grant no more than it has, `isValidPermissionScope`), then
   * the project (`robot.SetProject`: 404 for an administrator), then the row: `<project>+<name>` longer than the
   * `name varchar(255)` column fails in Postgres (500), a taken name is 409.
   */
  private createRobot(c: Ctx): Reply {
    const body = isRecord(c.body) ? c.body : {};
    const name = typeof body.name === 'string' ? body.name : '';
    if (!ROBOT_NAME.test(name)) {
      throw new HarborError(
        400,
        `robot name "${name}" is not in lower case or contains illegal characters: use lower-case letters, digits and single ".", "_" or "-" between them`,
      );
    }
    const level = typeof body.level === 'string' ? body.level : '';
    const permissions = this.validateRobotInput(body.duration, level, body.permissions, true);
    const duration = body.duration as number;
    let projectId = 0;
    let fullName: string;
    if (level === 'project') {
      const ns = permissions[0].namespace;
      const p = this.requireProjectAccess(c.principal, this.projectByName(ns), ns, 'robot', 'create');
      projectId = p.id;
      fullName = `${this.robotNamePrefix}${p.name}+${name}`;
    } else {
      this.requireSysAdmin(c.principal);
      for (const perm of permissions) {
        if (perm.namespace !== '*' && !this.projectByName(perm.namespace))
          throw new HarborError(404, `project ${perm.namespace} not found`);
      }
      fullName = `${this.robotNamePrefix}${name}`;
    }
    if (c.principal.kind === 'robot' && !this.withinScope(permissions, c.principal.robot)) {
      throw new HarborError(
        403,
        `permission scope is invalid. It must be equal to or more restrictive than the creator robot's permissions: ${c.principal.robot.fullName}`,
      );
    }
    // The row stores the name without the prefix (src/controller/robot/controller.go `Create`).
    if (fullName.length - this.robotNamePrefix.length > ROBOT_NAME_COLUMN)
      throw new HarborError(500, 'internal server error');
    if (this.robotByName(fullName)) throw new HarborError(409, `robot account ${fullName} already exists`);
    const now = this.now();
    const secret = randomRobotSecret(); // a `secret` in the body is ignored, as Harbor does
    const robot: RobotRec = {
      id: this.nextId.robot++,
      fullName,
      level: level as 'project' | 'system',
      projectId,
      description: typeof body.description === 'string' ? body.description : '',
      duration,
      expiresAt: duration === -1 ? -1 : Math.floor(now / 1000) + duration * 86400,
      disabled: body.disable === true,
      secret,
      permissions,
      creatorRef:
        c.principal.kind === 'robot' ? c.principal.robot.id : c.principal.kind === 'user' ? c.principal.user.id : 0,
      created: now,
      updated: now,
    };
    this.robots.set(robot.id, robot);
    return {
      status: 201,
      headers: { Location: `${c.fullPath.replace(/\/$/, '')}/${robot.id}` },
      body: { id: robot.id, name: fullName, secret, creation_time: iso(now), expires_at: robot.expiresAt },
    };
  }

  /**
   * src/server/v2.0/handler/robot.go `isValidPermissionScope`: each permission of the new robot names a namespace the
   * creator robot has (or its `*`), with access entries the creator has too (resource, action and effect alike).
   */
  private withinScope(perms: readonly EmulatorPermission[], creator: RobotRec): boolean {
    const key = (a: { resource: string; action: string; effect?: string }): string =>
      `${a.resource}:${a.action}:${a.effect ?? ''}`;
    return perms.every((p) => {
      const mine =
        creator.permissions.find((x) => x.kind === p.kind && x.namespace === p.namespace) ??
        creator.permissions.find((x) => x.kind === p.kind && x.namespace === '*');
      return mine !== undefined && p.access.every((a) => mine.access.some((m) => key(m) === key(a)));
    });
  }

  /** src/server/v2.0/handler/robot.go `GetRobotByID`: 404 for an unknown id (whoever asks), then `robot:read`. */
  private getRobot(c: Ctx): Reply {
    const r = this.robotFromPath(c, 'read');
    return { status: 200, body: this.robotJson(r) };
  }

  /**
   * src/server/v2.0/handler/robot.go `UpdateRobot`, `updateV2Robot`: 404 for an unknown id; the input validated as on
   * create (a null `duration` keeps the robot's); a project robot's namespace must be an existing project (404) and its
   * own (400 "cannot update the project id of robot"); then `robot:update`; then the full name and level unchanged.
   */
  private updateRobot(c: Ctx): Reply {
    this.requireAuthenticated(c.principal);
    const r = this.robots.get(Number(c.params.robot_id));
    if (!r) throw new HarborError(404, `robot ${c.params.robot_id} not found`);
    const body = isRecord(c.body) ? c.body : {};
    const level = typeof body.level === 'string' ? body.level : '';
    const duration = body.duration === undefined || body.duration === null ? r.duration : body.duration;
    const permissions = this.validateRobotInput(duration, level, body.permissions, false);
    if (r.level === 'project') {
      const ns = permissions[0].namespace;
      const target = this.projectByName(ns);
      if (!target) throw new HarborError(404, `project ${ns} not found`);
      if (target.id !== r.projectId) throw new HarborError(400, 'cannot update the project id of robot');
      this.requireProjectAccess(c.principal, target, ns, 'robot', 'update');
    } else {
      this.requireSysAdmin(c.principal);
    }
    if (body.level !== r.level || body.name !== r.fullName) {
      throw new HarborError(400, 'cannot update the level or name of robot');
    }
    if (duration !== r.duration) {
      r.duration = duration as number;
      r.expiresAt = r.duration === -1 ? -1 : Math.floor(r.created / 1000) + r.duration * 86400;
    }
    r.description = typeof body.description === 'string' ? body.description : '';
    r.disabled = body.disable === true;
    r.permissions = permissions;
    r.updated = this.now();
    return { status: 200 };
  }

  private refreshSecret(c: Ctx): Reply {
    const r = this.robotFromPath(c, 'update');
    const chosen = isRecord(c.body) && typeof c.body.secret === 'string' ? c.body.secret : '';
    if (chosen !== '') {
      if (!isValidRobotSecret(chosen)) {
        throw new HarborError(
          400,
          'the secret must be 8 to 128 characters long with at least 1 uppercase letter, 1 lowercase letter and 1 number',
        );
      }
      r.secret = chosen;
      r.updated = this.now();
      return { status: 200, body: {} };
    }
    r.secret = randomRobotSecret();
    r.updated = this.now();
    return { status: 200, body: { secret: r.secret } };
  }

  private deleteRobot(c: Ctx): Reply {
    const r = this.robotFromPath(c, 'delete');
    this.robots.delete(r.id);
    return { status: 200 };
  }

  /**
   * Harbor's robot checks (src/server/v2.0/handler/robot.go `validate`), in its order: the duration (`isValidDuration`),
   * the level, at least one permission, each with access, one permission only for a project robot, and each access
   * pair in Harbor's list for the permission's kind (`rbac.GetPermissionProvider().GetPermissions(scope)`, extracted
   * from src/common/rbac/const.go into lib/harbor/robot-access.ts: 400 "bad request permission: <resource>:<action>").
   * Returns a clean copy of the permissions.
   */
  private validateRobotInput(
    duration: unknown,
    level: string,
    permissions: unknown,
    creating: boolean,
  ): EmulatorPermission[] {
    if (
      typeof duration !== 'number' ||
      !Number.isInteger(duration) ||
      duration === 0 ||
      duration < -1 ||
      duration >= 2 ** 31 - 1
    ) {
      throw new HarborError(
        400,
        `bad request error duration input: ${String(duration)}; duration is in days: -1 (never expires) or a positive integer${creating ? ' and is required' : ''}`,
      );
    }
    if (level !== 'project' && level !== 'system')
      throw new HarborError(400, `bad request error level input: ${level}; use "project" or "system"`);
    if (!Array.isArray(permissions) || permissions.length === 0)
      throw new HarborError(400, 'bad request empty permission');
    const out: EmulatorPermission[] = [];
    for (const [i, perm] of permissions.entries()) {
      if (!isRecord(perm) || !Array.isArray(perm.access) || perm.access.length === 0)
        throw new HarborError(400, 'bad request empty access');
      const kind = typeof perm.kind === 'string' ? perm.kind : '';
      const namespace = typeof perm.namespace === 'string' ? perm.namespace : '';
      const access: EmulatorPermission['access'] = [];
      for (const a of perm.access) {
        if (
          !isRecord(a) ||
          typeof a.resource !== 'string' ||
          a.resource === '' ||
          typeof a.action !== 'string' ||
          a.action === ''
        ) {
          throw new HarborError(400, `permissions[${i}].access entries need a non-empty resource and action`);
        }
        access.push(
          typeof a.effect === 'string' && a.effect !== ''
            ? { resource: a.resource, action: a.action, effect: a.effect }
            : { resource: a.resource, action: a.action },
        );
      }
      out.push({ kind, namespace, access });
    }
    // A project robot takes exactly one permission entry.
    if (level === 'project' && out.length > 1) throw new HarborError(400, 'bad request permission');
    for (const perm of out) {
      if (perm.kind !== 'project' && perm.kind !== 'system')
        throw new HarborError(400, `bad request permission level: ${perm.kind}`);
      const allowed = HARBOR_ROBOT_ACCESS[perm.kind];
      for (const a of perm.access) {
        if (!(Object.prototype.hasOwnProperty.call(allowed, a.resource) && allowed[a.resource].includes(a.action)))
          throw new HarborError(400, `bad request permission: ${a.resource}:${a.action}`);
      }
    }
    return out;
  }

  /** Harbor's answer for a robot: never the secret; permissions shuffled, `effect` "allow", "" or absent. */
  private robotJson(r: RobotRec): unknown {
    const permissions = this.rng.shuffle(r.permissions).map((p) => ({
      kind: p.kind,
      namespace: p.namespace,
      access: this.rng.shuffle(p.access).map((a) => {
        if (a.effect !== undefined && a.effect !== 'allow')
          return { resource: a.resource, action: a.action, effect: a.effect };
        const variant = this.rng.int(3);
        if (variant === 0) return { resource: a.resource, action: a.action, effect: 'allow' };
        if (variant === 1) return { resource: a.resource, action: a.action, effect: '' };
        return { resource: a.resource, action: a.action };
      }),
    }));
    return {
      id: r.id,
      name: r.fullName,
      description: r.description,
      level: r.level,
      duration: r.duration,
      editable: true,
      disable: r.disabled,
      expires_at: r.expiresAt,
      permissions,
      creator_type: 'local',
      creator_ref: r.creatorRef,
      creation_time: iso(r.created),
      update_time: iso(r.updated),
    };
  }

  /**
   * The robot of `{robot_id}` after Harbor's checks (robot.go `GetRobotByID`, `RefreshSec`, `DeleteRobot`): logged-in
   * callers only; an unknown id is 404 whoever asks; then `robot:<action>` on its project (`requireAccess`), or system
   * access for a system robot.
   */
  private robotFromPath(c: Ctx, action: 'read' | 'update' | 'delete'): RobotRec {
    this.requireAuthenticated(c.principal);
    const id = Number(c.params.robot_id);
    const r = this.robots.get(id);
    if (!r) throw new HarborError(404, `robot ${id} not found`);
    if (r.level === 'project') {
      this.requireProjectAccess(c.principal, this.projects.get(r.projectId), String(r.projectId), 'robot', action);
    } else {
      this.requireSysAdmin(c.principal);
    }
    return r;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Users
  // ---------------------------------------------------------------------------------------------------------------

  /**
   * src/server/v2.0/handler/user.go `GetCurrentUserInfo`: logged-in callers only; a robot has no user profile (412,
   * "get current user not available for security context: robot").
   */
  private currentUser(c: Ctx): Reply {
    this.requireAuthenticated(c.principal);
    if (c.principal.kind !== 'user')
      throw new HarborError(412, 'get current user not available for security context: robot');
    const u = c.principal.user;
    return {
      status: 200,
      body: {
        user_id: u.id,
        username: u.username,
        email: `${u.username}@example.invalid`,
        realname: u.username,
        comment: '',
        sysadmin_flag: u.admin,
        admin_role_in_auth: false,
        creation_time: iso(u.created),
        update_time: iso(u.created),
      },
    };
  }

  /**
   * `PUT /users/{user_id}/password` as Harbor's database auth mode does it (server/v2.0/handler/user.go
   * `UpdateUserPassword`): a system administrator changes anyone's, a user their own after giving the current one; the
   * new password must be 8-128 characters with an upper-case letter, a lower-case letter and a digit, and not the old.
   */
  private updateUserPassword(c: Ctx): Reply {
    // The swagger declares its 400 and 403 without a body: they are answered without one here.
    this.requireAuthenticated(c.principal);
    const id = Number(c.params.user_id);
    const self = c.principal.kind === 'user' && c.principal.user.id === id;
    if (!self && !(c.principal.kind === 'user' && c.principal.user.admin)) return { status: 403 };
    const user = this.users.get(id);
    if (!user) throw new HarborError(404, `user ${id} not found`);
    const body = isRecord(c.body) ? c.body : {};
    if (self && (typeof body.old_password !== 'string' || !safeEqual(user.password ?? '', body.old_password))) {
      return { status: 403 };
    }
    const next = typeof body.new_password === 'string' ? body.new_password : '';
    const valid =
      next.length >= 8 && next.length <= 128 && /[a-z]/.test(next) && /[A-Z]/.test(next) && /[0-9]/.test(next);
    if (!valid || (user.password !== undefined && safeEqual(user.password, next))) return { status: 400 };
    this.setUserPassword(user.username, next);
    return { status: 200 };
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Lookups
  // ---------------------------------------------------------------------------------------------------------------

  private createUser(username: string, password: string | undefined, admin: boolean): void {
    if (typeof username !== 'string' || username === '')
      throw new Error('HarborEmulator.addUser: username must be a non-empty string.');
    if (username.startsWith(this.robotNamePrefix)) {
      throw new Error(
        `HarborEmulator.addUser: "${username}" starts with the robot prefix "${this.robotNamePrefix}"; users cannot.`,
      );
    }
    if (this.userByName(username))
      throw new Error(`HarborEmulator.addUser: user "${username}" already exists; use another name.`);
    const id = this.nextId.user++;
    this.users.set(id, { id, username, password, admin, groupIds: new Set(), created: this.now() });
  }

  private userByName(username: string): UserRec | undefined {
    return [...this.users.values()].find((u) => u.username === username);
  }

  private projectByName(name: string): ProjectRec | undefined {
    return [...this.projects.values()].find((p) => p.name === name);
  }

  private robotByName(fullName: string): RobotRec | undefined {
    return [...this.robots.values()].find((r) => r.fullName === fullName);
  }

  /**
   * The project the path names (`{project_name_or_id}`, honouring `X-Is-Resource-Name`, or `{project_name}`), after
   * Harbor's access check of `resource:action` on it ({@link requireProjectAccess}: a missing project is 403 for a
   * caller who is not a system administrator, 404 for one who is).
   */
  private pathProject(c: Ctx, resource: RbacResource, action: string): ProjectRec {
    const byNameOnly = c.params.project_name_or_id === undefined;
    const raw = byNameOnly ? c.params.project_name : c.params.project_name_or_id;
    const isName = byNameOnly || ['true', '1'].includes(String(c.headers['x-is-resource-name'] ?? '').toLowerCase());
    const p = !isName && /^-?\d+$/.test(raw) ? this.projects.get(Number(raw)) : this.projectByName(raw);
    return this.requireProjectAccess(c.principal, p, raw, resource, action);
  }

  private projectOrThrow(method: string, name: string): ProjectRec {
    const p = this.projectByName(name);
    if (!p)
      throw new Error(
        `HarborEmulator.${method}: no project "${name}"; known: ${[...this.projects.values()].map((x) => x.name).join(', ') || '(none)'}.`,
      );
    return p;
  }

  private robotOrThrow(method: string, fullName: string): RobotRec {
    const r = this.robotByName(fullName);
    if (!r) {
      throw new Error(
        `HarborEmulator.${method}: no robot "${fullName}" (use the full name, e.g. "${this.robotNamePrefix}<project>+<name>"); known: ${[...this.robots.values()].map((x) => x.fullName).join(', ') || '(none)'}.`,
      );
    }
    return r;
  }

  private memberOrThrow(method: string, project: string, entityName: string): MemberRec {
    const p = this.projectOrThrow(method, project);
    const m = [...this.members.values()].find((x) => x.projectId === p.id && this.entityName(x) === entityName);
    if (!m) throw new Error(`HarborEmulator.${method}: "${entityName}" is not a member of project "${project}".`);
    return m;
  }
}

/**
 * Convenience for tests: an `http.Server` on 127.0.0.1 with a free port, serving only the emulator (other paths
 * answer 404). `close()` also closes connections held by `hang` faults; `connections()` counts the TCP connections
 * clients opened so far.
 */
/** The paths Harbor's front nginx sends to core (or refuses); everything else goes to the portal. */
const CORE_PATHS = /^\/(?:api|c|v1|v2|service)\//;

/**
 * The answer to a request outside `/api/v2.0`, as Harbor's front nginx routes it
 * (make/photon/prepare/templates/nginx/nginx.https.conf.jinja: `/api/`, `/c/`, `/v2/`, `/service/` to core, `/v1/` 404,
 * `location /` to the portal). The portal's nginx (make/photon/prepare/templates/portal/nginx.conf.jinja) answers every
 * other path with the web UI's page (`try_files $uri $uri/ /index.html`): 200 `text/html` to GET and HEAD, and nginx's
 * static module's 405 to any other method. So a Harbor URL with a wrong base path gets HTML, never a Harbor-shaped
 * 404. Core's paths the emulator does not serve keep a Harbor-shaped 404.
 */
export function answerOutsideApi(req: http.IncomingMessage, res: http.ServerResponse): void {
  const path = req.url?.split('?')[0] ?? '/';
  if (CORE_PATHS.test(path)) {
    res.statusCode = 404;
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.end(JSON.stringify(errorBody(404, `not found: ${req.method} ${path} is outside /api/v2.0`)));
    return;
  }
  res.setHeader('Content-Type', 'text/html');
  if (req.method === 'GET' || req.method === 'HEAD') {
    res.statusCode = 200;
    res.end('<!doctype html><html><head><title>Harbor</title></head><body><harbor-app></harbor-app></body></html>\n');
    return;
  }
  res.statusCode = 405;
  res.end(
    '<html>\r\n<head><title>405 Not Allowed</title></head>\r\n<body>\r\n<center><h1>405 Not Allowed</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n',
  );
}

export function startEmulatorServer(
  emulator: HarborEmulator,
): Promise<{ url: string; close(): Promise<void>; connections(): number }> {
  let connections = 0;
  const server = http.createServer((req, res) => {
    emulator.handle(req, res).then(
      (handled) => {
        if (!handled) answerOutsideApi(req, res);
      },
      (err: unknown) => {
        emulator.contractViolations.push(`emulator crashed: ${err instanceof Error ? err.message : String(err)}`);
        if (!res.headersSent) res.statusCode = 500;
        res.end();
      },
    );
  });
  server.on('connection', () => connections++);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        connections: () => connections,
        close: () =>
          new Promise<void>((done) => {
            emulator.dispose();
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
