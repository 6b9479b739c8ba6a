/**
 * The dynamic provider of a Harbor project robot account: create, read, diff, update and delete, glued from the
 * lifecycle decisions (./robot-lifecycle.ts: what an up must do, from the state and the clock) and the Harbor steps
 * (./robot-steps.ts: the requests that do it). Serialized by Pulumi: imports the Harbor client and lib/core only.
 */
import type { dynamic } from '@pulumi/pulumi';
import { ROBOT_DEFAULTS, withDefaults } from '../../core/defaults';
import { isHarborApiError, type HarborClient, type HarborLookup, type HarborRobot } from '../../harbor';
import { createChecked, createdWithin } from '../../harbor/checked-write';
import { normalisePermissions } from '../../harbor/permissions';
import { harborMoved, harborStateChanged, isNotFound, StackConfiguredProvider } from './connection';
import {
  createdAt,
  createName,
  expiredForGood,
  harborDuration,
  harborNameOf,
  known,
  matchesInputs,
  newGeneration,
  renewalDueNow,
  robotLabel,
  secretUnknown,
  settingsDiffer,
  type HarborRobotInputs,
  type HarborRobotOutputs,
} from './robot-lifecycle';
import {
  alreadyExists,
  applySettings,
  checkSameHarbor,
  refreshOrRemove,
  renewSecret,
  type Applied,
} from './robot-steps';
import { ProviderBoundary } from './boundary';

export type { HarborRobotInputs, HarborRobotOutputs } from './robot-lifecycle';

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
    return this.withHarbor(inputs, robotLabel(inputs), async (harbor) => {
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
          ...createdAt(created.creationTime),
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
        ...createdAt(found.creationTime),
      };
      return { id: String(found.id), outs };
    });
  }

  async read(id: string, props: HarborRobotOutputs): Promise<dynamic.ReadResult> {
    return this.withHarbor(props, robotLabel(props), async (harbor) => {
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
        ...createdAt(found.creationTime ?? (found.id === props.robotId ? props.harborCreatedAt : undefined)),
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
      await this.withHarbor(news, robotLabel(news), async (harbor) => {
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
      ...createdAt(olds.harborCreatedAt),
      ...(olds.adopted === true ? { adopted: true } : {}),
    };
    return { outs };
  }

  async delete(id: string, props: HarborRobotOutputs): Promise<void> {
    await this.withHarbor(props, robotLabel(props), (harbor) => harbor.deleteRobot(Number(id)));
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
      ...createdAt(found.creationTime),
    };
    return { id: String(found.id), outs };
  }
}

/**
 * The one instance every Harbor robot account registers with (its resources' provider reference names it), behind the host
 * boundary ({@link ProviderBoundary}).
 */
export const harborRobotProvider: dynamic.ResourceProvider = new ProviderBoundary(new HarborRobotProvider());
