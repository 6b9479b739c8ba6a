/**
 * The Harbor steps of a robot account's lifecycle, each its own few requests: checking that a new address reaches the
 * same Harbor, putting the declared settings (a renewal included), having Harbor generate a new secret, and cleaning
 * up after a create whose answer (and so the secret) was lost; with the errors that name the fix. Serialized by Pulumi
 * with the robot provider: imports the Harbor client and lib/core only.
 */
import { errorMessage } from '../../core/errors';
import { renewedDurationDays } from '../../core/renewal';
import { MAX_ROBOT_DURATION_DAYS } from '../../core/robot';
import { type HarborClient, type HarborRobot } from '../../harbor';
import { repeatHarmlessWrite } from '../../harbor/checked-write';
import { harborUrlOf, otherHarborError } from './connection';
import {
  durationDiffers,
  harborDuration,
  robotLabel,
  type HarborRobotInputs,
  type HarborRobotOutputs,
} from './robot-lifecycle';

/**
 * Checks that the robot this stack knows by id is at the new address (`GET /robots/{id}`, the same full name): else
 * the address reaches another Harbor, and nothing may be written there.
 */
export async function checkSameHarbor(
  harbor: HarborClient,
  olds: HarborRobotOutputs,
  news: HarborRobotInputs,
): Promise<void> {
  const there = await harbor.getRobot(Number(olds.robotId));
  // Two Harbors set up alike (each by its own stack) can hold a robot of the same id and name: Harbor's creation time
  // tells them apart, and a restored backup of the same Harbor keeps it.
  const otherTime =
    there !== undefined &&
    olds.harborCreatedAt !== undefined &&
    there.creationTime !== undefined &&
    there.creationTime !== olds.harborCreatedAt;
  if (!there || there.name !== olds.fullName || otherTime) {
    throw otherHarborError(
      robotLabel(news),
      harborUrlOf(olds),
      harbor.origin,
      !there
        ? `it has no robot with id ${olds.robotId}`
        : otherTime
          ? `robot id ${olds.robotId} there, ${JSON.stringify(there.name)}, was created at ` +
            `${new Date(there.creationTime).toISOString()}, this stack's at ${new Date(olds.harborCreatedAt).toISOString()}`
          : `robot id ${olds.robotId} there is ${JSON.stringify(there.name)}`,
    );
  }
}

/** What `applySettings` leaves in Harbor: the robot's expiry and the duration Harbor has. */
export interface Applied {
  /** Expiry in seconds since the epoch, `-1` never. */
  readonly expiresAt: number;
  /** The duration Harbor has, in days from the robot's creation. */
  readonly harborDurationDays: number;
}

/**
 * Puts the declared settings on the robot in place (`PUT /robots/{id}`, enabled): permissions, description, and the
 * duration. The robot and its secret are kept; never delete-and-recreate (the secret would change).
 *
 * The duration sent: `-1` for a robot that never expires; for one that expires, when it is renewed (`renew`) or its
 * `durationDays` changed, its age on Harbor's clock in whole days rounded up + `durationDays`, so that it expires
 * `durationDays` days from now (Harbor counts from the creation); otherwise the duration Harbor has (nothing moves).
 * When the `PUT` was to make the robot usable again (a renewal, an expiry change, a disabled robot), it is read back:
 * a robot Harbor still reports expired or disabled fails the update with the fix.
 */
