/**
 * A Harbor robot account's inputs and state, and what a `pulumi up` decides from them alone (no Harbor call, so a
 * preview and the up decide alike): the login name a create gives it, whether a new rotation generation or an expiry
 * for good replaces it, whether it is due for renewal, whether its settings must be put, whether its secret is
 * unknown. Serialized by Pulumi with the robot provider: imports the Harbor client's permission rules and lib/core's
 * renewal and rotation arithmetic only.
 */
import { renewalDue } from '../../core/renewal';
import { rotationRobotName } from '../../core/rotation';
import { type HarborRobot, type RobotPermission } from '../../harbor';
import { samePermissions } from '../../harbor/permissions';
import type { HarborLocated } from './connection';

/** The inputs of a Harbor robot account resource (its Harbor in `harbor`). */
export interface HarborRobotInputs extends HarborLocated {
  /** The project's name (the robot's level is always `project`). */
  readonly project: string;
  /** The short name; Harbor makes the login name `<prefix><project>+<name>`. */
  readonly name: string;
  readonly description: string;
  /** Lifetime in days, `-1` never expires. */
  readonly durationDays: number;
  /** Exactly one project permission. */
  readonly permissions: RobotPermission[];
  /**
   * Take over a robot of this name that exists already instead of failing with Harbor's 409. Its secret can only be
   * had by having Harbor generate a new one (`PATCH /robots/{id}`): adopting is a ROTATION, and whatever still uses
   * the old secret stops pulling. Its settings are set to these inputs.
   * @default false
   */
  readonly adopt?: boolean;
  /**
   * The rotation generation (from the app's `HarborRobotRotation`): the robot is named
   * `rotationRobotName(name, generation)`, and a new generation replaces it, creating the new robot before the old
   * one is deleted. Unset without rotation: the robot is named `name`.
   * @default - no rotation
   */
  readonly generation?: number;
  /**
   * For a robot that expires: an update within this many days of its expiry (or after it) renews it in place, to
   * expire `durationDays` days later. Unset: never renewed (a robot that never expires).
   * @default - no renewal
   */
  readonly renewBeforeDays?: number;
}

/** The outputs of a Harbor robot account resource. */
export interface HarborRobotOutputs extends HarborRobotInputs {
  /** Harbor's robot id. */
  readonly robotId: number;
  /** The login name exactly as Harbor returned it (prefix configured in Harbor). */
  readonly fullName: string;
  /**
   * The robot's secret, from the create response or a secret refresh (Harbor never shows it again). A secret output.
   * Empty when refresh found the robot recreated outside the stack: the next update asks Harbor for a new one.
   */
  readonly secret: string;
  /** Expiry in seconds since the epoch, `-1` never. */
  readonly expiresAt: number;
  /** Harbor's `disable` flag as last read; a disabled robot is enabled again by the next update. */
  readonly disabled: boolean;
  /** True when the robot existed and was taken over (`adopt`), with a new secret. */
  readonly adopted?: boolean;
  /** The robot's short name in Harbor: `name`, or its rotation generation's name. */
  readonly harborName: string;
  /**
   * The duration Harbor has, in days from the robot's creation: `durationDays` at first, creation age + `durationDays`
   * after a renewal. Kept apart from `durationDays` (the prop) so that a renewed robot shows no diff.
   */
  readonly harborDurationDays: number;
  /**
   * When Harbor created the robot (`creation_time`, milliseconds since the epoch on Harbor's clock), as its create or
   * last read saw it: with the robot's id and full name, what tells its Harbor from another one at a new address.
   */
  readonly harborCreatedAt?: number;
}

/** `{ harborCreatedAt }` when Harbor gave a creation time, else nothing (no `undefined` reaches the state). */
export function createdAt(creationTime: number | undefined): { harborCreatedAt?: number } {
  return creationTime !== undefined ? { harborCreatedAt: creationTime } : {};
}

/** How messages name the robot: its name and project. */
export function robotLabel(r: Partial<HarborRobotInputs>): string {
  return `Harbor robot ${JSON.stringify(r?.name ?? '')} of project ${JSON.stringify(r?.project ?? '')}`;
}

