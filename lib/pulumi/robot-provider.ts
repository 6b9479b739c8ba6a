/**
 * The dynamic provider of a Harbor project robot account. Serialized by Pulumi: imports the Harbor client only.
 */
import type { dynamic } from '@pulumi/pulumi';
import { isHarborApiError, normalisePermissions, samePermissions, type RobotPermission } from '../harbor';
import { connectionChanged, HarborConnectionState, sameHarbor, withHarbor } from './connection';

/** The inputs of a Harbor robot account resource. */
export interface HarborRobotInputs {
  readonly connection: HarborConnectionState;
  /** The project's name (the robot's level is always `project`). */
  readonly project: string;
  /** The short name; Harbor makes the login name `<prefix><project>+<name>`. */
  readonly name: string;
  readonly description: string;
  /** Lifetime in days, `-1` never expires. */
  readonly durationDays: number;
  /** Exactly one project permission. */
  readonly permissions: RobotPermission[];
}

/** The outputs of a Harbor robot account resource. */
export interface HarborRobotOutputs extends HarborRobotInputs {
  /** Harbor's robot id. */
  readonly robotId: number;
  /** The login name exactly as Harbor returned it (prefix configured in Harbor). */
  readonly fullName: string;
  /** The robot's secret, from the create response (Harbor never shows it again). A secret output. */
  readonly secret: string;
  /** Expiry in seconds since the epoch, `-1` never. */
  readonly expiresAt: number;
  /** Harbor's `disable` flag as last read; a disabled robot is enabled again by the next update. */
  readonly disabled: boolean;
}

function robotLabel(r: Partial<HarborRobotInputs>): string {
  return `Harbor robot ${JSON.stringify(r?.name ?? '')} of project ${JSON.stringify(r?.project ?? '')}`;
}

/** True when the robot has expired: it can no longer log in, so only a new robot (and secret) helps. */
function expired(olds: Partial<HarborRobotOutputs>, nowMs: number): boolean {
  return typeof olds.expiresAt === 'number' && olds.expiresAt > 0 && olds.expiresAt * 1000 <= nowMs;
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
 * - create: `POST /robots` (1 write). The full name and the secret come from Harbor's response.
 * - read: `GET /robots/{id}`; the secret is kept from the state (Harbor never returns it). A robot deleted out of band
 *   reads as empty: refresh drops it and the next `up` creates a new one, with a new secret.
 * - diff: permissions compared as sets (order, duplicates and `effect` ""/"allow" ignored). Another name, project or
 *   Harbor, or an expired robot, replaces (deleting first when the login name would collide).
 * - update: `PUT /robots/{id}` in place (1 write) for description, duration, permissions or a disabled robot; the
 *   robot and its secret are kept. Never deletes first.
 * - delete: `DELETE /robots/{id}` (1 write); a robot already gone counts as deleted.
 */
export class HarborRobotProvider implements dynamic.ResourceProvider {
  async create(inputs: HarborRobotInputs): Promise<dynamic.CreateResult> {
    return withHarbor(inputs.connection, robotLabel(inputs), async (harbor) => {
      try {
        const created = await harbor.createRobot({
          name: inputs.name,
          description: inputs.description,
          duration: inputs.durationDays,
          level: 'project',
          permissions: inputs.permissions,
        });
        const outs: HarborRobotOutputs = {
          ...inputs,
          permissions: normalisePermissions(inputs.permissions),
          robotId: created.id,
          fullName: created.name,
          secret: created.secret,
          expiresAt: created.expiresAt,
          disabled: false,
        };
        return { id: String(created.id), outs };
      } catch (e) {
        if (isHarborApiError(e) && e.status === 409) {
          throw new Error(
            `${robotLabel(inputs)} already exists in Harbor, and its secret can only be read when it is created. ` +
              'Fix: delete that robot in Harbor (Projects > Robot Accounts) and run "pulumi up" again, or give robot.name another value. ' +
              `(${e.message})`,
          );
        }
        throw e;
      }
    });
  }

  async read(id: string, props: HarborRobotOutputs): Promise<dynamic.ReadResult> {
    return withHarbor(props.connection, robotLabel(props), async (harbor) => {
      const found = await harbor.getRobot(Number(id));
      if (!found) return {};
      const outs: HarborRobotOutputs = {
        ...props,
        fullName: found.name,
        description: found.description,
        durationDays: found.duration,
        permissions: found.permissions,
        expiresAt: found.expiresAt,
        disabled: found.disabled,
      };
      return { id, props: outs };
    });
  }

  async diff(_id: string, olds: HarborRobotOutputs, news: HarborRobotInputs): Promise<dynamic.DiffResult> {
    const replaces: string[] = [];
    if (olds.name !== news.name) replaces.push('name');
    if (olds.project !== news.project) replaces.push('project');
    const otherHarbor = !sameHarbor(olds.connection, news.connection);
    if (otherHarbor) replaces.push('connection');
    if (expired(olds, Date.now())) replaces.push('expiresAt');
    const changes = replaces.length > 0 || settingsDiffer(olds, news) || connectionChanged(olds.connection, news.connection);
    // The replacement would take the same login name in the same Harbor: the old robot must go first.
    const sameLogin = olds.name === news.name && olds.project === news.project && !otherHarbor;
    return { changes, replaces, deleteBeforeReplace: replaces.length > 0 && sameLogin };
  }

  async update(id: string, olds: HarborRobotOutputs, news: HarborRobotInputs): Promise<dynamic.UpdateResult> {
    let expiresAt = olds.expiresAt;
    if (settingsDiffer(olds, news)) {
      await withHarbor(news.connection, robotLabel(news), async (harbor) => {
        await harbor.updateRobot(Number(id), {
          name: olds.fullName,
          description: news.description,
          duration: news.durationDays,
          level: 'project',
          disable: false,
          permissions: news.permissions,
        });
        if (olds.durationDays !== news.durationDays) {
          expiresAt = (await harbor.getRobot(Number(id)))?.expiresAt ?? expiresAt;
        }
      });
    }
    const outs: HarborRobotOutputs = {
      ...news,
      permissions: normalisePermissions(news.permissions),
      robotId: olds.robotId,
      fullName: olds.fullName,
      secret: olds.secret,
      expiresAt,
      disabled: false,
    };
    return { outs };
  }

  async delete(id: string, props: HarborRobotOutputs): Promise<void> {
    await withHarbor(props.connection, robotLabel(props), (harbor) => harbor.deleteRobot(Number(id)));
  }
}

/** A ready instance (the resources use it through HarborProvider, which dispatches by kind). */
export const harborRobotProvider = new HarborRobotProvider();
