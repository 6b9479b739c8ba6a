/**
 * The dynamic provider of a Harbor project robot account. Serialized by Pulumi: imports the Harbor client and the
 * rotation names of lib/core only.
 */
import type { dynamic } from '@pulumi/pulumi';
import { MAX_ROBOT_DURATION_DAYS } from '../../core/robot';
import { ROBOT_DEFAULTS, withDefaults } from '../../core/defaults';
import { renewalDue, renewedDurationDays } from '../../core/renewal';
import { rotationRobotName } from '../../core/rotation';
import {
  createChecked,
  createdWithin,
  isHarborApiError,
  normalisePermissions,
  repeatHarmlessWrite,
  samePermissions,
  type HarborClient,
  type HarborLookup,
  type HarborRobot,
  type RobotPermission,
} from '../../harbor';
import {
  harborMoved,
  harborStateChanged,
  harborUrlOf,
  HarborLocated,
  isNotFound,
  otherHarborError,
  StackConfiguredProvider,
  withHarbor,
} from './connection';
import { errorMessage } from '../../core/errors';

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
}

function robotLabel(r: Partial<HarborRobotInputs>): string {
  return `Harbor robot ${JSON.stringify(r?.name ?? '')} of project ${JSON.stringify(r?.project ?? '')}`;
}

/** True when the robot has expired (as the state last saw it): it can no longer log in. */
function expired(olds: Partial<HarborRobotOutputs>, nowMs: number): boolean {
  return typeof olds.expiresAt === 'number' && olds.expiresAt > 0 && olds.expiresAt * 1000 <= nowMs;
}

/** The duration Harbor has for the robot. */
function harborDuration(olds: Partial<HarborRobotOutputs>): number | undefined {
  return olds.harborDurationDays;
}

/** The robot's short name in Harbor. */
function harborNameOf(olds: Partial<HarborRobotOutputs>): string | undefined {
  return olds.harborName;
}

/** The short name a create gives the robot: its rotation generation's name, or `name` without rotation. */
function createName(inputs: HarborRobotInputs): string {
  return inputs.generation === undefined ? inputs.name : rotationRobotName(inputs.name, inputs.generation);
}

/** True when `v` is a number the provider can use (not Pulumi's unknown marker of a preview). */
function known(v: unknown): v is number {
  return typeof v === 'number';
}

/**
 * True when the robot must be replaced by the next rotation generation: `generation` is unknown (a preview of a
 * rotation) or another than the robot's. Without rotation (`generation` unset), never.
 */
function newGeneration(olds: Partial<HarborRobotOutputs>, news: HarborRobotInputs): boolean {
  if (news.generation === undefined) return false;
  return !known(news.generation) || news.generation !== (olds.generation ?? 0);
}

/**
 * True when an expired robot cannot be renewed in place: it is to stay without expiry and Harbor has it without
 * expiry already, so a `PUT` would not move its `expires_at` (Harbor recomputes it only for a new duration). Only a
 * hand-edited Harbor gets there; the robot is replaced.
 */
function expiredForGood(olds: Partial<HarborRobotOutputs>, news: HarborRobotInputs, nowMs: number): boolean {
  return expired(olds, nowMs) && news.durationDays === -1 && harborDuration(olds) === -1;
}

/**
 * True when an update must renew the robot: it expires (`durationDays` >= 1) and its expiry, as the state last saw it,
 * is within `renewBeforeDays` of now, or past. Decided from the state and the clock only (no Harbor call: a diff).
 */
function renewalDueNow(olds: Partial<HarborRobotOutputs>, news: HarborRobotInputs, nowMs: number): boolean {
  if (news.durationDays === -1 || !known(news.renewBeforeDays) || !known(olds.expiresAt) || olds.expiresAt <= 0)
    return false;
  return renewalDue(olds.expiresAt, news.renewBeforeDays, nowMs);
}

/** True when the duration Harbor has must change: the prop changed, or Harbor's expiry kind differs from the prop's. */
function durationDiffers(olds: Partial<HarborRobotOutputs>, news: HarborRobotInputs): boolean {
  return olds.durationDays !== news.durationDays || (news.durationDays === -1) !== (harborDuration(olds) === -1);
}

/** True when the state holds no usable secret (the robot was recreated outside the stack): update refreshes it. */
function secretUnknown(olds: Partial<HarborRobotOutputs>): boolean {
  return typeof olds.secret !== 'string' || olds.secret === '';
}

/** True when a robot read from Harbor has exactly the settings these inputs ask for (name aside). */
function matchesInputs(robot: HarborRobot, inputs: HarborRobotInputs & { harborDurationDays?: number }): boolean {
  return (
    robot.description === (inputs.description ?? '') &&
    (robot.duration === inputs.durationDays || robot.duration === inputs.harborDurationDays) &&
    samePermissions(robot.permissions, inputs.permissions)
  );
}