export async function applySettings(
  harbor: HarborClient,
  id: number,
  olds: HarborRobotOutputs,
  news: HarborRobotInputs,
  renew: boolean,
): Promise<Applied> {
  const label = robotLabel(news);
  const fullName = olds.fullName;
  let duration = harborDuration(olds) ?? news.durationDays;
  if (news.durationDays === -1) {
    duration = -1;
  } else if (renew || durationDiffers(olds, news)) {
    const { found, harborTimeMs } = await harbor.inspectRobot(id);
    if (!found) throw goneError(label, fullName, id);
    const nowMs = harborTimeMs ?? Date.now();
    const createdMs =
      found.creationTime ??
      (found.duration > 0 && found.expiresAt > 0 ? (found.expiresAt - found.duration * 86_400) * 1000 : nowMs);
    duration = renewedDurationDays(createdMs, nowMs, news.durationDays);
    // Harbor recomputes expires_at only for ANOTHER duration: when it has this one already (its expiry moved by hand
    // since), one day more.
    if (duration === found.duration) duration += 1;
    // Harbor takes at most MaxInt32 - 1 days; a robot that long-lived is renewed no further.
    duration = Math.min(duration, MAX_ROBOT_DURATION_DAYS);
  }
  await harbor.updateRobot(id, {
    name: fullName,
    description: news.description,
    duration,
    level: 'project',
    disable: false,
    permissions: news.permissions,
  });
  const revive = renew || olds.disabled === true || duration !== harborDuration(olds);
  if (!revive) return { expiresAt: olds.expiresAt, harborDurationDays: duration };
  const { found, harborTimeMs } = await harbor.inspectRobot(id);
  if (!found) throw goneError(label, fullName, id);
  const nowMs = harborTimeMs ?? Date.now();
  const stillExpired = found.expiresAt > 0 && found.expiresAt * 1000 <= nowMs;
  if (found.disabled || stillExpired) {
    const what = found.disabled
      ? 'disabled ("disable": true)'
      : `expired ("expires_at" ${new Date(found.expiresAt * 1000).toISOString()}, "duration" ${found.duration})`;
    throw new Error(
      `${label}: Harbor still reports robot ${fullName} (id ${id}) ${what} after PUT /robots/${id} with "disable": false ` +
        `and "duration" ${duration}, so nothing can pull with its secret (ErrImagePull). Fix: look at the robot in ` +
        `Harbor (Projects > ${news.project} > Robot Accounts: something there keeps it ${found.disabled ? 'disabled' : 'expired'}), ` +
        'then run "pulumi refresh" and "pulumi up"; or move to a new robot: with robot.rotation, give ' +
        'robot.rotation.trigger a new value; without it, delete this robot in Harbor and run "pulumi refresh", then ' +
        '"pulumi up" (a new robot and secret, written to the pull Secret).',
    );
  }
  return { expiresAt: found.expiresAt, harborDurationDays: found.duration };
}

/** The error for a robot that disappeared from Harbor during an update. */
export function goneError(label: string, fullName: string, id: number): Error {
  return new Error(
    `${label}: robot ${fullName} (id ${id}) is no longer in Harbor. Fix: run "pulumi refresh" (it drops the robot ` +
      'from the state), then "pulumi up" (a new robot and secret, written to the pull Secret).',
  );
}

/**
 * Has Harbor generate a new secret (`PATCH /robots/{id}` `{secret:""}`) and returns it; the old secret stops working.
 * Repeating this write is harmless: each answer replaces the secret, and only the last one is kept.
 */
export async function renewSecret(harbor: HarborClient, id: number): Promise<string> {
  return repeatHarmlessWrite(harbor, () => harbor.refreshRobotSecret(id));
}

/** The error for a robot name taken by a robot this stack did not create (409, or found after a lost create answer). */
export function alreadyExists(inputs: HarborRobotInputs, detail: string): Error {
  return new Error(
    `${robotLabel(inputs)} already exists in Harbor, and its secret can only be read when it is created. ` +
      'Fix: set robot.adopt: true to take it over: Harbor then generates a new secret for it, a ROTATION (whatever ' +
      'uses its current secret stops pulling); or delete that robot in Harbor (Projects > Robot Accounts) and run ' +
      `"pulumi up" again, or give robot.name another value. (${detail})`,
  );
}

/**
 * Has Harbor generate a new secret for a robot whose create answer (and so its secret) was lost. If that fails, the
 * robot is deleted again so that Harbor holds no robot the state does not know.
 */
export async function refreshOrRemove(
  harbor: HarborClient,
  robot: HarborRobot,
  inputs: HarborRobotInputs,
): Promise<string> {
  try {
    return await renewSecret(harbor, robot.id);
  } catch (e) {
    const why = errorMessage(e);
    try {
      await harbor.deleteRobot(robot.id);
    } catch (d) {
      throw new Error(
        `${robotLabel(inputs)}: created as ${robot.name} (id ${robot.id}) but its secret was lost with the create's answer, getting a new ` +
          `secret failed (${why}) and deleting it failed too (${errorMessage(d)}). ` +
          `Fix: delete robot ${robot.name} in Harbor (Projects > Robot Accounts), then run "pulumi up" again.`,
        { cause: d },
      );
    }
    throw new Error(
      `${robotLabel(inputs)}: created, but its secret was lost with the create's answer and getting a new secret failed, so the robot ` +
        `was deleted again (nothing is left behind): run "pulumi up" again. (${why})`,
      { cause: e },
    );
  }
}
