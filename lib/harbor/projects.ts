/**
 * Harbor projects through the client's HTTP core: create, read (by name or id), update, delete, storage quota, and the
 * login's own account (`GET /users/current`), which decides what Harbor lets it do with projects.
 */
import type { HarborHttp } from './http';
import type { HarborLookup, HarborProject, ProjectSpec } from './types';
import { assertId, assertProjectName, assertProjectSpec } from './validate';
import { isRecord, projectMetadata, toProject } from './wire';

/** The work of {@link HarborClient.createProject}. */
export async function createProject(http: HarborHttp, spec: ProjectSpec): Promise<{ id: number }> {
  assertProjectSpec(spec);
  const body: Record<string, unknown> = { project_name: spec.name, metadata: projectMetadata(spec) };
  if (spec.storageLimitBytes !== undefined) body.storage_limit = spec.storageLimitBytes;
  const res = await http.call('POST', '/projects', { body, ok: [201] });
  return { id: http.locationId(res) };
}

/** The work of {@link HarborClient.projectExists}. */
export async function projectExists(http: HarborHttp, name: string): Promise<boolean> {
  assertProjectName(name);
  const res = await http.call('HEAD', '/projects', { query: { project_name: name }, ok: [200, 404] });
  return res.status === 200;
}

/** The work of {@link HarborClient.getProject}. */
export async function getProject(http: HarborHttp, name: string): Promise<HarborProject | undefined> {
  return (await inspectProject(http, name)).found;
}

/** The work of {@link HarborClient.inspectProject}. */
export async function inspectProject(http: HarborHttp, name: string): Promise<HarborLookup<HarborProject>> {
  assertProjectName(name);
  const res = await http.call('GET', `/projects/${encodeURIComponent(name)}`, {
    byName: true,
    project: name,
    ok: [200],
    absentOk: true,
  });
  return http.lookup(res, toProject, 'a project object with project_id and name');
}

/** The work of {@link HarborClient.updateProject}. */
export async function updateProject(http: HarborHttp, name: string, spec: ProjectSpec): Promise<void> {
  assertProjectName(name);
  assertProjectSpec(spec);
  await http.call('PUT', `/projects/${encodeURIComponent(name)}`, {
    byName: true,
    project: name,
    body: { metadata: projectMetadata(spec) },
    ok: [200, 204],
  });
}

/** The work of {@link HarborClient.deleteProject}. */
export async function deleteProject(http: HarborHttp, name: string): Promise<void> {
  assertProjectName(name);
  await http.call('DELETE', `/projects/${encodeURIComponent(name)}`, {
    byName: true,
    project: name,
    ok: [200, 204],
    absentOk: true,
  });
}

/** The work of {@link HarborClient.deleteProjectById}. */
export async function deleteProjectById(http: HarborHttp, id: number): Promise<void> {
  if (!Number.isInteger(id) || id < 1)
    throw new TypeError(`deleteProjectById: id must be a positive integer, got ${JSON.stringify(id)}`);
  await http.call('DELETE', `/projects/${id}`, { byName: false, ok: [200, 204], absentOk: true });
}

/** The work of {@link HarborClient.getProjectById}. */
export async function getProjectById(http: HarborHttp, id: number): Promise<HarborProject | undefined> {
  assertId(id, 'project id');
  const res = await http.call('GET', `/projects/${id}`, { ok: [200], absentOk: true });
  return http.lookup(res, toProject, 'a project object with project_id and name').found;
}

/** The work of {@link HarborClient.getProjectStorageLimit}. */
export async function getProjectStorageLimit(http: HarborHttp, name: string): Promise<number | undefined> {
  assertProjectName(name);
  const res = await http.call('GET', `/projects/${encodeURIComponent(name)}/summary`, {
    byName: true,
    project: name,
    ok: [200],
  });
  const raw = http.json(res);
  const quota = isRecord(raw) && isRecord(raw.quota) ? raw.quota : undefined;
  const hard = quota && isRecord(quota.hard) ? quota.hard : undefined;
  return hard && typeof hard.storage === 'number' ? hard.storage : undefined;
}

/** The work of {@link HarborClient.setProjectStorageLimit}. */
export async function setProjectStorageLimit(http: HarborHttp, projectId: number, bytes: number): Promise<void> {
  assertId(projectId, 'project id');
  if (!Number.isSafeInteger(bytes) || (bytes !== -1 && (bytes < 1 || bytes > 1024 ** 5)))
    throw new TypeError(
      `storage limit ${String(bytes)} must be -1 (unlimited) or a number of bytes from 1 to ${1024 ** 5} (1024 TB).`,
    );
  const res = await http.call('GET', '/quotas', {
    query: { reference: 'project', reference_id: String(projectId) },
    ok: [200],
  });
  const items = http.json(res);
  const quota: unknown = Array.isArray(items)
    ? (items as unknown[]).find(
        (q) => isRecord(q) && typeof q.id === 'number' && isRecord(q.ref) && q.ref.id === projectId,
      )
    : undefined;
  const quotaId = isRecord(quota) && typeof quota.id === 'number' ? quota.id : undefined;
  if (quotaId === undefined) {
    throw http.fail({
      method: 'GET',
      path: `/quotas?reference=project&reference_id=${projectId}`,
      status: res.status,
      code: 'NO_QUOTA',
      harborMessage: `Harbor keeps no storage quota for project ${projectId}`,
      requestId: res.requestId,
      hint: "quotas per project may be switched off in Harbor's configuration (quota_per_project_enable)",
      retryable: false,
    });
  }
  await http.call('PUT', `/quotas/${quotaId}`, { body: { hard: { storage: bytes } }, ok: [200, 204] });
}

/** The work of {@link HarborClient.currentUser}. */
export async function currentUser(
  http: HarborHttp,
): Promise<{ readonly username: string; readonly sysAdmin: boolean }> {
  const res = await http.call('GET', '/users/current', { ok: [200] });
  const raw = http.json(res);
  if (!isRecord(raw) || typeof raw.username !== 'string') throw http.unexpected(res, 'a user with its username');
  return { username: raw.username, sysAdmin: raw.sysadmin_flag === true || raw.admin_role_in_auth === true };
}
