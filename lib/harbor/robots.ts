/**
 * Project robot accounts through the client's HTTP core: create, read, find by short name, update, new secret, delete.
 */
import type { HarborHttp } from './http';
import { inspectProject } from './projects';
import type { CreatedRobot, HarborLookup, HarborRobot, RobotSpec, RobotUpdate } from './types';
import { assertId, assertProjectName, assertRobotSpec, assertRobotUpdate } from './validate';
import { harborTime, idFromLocation, isoTimeMs, isRecord, num, permissionsBody, toRobot } from './wire';

/** The work of {@link HarborClient.createRobot}. */
export async function createRobot(http: HarborHttp, spec: RobotSpec): Promise<CreatedRobot> {
  assertRobotSpec(spec);
  const body = {
    name: spec.name,
    description: spec.description ?? '',
    level: spec.level,
    duration: spec.duration,
    disable: false,
    permissions: permissionsBody(spec.permissions),
  };
  const res = await http.call('POST', '/robots', { body, ok: [201] });
  const raw = http.json(res);
  if (isRecord(raw) && typeof raw.secret === 'string' && raw.secret !== '') http.rememberSecret(raw.secret);
  const id = isRecord(raw) && typeof raw.id === 'number' ? raw.id : idFromLocation(res.headers.get('location'));
  if (
    !isRecord(raw) ||
    id === undefined ||
    typeof raw.name !== 'string' ||
    typeof raw.secret !== 'string' ||
    raw.secret === ''
  ) {
    throw http.unexpected(
      res,
      'a created robot {id, name, secret, expires_at}; the robot may exist now without a known secret: delete it and create it again',
    );
  }
  const creationTime = isoTimeMs(raw.creation_time);
  return {
    id,
    name: raw.name,
    secret: raw.secret,
    expiresAt: num(raw.expires_at, -1),
    ...(creationTime !== undefined ? { creationTime } : {}),
  };
}

/** The work of {@link HarborClient.getRobot}. */
export async function getRobot(http: HarborHttp, id: number): Promise<HarborRobot | undefined> {
  return (await inspectRobot(http, id)).found;
}

/** The work of {@link HarborClient.inspectRobot}. */
export async function inspectRobot(http: HarborHttp, id: number): Promise<HarborLookup<HarborRobot>> {
  assertId(id, 'robot id');
  const res = await http.call('GET', `/robots/${id}`, { ok: [200], absentOk: true });
  return http.lookup(res, toRobot, 'a robot object with id and name');
}

/** The work of {@link HarborClient.findProjectRobot}. */
export async function findProjectRobot(
  http: HarborHttp,
  project: string,
  name: string,
): Promise<HarborLookup<HarborRobot>> {
  assertProjectName(project, 'project');
  if (typeof name !== 'string' || name === '')
    throw new TypeError(`robot name ${JSON.stringify(name)} must be the robot's short name, e.g. "puller".`);
  const p = await inspectProject(http, project);
  if (!p.found)
    return p.harborTimeMs !== undefined ? { found: undefined, harborTimeMs: p.harborTimeMs } : { found: undefined };
  const { items, last } = await http.listPages(
    '/robots',
    { q: `Level=project,ProjectID=${p.found.id}` },
    undefined,
    toRobot,
    'robots',
  );
  const suffix = `${project}+${name}`;
  const found = items.find(
    (r) => r.name.endsWith(suffix) && !r.name.slice(0, r.name.length - suffix.length).includes('+'),
  );
  const harborTimeMs = harborTime(last.headers) ?? p.harborTimeMs;
  return harborTimeMs !== undefined ? { found, harborTimeMs } : { found };
}

/** The work of {@link HarborClient.updateRobot}. */
export async function updateRobot(http: HarborHttp, id: number, robot: RobotUpdate): Promise<void> {
  assertId(id, 'robot id');
  assertRobotUpdate(robot);
  const body = {
    id,
    name: robot.name,
    description: robot.description ?? '',
    duration: robot.duration,
    level: robot.level,
    disable: robot.disable,
    permissions: permissionsBody(robot.permissions),
  };
  await http.call('PUT', `/robots/${id}`, { body, ok: [200, 204] });
}

/** The work of {@link HarborClient.refreshRobotSecret}. */
export async function refreshRobotSecret(http: HarborHttp, id: number): Promise<string> {
  assertId(id, 'robot id');
  const res = await http.call('PATCH', `/robots/${id}`, { body: { secret: '' }, ok: [200] });
  const raw = http.json(res);
  if (!isRecord(raw) || typeof raw.secret !== 'string' || raw.secret === '') {
    throw http.unexpected(res, 'a refreshed secret {secret}; the old secret may no longer work: refresh again');
  }
  http.rememberSecret(raw.secret);
  return raw.secret;
}

/** The work of {@link HarborClient.deleteRobot}. */
export async function deleteRobot(http: HarborHttp, id: number): Promise<void> {
  assertId(id, 'robot id');
  await http.call('DELETE', `/robots/${id}`, { ok: [200, 204], absentOk: true });
}