/** True when the robot has expired (as the state last saw it): it can no longer log in. */
export function expired(olds: Partial<HarborRobotOutputs>, nowMs: number): boolean {
  return typeof olds.expiresAt === 'number' && olds.expiresAt > 0 && olds.expiresAt * 1000 <= nowMs;
}

/** The duration Harbor has for the robot. */
export function harborDuration(olds: Partial<HarborRobotOutputs>): number | undefined {
  return olds.harborDurationDays;
}

/** The robot's short name in Harbor. */
export function harborNameOf(olds: Partial<HarborRobotOutputs>): string | undefined {
  return olds.harborName;
}

/** The short name a create gives the robot: its rotation generation's name, or `name` without rotation. */
export function createName(inputs: HarborRobotInputs): string {
  return inputs.generation === undefined ? inputs.name : rotationRobotName(inputs.name, inputs.generation);
}

/** True when `v` is a number the provider can use (not Pulumi's unknown marker of a preview). */
export function known(v: unknown): v is number {
  return typeof v === 'number';
}

/**
 * True when the robot must be replaced by the next rotation generation: `generation` is unknown (a preview of a
 * rotation) or another than the robot's. Without rotation (`generation` unset), never.
 */
export function newGeneration(olds: Partial<HarborRobotOutputs>, news: HarborRobotInputs): boolean {
  if (news.generation === undefined) return false;
  return !known(news.generation) || news.generation !== (olds.generation ?? 0);
}

/**
 * True when an expired robot cannot be renewed in place: it is to stay without expiry and Harbor has it without
 * expiry already, so a `PUT` would not move its `expires_at` (Harbor recomputes it only for a new duration). Only a
 * hand-edited Harbor gets there; the robot is replaced.
 */
export function expiredForGood(olds: Partial<HarborRobotOutputs>, news: HarborRobotInputs, nowMs: number): boolean {
  return expired(olds, nowMs) && news.durationDays === -1 && harborDuration(olds) === -1;
}

/**
 * True when an update must renew the robot: it expires (`durationDays` >= 1) and its expiry, as the state last saw it,
 * is within `renewBeforeDays` of now, or past. Decided from the state and the clock only (no Harbor call: a diff).
 */
export function renewalDueNow(olds: Partial<HarborRobotOutputs>, news: HarborRobotInputs, nowMs: number): boolean {
  if (news.durationDays === -1 || !known(news.renewBeforeDays) || !known(olds.expiresAt) || olds.expiresAt <= 0)
    return false;
  return renewalDue(olds.expiresAt, news.renewBeforeDays, nowMs);
}

/** True when the duration Harbor has must change: the prop changed, or Harbor's expiry kind differs from the prop's. */
export function durationDiffers(olds: Partial<HarborRobotOutputs>, news: HarborRobotInputs): boolean {
  return olds.durationDays !== news.durationDays || (news.durationDays === -1) !== (harborDuration(olds) === -1);
}

/** True when the state holds no usable secret (the robot was recreated outside the stack): update refreshes it. */
export function secretUnknown(olds: Partial<HarborRobotOutputs>): boolean {
  return typeof olds.secret !== 'string' || olds.secret === '';
}

/** True when a robot read from Harbor has exactly the settings these inputs ask for (name aside). */
export function matchesInputs(
  robot: HarborRobot,
  inputs: HarborRobotInputs & { harborDurationDays?: number },
): boolean {
  return (
    robot.description === (inputs.description ?? '') &&
    (robot.duration === inputs.durationDays || robot.duration === inputs.harborDurationDays) &&
    samePermissions(robot.permissions, inputs.permissions)
  );
}

/** True when the robot's settings in Harbor must be put (`PUT /robots/{id}`), renewal aside. */
export function settingsDiffer(olds: Partial<HarborRobotOutputs>, news: HarborRobotInputs): boolean {
  return (
    (olds.description ?? '') !== news.description ||
    durationDiffers(olds, news) ||
    !samePermissions(olds.permissions ?? [], news.permissions) ||
    olds.disabled === true
  );
}
