/**
 * Checks of the Harbor client's inputs, done before any request so that mistakes fail fast with a message that
 * names the field, the value received and the fix.
 */
import { HARBOR_PROJECT_NAME, HARBOR_ROBOT_NAME } from '../core/harbor-names';
import { isHarborRoleName } from '../core/roles';
import { HARBOR_ROBOT_STORED_NAME_MAX, robotStoredNameLength } from '../core/robot';
import { assertAllowedRobotAccess } from './permissions';
import type { MemberEntity, ProjectSpec, RobotPermission, RobotSpec, RobotUpdate } from './types';

function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 80 ? `${v.slice(0, 77)}...` : v);
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

/** Throws unless `name` is a valid Harbor project name. */
export function assertProjectName(name: unknown, field = 'project name'): asserts name is string {
  if (typeof name !== 'string' || name.length < 1 || name.length > 255 || !HARBOR_PROJECT_NAME.test(name)) {
    throw new TypeError(
      `${field} ${show(name)} is not a valid Harbor project name: use 1-255 lowercase letters and digits, ` +
        'optionally separated by single ".", "_" or "-" (e.g. "team-app").',
    );
  }
}

/** Throws unless `value` is a non-empty string; the message names the field, the value and an example. */
export function assertNonEmpty(value: unknown, field: string, example: string): asserts value is string {
  if (typeof value !== 'string' || value === '') {
    throw new TypeError(`${field} ${show(value)} must be a non-empty string, e.g. ${JSON.stringify(example)}.`);
  }
}

/** Throws unless `id` is a positive integer. */
export function assertId(id: unknown, field: string): asserts id is number {
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 1) {
    throw new TypeError(`${field} ${show(id)} must be a positive integer id as Harbor returned it.`);
  }
}

/** Throws unless `role` is one of Harbor's five project roles. */
export function assertRole(role: unknown): void {
  if (!isHarborRoleName(role)) {
    throw new TypeError(
      `role ${show(role)} is not a Harbor project role: use projectAdmin, maintainer, developer, guest or limitedGuest.`,
    );
  }
}

/** Throws unless `spec` is a complete {@link ProjectSpec}. */
export function assertProjectSpec(spec: ProjectSpec): void {
  if (typeof spec !== 'object' || spec === null)
    throw new TypeError(`project spec must be an object, got ${show(spec)}.`);
  assertProjectName(spec.name, 'ProjectSpec.name');
  for (const k of ['public', 'autoScan', 'preventVul'] as const) {
    if (typeof spec[k] !== 'boolean')
      throw new TypeError(`ProjectSpec.${k} must be true or false, got ${show(spec[k])}.`);
  }
  const limit = spec.storageLimitBytes;
  if (
    limit !== undefined &&
    (typeof limit !== 'number' || !Number.isSafeInteger(limit) || (limit !== -1 && (limit < 1 || limit > 1024 ** 5)))
  ) {
    throw new TypeError(
      `ProjectSpec.storageLimitBytes ${show(limit)} must be -1 (unlimited) or a whole number of bytes from 1 to ` +
        `${1024 ** 5} (1024 TB, Harbor's largest quota).`,
    );
  }
}

/** Throws unless `entity` names a user or a group. */
export function assertMemberEntity(entity: MemberEntity): void {
  if (typeof entity !== 'object' || entity === null || (entity.kind !== 'user' && entity.kind !== 'group')) {
    throw new TypeError(`member entity must be {kind: "user" | "group", name}, got ${show(entity)}.`);
  }
  if (typeof entity.name !== 'string' || entity.name.trim() === '') {
    throw new TypeError(
      `member ${entity.kind} name ${show(entity.name)} must be a non-empty string (the Harbor ${entity.kind} name).`,
    );
  }
  if (entity.kind === 'group') {
    if (entity.groupType !== undefined && ![1, 2, 3].includes(entity.groupType)) {
      throw new TypeError(`member group groupType ${show(entity.groupType)} must be 1 (LDAP), 2 (HTTP) or 3 (OIDC).`);
    }
    if (entity.ldapGroupDn !== undefined && (typeof entity.ldapGroupDn !== 'string' || entity.ldapGroupDn === '')) {
      throw new TypeError(`member group ldapGroupDn ${show(entity.ldapGroupDn)} must be a non-empty DN string.`);
    }
  }
}

