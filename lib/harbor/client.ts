/**
 * A typed client for the parts of Harbor's REST API v2.0 this project needs: projects, members, robot accounts.
 *
 * Self-contained on purpose (node built-ins, `undici`, a few rule files of `lib/core`; no module-level state) because Pulumi
 * dynamic providers serialize it with `pulumi.runtime.serializeFunction`.
 *
 * @see HARBOR-FACTS.md (the team's notes on how Harbor behaves, kept with the reference docs beside the repository)
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, fetch } from 'undici';
import { classifyNetworkError, type NetworkFailure } from '../core/network-errors';
import { renewedDurationDays } from '../core/renewal';
import { harborRoleId, harborRoleName, type HarborRoleName } from '../core/roles';
import { resolveHarborEndpoint, type HarborEndpoint } from './endpoint';
import { HarborApiError, parseHarborError, redactSecrets } from './errors';
import { normalisePermissions } from './permissions';
import { CONNECTION_TUNING, CONNECTION_TUNING_KEYS, connectionTuningProblem, type ConnectionTuningKey } from './tuning';
import {
  NOT_SENT_NETWORK_CODES,
  isIdempotent,
  isRetryableNetworkCode,
  isRetryableStatus,
  parseRetryAfter,
  retryDelayMs,
} from './retry';
import type {
  CreatedRobot,
  HarborArtifact,
  HarborClientOptions,
  HarborLookup,
  HarborMember,
  HarborProject,
  HarborRequestEvent,
  HarborRobot,
  MemberEntity,
  ProjectSpec,
  RobotPermission,
  RobotSpec,
  RobotUpdate,
} from './types';
import {
  assertId,
  assertNonEmpty,
  assertMemberEntity,
  assertProjectName,
  assertProjectSpec,
  assertRobotDuration,
  assertRobotSecret,
  assertRobotSpec,
  assertRobotUpdate,
  assertRole,
} from './validate';

/** Harbor's maximum `page_size`. */
const PAGE_SIZE = 100;
/** Safety bound against a server that never stops paging. */
const MAX_PAGES = 1_000;

type Query = Readonly<Record<string, string | number | undefined>>;

interface CallOptions {
  readonly query?: Query;
  readonly body?: unknown;
  /** The path addresses a project by name: send `X-Is-Resource-Name: true`. */
  readonly byName?: boolean;
  /** Statuses that count as success. */
  readonly ok: readonly number[];
  /**
   * A 404 carrying Harbor's own `NOT_FOUND` error body counts as success ("absent"). A bare 404 (e.g. from a proxy
   * or a wrong url) stays an error, so that a misconfigured url never looks like "already deleted".
   */
  readonly absentOk?: boolean;
  /**
   * The project the path names. Harbor answers a login that is not a system administrator 403, not 404, for a project
   * that does not exist (src/server/v2.0/handler/base.go `HasProjectPermission`: a missing project becomes project 0,
   * and the permission check fails); so a 403 is followed by `HEAD /projects?project_name=` (any login may ask), and
   * when that says the project is absent, the call is answered as Harbor answers an administrator: 404 `NOT_FOUND`.
   */
  readonly project?: string;
}

interface CallResult {
  readonly status: number;
  readonly headers: { get(name: string): string | null };
  readonly text: string;
  readonly requestId?: string;
  readonly path: string;
  readonly method: string;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function num(v: unknown, fallback: number): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
}

function str(v: unknown, fallback = ''): string {
  return typeof v === 'string' ? v : fallback;
}

/** Milliseconds since the epoch of an ISO time as Harbor writes it (`creation_time`); `undefined` when unparsable. */
function time(v: unknown): number | undefined {
  if (typeof v !== 'string' || v === '') return undefined;
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : t;
}

/** Harbor's clock from a response's `Date` header, in milliseconds; `undefined` when absent or unparsable. */
function harborTime(headers: { get(name: string): string | null }): number | undefined {
  return time(headers.get('date') ?? undefined);
}

/**
 * Reads the numeric id at the end of a `Location` header (`/api/v2.0/projects/12`, absolute or relative).
 * Returns `undefined` when there is none.
 */
export function idFromLocation(location: string | null | undefined): number | undefined {
  if (!location) return undefined;
  let pathname = location.trim();
  try {
    pathname = new URL(pathname, 'http://placeholder.invalid').pathname;
  } catch {
    return undefined;
  }
  const last = pathname.replace(/\/+$/, '').split('/').pop() ?? '';
  if (!/^\d+$/.test(last)) return undefined;
  const id = Number(last);
  return Number.isSafeInteger(id) && id > 0 ? id : undefined;
}

/** Maps a project as Harbor returns it to {@link HarborProject}. */
function toProject(raw: unknown): HarborProject | undefined {
  if (!isRecord(raw)) return undefined;
  const metadata: Record<string, string> = {};
  if (isRecord(raw.metadata)) {
    for (const [k, v] of Object.entries(raw.metadata)) {
      if (v !== null && v !== undefined) metadata[k] = typeof v === 'string' ? v : JSON.stringify(v);
    }
  }
  const id = num(raw.project_id, NaN);
  if (!Number.isFinite(id) || typeof raw.name !== 'string') return undefined;
  const creationTime = time(raw.creation_time);
  return {
    id,
    name: raw.name,
    public: metadata.public === 'true',
    autoScan: metadata.auto_scan === 'true',
    preventVul: metadata.prevent_vul === 'true',
    metadata,
    ...(typeof raw.owner_name === 'string' && raw.owner_name !== '' ? { ownerName: raw.owner_name } : {}),
    ...(creationTime !== undefined ? { creationTime } : {}),
  };
}