/** True when the robot's settings in Harbor must be put (`PUT /robots/{id}`), renewal aside. */
function settingsDiffer(olds: Partial<HarborRobotOutputs>, news: HarborRobotInputs): boolean {
  return (
    (olds.description ?? '') !== news.description ||
    durationDiffers(olds, news) ||
    !samePermissions(olds.permissions ?? [], news.permissions) ||
    olds.disabled === true
  );
}

/**
 * Create, read (refresh), diff, update and delete of a project robot through Harbor's REST API.
 *
 * - create: `POST /robots` (1 write). The full name and the secret come from Harbor's response. A create that fails
 *   without a clear answer (reset, timeout, 429/5xx) is never repeated blindly: the project's robots are listed and
 *   the robot looked up by name. Absent: the create is repeated (at most `maxRetries + 1` times). Found, and Harbor
 *   created it after the create was sent with exactly the settings asked for: it is ours, but its secret was only in
 *   the lost answer, so Harbor is asked for a new one (`PATCH /robots/{id}` `{secret:""}`; repeated while its outcome
 *   is unknown, which is harmless as nobody uses this robot yet). Refreshing is chosen over delete-and-recreate: one
 *   write instead of two, the robot keeps its id, and no second create can fail ambiguously in turn. If the refresh
 *   fails, the robot is deleted again, so that after any failure Harbor holds no robot the state does not know.
 *   Found but not provably ours: create fails (as for a 409) and leaves it alone.
 *   A 409 (the name is taken) fails with the fix, unless `adopt`: then the robot is looked up by name and taken over,
 *   its settings set with `PUT` when they differ and a new secret generated with `PATCH` (a rotation).
 * - read: `GET /robots/{id}`; the secret is kept from the state (Harbor never returns it). A robot deleted out of band
 *   is looked up by name: absent, it reads as empty (refresh drops it; the next `up` creates a new one, with a new
 *   secret); recreated outside the stack with exactly the declared settings, it is read as this robot with an empty
 *   secret, and the next update has Harbor generate a new secret (the one it was created with is unknown).
 * - diff, from the state and the clock only (no Harbor call, so a preview and the `up` decide alike): permissions
 *   compared as sets (order, duplicates and `effect` ""/"allow" ignored). Another name or project, or another
 *   rotation `generation`, replaces: the new robot is created first, under another name, and the engine deletes the
 *   old one only after every other step of the `up` succeeded (the pull Secrets moved to the new robot); only a
 *   replacement that would take the same login name deletes first. A robot within `renewBeforeDays` of its expiry, or
 *   expired, is renewed in place (an update). A new Harbor address updates.
 * - update, in this order: `checkSameHarbor` when the address changed (`GET /robots/{id}` there: the same robot,
 *   else fail before any write); `applySettings`, `PUT /robots/{id}` in place for description, duration,
 *   permissions, a disabled robot or a renewal (the robot and its secret are kept; never deletes first), then, when
 *   it was to make the robot usable again, a `GET` that checks Harbor no longer reports it expired or disabled;
 *   `renewSecret`, `PATCH /robots/{id}` `{secret:""}` when the secret is unknown.
 * - renewal: Harbor sets `expires_at` to creation time + duration, and only when the duration changes, so "durationDays
 *   more days from now" is the robot's age on Harbor's clock (`GET /robots/{id}`: `creation_time` and `Date`), in
 *   whole days rounded up, + `durationDays`. That duration is kept in the state (`harborDurationDays`), apart from
 *   `durationDays`: an `up` after a renewal shows no diff.
 * - delete: `DELETE /robots/{id}` (1 write); a robot already gone counts as deleted.
 */
export class HarborRobotProvider extends StackConfiguredProvider implements dynamic.ResourceProvider {
  /**
   * The inputs with lib/core's defaults (`ROBOT_DEFAULTS`), and an empty description, for the args the program left
   * unset (the engine stores them).
   */
  async check(_olds: unknown, news: HarborRobotInputs): Promise<dynamic.CheckResult> {
    return { inputs: withDefaults(news, { ...ROBOT_DEFAULTS, description: '' }) };
  }

