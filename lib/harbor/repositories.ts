/**
 * Repositories and artifacts of a project through the client's HTTP core (what a project holds, and emptying it
 * before it is deleted).
 */
import type { HarborHttp } from './http';
import type { HarborArtifact } from './types';
import { assertNonEmpty, assertProjectName } from './validate';
import { isRecord } from './wire';

/** The work of {@link HarborClient.listRepositories}. */
export async function listRepositories(http: HarborHttp, project: string): Promise<string[]> {
  assertProjectName(project, 'project');
  return http.listAll(
    `/projects/${encodeURIComponent(project)}/repositories`,
    {},
    undefined,
    (raw) => (isRecord(raw) && typeof raw.name === 'string' && raw.name !== '' ? raw.name : undefined),
    'repositories',
  );
}

/** The work of {@link HarborClient.deleteRepository}. */
export async function deleteRepository(http: HarborHttp, project: string, repository: string): Promise<void> {
  assertProjectName(project, 'project');
  assertNonEmpty(repository, 'repository', 'coredns');
  const inProject = repository.startsWith(`${project}/`) ? repository.slice(project.length + 1) : repository;
  const path = `/projects/${encodeURIComponent(project)}/repositories/${encodeURIComponent(encodeURIComponent(inProject))}`;
  await http.call('DELETE', path, { ok: [200], absentOk: true });
}

/** The work of {@link HarborClient.deleteProjectRepositories}. */
export async function deleteProjectRepositories(http: HarborHttp, project: string): Promise<string[]> {
  const names = await listRepositories(http, project);
  for (const name of names) await deleteRepository(http, project, name);
  return names;
}

// ---------------------------------------------------------------- artifacts

/** The work of {@link HarborClient.getArtifact}. */
export async function getArtifact(
  http: HarborHttp,
  project: string,
  repository: string,
  reference: string,
): Promise<HarborArtifact | undefined> {
  assertProjectName(project, 'project');
  assertNonEmpty(repository, 'repository', 'coredns');
  assertNonEmpty(reference, 'reference', '1.2.6');
  const repo = encodeURIComponent(encodeURIComponent(repository));
  const path = `/projects/${encodeURIComponent(project)}/repositories/${repo}/artifacts/${encodeURIComponent(reference)}`;
  const res = await http.call('GET', path, { project, ok: [200], absentOk: true });
  if (res.status === 404) return undefined;
  const raw = http.json(res);
  if (!isRecord(raw) || typeof raw.digest !== 'string') throw http.unexpected(res, 'an artifact with its digest');
  const tags = Array.isArray(raw.tags) ? raw.tags.map((t) => (isRecord(t) ? t.name : undefined)) : [];
  return { digest: raw.digest, tags: tags.filter((t): t is string => typeof t === 'string') };
}