/** Maps a project member as Harbor returns it to {@link HarborMember}. */
function toMember(raw: unknown): HarborMember | undefined {
  if (!isRecord(raw) || typeof raw.id !== 'number' || typeof raw.entity_name !== 'string') return undefined;
  const type = raw.entity_type === 'g' ? 'g' : raw.entity_type === 'u' ? 'u' : undefined;
  if (!type || typeof raw.role_id !== 'number') return undefined;
  return {
    id: raw.id,
    entityName: raw.entity_name,
    entityType: type,
    role: harborRoleName(raw.role_id),
    ...(typeof raw.entity_id === 'number' ? { entityId: raw.entity_id } : {}),
  };
}

/** Maps a robot as Harbor returns it to {@link HarborRobot} (permissions normalised). */
function toRobot(raw: unknown): HarborRobot | undefined {
  if (!isRecord(raw) || typeof raw.id !== 'number' || typeof raw.name !== 'string') return undefined;
  const creationTime = time(raw.creation_time);
  return {
    id: raw.id,
    name: raw.name,
    description: str(raw.description),
    duration: num(raw.duration, 0),
    disabled: raw.disable === true,
    expiresAt: num(raw.expires_at, -1),
    level: str(raw.level),
    permissions: normalisePermissions(Array.isArray(raw.permissions) ? raw.permissions : []),
    ...(creationTime !== undefined ? { creationTime } : {}),
  };
}

/** Harbor's wire form of permissions (access without `effect` means allow). */
function permissionsBody(permissions: RobotPermission[]): unknown[] {
  return normalisePermissions(permissions).map((p) => ({
    kind: p.kind,
    namespace: p.namespace,
    access: p.access.map((a) =>
      a.effect
        ? { resource: a.resource, action: a.action, effect: a.effect }
        : { resource: a.resource, action: a.action },
    ),
  }));
}

function projectMetadata(spec: ProjectSpec): Record<string, string> {
  return {
    public: String(spec.public),
    auto_scan: String(spec.autoScan),
    prevent_vul: String(spec.preventVul),
  };
}

/**
 * Client of Harbor's REST API v2.0 with HTTP Basic auth, no cookies, bounded retries of idempotent calls and
 * {@link HarborApiError} for every failure.
 *
 * @example
 * const harbor = new HarborClient({ url: 'https://reg.example.com', username: 'admin', password: secret });
 * const { id } = await harbor.createProject({ name: 'app', public: false, autoScan: true, preventVul: false });
 */
export class HarborClient {
  /** Harbor's address, without credentials (`https://host[:port]`). */
  public readonly origin: string;
  /** Retries after the first attempt of an idempotent call. */
  public readonly maxRetries: number;
  /** Time limit of one attempt, in milliseconds. */
  public readonly timeoutMs: number;
  /** Backoff base, in milliseconds. */
  public readonly retryBaseDelayMs: number;
  /** Cap of one wait between retries, in milliseconds. */
  public readonly maxRetryDelayMs: number;

  private readonly endpoint: HarborEndpoint;
  private readonly caBundle?: string;
  private readonly onRequest?: (e: HarborRequestEvent) => void;
  // The two below are non-enumerable (set with defineProperty) so that logging or JSON-serialising the client never
  // shows them. `declare` keeps TypeScript from emitting enumerable class fields for them.
  /** The `Authorization` header value. */
  declare private readonly authorization: string;
  /** Values scrubbed from every error message and event: password, Authorization value, robot secrets seen. */
  declare private readonly secrets: string[];
  private agent?: Agent;

  constructor(opts: HarborClientOptions) {
    if (typeof opts !== 'object' || opts === null)
      throw new TypeError('HarborClient needs options {url, username, password}.');
    this.endpoint = resolveHarborEndpoint(opts);
    if (typeof opts.username !== 'string' || opts.username === '') {
      throw new TypeError(
        'HarborClientOptions.username is empty: give a Harbor user name (or a robot\'s full name "robot$...").',
      );
    }
    if (opts.username.includes(':')) {
      // Not echoed: "user:password" passed as the user name would leak the password.
      throw new TypeError(
        'HarborClientOptions.username contains ":", which HTTP Basic auth cannot carry: give only the login name, and the password in password.',
      );
    }
    if (typeof opts.password !== 'string' || opts.password === '') {
      throw new TypeError("HarborClientOptions.password is empty: give the account's password or the robot's secret.");
    }
    const tuning = {} as Record<ConnectionTuningKey, number>;
    for (const key of CONNECTION_TUNING_KEYS) {
      const value = opts[key] ?? CONNECTION_TUNING[key].defaultValue;
      const problem = connectionTuningProblem(key, value);
      if (problem) throw new TypeError(`HarborClientOptions.${key} ${String(value)} ${problem}.`);
      tuning[key] = value;
    }
    const { maxRetries, timeoutMs, retryBaseDelayMs, maxRetryDelayMs } = tuning;
    this.origin = this.endpoint.origin;
    this.maxRetries = maxRetries;
    this.timeoutMs = timeoutMs;
    this.retryBaseDelayMs = retryBaseDelayMs;
    this.maxRetryDelayMs = maxRetryDelayMs;
    this.caBundle = opts.caBundle;
    this.onRequest = opts.onRequest;
    const token = Buffer.from(`${opts.username}:${opts.password}`, 'utf8').toString('base64');
    const secrets = [opts.password, token, encodeURIComponent(opts.password)];
    Object.defineProperty(this, 'authorization', { value: `Basic ${token}`, enumerable: false, writable: false });
    Object.defineProperty(this, 'secrets', { value: secrets, enumerable: false, writable: false });
  }

  // ---------------------------------------------------------------- projects