  async create(inputs: HarborRobotInputs): Promise<dynamic.CreateResult> {
    return withHarbor(this.config, inputs, robotLabel(inputs), async (harbor) => {
      const name = createName(inputs);
      let result;
      try {
        result = await createChecked<
          Awaited<ReturnType<HarborClient['createRobot']>>,
          { lookup: HarborLookup<HarborRobot>; atMs: number }
        >({
          what: robotLabel(inputs),
          policy: harbor,
          create: () =>
            harbor.createRobot({
              name,
              description: inputs.description,
              duration: inputs.durationDays,
              level: 'project',
              permissions: inputs.permissions,
            }),
          lookup: async () => {
            const lookup = await harbor.findProjectRobot(inputs.project, name);
            return lookup.found ? { lookup, atMs: Date.now() } : undefined;
          },
        });
      } catch (e) {
        if (isHarborApiError(e) && e.status === 409 && inputs.adopt === true)
          return this.adopt(harbor, inputs, e.message);
        if (isHarborApiError(e) && e.status === 409) throw alreadyExists(inputs, e.message);
        throw e;
      }
      const base = {
        ...inputs,
        permissions: normalisePermissions(inputs.permissions),
        harborName: name,
        harborDurationDays: inputs.durationDays,
      };
      if (result.kind === 'created') {
        const created = result.value;
        const outs: HarborRobotOutputs = {
          ...base,
          robotId: created.id,
          fullName: created.name,
          secret: created.secret,
          expiresAt: created.expiresAt,
          disabled: false,
        };
        return { id: String(created.id), outs };
      }
      const { lookup, atMs } = result.value;
      const found = lookup.found as HarborRobot;
      if (!createdWithin(found.creationTime, lookup, result.sinceMs, atMs) || !matchesInputs(found, inputs)) {
        const unknowable = found.creationTime === undefined || lookup.harborTimeMs === undefined;
        throw alreadyExists(
          inputs,
          `the create failed without a clear answer, and ${found.name} (id ${found.id}) exists but ` +
            (unknowable
              ? 'Harbor gave no creation_time or Date to tell whether that create made it'
              : 'was not made by it'),
        );
      }
      const secret = await refreshOrRemove(harbor, found, inputs);
      const outs: HarborRobotOutputs = {
        ...base,
        robotId: found.id,
        fullName: found.name,
        secret,
        expiresAt: found.expiresAt,
        disabled: found.disabled,
      };
      return { id: String(found.id), outs };
    });
  }

  async read(id: string, props: HarborRobotOutputs): Promise<dynamic.ReadResult> {
    return withHarbor(this.config, props, robotLabel(props), async (harbor) => {
      let found = await harbor.getRobot(Number(id));
      let secret = props.secret;
      if (!found) {
        // Deleted outside the stack; maybe recreated under the same name. Only a robot with exactly the declared
        // settings is taken as this one (its secret unknown, so the next update generates one); else drop it.
        let again: HarborRobot | undefined;
        try {
          again = (await harbor.findProjectRobot(props.project, harborNameOf(props) ?? props.name)).found;
        } catch (e) {
          if (!isNotFound(e)) throw e;
        }
        if (!again || !matchesInputs(again, props)) return {};
        found = again;
        secret = '';
      }
      const outs: HarborRobotOutputs = {
        ...props,
        robotId: found.id,
        secret,
        fullName: found.name,
        description: found.description,
        // The prop stays; Harbor's duration (grown by renewals) is kept apart.
        durationDays: props.durationDays,
        harborDurationDays: found.duration,
        permissions: found.permissions,
        expiresAt: found.expiresAt,
        disabled: found.disabled,
      };
      return { id: String(found.id), props: outs };
    });
  }

  async diff(_id: string, olds: HarborRobotOutputs, news: HarborRobotInputs): Promise<dynamic.DiffResult> {
    const nowMs = Date.now();
    const replaces: string[] = [];
    if (olds.name !== news.name) replaces.push('name');
    if (olds.project !== news.project) replaces.push('project');
    if (newGeneration(olds, news)) replaces.push('generation');
    if (expiredForGood(olds, news, nowMs)) replaces.push('expiresAt');
    const changes =
      replaces.length > 0 ||
      settingsDiffer(olds, news) ||
      renewalDueNow(olds, news, nowMs) ||
      secretUnknown(olds) ||
      Boolean(olds.adopt) !== Boolean(news.adopt) ||
      harborStateChanged(olds, news);
    // The replacement would take the same login name in the same Harbor: the old robot must go first. A new rotation
    // generation has another name (unknown in a preview): created first, the old one deleted at the end of the up.
    const nextName = news.generation === undefined ? news.name : known(news.generation) ? createName(news) : undefined;
    const sameLogin = nextName === harborNameOf(olds) && olds.project === news.project;
    return { changes, replaces, deleteBeforeReplace: replaces.length > 0 && sameLogin };
  }

