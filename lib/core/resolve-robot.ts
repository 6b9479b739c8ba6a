import { failIn } from './errors';
import { ROBOT_DEFAULTS } from './defaults';
import { checkHarborRobotName, toDnsLabel } from './names';
import { EngineOptions, RobotAction } from './props';
import {
  DEFAULT_ROBOT_NAME_PREFIX,
  HARBOR_ROBOT_STORED_NAME_MAX,
  MAX_ROBOT_DURATION_DAYS,
  RobotPermissionSpec,
  robotFullName,
  robotPermission,
  robotStoredNameLength,
} from './robot';
import { resolveRobotRotation } from './resolve-rotation';
import { ResolvedRobotRotation, ResolvedRotationPolicy } from './rotation';
import { goTemplateDelimiterIn } from './template';

/** The robot, with its full login name and its single permission. */
export interface ResolvedRobot {
  /** The short name (Harbor's robot name rule checked). */
  readonly name: string;
  /** `<robotNamePrefix><project>+<name>`: the login name the YAML engine writes (Pulumi uses Harbor's answer). */
  readonly fullName: string;
  /** `-1` (never expires) or 1 to `MAX_ROBOT_DURATION_DAYS`. */
  readonly durationDays: number;
  /** The description in Harbor. */
  readonly description: string;
  /** The robot's one project permission. */
  readonly permission: RobotPermissionSpec;
  /** Take over an existing robot of this name, with a new secret (a rotation). */
  readonly adopt: boolean;
  /**
   * The YAML engine's blue/green rotation, when `robot.rotation` is set without `everyDays` or `trigger`: its two
   * robots and the one the pull Secret uses.
   */
  readonly rotation?: ResolvedRobotRotation;
  /**
   * The Pulumi engine's rotation, when `robot.rotation` has `everyDays` or `trigger`.
   * @default - none
   */
  readonly rotationPolicy?: ResolvedRotationPolicy;
  /**
   * `robot.renewBeforeDays` as declared (see `renewalWindowDays` for the window with its default).
   * @default - not declared
   */
  readonly renewBeforeDays?: number;
}

/**
 * Checks Harbor's `robot_name_prefix` (default `robot$`): non-empty, without white space, `:` or a Go template
 * delimiter, since it starts the login name written into the `.dockerconfigjson` auth and the ExternalSecret's template.
 */
export function resolveRobotNamePrefix(given: string | undefined, scope: string): string {
  const fail = failIn(scope);
  const robotNamePrefix = given ?? DEFAULT_ROBOT_NAME_PREFIX;
  if (typeof robotNamePrefix !== 'string' || robotNamePrefix.length === 0 || /\s/.test(robotNamePrefix)) {
    fail(
      'robotNamePrefix',
      robotNamePrefix,
      'must be a non-empty prefix without white space',
      'use Harbor\'s robot_name_prefix, "robot$" unless your Harbor changed it',
    );
  }
  if (robotNamePrefix.includes(':')) {
    fail(
      'robotNamePrefix',
      robotNamePrefix,
      'contains ":", which a login name cannot hold (the .dockerconfigjson auth is base64 of "username:password")',
      'use Harbor\'s robot_name_prefix, "robot$" unless your Harbor changed it',
    );
  }
  const delimiter = goTemplateDelimiterIn(robotNamePrefix);
  if (delimiter) {
    fail(
      'robotNamePrefix',
      robotNamePrefix,
      `contains the Go template delimiter "${delimiter}"; the robot's login name is written into the ExternalSecret's template, which External Secrets could then not parse`,
      'use Harbor\'s robot_name_prefix, "robot$" unless your Harbor changed it',
    );
  }
  return robotNamePrefix;
}

/**
 * Checks the robot's options (Harbor's robot name rule and stored-name length, the duration, pull-only actions unless
 * push is opted in, the renewal window, the rotation) and applies their defaults: the name `<appName>-pull`, never
 * expiring, pull only.
 */
