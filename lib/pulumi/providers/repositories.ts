/**
 * Deleting a project's repositories, for `project.forceDestroy`. Harbor refuses to delete a project that still holds
 * repositories (412). The Harbor client (lib/harbor) has no repository calls, so these two live here, with the same
 * rules as the client: HTTP Basic auth, no cookies, TLS verification always on, credentials never in a message.
 */
import { Agent, fetch } from 'undici';
import { HarborApiError, parseHarborError, redactSecrets, resolveHarborEndpoint } from '../../harbor';
import type { HarborLogin } from './connection';
import { errorMessage } from '../../core/errors';

/** Safety bound of listed pages (100 repositories each). */
const MAX_PAGES = 1000;

/**
 * Deletes every repository of `project` (`GET /projects/{p}/repositories`, then
 * `DELETE /projects/{p}/repositories/{r}` for each), so that the project itself can be deleted.
 * @returns the repository names deleted (`<project>/<repository>`).
 * @throws HarborApiError on any failure, without credentials in its message.
 */
export async function deleteProjectRepositories(connection: HarborLogin, project: string): Promise<string[]> {
  const endpoint = resolveHarborEndpoint({ url: connection.url, caBundle: connection.caBundle || undefined });
  const token = Buffer.from(`${connection.username}:${connection.password}`, 'utf8').toString('base64');
  const secrets = [connection.password, token];
  const agent = new Agent({
    connect: connection.caBundle ? { ca: connection.caBundle, rejectUnauthorized: true } : { rejectUnauthorized: true },
  });
  const call = async (
    method: 'GET' | 'DELETE',
    path: string,
    ok: number[],
  ): Promise<{ status: number; text: string; headers: { get(n: string): string | null } }> => {
    let res;
    try {
      res = await fetch(`${endpoint.apiBase}${path}`, {
        method,
        headers: { authorization: `Basic ${token}`, accept: 'application/json', 'user-agent': 'harbor-private-app' },
        dispatcher: agent,
        redirect: 'manual',
        signal: AbortSignal.timeout(30_000),
      });
    } catch (e) {
      throw new HarborApiError({
        method,
        path,
        origin: endpoint.origin,
        code: 'NETWORK_ERROR',
        retryable: method !== 'DELETE',
        harborMessage: errorMessage(e),
        secrets,
      });
    }
    const text = await res.text();
    if (!ok.includes(res.status)) {
      const err = parseHarborError(text);
      throw new HarborApiError({
        method,
        path,
        origin: endpoint.origin,
        status: res.status,
        code: err.code,
        harborMessage: err.message,
        requestId: res.headers.get('x-request-id') ?? undefined,
        retryable: false,
        secrets,
      });
    }
    return { status: res.status, text, headers: res.headers };
  };

  try {
    const base = `/projects/${encodeURIComponent(project)}/repositories`;
    const names: string[] = [];
    for (let page = 1; page <= MAX_PAGES; page++) {
      const res = await call('GET', `${base}?page=${page}&page_size=100`, [200]);
      let items: unknown;
      try {
        items = JSON.parse(res.text);
      } catch {
        items = undefined;
      }
      if (!Array.isArray(items)) {
        throw new HarborApiError({
          method: 'GET',
          path: base,
          origin: endpoint.origin,
          status: res.status,
          code: 'UNEXPECTED_RESPONSE',
          harborMessage: 'expected a JSON array of repositories',
          retryable: false,
          secrets,
        });
      }
      for (const item of items) {
        const name = (item as { name?: unknown })?.name;
        if (typeof name === 'string' && name !== '') names.push(name);
      }
      const total = Number(res.headers.get('x-total-count') ?? NaN);
      const more = Number.isFinite(total) ? names.length < total : items.length === 100;
      if (!more || items.length === 0) break;
    }
    const deleted: string[] = [];
    for (const full of names) {
      // The path takes the name without its project, with "/" encoded twice (Harbor's rule for repository_name).
      const inProject = full.startsWith(`${project}/`) ? full.slice(project.length + 1) : full;
      await call('DELETE', `${base}/${encodeURIComponent(encodeURIComponent(inProject))}`, [200, 404]);
      deleted.push(full);
    }
    return deleted;
  } catch (e) {
    if (e instanceof HarborApiError) throw e;
    // No `cause`: the original error may hold the credentials this message was redacted of.
    // eslint-disable-next-line preserve-caught-error
    throw new Error(redactSecrets(errorMessage(e), secrets));
  } finally {
    await agent.close();
  }
}
