/** Harbor's default robot name prefix (`robot_name_prefix` in Harbor's configuration). */
export const DEFAULT_ROBOT_NAME_PREFIX = 'robot$';

/**
 * The longest robot lifetime Harbor accepts, in days: Harbor's `isValidDuration` (src/server/v2.0/handler/robot.go)
 * takes `-1` or `0 < d < math.MaxInt32`, so 2147483646.
 */
export const MAX_ROBOT_DURATION_DAYS = 2 ** 31 - 2;

/**
 * The full login name Harbor gives a project robot: `<prefix><project>+<name>`.
 *
 * Harbor returns this name when it creates the robot, and that returned name is the one to use
 * wherever it is available (the Pulumi engine does). The YAML engine cannot read it back, so it
 * builds it with the prefix the user declares for their Harbor (`robot$` unless configured).
 */
export function robotFullName(prefix: string, project: string, name: string): string {
  return `${prefix}${project}+${name}`;
}

/**
 * The most characters of a project robot's name as Harbor stores it, `<project>+<name>` (the robot's short name with its
 * project; the prefix is added on read): the robot table's `name varchar(255)` (make/migrations/postgresql
 * 0004_1.8.0_schema.up.sql; src/controller/robot/controller.go `Create` builds the name). A longer one fails in
 * Postgres, and Harbor answers 500.
 */
export const HARBOR_ROBOT_STORED_NAME_MAX = 255;

/** How long Harbor's stored name of a project robot is: `<project>+<name>`. */
export function robotStoredNameLength(project: string, name: string): number {
  return project.length + 1 + name.length;
}

/** One access entry of a robot permission. */
export interface RobotAccess {
  /** The resource, `repository` here. */
  readonly resource: string;
  /** The action on it: `pull` or `push`. */
  readonly action: string;
}

/** A project-level robot permission (Harbor allows exactly one per project robot). */
export interface RobotPermissionSpec {
  /** A project permission. */
  readonly kind: 'project';
  /** The project's name (Harbor calls it the permission's namespace). */
  readonly namespace: string;
  /** What the robot may do there. */
  readonly access: readonly RobotAccess[];
}

/** The single permission of a project robot: `repository:pull`, plus `repository:push` only when asked for. */
export function robotPermission(project: string, allowPush: boolean): RobotPermissionSpec {
  const access: RobotAccess[] = [{ resource: 'repository', action: 'pull' }];
  if (allowPush) access.push({ resource: 'repository', action: 'push' });
  return { kind: 'project', namespace: project, access };
}
