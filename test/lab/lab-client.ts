/**
 * The lab's Harbor client: {@link HarborClient} plus the calls only tests make (listing a project's members and robots,
 * setting a chosen robot secret, renewing a robot by hand). They go through the library client's own HTTP core
 * (`this.http`: the same timeouts, retries, paging, error mapping and secret scrubbing), so there is one Harbor HTTP
 * implementation; the library does not ship them because none of its code needs them (the Pulumi robot renews and
 * rotates through `updateRobot` and `refreshRobotSecret`).
 */
import { renewedDurationDays } from '../../lib/core/renewal';
import { HarborClient, type HarborMember, type HarborRobot } from '../../lib/harbor';
import { assertId, assertProjectName, assertRobotDuration } from '../../lib/harbor/validate';
import { harborTime, toMember, toRobot } from '../../lib/harbor/wire';
import { isValidRobotSecret } from './emulator-random';

export class LabHarborClient extends HarborClient {
  /** Lists all members of a project, following Harbor's paging. */
  async listMembers(project: string): Promise<HarborMember[]> {
    assertProjectName(project, 'project');
    return this.http.listAll(
      `/projects/${encodeURIComponent(project)}/members`,
      {},
      project,
      toMember,
      'project members',
    );
  }

  /** Lists a project's robots (`GET /robots?q=Level=project,ProjectID=<id>`), following Harbor's paging. */
  async listProjectRobots(projectId: number): Promise<HarborRobot[]> {
    assertId(projectId, 'projectId');
    return this.http.listAll('/robots', { q: `Level=project,ProjectID=${projectId}` }, undefined, toRobot, 'robots');
  }

  /**
   * Sets a secret you chose (`PATCH /robots/{id}` with `{secret}`; Harbor answers `{}`). The old secret stops working
   * at once; registry tokens already issued with it stay valid until they expire (30 minutes by default). Harbor's
   * rule is checked first: 8 to 128 bytes with an upper-case letter, a lower-case letter and a digit. Does not extend
   * the expiry. Never retried automatically.
   * @throws TypeError when the secret breaks Harbor's rule (the message never shows it).
   */
  async setRobotSecret(id: number, secret: string): Promise<void> {
    assertId(id, 'robot id');
    assertRobotSecret(secret);
    this.http.rememberSecret(secret);
    await this.http.call('PATCH', `/robots/${id}`, { body: { secret }, ok: [200] });
  }

  /**
   * Renews a robot without touching its secret: `PUT /robots/{id}` with the robot as Harbor has it and a new
   * `duration`. Harbor then sets `expires_at` to the robot's creation time + `durationDays` days (`-1`: never), and
   * only when the duration changes; it does not check the result, so a duration shorter than the robot's age would
   * leave it expired. Both are refused here before the `PUT`, the age on Harbor's clock (its `Date` header).
   * A disabled robot stays disabled.
   * @returns the robot as Harbor has it afterwards (with its new `expiresAt`).
   * @throws TypeError for a duration that is not -1 or >= 1, equals the current one, or does not exceed the age.
   * @throws HarborApiError 404 when the robot is gone.
   */
  async renewRobot(id: number, durationDays: number): Promise<HarborRobot> {
    assertId(id, 'robot id');
    assertRobotDuration(durationDays, 'durationDays');
    const res = await this.http.call('GET', `/robots/${id}`, { ok: [200] });
    const robot = toRobot(this.http.json(res));
    if (!robot) throw this.http.unexpected(res, 'a robot object with id and name');
    if (robot.level !== 'project') {
      throw new TypeError(
        `robot ${id} is a ${robot.level} robot; renewRobot renews project robots only. Fix: give the id of a project ` +
          'robot (listProjectRobots(projectId) lists them).',
      );
    }
    if (durationDays === robot.duration) {
      throw new TypeError(
        `robot ${id} already has a duration of ${durationDays} days, and Harbor moves expires_at only when the ` +
          'duration changes: give another duration (days from its creation).',
      );
    }
    const nowMs = harborTime(res.headers);
    if (durationDays !== -1 && robot.creationTime !== undefined && nowMs !== undefined) {
      const ageDays = (nowMs - robot.creationTime) / 86_400_000;
      if (durationDays <= ageDays) {
        throw new TypeError(
          `robot ${id} was created ${Math.floor(ageDays)} days ago (Harbor's clock), so a duration of ${durationDays} ` +
            `days would leave it expired: durationDays counts from the creation, e.g. ${renewedDurationDays(robot.creationTime, nowMs, 30)} ` +
            'for 30 more days.',
        );
      }
    }
    await this.updateRobot(id, {
      name: robot.name,
      description: robot.description,
      duration: durationDays,
      level: 'project',
      disable: robot.disabled,
      permissions: robot.permissions,
    });
    const renewed = await this.getRobot(id);
    if (!renewed) throw this.http.unexpected(res, `robot ${id} to still exist after its renewal`);
    return renewed;
  }
}

/**
 * Throws unless `secret` passes Harbor's rule for a chosen robot secret (`IsValidSec`, {@link isValidRobotSecret}): 8
 * to 128 bytes with an upper-case letter, a lower-case letter and a digit. The message never shows the secret.
 */
function assertRobotSecret(secret: unknown): asserts secret is string {
  if (typeof secret !== 'string' || !isValidRobotSecret(secret)) {
    throw new TypeError(
      `robot secret (${typeof secret === 'string' ? `${Buffer.byteLength(secret, 'utf8')} bytes, not shown` : JSON.stringify(typeof secret)}) ` +
        "does not pass Harbor's rule: 8 to 128 bytes with at least one upper-case letter, one lower-case letter and one digit. " +
        'Or let Harbor generate one (refreshRobotSecret).',
    );
  }
}