  /**
   * Creates a project (`POST /projects`); metadata values are sent as the strings Harbor expects.
   * @returns the new project's id, read from the `Location` header.
   * @throws HarborApiError 409 when the name is taken.
   */
  async createProject(spec: ProjectSpec): Promise<{ id: number }> {
    assertProjectSpec(spec);
    const body: Record<string, unknown> = { project_name: spec.name, metadata: projectMetadata(spec) };
    if (spec.storageLimitBytes !== undefined) body.storage_limit = spec.storageLimitBytes;
    const res = await this.call('POST', '/projects', { body, ok: [201] });
    return { id: this.locationId(res) };
  }

  /** True when a project with exactly this name exists (`HEAD /projects?project_name=`). */
  async projectExists(name: string): Promise<boolean> {
    assertProjectName(name);
    const res = await this.call('HEAD', '/projects', { query: { project_name: name }, ok: [200, 404] });
    return res.status === 200;
  }

  /** Reads a project by name (`GET /projects/{name}`, `X-Is-Resource-Name: true`); `undefined` when absent. */
  async getProject(name: string): Promise<HarborProject | undefined> {
    return (await this.inspectProject(name)).found;
  }

  /**
   * Reads a project by name like {@link getProject}, together with Harbor's clock at the answer, so that a caller
   * can tell whether the project was created within a given time span (e.g. by a create whose answer was lost).
   */
  async inspectProject(name: string): Promise<HarborLookup<HarborProject>> {
    assertProjectName(name);
    const res = await this.call('GET', `/projects/${encodeURIComponent(name)}`, {
      byName: true,
      project: name,
      ok: [200],
      absentOk: true,
    });
    const harborTimeMs = harborTime(res.headers);
    const at = harborTimeMs !== undefined ? { harborTimeMs } : {};
    if (res.status === 404) return { found: undefined, ...at };
    const project = toProject(this.json(res));
    if (!project) throw this.unexpected(res, 'a project object with project_id and name');
    return { found: project, ...at };
  }

  /** Sets a project's public / auto_scan / prevent_vul metadata (`PUT /projects/{name}`). */
  async updateProject(name: string, spec: ProjectSpec): Promise<void> {
    assertProjectName(name);
    assertProjectSpec(spec);
    await this.call('PUT', `/projects/${encodeURIComponent(name)}`, {
      byName: true,
      project: name,
      body: { metadata: projectMetadata(spec) },
      ok: [200, 204],
    });
  }

  /**
   * Deletes a project (`DELETE /projects/{name}`); its robot accounts go with it. A project that is already gone
   * counts as deleted.
   * @throws HarborApiError 412 while the project still holds repositories.
   */
  async deleteProject(name: string): Promise<void> {
    assertProjectName(name);
    await this.call('DELETE', `/projects/${encodeURIComponent(name)}`, {
      byName: true,
      project: name,
      ok: [200, 204],
      absentOk: true,
    });
  }

  /**
   * Deletes the project with this numeric id (`DELETE /projects/{id}`, without `X-Is-Resource-Name`). A project
   * deleted and recreated under the same name by someone else has another id, so it is never hit; a missing id
   * counts as deleted.
   */
  async deleteProjectById(id: number): Promise<void> {
    if (!Number.isInteger(id) || id < 1)
      throw new TypeError(`deleteProjectById: id must be a positive integer, got ${JSON.stringify(id)}`);
    await this.call('DELETE', `/projects/${id}`, { byName: false, ok: [200, 204], absentOk: true });
  }

  /**
   * Reads a project by its numeric id (`GET /projects/{id}`, without `X-Is-Resource-Name`); `undefined` when absent.
   * Used to tell whether an address reaches the Harbor that holds a project this stack knows by id.
   */
  async getProjectById(id: number): Promise<HarborProject | undefined> {
    assertId(id, 'project id');
    const res = await this.call('GET', `/projects/${id}`, { ok: [200], absentOk: true });
    if (res.status === 404) return undefined;
    const project = toProject(this.json(res));
    if (!project) throw this.unexpected(res, 'a project object with project_id and name');
    return project;
  }

  /**
   * The project's storage quota in bytes, `-1` unlimited (`GET /projects/{name}/summary`, `quota.hard.storage`;
   * readable by the project's members). `undefined` when Harbor shows no quota: quotas per project are switched
   * off, or the user may not read it.
   */
  async getProjectStorageLimit(name: string): Promise<number | undefined> {
    assertProjectName(name);
    const res = await this.call('GET', `/projects/${encodeURIComponent(name)}/summary`, {
      byName: true,
      project: name,
      ok: [200],
    });
    const raw = this.json(res);
    const quota = isRecord(raw) && isRecord(raw.quota) ? raw.quota : undefined;
    const hard = quota && isRecord(quota.hard) ? quota.hard : undefined;
    return hard && typeof hard.storage === 'number' ? hard.storage : undefined;
  }

  /**
   * Sets a project's storage quota (`GET /quotas?reference=project&reference_id=<id>` for the quota's id, then
   * `PUT /quotas/{id}` `{hard: {storage}}`). Harbor lets only a system administrator change quotas; `PUT /projects`
   * ignores `storage_limit`.
   * @param bytes the limit in bytes, `-1` unlimited
   * @throws HarborApiError 403 for a user who is not a system administrator; `NO_QUOTA` when Harbor keeps no quota for
   * the project (quotas per project switched off)
   */
  async setProjectStorageLimit(projectId: number, bytes: number): Promise<void> {
    assertId(projectId, 'project id');
    if (!Number.isSafeInteger(bytes) || (bytes !== -1 && (bytes < 1 || bytes > 1024 ** 5)))
      throw new TypeError(
        `storage limit ${String(bytes)} must be -1 (unlimited) or a number of bytes from 1 to ${1024 ** 5} (1024 TB).`,
      );
    const res = await this.call('GET', '/quotas', {
      query: { reference: 'project', reference_id: String(projectId) },
      ok: [200],
    });
    const items = this.json(res);
    const quota: unknown = Array.isArray(items)
      ? (items as unknown[]).find(
          (q) => isRecord(q) && typeof q.id === 'number' && isRecord(q.ref) && q.ref.id === projectId,
        )
      : undefined;
    const quotaId = isRecord(quota) && typeof quota.id === 'number' ? quota.id : undefined;
    if (quotaId === undefined) {
      throw new HarborApiError({
        method: 'GET',
        path: `/quotas?reference=project&reference_id=${projectId}`,
        origin: this.origin,
        status: res.status,
        code: 'NO_QUOTA',
        harborMessage: `Harbor keeps no storage quota for project ${projectId}`,
        requestId: res.requestId,
        hint: "quotas per project may be switched off in Harbor's configuration (quota_per_project_enable)",
        retryable: false,
        secrets: this.secrets,
      });
    }
    await this.call('PUT', `/quotas/${quotaId}`, { body: { hard: { storage: bytes } }, ok: [200, 204] });
  }

