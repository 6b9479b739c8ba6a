/**
 * The dynamic provider of a Harbor project robot account. Serialized by Pulumi: imports the Harbor client only.
 */
import type { dynamic } from '@pulumi/pulumi';
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
} from '../harbor';
import {
  harborMoved,
  harborStateChanged,
  harborUrlOf,
  HarborLocated,
  isNotFound,
  otherHarborError,
  StackConfig,
  withHarbor,
} from './connection';

/** The inputs of a Harbor robot account resource (its Harbor in `harbor`; older states: `connection`). */
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
}

function robotLabel(r: Partial<HarborRobotInputs>): string {
  return `Harbor robot ${JSON.stringify(r?.name ?? '')} of project ${JSON.stringify(r?.project ?? '')}`;
}

/** True when the robot has expired: it can no longer log in, so only a new robot (and secret) helps. */
function expired(olds: Partial<HarborRobotOutputs>, nowMs: number): boolean {
  return typeof olds.expiresAt === 'number' && olds.expiresAt > 0 && olds.expiresAt * 1000 <= nowMs;
}

/** True when the state holds no usable secret (the robot was recreated outside the stack): update refreshes it. */
function secretUnknown(olds: Partial<HarborRobotOutputs>): boolean {
  return typeof olds.secret !== 'string' || olds.secret === '';
}

/** True when a robot read from Harbor has exactly the settings these inputs ask for (name aside). */
function matchesInputs(robot: HarborRobot, inputs: HarborRobotInputs): boolean {
  return (
    robot.description === (inputs.description ?? '') &&
    robot.duration === inputs.durationDays &&
    samePermissions(robot.permissions, inputs.permissions)
  );
}

