/**
 * A typed client for the parts of Harbor's REST API v2.0 this project needs: projects, members, robot accounts,
 * repositories. Assembled from the HTTP core (`http.ts`: timeouts, retries, paging, error mapping) and one module per
 * resource (`projects.ts`, `members.ts`, `robots.ts`, `repositories.ts`); each method here hands its call to them.
 *
 * Self-contained on purpose (node built-ins, `undici`, a few rule files of `lib/core`; no module-level state) because Pulumi
 * dynamic providers serialize it with `pulumi.runtime.serializeFunction`.
 *
 * @see HARBOR-FACTS.md (the team's notes on how Harbor behaves, kept with the reference docs beside the repository)
 */
import type { HarborRoleName } from '../core/roles';
import { HarborHttp } from './http';
import * as members from './members';
import * as projects from './projects';
import * as repositories from './repositories';
import * as robots from './robots';
import type {
  CreatedRobot,
  HarborArtifact,
  HarborClientOptions,
  HarborLookup,
  HarborMember,
  HarborProject,
  HarborRobot,
  MemberEntity,
  ProjectSpec,
  RobotSpec,
  RobotUpdate,
} from './types';

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

  /**
   * The HTTP core every call goes through; non-enumerable, so that logging or JSON-serialising the client never shows
   * its internals. Subclasses (the test lab's client) use it for calls of their own.
   * @internal
   */
  declare protected readonly http: HarborHttp;

  constructor(opts: HarborClientOptions) {
    const http = new HarborHttp(opts);
    Object.defineProperty(this, 'http', { value: http, enumerable: false, writable: false });
    this.origin = http.origin;
    this.maxRetries = http.maxRetries;
    this.timeoutMs = http.timeoutMs;
    this.retryBaseDelayMs = http.retryBaseDelayMs;
    this.maxRetryDelayMs = http.maxRetryDelayMs;
  }

  // ---------------------------------------------------------------- projects

  /**
   * Creates a project (`POST /projects`); metadata values are sent as the strings Harbor expects.
   * @returns the new project's id, read from the `Location` header.
   * @throws HarborApiError 409 when the name is taken.
   */
  createProject(spec: ProjectSpec): Promise<{ id: number }> {
    return projects.createProject(this.http, spec);
  }

  /** True when a project with exactly this name exists (`HEAD /projects?project_name=`). */
  projectExists(name: string): Promise<boolean> {
    return projects.projectExists(this.http, name);
  }

  /** Reads a project by name (`GET /projects/{name}`, `X-Is-Resource-Name: true`); `undefined` when absent. */
  getProject(name: string): Promise<HarborProject | undefined> {
    return projects.getProject(this.http, name);
  }

  /**
   * Reads a project by name like {@link getProject}, together with Harbor's clock at the answer, so that a caller
   * can tell whether the project was created within a given time span (e.g. by a create whose answer was lost).
   */
  inspectProject(name: string): Promise<HarborLookup<HarborProject>> {
    return projects.inspectProject(this.http, name);
  }

  /** Sets a project's public / auto_scan / prevent_vul metadata (`PUT /projects/{name}`). */
  updateProject(name: string, spec: ProjectSpec): Promise<void> {
    return projects.updateProject(this.http, name, spec);
  }

  /**
   * Deletes a project (`DELETE /projects/{name}`); its robot accounts go with it. A project that is already gone
   * counts as deleted.
   * @throws HarborApiError 412 while the project still holds repositories.
   */
  deleteProject(name: string): Promise<void> {
    return projects.deleteProject(this.http, name);
  }

  /**
   * Deletes the project with this numeric id (`DELETE /projects/{id}`, without `X-Is-Resource-Name`). A project
   * deleted and recreated under the same name by someone else has another id, so it is never hit; a missing id
   * counts as deleted.
   */
  deleteProjectById(id: number): Promise<void> {
    return projects.deleteProjectById(this.http, id);
  }

  /**
   * Reads a project by its numeric id (`GET /projects/{id}`, without `X-Is-Resource-Name`); `undefined` when absent.
   * Used to tell whether an address reaches the Harbor that holds a project this stack knows by id.
   */
  getProjectById(id: number): Promise<HarborProject | undefined> {
    return projects.getProjectById(this.http, id);
  }

  /**
   * The project's storage quota in bytes, `-1` unlimited (`GET /projects/{name}/summary`, `quota.hard.storage`;
   * readable by the project's members). `undefined` when Harbor shows no quota: quotas per project are switched
   * off, or the user may not read it.
   */
  getProjectStorageLimit(name: string): Promise<number | undefined> {
    return projects.getProjectStorageLimit(this.http, name);
  }

  /**
   * Sets a project's storage quota (`GET /quotas?reference=project&reference_id=<id>` for the quota's id, then
   * `PUT /quotas/{id}` `{hard: {storage}}`). Harbor lets only a system administrator change quotas; `PUT /projects`
   * ignores `storage_limit`.
   * @param bytes the limit in bytes, `-1` unlimited
   * @throws HarborApiError 403 for a user who is not a system administrator; `NO_QUOTA` when Harbor keeps no quota for
   * the project (quotas per project switched off)
   */
  setProjectStorageLimit(projectId: number, bytes: number): Promise<void> {
    return projects.setProjectStorageLimit(this.http, projectId, bytes);
  }

  /**
   * Who the login is (`GET /users/current`): its user name and whether it is a system administrator (Harbor's
   * `sysadmin_flag`, or `admin_role_in_auth` from an LDAP/OIDC admin group), which decides what Harbor lets it do
   * beyond its projects' roles (quotas, missing projects answered 404 rather than 403).
   */
  currentUser(): Promise<{ readonly username: string; readonly sysAdmin: boolean }> {
    return projects.currentUser(this.http);
  }

  // ---------------------------------------------------------------- members

  /**
   * Adds a user or group to a project with a role (`POST /projects/{p}/members`).
   * @returns the member id, read from the `Location` header.
   * @throws HarborApiError 409 when the entity already is a member (use findMember + updateMemberRole).
   */
  addMember(project: string, entity: MemberEntity, role: HarborRoleName): Promise<{ id: number }> {
    return members.addMember(this.http, project, entity, role);
  }

  /**
   * Finds the member for a user or group by exact name and type (Harbor's `entityname` filter is fuzzy, so
   * results are filtered here). `undefined` when it is not a member.
   */
  findMember(project: string, entity: MemberEntity): Promise<HarborMember | undefined> {
    return members.findMember(this.http, project, entity);
  }

  /** Reads a member by its id (`GET /projects/{p}/members/{mid}`); `undefined` when absent. */
  getMember(project: string, memberId: number): Promise<HarborMember | undefined> {
    return members.getMember(this.http, project, memberId);
  }

  /** Changes a member's role (`PUT /projects/{p}/members/{mid}`). */
  updateMemberRole(project: string, memberId: number, role: HarborRoleName): Promise<void> {
    return members.updateMemberRole(this.http, project, memberId, role);
  }

  /** Removes a member (`DELETE /projects/{p}/members/{mid}`); a member already gone counts as removed. */
  removeMember(project: string, memberId: number): Promise<void> {
    return members.removeMember(this.http, project, memberId);
  }

  // ---------------------------------------------------------------- robots

  /**
   * Creates a project robot (`POST /robots`). Never retried: on an ambiguous failure, look for the robot with
   * {@link findProjectRobot} before creating it again.
   * @returns id, FULL name, expiry and the secret — the only time Harbor ever shows it.
   * @throws HarborApiError 403 without projectAdmin, 409 when the name is taken.
   */
  createRobot(spec: RobotSpec): Promise<CreatedRobot> {
    return robots.createRobot(this.http, spec);
  }

  /** Reads a robot (`GET /robots/{id}`, never with its secret); `undefined` when absent. */
  getRobot(id: number): Promise<HarborRobot | undefined> {
    return robots.getRobot(this.http, id);
  }

  /**
   * Reads a robot like {@link getRobot}, together with Harbor's clock at the answer, so that its age
   * (`creationTime`) and expiry can be judged on Harbor's own clock.
   */
  inspectRobot(id: number): Promise<HarborLookup<HarborRobot>> {
    return robots.inspectRobot(this.http, id);
  }

  /**
   * Finds a project robot by its SHORT name (the `name` given at create) without assuming Harbor's name prefix:
   * reads the project (`GET /projects/{name}`) for its id, lists its robots and picks the one whose full name is
   * `<any prefix without "+"><project>+<name>`. Also returns Harbor's clock at the listing's answer.
   * `found` is `undefined` when the project or the robot is absent.
   */
  findProjectRobot(project: string, name: string): Promise<HarborLookup<HarborRobot>> {
    return robots.findProjectRobot(this.http, project, name);
  }

  /**
   * Replaces a robot's description, duration, disabled flag and ALL its permissions (`PUT /robots/{id}`).
   * `name` must be the full name and `level` unchanged: Harbor refuses to change either.
   */
  updateRobot(id: number, robot: RobotUpdate): Promise<void> {
    return robots.updateRobot(this.http, id, robot);
  }

  /**
   * Has Harbor generate a new secret (`PATCH /robots/{id}` with `{secret: ""}`); the old one stops working.
   * Does not extend the expiry. Never retried automatically.
   * @returns the new secret.
   */
  refreshRobotSecret(id: number): Promise<string> {
    return robots.refreshRobotSecret(this.http, id);
  }

  /** Deletes a robot (`DELETE /robots/{id}`); a robot already gone counts as deleted. */
  deleteRobot(id: number): Promise<void> {
    return robots.deleteRobot(this.http, id);
  }

  // ---------------------------------------------------------------- repositories and artifacts

  /**
   * The full names (`<project>/<repository>`) of a project's repositories (`GET /projects/{p}/repositories`, every
   * page).
   */
  listRepositories(project: string): Promise<string[]> {
    return repositories.listRepositories(this.http, project);
  }

  /**
   * Deletes a repository and every artifact in it (`DELETE /projects/{p}/repositories/{r}`, the repository named
   * without its project and encoded twice, as Harbor wants it); one already gone counts as deleted.
   * @param repository the name within the project (`coredns`, `tools/debug`), or the full name
   */
  deleteRepository(project: string, repository: string): Promise<void> {
    return repositories.deleteRepository(this.http, project, repository);
  }

  /**
   * Deletes every repository of a project, so that the project itself can be deleted (Harbor refuses, 412, to delete
   * a project that holds repositories): {@link listRepositories}, then {@link deleteRepository} for each.
   * @returns the full names of the repositories deleted.
   */
  deleteProjectRepositories(project: string): Promise<string[]> {
    return repositories.deleteProjectRepositories(this.http, project);
  }

  /**
   * Reads an artifact by tag or digest (`GET /projects/{p}/repositories/{r}/artifacts/{reference}`, the repository
   * encoded twice as Harbor wants it); `undefined` when the project, the repository or the artifact is absent.
   */
  getArtifact(project: string, repository: string, reference: string): Promise<HarborArtifact | undefined> {
    return repositories.getArtifact(this.http, project, repository, reference);
  }

  // ---------------------------------------------------------------- lifecycle

  /** Closes this client's connections. Optional: idle connections do not keep the process alive. */
  async close(): Promise<void> {
    await this.http.close();
  }
}