  /**
   * Who the login is (`GET /users/current`): its user name and whether it is a system administrator (Harbor's
   * `sysadmin_flag`, or `admin_role_in_auth` from an LDAP/OIDC admin group), which decides what Harbor lets it do
   * beyond its projects' roles (quotas, missing projects answered 404 rather than 403).
   */
  async currentUser(): Promise<{ readonly username: string; readonly sysAdmin: boolean }> {
    const res = await this.call('GET', '/users/current', { ok: [200] });
    const raw = this.json(res);
    if (!isRecord(raw) || typeof raw.username !== 'string') throw this.unexpected(res, 'a user with its username');
    return { username: raw.username, sysAdmin: raw.sysadmin_flag === true || raw.admin_role_in_auth === true };
  }

  // ---------------------------------------------------------------- members

  /**
   * Adds a user or group to a project with a role (`POST /projects/{p}/members`).
   * @returns the member id, read from the `Location` header.
   * @throws HarborApiError 409 when the entity already is a member (use findMember + updateMemberRole).
   */
  async addMember(project: string, entity: MemberEntity, role: HarborRoleName): Promise<{ id: number }> {
    assertProjectName(project, 'project');
    assertMemberEntity(entity);
    assertRole(role);
    const body: Record<string, unknown> = { role_id: harborRoleId(role) };
    if (entity.kind === 'user') {
      body.member_user = { username: entity.name };
    } else {
      const group: Record<string, unknown> = { group_name: entity.name };
      if (entity.groupType !== undefined) group.group_type = entity.groupType;
      if (entity.ldapGroupDn !== undefined) group.ldap_group_dn = entity.ldapGroupDn;
      body.member_group = group;
    }
    const res = await this.call('POST', `/projects/${encodeURIComponent(project)}/members`, {
      byName: true,
      project,
      body,
      ok: [201],
    });
    return { id: this.locationId(res) };
  }

  /** Lists all members of a project, following Harbor's paging. */
  async listMembers(project: string): Promise<HarborMember[]> {
    assertProjectName(project, 'project');
    return this.listAll(`/projects/${encodeURIComponent(project)}/members`, {}, project, toMember, 'project members');
  }

  /**
   * Finds the member for a user or group by exact name and type (Harbor's `entityname` filter is fuzzy, so
   * results are filtered here). `undefined` when it is not a member.
   */
  async findMember(project: string, entity: MemberEntity): Promise<HarborMember | undefined> {
    assertProjectName(project, 'project');
    assertMemberEntity(entity);
    const members = await this.listAll(
      `/projects/${encodeURIComponent(project)}/members`,
      { entityname: entity.name },
      project,
      toMember,
      'project members',
    );
    const type = entity.kind === 'user' ? 'u' : 'g';
    return members.find((m) => m.entityType === type && m.entityName === entity.name);
  }

  /** Reads a member by its id (`GET /projects/{p}/members/{mid}`); `undefined` when absent. */
  async getMember(project: string, memberId: number): Promise<HarborMember | undefined> {
    assertProjectName(project, 'project');
    assertId(memberId, 'memberId');
    const res = await this.call('GET', `/projects/${encodeURIComponent(project)}/members/${memberId}`, {
      byName: true,
      project,
      ok: [200],
      absentOk: true,
    });
    if (res.status === 404) return undefined;
    const member = toMember(this.json(res));
    if (!member) throw this.unexpected(res, 'a project member with id, entity_name and entity_type');
    return member;
  }

  /** Changes a member's role (`PUT /projects/{p}/members/{mid}`). */
  async updateMemberRole(project: string, memberId: number, role: HarborRoleName): Promise<void> {
    assertProjectName(project, 'project');
    assertId(memberId, 'memberId');
    assertRole(role);
    await this.call('PUT', `/projects/${encodeURIComponent(project)}/members/${memberId}`, {
      byName: true,
      project,
      body: { role_id: harborRoleId(role) },
      ok: [200, 204],
    });
  }

  /** Removes a member (`DELETE /projects/{p}/members/{mid}`); a member already gone counts as removed. */
  async removeMember(project: string, memberId: number): Promise<void> {
    assertProjectName(project, 'project');
    assertId(memberId, 'memberId');
    await this.call('DELETE', `/projects/${encodeURIComponent(project)}/members/${memberId}`, {
      byName: true,
      project,
      ok: [200, 204],
      absentOk: true,
    });
  }

  // ---------------------------------------------------------------- robots