/** Throws unless `duration` is a robot lifetime Harbor accepts: -1, or a whole number of days >= 1. */
export function assertRobotDuration(duration: unknown, field: string): asserts duration is number {
  if (typeof duration !== 'number' || !Number.isSafeInteger(duration) || (duration !== -1 && duration < 1)) {
    throw new TypeError(
      `${field} ${show(duration)} must be -1 (never expires) or a positive number of DAYS; Harbor refuses 0.`,
    );
  }
}

function assertProjectPermissions(permissions: RobotPermission[], field: string): void {
  if (!Array.isArray(permissions) || permissions.length !== 1) {
    throw new TypeError(
      `${field} must hold exactly one entry for a project robot, got ${Array.isArray(permissions) ? permissions.length : show(permissions)}: ` +
        'use [{kind: "project", namespace: "<project>", access: [{resource: "repository", action: "pull"}]}].',
    );
  }
  const p = permissions[0];
  if (p?.kind !== 'project') throw new TypeError(`${field}[0].kind must be "project", got ${show(p?.kind)}.`);
  assertProjectName(p.namespace, `${field}[0].namespace`);
  if (!Array.isArray(p.access) || p.access.length === 0) {
    throw new TypeError(
      `${field}[0].access must list at least one {resource, action}, e.g. {resource: "repository", action: "pull"}.`,
    );
  }
  assertAllowedRobotAccess(permissions, field);
}

/** Throws unless `spec` is a valid project robot to create. */
export function assertRobotSpec(spec: RobotSpec): void {
  if (typeof spec !== 'object' || spec === null)
    throw new TypeError(`robot spec must be an object, got ${show(spec)}.`);
  if (
    typeof spec.name !== 'string' ||
    spec.name.length < 1 ||
    spec.name.length > 255 ||
    !HARBOR_ROBOT_NAME.test(spec.name)
  ) {
    throw new TypeError(
      `RobotSpec.name ${show(spec.name)} must be 1-255 lowercase letters and digits, separated by single ".", "_" or "-" (no "$" or "+": ` +
        'Harbor adds the "robot$<project>+" prefix itself).',
    );
  }
  if (spec.description !== undefined && typeof spec.description !== 'string') {
    throw new TypeError(`RobotSpec.description must be a string, got ${show(spec.description)}.`);
  }
  assertRobotDuration(spec.duration, 'RobotSpec.duration');
  if (spec.level !== 'project') throw new TypeError(`RobotSpec.level must be "project", got ${show(spec.level)}.`);
  assertProjectPermissions(spec.permissions, 'RobotSpec.permissions');
  const project = spec.permissions[0].namespace;
  const stored = robotStoredNameLength(project, spec.name);
  if (stored > HARBOR_ROBOT_STORED_NAME_MAX) {
    throw new TypeError(
      `RobotSpec.name ${show(spec.name)} is too long for project ${show(project)}: Harbor stores a project robot as ` +
        `"<project>+<name>" in at most ${HARBOR_ROBOT_STORED_NAME_MAX} characters (this one: ${stored}) and answers ` +
        `500 to a longer one. Use a name of at most ${HARBOR_ROBOT_STORED_NAME_MAX - project.length - 1} characters.`,
    );
  }
}

/** Throws unless `robot` is a complete robot record for `PUT /robots/{id}`. */
export function assertRobotUpdate(robot: RobotUpdate): void {
  if (typeof robot !== 'object' || robot === null)
    throw new TypeError(`robot update must be an object, got ${show(robot)}.`);
  if (typeof robot.name !== 'string' || robot.name === '') {
    throw new TypeError(
      `robot update name ${show(robot.name)} must be the robot's FULL name as Harbor returned it (e.g. "robot$app+puller").`,
    );
  }
  if (robot.description !== undefined && typeof robot.description !== 'string') {
    throw new TypeError(`robot update description must be a string, got ${show(robot.description)}.`);
  }
  assertRobotDuration(robot.duration, 'robot update duration');
  if (robot.level !== 'project') throw new TypeError(`robot update level must be "project", got ${show(robot.level)}.`);
  if (typeof robot.disable !== 'boolean')
    throw new TypeError(`robot update disable must be true or false, got ${show(robot.disable)}.`);
  assertProjectPermissions(robot.permissions, 'robot update permissions');
}