  async update(id: string, olds: HarborRobotOutputs, news: HarborRobotInputs): Promise<dynamic.UpdateResult> {
    let applied: Applied = { expiresAt: olds.expiresAt, harborDurationDays: harborDuration(olds) ?? news.durationDays };
    let secret = olds.secret;
    const moved = harborMoved(olds, news);
    const renew = renewalDueNow(olds, news, Date.now());
    if (moved || settingsDiffer(olds, news) || renew || secretUnknown(olds)) {
      await withHarbor(this.config, news, robotLabel(news), async (harbor) => {
        if (moved) await checkSameHarbor(harbor, olds, news);
        if (settingsDiffer(olds, news) || renew) applied = await applySettings(harbor, Number(id), olds, news, renew);
        if (secretUnknown(olds)) secret = await renewSecret(harbor, Number(id));
      });
    }
    const generation = news.generation ?? olds.generation;
    const outs: HarborRobotOutputs = {
      ...news,
      permissions: normalisePermissions(news.permissions),
      robotId: olds.robotId,
      fullName: olds.fullName,
      harborName: harborNameOf(olds) ?? news.name,
      ...(generation !== undefined ? { generation } : {}),
      secret,
      expiresAt: applied.expiresAt,
      harborDurationDays: applied.harborDurationDays,
      disabled: false,
      ...(olds.adopted === true ? { adopted: true } : {}),
    };
    return { outs };
  }

  async delete(id: string, props: HarborRobotOutputs): Promise<void> {
    await withHarbor(this.config, props, robotLabel(props), (harbor) => harbor.deleteRobot(Number(id)));
  }

  /**
   * `adopt` after a 409: takes over the robot of this name (`findProjectRobot`), sets its settings (`PUT`, when they
   * differ or it is disabled) and has Harbor generate a new secret (`PATCH`): the only way to learn a secret, and a
   * rotation for whoever used the old one.
   */
  private async adopt(
    harbor: HarborClient,
    inputs: HarborRobotInputs,
    conflict: string,
  ): Promise<dynamic.CreateResult> {
    const name = createName(inputs);
    const found = (await harbor.findProjectRobot(inputs.project, name)).found;
    if (!found) throw alreadyExists(inputs, `${conflict}; and no robot of that name was found in the project to adopt`);
    const current: HarborRobotOutputs = {
      ...inputs,
      robotId: found.id,
      fullName: found.name,
      harborName: name,
      secret: '',
      description: found.description,
      durationDays: found.duration,
      harborDurationDays: found.duration,
      permissions: found.permissions,
      expiresAt: found.expiresAt,
      disabled: found.disabled,
    };
    const renew = renewalDueNow(current, inputs, Date.now());
    const applied: Applied =
      settingsDiffer(current, inputs) || renew
        ? await applySettings(harbor, found.id, current, inputs, renew)
        : { expiresAt: found.expiresAt, harborDurationDays: found.duration };
    const secret = await renewSecret(harbor, found.id);
    const outs: HarborRobotOutputs = {
      ...inputs,
      permissions: normalisePermissions(inputs.permissions),
      robotId: found.id,
      fullName: found.name,
      harborName: name,
      secret,
      expiresAt: applied.expiresAt,
      harborDurationDays: applied.harborDurationDays,
      disabled: false,
      adopted: true,
    };
    return { id: String(found.id), outs };
  }
}

/**
 * Checks that the robot this stack knows by id is at the new address (`GET /robots/{id}`, the same full name): else
 * the address reaches another Harbor, and nothing may be written there.
 */
async function checkSameHarbor(harbor: HarborClient, olds: HarborRobotOutputs, news: HarborRobotInputs): Promise<void> {
  const there = await harbor.getRobot(Number(olds.robotId));
  if (!there || there.name !== olds.fullName) {
    throw otherHarborError(
      robotLabel(news),
      harborUrlOf(olds),
      harbor.origin,
      there
        ? `robot id ${olds.robotId} there is ${JSON.stringify(there.name)}`
        : `it has no robot with id ${olds.robotId}`,
    );
  }
}

/** What `applySettings` leaves in Harbor: the robot's expiry and the duration Harbor has. */
interface Applied {
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
async function applySettings(
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
function goneError(label: string, fullName: string, id: number): Error {
  return new Error(
    `${label}: robot ${fullName} (id ${id}) is no longer in Harbor. Fix: run "pulumi refresh" (it drops the robot ` +
      'from the state), then "pulumi up" (a new robot and secret, written to the pull Secret).',
  );
}

/**
 * Has Harbor generate a new secret (`PATCH /robots/{id}` `{secret:""}`) and returns it; the old secret stops working.
 * Repeating this write is harmless: each answer replaces the secret, and only the last one is kept.
 */
async function renewSecret(harbor: HarborClient, id: number): Promise<string> {
  return repeatHarmlessWrite(harbor, () => harbor.refreshRobotSecret(id));
}

/** The error for a robot name taken by a robot this stack did not create (409, or found after a lost create answer). */
function alreadyExists(inputs: HarborRobotInputs, detail: string): Error {
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
async function refreshOrRemove(harbor: HarborClient, robot: HarborRobot, inputs: HarborRobotInputs): Promise<string> {
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

/** A ready instance (the resources use it through HarborProvider, which dispatches by kind). */
export const harborRobotProvider = new HarborRobotProvider();