  /**
   * Creates a project robot (`POST /robots`). Never retried: on an ambiguous failure, look for the robot with
   * {@link listProjectRobots} before creating it again.
   * @returns id, FULL name, expiry and the secret — the only time Harbor ever shows it.
   * @throws HarborApiError 403 without projectAdmin, 409 when the name is taken.
   */
  async createRobot(spec: RobotSpec): Promise<CreatedRobot> {
    assertRobotSpec(spec);
    const body = {
      name: spec.name,
      description: spec.description ?? '',
      level: spec.level,
      duration: spec.duration,
      disable: false,
      permissions: permissionsBody(spec.permissions),
    };
    const res = await this.call('POST', '/robots', { body, ok: [201] });
    const raw = this.json(res);
    if (isRecord(raw) && typeof raw.secret === 'string' && raw.secret !== '') this.rememberSecret(raw.secret);
    const id = isRecord(raw) && typeof raw.id === 'number' ? raw.id : idFromLocation(res.headers.get('location'));
    if (
      !isRecord(raw) ||
      id === undefined ||
      typeof raw.name !== 'string' ||
      typeof raw.secret !== 'string' ||
      raw.secret === ''
    ) {
      throw this.unexpected(
        res,
        'a created robot {id, name, secret, expires_at}; the robot may exist now without a known secret: delete it and create it again',
      );
    }
    return { id, name: raw.name, secret: raw.secret, expiresAt: num(raw.expires_at, -1) };
  }

  /** Reads a robot (`GET /robots/{id}`, never with its secret); `undefined` when absent. */
  async getRobot(id: number): Promise<HarborRobot | undefined> {
    return (await this.inspectRobot(id)).found;
  }

  /**
   * Reads a robot like {@link getRobot}, together with Harbor's clock at the answer, so that its age
   * (`creationTime`) and expiry can be judged on Harbor's own clock.
   */
  async inspectRobot(id: number): Promise<HarborLookup<HarborRobot>> {
    assertId(id, 'robot id');
    const res = await this.call('GET', `/robots/${id}`, { ok: [200], absentOk: true });
    const harborTimeMs = harborTime(res.headers);
    const at = harborTimeMs !== undefined ? { harborTimeMs } : {};
    if (res.status === 404) return { found: undefined, ...at };
    const robot = toRobot(this.json(res));
    if (!robot) throw this.unexpected(res, 'a robot object with id and name');
    return { found: robot, ...at };
  }

  /** Lists a project's robots (`GET /robots?q=Level=project,ProjectID=<id>`), following Harbor's paging. */
  async listProjectRobots(projectId: number): Promise<HarborRobot[]> {
    assertId(projectId, 'projectId');
    return this.listAll('/robots', { q: `Level=project,ProjectID=${projectId}` }, undefined, toRobot, 'robots');
  }

  /**
   * Finds a project robot by its SHORT name (the `name` given at create) without assuming Harbor's name prefix:
   * reads the project (`GET /projects/{name}`) for its id, lists its robots and picks the one whose full name is
   * `<any prefix without "+"><project>+<name>`. Also returns Harbor's clock at the listing's answer.
   * `found` is `undefined` when the project or the robot is absent.
   */
  async findProjectRobot(project: string, name: string): Promise<HarborLookup<HarborRobot>> {
    assertProjectName(project, 'project');
    if (typeof name !== 'string' || name === '')
      throw new TypeError(`robot name ${JSON.stringify(name)} must be the robot's short name, e.g. "puller".`);
    const p = await this.inspectProject(project);
    if (!p.found)
      return p.harborTimeMs !== undefined ? { found: undefined, harborTimeMs: p.harborTimeMs } : { found: undefined };
    const { items, last } = await this.listPages(
      '/robots',
      { q: `Level=project,ProjectID=${p.found.id}` },
      undefined,
      toRobot,
      'robots',
    );
    const suffix = `${project}+${name}`;
    const found = items.find(
      (r) => r.name.endsWith(suffix) && !r.name.slice(0, r.name.length - suffix.length).includes('+'),
    );
    const harborTimeMs = harborTime(last.headers) ?? p.harborTimeMs;
    return harborTimeMs !== undefined ? { found, harborTimeMs } : { found };
  }

  /**
   * Replaces a robot's description, duration, disabled flag and ALL its permissions (`PUT /robots/{id}`).
   * `name` must be the full name and `level` unchanged: Harbor refuses to change either.
   */
  async updateRobot(id: number, robot: RobotUpdate): Promise<void> {
    assertId(id, 'robot id');
    assertRobotUpdate(robot);
    const body = {
      id,
      name: robot.name,
      description: robot.description ?? '',
      duration: robot.duration,
      level: robot.level,
      disable: robot.disable,
      permissions: permissionsBody(robot.permissions),
    };
    await this.call('PUT', `/robots/${id}`, { body, ok: [200, 204] });
  }

  /**
   * Has Harbor generate a new secret (`PATCH /robots/{id}` with `{secret: ""}`); the old one stops working.
   * Does not extend the expiry. Never retried automatically.
   * @returns the new secret.
   */
  async refreshRobotSecret(id: number): Promise<string> {
    assertId(id, 'robot id');
    const res = await this.call('PATCH', `/robots/${id}`, { body: { secret: '' }, ok: [200] });
    const raw = this.json(res);
    if (!isRecord(raw) || typeof raw.secret !== 'string' || raw.secret === '') {
      throw this.unexpected(res, 'a refreshed secret {secret}; the old secret may no longer work: refresh again');
    }
    this.rememberSecret(raw.secret);
    return raw.secret;
  }

  /**
   * Sets a secret you chose (`PATCH /robots/{id}` with `{secret}`; Harbor answers `{}`). The old secret stops working
   * at once; registry tokens already issued with it stay valid until they expire (30 minutes by default). Harbor's
   * rule is checked first: 8 to 128 bytes with an upper-case letter, a lower-case letter and a digit. Does not extend
   * the expiry. Never retried automatically.
   * @throws TypeError when the secret breaks Harbor's rule (the message never shows it).
   */
  async setRobotSecret(id: number, secret: string): Promise<void> {
    assertId(id, 'robot id');
    assertRobotSecret(secret);
    this.rememberSecret(secret);
    await this.call('PATCH', `/robots/${id}`, { body: { secret }, ok: [200] });
  }

