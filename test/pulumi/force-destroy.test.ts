/**
 * `project.forceDestroy`: the project's repositories are deleted, then the project. The emulator does not serve
 * repository calls, so this test puts a thin layer in front of it that answers `GET/DELETE
 * /projects/{p}/repositories[/{r}]` from the emulator's repositories, checking those requests and answers against
 * Harbor's swagger as the emulator does for everything else.
 */
import { randomBytes } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { HarborEmulator } from '../lab/harbor-emulator';
import { HarborSwagger } from '../lab/swagger';
import { harborProvider } from '../../lib/pulumi/harbor-provider';
import { deleteProjectRepositories } from '../../lib/pulumi/repositories';
import { create, seedResources } from './support/lifecycle';

const ADMIN_PASSWORD = randomBytes(12).toString('hex');
const REPOS = /^\/api\/v2\.0\/projects\/([^/]+)\/repositories(?:\/([^/]+))?$/;
let emulator: HarborEmulator;
let server: http.Server;
let url: string;
const violations: string[] = [];
const repositoryCalls: string[] = [];

beforeAll(async () => {
  emulator = new HarborEmulator({ adminPassword: ADMIN_PASSWORD });
  emulator.addUser('k8s-puller');
  const swagger = HarborSwagger.load();
  server = http.createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    const m = REPOS.exec(u.pathname);
    if (!m) {
      void emulator.handle(req, res);
      return;
    }
    const auth = Buffer.from(`admin:${ADMIN_PASSWORD}`).toString('base64');
    const found = swagger.findOperation(req.method ?? 'GET', u.pathname.slice(swagger.basePath.length));
    if ('problem' in found) violations.push(found.problem);
    else violations.push(...swagger.validateRequest(found.operation, { pathParams: found.pathParams, query: u.searchParams, headers: req.headers, rawBody: '' }));
    repositoryCalls.push(`${req.method} ${u.pathname.replace('/api/v2.0', '')}`);
    const reply = (status: number, body?: unknown, headers: Record<string, string> = {}): void => {
      if ('operation' in found) violations.push(...swagger.validateResponse(found.operation, status, body === undefined ? '' : JSON.stringify(body)));
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(body === undefined ? undefined : JSON.stringify(body));
    };
    if (req.headers.authorization !== `Basic ${auth}`) return reply(401, { errors: [{ code: 'UNAUTHORIZED', message: 'unauthorized' }] });
    const project = decodeURIComponent(m[1]);
    const p = emulator.state().projects.find((x) => x.name === project);
    if (!p) return reply(404, { errors: [{ code: 'NOT_FOUND', message: 'project not found' }] });
    if (req.method === 'GET' && !m[2]) {
      const all = p.repositories.map((r, i) => ({ id: i + 1, project_id: p.id, name: `${project}/${r}` }));
      const page = Number(u.searchParams.get('page') ?? 1);
      const size = Number(u.searchParams.get('page_size') ?? 10);
      return reply(200, all.slice((page - 1) * size, page * size), { 'X-Total-Count': String(all.length) });
    }
    if (req.method === 'DELETE' && m[2]) {
      // Harbor's rule: the repository name without its project, with "/" encoded twice.
      const repo = decodeURIComponent(decodeURIComponent(m[2]));
      if (!p.repositories.includes(repo)) return reply(404, { errors: [{ code: 'NOT_FOUND', message: 'repository not found' }] });
      emulator.removeRepository(project, repo);
      return reply(200);
    }
    return reply(405, { errors: [{ code: 'METHOD_NOT_ALLOWED', message: 'not here' }] });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  emulator.dispose();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
afterEach(() => {
  expect(emulator.contractViolations).toEqual([]);
  expect(violations).toEqual([]);
});

test('with forceDestroy, delete removes the repositories (nested names too) and then the project', async () => {
  const stack = seedResources({ url, username: 'admin', password: ADMIN_PASSWORD }, { forceDestroy: true });
  await create(harborProvider, stack);
  emulator.addRepository('k8s', 'coredns');
  emulator.addRepository('k8s', 'tools/debug');
  emulator.resetLog();
  repositoryCalls.length = 0;
  const [project] = stack;
  await harborProvider.delete!(project.id!, project.outs);
  expect(repositoryCalls).toEqual(['GET /projects/k8s/repositories', 'DELETE /projects/k8s/repositories/coredns', 'DELETE /projects/k8s/repositories/tools%252Fdebug']);
  expect(emulator.requests.filter((r) => r.write).map((r) => `${r.method} ${r.path}`)).toEqual(['DELETE /api/v2.0/projects/1', 'DELETE /api/v2.0/projects/1']) // by id: 412, then after the repositories;
  expect(emulator.state().projects).toEqual([]);
});

test('an empty project is deleted without listing repositories', async () => {
  const stack = seedResources({ url, username: 'admin', password: ADMIN_PASSWORD }, { forceDestroy: true });
  await create(harborProvider, stack.slice(0, 1));
  repositoryCalls.length = 0;
  await harborProvider.delete!(stack[0].id!, stack[0].outs);
  expect(repositoryCalls).toEqual([]);
  expect(emulator.state().projects).toEqual([]);
});

test('a failure names the call and never the password', async () => {
  const error: Error = await deleteProjectRepositories({ url, username: 'admin', password: `no-${ADMIN_PASSWORD}` }, 'k8s').then(() => new Error('no error'), (e: Error) => e);
  expect(error.message).toMatch(/GET .*\/projects\/k8s\/repositories.*401/);
  expect(error.message).not.toContain(ADMIN_PASSWORD);
});
