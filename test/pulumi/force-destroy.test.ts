/**
 * `project.forceDestroy`: the project's repositories are deleted, then the project. The emulator serves Harbor's
 * repository calls (`GET/DELETE /projects/{p}/repositories[/{r}]`) and checks them against the swagger, as every call.
 */
import { randomBytes } from 'node:crypto';
import { HarborEmulator, startEmulatorServer } from '../lab/harbor-emulator';
import { HarborClient } from '../../lib/harbor';
import { create, loginConfig, seedResources } from './support/lifecycle';
import { hostPerTest, type HostRun } from './support/serialized';

/** Pulumi's own dynamic provider host, a new one for each test (a `pulumi` run), running the stored provider texts. */
let host: HostRun;
hostPerTest(
  (run) => (host = run),
  () => loginConfig({ username: 'admin', password: ADMIN_PASSWORD }),
);

const ADMIN_PASSWORD = randomBytes(12).toString('hex');
let emulator: HarborEmulator;
let server: { url: string; close(): Promise<void> };
let url: string;
/** The repository calls the emulator logged, as `METHOD /path` below /api/v2.0. */
const repositoryCalls = (): string[] => emulator.calls((r) => r.path.includes('/repositories'));

beforeAll(async () => {
  emulator = new HarborEmulator({ adminPassword: ADMIN_PASSWORD });
  emulator.addUser('k8s-puller');
  server = await startEmulatorServer(emulator);
  url = server.url;
});
afterAll(async () => {
  emulator.dispose();
  await server.close();
});
afterEach(() => {
  expect(emulator.contractViolations).toEqual([]);
});

test('with forceDestroy, delete removes the repositories (nested names too) and then the project', async () => {
  const stack = seedResources({ url, username: 'admin', password: ADMIN_PASSWORD }, { forceDestroy: true });
  await create(host, stack);
  emulator.addRepository('k8s', 'coredns');
  emulator.addRepository('k8s', 'tools/debug');
  emulator.resetLog();
  const [project] = stack;
  await host.delete(project.id!, project.outs);
  expect(repositoryCalls()).toEqual([
    'GET /projects/k8s/repositories',
    'DELETE /projects/k8s/repositories/coredns',
    'DELETE /projects/k8s/repositories/tools%252Fdebug',
  ]);
  expect(emulator.requests.filter((r) => r.write).map((r) => `${r.method} ${r.path}`)).toEqual([
    'DELETE /api/v2.0/projects/1', // by id: 412, the project still holds repositories
    'DELETE /api/v2.0/projects/k8s/repositories/coredns',
    'DELETE /api/v2.0/projects/k8s/repositories/tools%252Fdebug',
    'DELETE /api/v2.0/projects/1',
  ]);
  expect(emulator.state().projects).toEqual([]);
});

test('an empty project is deleted without listing repositories', async () => {
  const stack = seedResources({ url, username: 'admin', password: ADMIN_PASSWORD }, { forceDestroy: true });
  await create(host, stack.slice(0, 1));
  emulator.resetLog();
  await host.delete(stack[0].id!, stack[0].outs);
  expect(repositoryCalls()).toEqual([]);
  expect(emulator.state().projects).toEqual([]);
});

test('a failure names the call and never the password', async () => {
  const client = new HarborClient({ url, username: 'admin', password: `no-${ADMIN_PASSWORD}`, allowPlainHttp: true });
  const error: Error = await client.deleteProjectRepositories('k8s').then(
    () => new Error('no error'),
    (e: Error) => e,
  );
  await client.close();
  expect(error.message).toMatch(/GET .*\/projects\/k8s\/repositories.*401/);
  expect(error.message).not.toContain(ADMIN_PASSWORD);
});