  /**
   * Renews a robot without touching its secret: `PUT /robots/{id}` with the robot as Harbor has it and a new
   * `duration`. Harbor then sets `expires_at` to the robot's creation time + `durationDays` days (`-1`: never), and
   * only when the duration changes; it does not check the result, so a duration shorter than the robot's age would
   * leave it expired. Both are refused here before the `PUT`, the age on Harbor's clock (its `Date` header).
   * A disabled robot stays disabled.
   * @returns the robot as Harbor has it afterwards (with its new `expiresAt`).
   * @throws TypeError for a duration that is not -1 or >= 1, equals the current one, or does not exceed the age.
   * @throws HarborApiError 404 when the robot is gone.
   */
  async renewRobot(id: number, durationDays: number): Promise<HarborRobot> {
    assertId(id, 'robot id');
    assertRobotDuration(durationDays, 'durationDays');
    const res = await this.call('GET', `/robots/${id}`, { ok: [200] });
    const robot = toRobot(this.json(res));
    if (!robot) throw this.unexpected(res, 'a robot object with id and name');
    if (robot.level !== 'project') {
      throw new TypeError(
        `robot ${id} is a ${robot.level} robot; renewRobot renews project robots only. Fix: give the id of a project ` +
          'robot (listRobots(projectId) lists them).',
      );
    }
    if (durationDays === robot.duration) {
      throw new TypeError(
        `robot ${id} already has a duration of ${durationDays} days, and Harbor moves expires_at only when the ` +
          'duration changes: give another duration (days from its creation).',
      );
    }
    const nowMs = harborTime(res.headers);
    if (durationDays !== -1 && robot.creationTime !== undefined && nowMs !== undefined) {
      const ageDays = (nowMs - robot.creationTime) / 86_400_000;
      if (durationDays <= ageDays) {
        throw new TypeError(
          `robot ${id} was created ${Math.floor(ageDays)} days ago (Harbor's clock), so a duration of ${durationDays} ` +
            `days would leave it expired: durationDays counts from the creation, e.g. ${renewedDurationDays(robot.creationTime, nowMs, 30)} ` +
            'for 30 more days.',
        );
      }
    }
    await this.updateRobot(id, {
      name: robot.name,
      description: robot.description,
      duration: durationDays,
      level: 'project',
      disable: robot.disabled,
      permissions: robot.permissions,
    });
    const renewed = await this.getRobot(id);
    if (!renewed) throw this.unexpected(res, `robot ${id} to still exist after its renewal`);
    return renewed;
  }

  /** Deletes a robot (`DELETE /robots/{id}`); a robot already gone counts as deleted. */
  async deleteRobot(id: number): Promise<void> {
    assertId(id, 'robot id');
    await this.call('DELETE', `/robots/${id}`, { ok: [200, 204], absentOk: true });
  }

  // ---------------------------------------------------------------- repositories

  /**
   * The full names (`<project>/<repository>`) of a project's repositories (`GET /projects/{p}/repositories`, every
   * page).
   */
  async listRepositories(project: string): Promise<string[]> {
    assertProjectName(project, 'project');
    return this.listAll(
      `/projects/${encodeURIComponent(project)}/repositories`,
      {},
      undefined,
      (raw) => (isRecord(raw) && typeof raw.name === 'string' && raw.name !== '' ? raw.name : undefined),
      'repositories',
    );
  }

  /**
   * Deletes a repository and every artifact in it (`DELETE /projects/{p}/repositories/{r}`, the repository named
   * without its project and encoded twice, as Harbor wants it); one already gone counts as deleted.
   * @param repository the name within the project (`coredns`, `tools/debug`), or the full name
   */
  async deleteRepository(project: string, repository: string): Promise<void> {
    assertProjectName(project, 'project');
    assertNonEmpty(repository, 'repository', 'coredns');
    const inProject = repository.startsWith(`${project}/`) ? repository.slice(project.length + 1) : repository;
    const path = `/projects/${encodeURIComponent(project)}/repositories/${encodeURIComponent(encodeURIComponent(inProject))}`;
    await this.call('DELETE', path, { ok: [200], absentOk: true });
  }

  /**
   * Deletes every repository of a project, so that the project itself can be deleted (Harbor refuses, 412, to delete
   * a project that holds repositories): {@link listRepositories}, then {@link deleteRepository} for each.
   * @returns the full names of the repositories deleted.
   */
  async deleteProjectRepositories(project: string): Promise<string[]> {
    const names = await this.listRepositories(project);
    for (const name of names) await this.deleteRepository(project, name);
    return names;
  }

  // ---------------------------------------------------------------- artifacts

  /**
   * Reads an artifact by tag or digest (`GET /projects/{p}/repositories/{r}/artifacts/{reference}`, the repository
   * encoded twice as Harbor wants it); `undefined` when the project, the repository or the artifact is absent.
   */
  async getArtifact(project: string, repository: string, reference: string): Promise<HarborArtifact | undefined> {
    assertProjectName(project, 'project');
    assertNonEmpty(repository, 'repository', 'coredns');
    assertNonEmpty(reference, 'reference', '1.2.6');
    const repo = encodeURIComponent(encodeURIComponent(repository));
    const path = `/projects/${encodeURIComponent(project)}/repositories/${repo}/artifacts/${encodeURIComponent(reference)}`;
    const res = await this.call('GET', path, { project, ok: [200], absentOk: true });
    if (res.status === 404) return undefined;
    const raw = this.json(res);
    if (!isRecord(raw) || typeof raw.digest !== 'string') throw this.unexpected(res, 'an artifact with its digest');
    const tags = Array.isArray(raw.tags) ? raw.tags.map((t) => (isRecord(t) ? t.name : undefined)) : [];
    return { digest: raw.digest, tags: tags.filter((t): t is string => typeof t === 'string') };
  }

