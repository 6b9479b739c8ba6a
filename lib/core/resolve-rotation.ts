import { Fail, failIn } from './errors';
import { RotationOptions } from './props';
import { HARBOR_ROBOT_STORED_NAME_MAX, robotStoredNameLength } from './robot';
import {
  ResolvedRobotRotation,
  ResolvedRotationPolicy,
  ROTATION_NAME_RESERVE,
  RobotSlot,
  robotRotation,
  slotRobotName,
} from './rotation';

/** `robot.rotation` resolved for the engine it belongs to (at most one of the two is set). */
export interface ResolvedRotationChoice {
  /** The YAML engine's blue/green rotation (`step`). */
  readonly rotation?: ResolvedRobotRotation;
  /** The Pulumi engine's rotation (`everyDays` and/or `trigger`). */
  readonly rotationPolicy?: ResolvedRotationPolicy;
}

/**
 * Checks `robot.rotation` of the robot `name`: `everyDays` and/or `trigger` give the Pulumi engine's policy, otherwise
 * `step` gives the YAML engine's blue/green robots; both refuse a robot name too long for its successors' names.
 */
export function resolveRobotRotation(
  given: RotationOptions | undefined,
  name: string,
  projectName: string,
  robotNamePrefix: string,
  scope: string,
): ResolvedRotationChoice {
  const fail = failIn(scope);
  if (given === undefined) return {};
  if (given === null || typeof given !== 'object' || Array.isArray(given)) {
    fail(
      'robot.rotation',
      given,
      'must be an object',
      'use rotation: { step: 0 } to start rotating on the YAML engine, rotation: { trigger: "..." } and/or { everyDays: 30 } on the Pulumi engine',
    );
  }
  const rotationPolicy = resolveRotationPolicy(given, name, projectName, fail);
  if (rotationPolicy !== undefined) return { rotationPolicy };
  const step = given.step ?? 0;
  if (typeof step !== 'number' || !Number.isSafeInteger(step) || step < 0) {
    fail(
      'robot.rotation.step',
      step,
      'must be a whole number >= 0',
      'start at 0 and raise it by one per reviewed change (odd: the pull Secret moves to the other robot; even: the robot it left is replaced)',
    );
  }
  // The longest name a slot will take within the next steps: `<name>-green-<generation>`.
  const longest = slotRobotName(name, RobotSlot.GREEN, Math.floor(step / 4) + 1);
  const longestStored = robotStoredNameLength(projectName, longest);
  if (longestStored > HARBOR_ROBOT_STORED_NAME_MAX) {
    fail(
      'robot.name',
      name,
      `is too long to rotate: its robots are named "<name>-<blue|green>-<generation>", which Harbor stores as "<project>+<name>" (e.g. ${longestStored} characters), and Harbor allows ${HARBOR_ROBOT_STORED_NAME_MAX}`,
      `shorten it to at most ${HARBOR_ROBOT_STORED_NAME_MAX - (longestStored - name.length)} characters`,
    );
  }
  return { rotation: robotRotation(step, name, robotNamePrefix, projectName) };
}

/**
 * The Pulumi engine's rotation policy from `robot.rotation`, or `undefined` when it has neither `everyDays` nor
 * `trigger` (then it is the YAML engine's `step` rotation). Refuses `step` together with either.
 */
function resolveRotationPolicy(
  ro: RotationOptions,
  name: string,
  projectName: string,
  fail: Fail,
): ResolvedRotationPolicy | undefined {
  const { everyDays, trigger } = ro;
  if (everyDays === undefined && trigger === undefined) return undefined;
  if (ro.step !== undefined) {
    fail(
      'robot.rotation',
      ro,
      "mixes step (the YAML engine's rotation, one step per reviewed change) with everyDays or trigger (the Pulumi engine's, a whole rotation per pulumi up)",
      'use step with the cdk8s construct, everyDays and/or trigger with the Pulumi component',
    );
  }
  if (everyDays !== undefined && (typeof everyDays !== 'number' || !Number.isSafeInteger(everyDays) || everyDays < 1)) {
    fail(
      'robot.rotation.everyDays',
      everyDays,
      'must be a whole number of days >= 1',
      'use e.g. 30 to rotate to a new robot once it is 30 days old',
    );
  }
  if (
    trigger !== undefined &&
    !(typeof trigger === 'string' && trigger.length > 0 && trigger.length <= 1024) &&
    !(typeof trigger === 'number' && Number.isFinite(trigger))
  ) {
    fail(
      'robot.rotation.trigger',
      trigger,
      'must be a non-empty string (at most 1024 characters) or a finite number',
      'use e.g. the date you ask for the rotation ("2026-11-30") or a counter (1, 2, 3...): changing it rotates',
    );
  }
  const successorStored = robotStoredNameLength(projectName, name) + ROTATION_NAME_RESERVE;
  if (successorStored > HARBOR_ROBOT_STORED_NAME_MAX) {
    fail(
      'robot.name',
      name,
      `is too long to rotate: its successors are named "<name>-<blue|green>-<generation>", which Harbor stores as "<project>+<name>" (up to ${successorStored} characters), and Harbor allows ${HARBOR_ROBOT_STORED_NAME_MAX}`,
      `shorten it to at most ${HARBOR_ROBOT_STORED_NAME_MAX - (successorStored - name.length)} characters`,
    );
  }
  return {
    ...(everyDays !== undefined ? { everyDays } : {}),
    ...(trigger !== undefined ? { trigger: String(trigger) } : {}),
  };
}