function settingsDiffer(olds: Partial<HarborRobotOutputs>, news: HarborRobotInputs): boolean {
  return (
    (olds.description ?? '') !== news.description ||
    olds.durationDays !== news.durationDays ||
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
 * - diff: permissions compared as sets (order, duplicates and `effect` ""/"allow" ignored). Another name or project,
 *   or an expired robot, replaces (deleting first when the login name would collide). A new Harbor address updates.
 * - update, in this order: {@link checkSameHarbor} when the address changed (`GET /robots/{id}` there: the same robot,
 *   else fail before any write); {@link applySettings}, `PUT /robots/{id}` in place for description, duration,
 *   permissions or a disabled robot (the robot and its secret are kept; never deletes first); {@link renewSecret},
 *   `PATCH /robots/{id}` `{secret:""}` when the secret is unknown.
 * - delete: `DELETE /robots/{id}` (1 write); a robot already gone counts as deleted.
 */
export class HarborRobotProvider implements dynamic.ResourceProvider {
  /** The stack configuration (the Harbor login), from the dynamic provider host's `configure`. */
  private config?: StackConfig;

  async configure(req: dynamic.ConfigureRequest): Promise<void> {
    this.config = req.config;
  }

  async create(inputs: HarborRobotInputs): Promise<dynamic.CreateResult> {
    return withHarbor(this.config, inputs, robotLabel(inputs), async (harbor) => {
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
              name: inputs.name,
              description: inputs.description,
              duration: inputs.durationDays,
              level: 'project',
              permissions: inputs.permissions,
            }),
          lookup: async () => {
            const lookup = await harbor.findProjectRobot(inputs.project, inputs.name);
            return lookup.found ? { lookup, atMs: Date.now() } : undefined;
          },
        });
      } catch (e) {
        if (isHarborApiError(e) && e.status === 409 && inputs.adopt === true)
          return this.adopt(harbor, inputs, e.message);
        if (isHarborApiError(e) && e.status === 409) throw alreadyExists(inputs, e.message);
        throw e;
      }
      const base = { ...inputs, permissions: normalisePermissions(inputs.permissions) };
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
          again = (await harbor.findProjectRobot(props.project, props.name)).found;
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
        durationDays: found.duration,
        permissions: found.permissions,
        expiresAt: found.expiresAt,
        disabled: found.disabled,
      };
      return { id: String(found.id), props: outs };
    });
  }

  async diff(_id: string, olds: HarborRobotOutputs, news: HarborRobotInputs): Promise<dynamic.DiffResult> {
    const replaces: string[] = [];
    if (olds.name !== news.name) replaces.push('name');
    if (olds.project !== news.project) replaces.push('project');
    if (expired(olds, Date.now())) replaces.push('expiresAt');
    const changes =
      replaces.length > 0 ||
      settingsDiffer(olds, news) ||
      secretUnknown(olds) ||
      Boolean(olds.adopt) !== Boolean(news.adopt) ||
      harborStateChanged(olds, news);
    // The replacement would take the same login name in the same Harbor: the old robot must go first.
    const sameLogin = olds.name === news.name && olds.project === news.project;
    return { changes, replaces, deleteBeforeReplace: replaces.length > 0 && sameLogin };
  }

  async update(id: string, olds: HarborRobotOutputs, news: HarborRobotInputs): Promise<dynamic.UpdateResult> {
    let expiresAt = olds.expiresAt;
    let secret = olds.secret;
    const moved = harborMoved(olds, news);
    if (moved || settingsDiffer(olds, news) || secretUnknown(olds)) {
      await withHarbor(this.config, news, robotLabel(news), async (harbor) => {
        if (moved) await checkSameHarbor(harbor, olds, news);
        if (settingsDiffer(olds, news)) expiresAt = await applySettings(harbor, Number(id), olds, news);
        if (secretUnknown(olds)) secret = await renewSecret(harbor, Number(id));
      });
    }
    const outs: HarborRobotOutputs = {
      ...news,
      permissions: normalisePermissions(news.permissions),
      robotId: olds.robotId,
      fullName: olds.fullName,
      secret,
      expiresAt,
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
    const found = (await harbor.findProjectRobot(inputs.project, inputs.name)).found;
    if (!found) throw alreadyExists(inputs, `${conflict}; and no robot of that name was found in the project to adopt`);
    const current: HarborRobotOutputs = {
      ...inputs,
      robotId: found.id,
      fullName: found.name,
      secret: '',
      description: found.description,
      durationDays: found.duration,
      permissions: found.permissions,
      expiresAt: found.expiresAt,
      disabled: found.disabled,
    };
    const expiresAt = settingsDiffer(current, inputs)
      ? await applySettings(harbor, found.id, current, inputs)
      : found.expiresAt;
    const secret = await renewSecret(harbor, found.id);
    const outs: HarborRobotOutputs = {
      ...inputs,
      permissions: normalisePermissions(inputs.permissions),
      robotId: found.id,
      fullName: found.name,
      secret,
      expiresAt,
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

/**
 * Puts the declared settings on the robot in place (`PUT /robots/{id}`, enabled): permissions, description, duration.
 * The robot and its secret are kept; never delete-and-recreate (the secret would change).
 * @returns the robot's expiry afterwards (read back when the duration changed)
 */
async function applySettings(
  harbor: HarborClient,
  id: number,
  olds: HarborRobotOutputs,
  news: HarborRobotInputs,
): Promise<number> {
  await harbor.updateRobot(id, {
    name: olds.fullName,
    description: news.description,
    duration: news.durationDays,
    level: 'project',
    disable: false,
    permissions: news.permissions,
  });
  if (olds.durationDays === news.durationDays) return olds.expiresAt;
  return (await harbor.getRobot(id))?.expiresAt ?? olds.expiresAt;
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
    const why = e instanceof Error ? e.message : String(e);
    try {
      await harbor.deleteRobot(robot.id);
    } catch (d) {
      throw new Error(
        `${robotLabel(inputs)}: created as ${robot.name} (id ${robot.id}) but its secret was lost with the create's answer, getting a new ` +
          `secret failed (${why}) and deleting it failed too (${d instanceof Error ? d.message : String(d)}). ` +
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