  // ---------------------------------------------------------------- lifecycle

  /** Closes this client's connections. Optional: idle connections do not keep the process alive. */
  async close(): Promise<void> {
    const agent = this.agent;
    this.agent = undefined;
    if (agent) await agent.close();
  }

  // ---------------------------------------------------------------- internals

  private dispatcher(): Agent {
    if (!this.agent) {
      // rejectUnauthorized is explicit so that NODE_TLS_REJECT_UNAUTHORIZED=0 cannot turn verification off.
      this.agent = new Agent({
        connect:
          this.caBundle !== undefined ? { ca: this.caBundle, rejectUnauthorized: true } : { rejectUnauthorized: true },
      });
    }
    return this.agent;
  }

  private rememberSecret(secret: string): void {
    if (secret && !this.secrets.includes(secret)) this.secrets.push(secret);
  }

  private emit(e: HarborRequestEvent): void {
    if (!this.onRequest) return;
    const safe: HarborRequestEvent = {
      ...e,
      path: redactSecrets(e.path, this.secrets),
      ...(e.error !== undefined ? { error: redactSecrets(e.error, this.secrets) } : {}),
    };
    try {
      this.onRequest(safe);
    } catch {
      // A failing logger must not fail the call.
    }
  }

  private locationId(res: CallResult): number {
    const id = idFromLocation(res.headers.get('location'));
    if (id === undefined) {
      throw this.unexpected(
        res,
        'a Location header ending in the new id; the object was probably created: look it up by name',
      );
    }
    return id;
  }

  private json(res: CallResult): unknown {
    try {
      return JSON.parse(res.text);
    } catch {
      throw this.unexpected(res, 'a JSON body (is url pointing at Harbor, not at a proxy or login page?)');
    }
  }

  private unexpected(res: CallResult, expected: string): HarborApiError {
    return new HarborApiError({
      method: res.method,
      path: res.path,
      origin: this.origin,
      status: res.status,
      code: 'UNEXPECTED_RESPONSE',
      harborMessage: `expected ${expected}`,
      requestId: res.requestId,
      hint: 'Harbor answered in an unexpected shape: check that url points at Harbor v2.2 or newer',
      retryable: false,
      secrets: this.secrets,
    });
  }

  /**
   * GETs every page (page_size 100) of a list endpoint and maps each item, dropping none silently. `project`: the
   * project the path names by name (sent with `X-Is-Resource-Name`).
   */
  private async listAll<T>(
    path: string,
    query: Query,
    project: string | undefined,
    map: (raw: unknown) => T | undefined,
    what: string,
  ): Promise<T[]> {
    return (await this.listPages(path, query, project, map, what)).items;
  }

  /** {@link listAll}, also returning the last page's response (for its headers). */
  private async listPages<T>(
    path: string,
    query: Query,
    project: string | undefined,
    map: (raw: unknown) => T | undefined,
    what: string,
  ): Promise<{ items: T[]; last: CallResult }> {
    const out: T[] = [];
    for (let page = 1; page <= MAX_PAGES; page++) {
      const res = await this.call('GET', path, {
        query: { ...query, page, page_size: PAGE_SIZE },
        byName: project !== undefined,
        project,
        ok: [200],
      });
      const items = this.json(res);
      if (!Array.isArray(items)) throw this.unexpected(res, `a JSON array of ${what}`);
      for (const item of items) {
        const mapped = map(item);
        if (mapped === undefined) throw this.unexpected(res, `${what} with their id and name fields`);
        out.push(mapped);
      }
      const link = res.headers.get('link');
      const total = Number(res.headers.get('x-total-count') ?? NaN);
      const more =
        link !== null && link.trim() !== ''
          ? /rel="?next"?/.test(link)
          : Number.isFinite(total)
            ? out.length < total
            : items.length === PAGE_SIZE;
      // A short page is the last one, whatever the headers say (Harbor's member X-Total-Count ignores entityname).
      if (!more || items.length < PAGE_SIZE) return { items: out, last: res };
    }
    throw new HarborApiError({
      method: 'GET',
      path,
      origin: this.origin,
      code: 'TOO_MANY_PAGES',
      harborMessage: `more than ${MAX_PAGES} pages of ${what}`,
      retryable: false,
      hint: 'Harbor kept announcing a next page: check the Link and X-Total-Count headers of a proxy in between',
      secrets: this.secrets,
    });
  }