export function resolveRobot(
  robotOpts: NonNullable<EngineOptions['robot']>,
  appName: string,
  projectName: string,
  robotNamePrefix: string,
  scope: string,
): ResolvedRobot {
  const fail = failIn(scope);
  // The default name leaves room for the project in Harbor's stored name, `<project>+<name>`.
  const defaultNameMax = Math.min(200, HARBOR_ROBOT_STORED_NAME_MAX - projectName.length - 1 - '-pull'.length);
  const name = checkHarborRobotName(
    'robot.name',
    robotOpts.name ?? `${toDnsLabel(appName, Math.max(1, defaultNameMax)) || 'app'}-pull`,
    scope,
  );
  const storedLength = robotStoredNameLength(projectName, name);
  if (storedLength > HARBOR_ROBOT_STORED_NAME_MAX) {
    fail(
      'robot.name',
      name,
      `is too long for project ${JSON.stringify(projectName)}: Harbor stores a project robot as "<project>+<name>" in at most ${HARBOR_ROBOT_STORED_NAME_MAX} characters (this one: ${storedLength}) and answers 500 to a longer one`,
      `shorten it to at most ${HARBOR_ROBOT_STORED_NAME_MAX - projectName.length - 1} characters, or the project name`,
    );
  }
  const durationDays = robotOpts.durationDays ?? ROBOT_DEFAULTS.durationDays;
  if (
    typeof durationDays !== 'number' ||
    !Number.isInteger(durationDays) ||
    (durationDays !== -1 && (durationDays < 1 || durationDays > MAX_ROBOT_DURATION_DAYS))
  ) {
    fail(
      'robot.durationDays',
      durationDays,
      durationDays === 0
        ? 'is 0, which Harbor rejects (400)'
        : typeof durationDays === 'number' && durationDays > MAX_ROBOT_DURATION_DAYS
          ? `is above ${MAX_ROBOT_DURATION_DAYS}, the most Harbor takes (it requires a duration below MaxInt32, else 400)`
          : 'must be -1 (never expires) or a whole number of days >= 1',
      'use -1, or e.g. 90 and rotate before it expires',
    );
  }
  const actions = robotOpts.actions ?? [RobotAction.PULL];
  if (!Array.isArray(actions) || actions.length === 0)
    fail('robot.actions', actions, 'must list at least one action', 'use [RobotAction.PULL]');
  actions.forEach((a, i) => {
    if (a !== RobotAction.PULL && a !== RobotAction.PUSH)
      fail(
        `robot.actions[${i}]`,
        a,
        'is not a repository action this construct grants',
        'use RobotAction.PULL (and RobotAction.PUSH with allowPush: true)',
      );
  });
  if (!actions.includes(RobotAction.PULL))
    fail('robot.actions', actions, 'does not include pull, which the pull Secret exists for', 'add RobotAction.PULL');
  const wantsPush = actions.includes(RobotAction.PUSH);
  if (robotOpts.allowPush !== undefined && typeof robotOpts.allowPush !== 'boolean') {
    fail('robot.allowPush', robotOpts.allowPush, 'must be a boolean', 'use true or false');
  }
  if (robotOpts.allowPush === true && !wantsPush) {
    fail(
      'robot.allowPush',
      true,
      `is set but robot.actions ${JSON.stringify(actions)} holds no push, so the robot stays pull-only; allowPush is only the opt-in that lets RobotAction.PUSH through`,
      'add RobotAction.PUSH to robot.actions if this robot must push, or drop allowPush',
    );
  }
  if (wantsPush && robotOpts.allowPush !== true) {
    fail(
      'robot.actions',
      actions,
      'asks for push without the explicit opt-in; a node only ever pulls',
      'remove RobotAction.PUSH, or set robot.allowPush: true if this robot must push',
    );
  }
  const description = robotOpts.description ?? `Pull secret of ${appName}, managed by harbor-private-app`;
  if (typeof description !== 'string' || description.length > 1024)
    fail('robot.description', description, 'must be a string of at most 1024 characters', 'shorten it');
  if (robotOpts.adopt !== undefined && typeof robotOpts.adopt !== 'boolean')
    fail('robot.adopt', robotOpts.adopt, 'must be a boolean', 'use true (a rotation: see its documentation) or false');
  const renewBeforeDays = robotOpts.renewBeforeDays;
  if (renewBeforeDays !== undefined) {
    if (durationDays === -1) {
      fail(
        'robot.renewBeforeDays',
        renewBeforeDays,
        'is set for a robot that never expires (durationDays -1), so there is nothing to renew',
        'drop renewBeforeDays, or give robot.durationDays a number of days',
      );
    }
    if (typeof renewBeforeDays !== 'number' || !Number.isSafeInteger(renewBeforeDays) || renewBeforeDays < 1) {
      fail(
        'robot.renewBeforeDays',
        renewBeforeDays,
        'must be a whole number of days >= 1',
        `use e.g. ${Math.ceil(durationDays / 3)} (a third of durationDays, the default)`,
      );
    }
    if (renewBeforeDays >= durationDays) {
      fail(
        'robot.renewBeforeDays',
        renewBeforeDays,
        `is not less than durationDays (${durationDays}), so every "pulumi up" would renew the robot`,
        `use fewer days than ${durationDays}, e.g. ${Math.ceil(durationDays / 3)} (the default)`,
      );
    }
  }
  const { rotation, rotationPolicy } = resolveRobotRotation(
    robotOpts.rotation,
    name,
    projectName,
    robotNamePrefix,
    scope,
  );
  return {
    name,
    fullName: robotFullName(robotNamePrefix, projectName, name),
    durationDays,
    description,
    permission: robotPermission(projectName, wantsPush),
    adopt: robotOpts.adopt ?? ROBOT_DEFAULTS.adopt,
    ...(rotation ? { rotation } : {}),
    ...(rotationPolicy ? { rotationPolicy } : {}),
    ...(renewBeforeDays !== undefined ? { renewBeforeDays } : {}),
  };
}