  /** One logical call: attempts, retries of idempotent methods, event reporting, error mapping. */
  private async call(method: string, path: string, opts: CallOptions): Promise<CallResult> {
    const search = new URLSearchParams();
    for (const [k, v] of Object.entries(opts.query ?? {})) {
      if (v !== undefined) search.set(k, String(v));
    }
    const qs = search.toString();
    const fullPath = qs ? `${path}?${qs}` : path;
    const url = `${this.endpoint.apiBase}${fullPath}`;
    const idempotent = isIdempotent(method);
    const maxAttempts = idempotent ? this.maxRetries + 1 : 1;
    const body = opts.body === undefined ? undefined : JSON.stringify(opts.body);

    for (let attempt = 1; ; attempt++) {
      const sentRequestId = randomUUID();
      const headers: Record<string, string> = {
        authorization: this.authorization,
        accept: 'application/json',
        'user-agent': 'harbor-private-app',
        'x-request-id': sentRequestId,
      };
      if (body !== undefined) headers['content-type'] = 'application/json';
      if (opts.byName) headers['x-is-resource-name'] = 'true';
      const started = Date.now();

      let status: number;
      let resHeaders: CallResult['headers'];
      let text: string;
      try {
        const res = await fetch(url, {
          method,
          headers,
          body,
          dispatcher: this.dispatcher(),
          redirect: 'manual',
          signal: AbortSignal.timeout(this.timeoutMs),
        });
        status = res.status;
        resHeaders = res.headers;
        text = await res.text();
      } catch (e) {
        const classified = classifyNetworkError(e);
        const failure: NetworkFailure = {
          ...classified,
          message:
            classified.message ??
            (classified.code === 'TIMEOUT'
              ? 'no complete answer within timeoutMs'
              : 'the request failed before Harbor answered'),
        };
        const transient = !failure.tls && isRetryableNetworkCode(failure.code);
        const willRetry = idempotent && transient && attempt < maxAttempts;
        const delay = willRetry
          ? retryDelayMs({ attempt, baseDelayMs: this.retryBaseDelayMs, maxDelayMs: this.maxRetryDelayMs })
          : undefined;
        this.emit({
          method,
          path: fullPath,
          attempt,
          error: `${failure.code}: ${failure.message}`,
          durationMs: Date.now() - started,
          retryInMs: delay,
        });
        if (willRetry) {
          await sleep(delay ?? 0);
          continue;
        }
        const notSent = NOT_SENT_NETWORK_CODES.includes(failure.code);
        throw new HarborApiError({
          method,
          path: fullPath,
          origin: this.origin,
          code: failure.code,
          harborMessage: failure.message,
          requestId: sentRequestId,
          attempts: attempt,
          retryable: idempotent ? transient : notSent,
          hint: this.networkHint(failure, idempotent, notSent),
          secrets: this.secrets,
        });
      }

      const requestId = resHeaders.get('x-request-id') ?? sentRequestId;
      if (status === 403 && opts.project !== undefined && (await this.projectAbsent(opts.project))) {
        this.emit({ method, path: fullPath, status, attempt, error: 'FORBIDDEN', durationMs: Date.now() - started });
        const harborMessage = `project ${opts.project} not found (Harbor answers 403 for a project that does not exist to a login that is not a system administrator; HEAD /projects?project_name=${opts.project} answered 404)`;
        if (opts.absentOk) return { status: 404, headers: resHeaders, text, requestId, path: fullPath, method };
        throw new HarborApiError({
          method,
          path: fullPath,
          origin: this.origin,
          status: 404,
          code: 'NOT_FOUND',
          harborMessage,
          requestId,
          attempts: attempt,
          retryable: false,
          secrets: this.secrets,
        });
      }
      const harborError = parseHarborError(text);
      const absent =
        opts.absentOk === true && status === 404 && (harborError.code ?? '').split(',').includes('NOT_FOUND');
      if (opts.ok.includes(status) || absent) {
        this.emit({ method, path: fullPath, status, attempt, durationMs: Date.now() - started });
        return { status, headers: resHeaders, text, requestId, path: fullPath, method };
      }

      const willRetry = idempotent && isRetryableStatus(status) && attempt < maxAttempts;
      const delay = willRetry
        ? retryDelayMs({
            attempt,
            baseDelayMs: this.retryBaseDelayMs,
            maxDelayMs: this.maxRetryDelayMs,
            retryAfterMs: parseRetryAfter(resHeaders.get('retry-after')),
          })
        : undefined;
      this.emit({
        method,
        path: fullPath,
        status,
        attempt,
        error: harborError.code ?? `HTTP ${status}`,
        durationMs: Date.now() - started,
        retryInMs: delay,
      });
      if (willRetry) {
        await sleep(delay ?? 0);
        continue;
      }
      throw new HarborApiError({
        method,
        path: fullPath,
        origin: this.origin,
        status,
        code: harborError.code,
        harborMessage: harborError.message,
        requestId,
        attempts: attempt,
        retryable: idempotent && isRetryableStatus(status),
        retryAfterMs: parseRetryAfter(resHeaders.get('retry-after')),
        hint:
          status >= 300 && status < 400 && resHeaders.get('location')
            ? `Harbor redirected to another address: use it as url (Location: ${resHeaders.get('location')})`
            : status === 404 && opts.absentOk && !harborError.code
              ? "a 404 without Harbor's error body: check that url points at Harbor itself (not a proxy path or another server)"
              : undefined,
        secrets: this.secrets,
      });
    }
  }

  /**
   * True when Harbor says no project of this name exists (`HEAD /projects?project_name=`, 404), which any logged-in
   * user may ask; false when it exists or the question fails (the caller's own answer then stands).
   */
  private async projectAbsent(name: string): Promise<boolean> {
    try {
      return (await this.call('HEAD', '/projects', { query: { project_name: name }, ok: [200, 404] })).status === 404;
    } catch {
      return false;
    }
  }

  private networkHint(failure: NetworkFailure, idempotent: boolean, notSent: boolean): string {
    if (failure.tls) {
      if (/WRONG_VERSION|EPROTO/.test(failure.code)) {
        return `TLS handshake with ${this.origin} failed: check that the port speaks https (or use http:// for a plain-HTTP loopback lab)`;
      }
      return `TLS verification of ${this.origin} failed (${failure.code}): pass caBundle with the PEM of the CA that signed Harbor's certificate, and check that the certificate names this host; verification cannot be turned off`;
    }
    if (notSent) {
      return `Harbor at ${this.origin} could not be reached (${failure.code}); the request was not sent: check url and that Harbor is running`;
    }
    if (!idempotent) {
      return `the connection failed or timed out after the request was sent (${failure.code}); this write is not retried automatically and it may have been applied: look the object up (getProject, findMember, listProjectRobots) before trying again`;
    }
    return `the connection failed or timed out (${failure.code}): check that Harbor is reachable, raise timeoutMs for a slow Harbor, then try again`;
  }
}
