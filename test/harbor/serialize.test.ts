/**
 * The client survives `pulumi.runtime.serializeFunction` (how Pulumi dynamic providers ship their code): the
 * serialized text only requires node built-ins and undici, and it runs in a fresh node process against a server.
 */
import { execFile } from 'node:child_process';
import { builtinModules } from 'node:module';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as pulumi from '@pulumi/pulumi';
import { HarborClient, isHarborApiError } from '../../lib/harbor';
import { harborError, startFakeHarbor, type FakeHarbor } from './fake-harbor';

const execFileAsync = promisify(execFile);
let fake: FakeHarbor;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'harbor-serialize-'));
  fake = await startFakeHarbor((r) =>
    r.pathname === '/api/v2.0/projects' ? { status: 200 } : { status: 503, body: harborError('SERVICE_UNAVAILABLE', 'busy') },
  );
});
afterAll(async () => {
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

it('serializes with only built-in and undici requires, and works when run elsewhere', async () => {
  const serialized = await pulumi.runtime.serializeFunction(
    () => async (url: string, password: string) => {
      const c = new HarborClient({ url, username: 'admin', password, maxRetries: 1, retryBaseDelayMs: 1 });
      try {
        const exists = await c.projectExists('app');
        const failure = await c.getProject('app').then(
          () => undefined,
          (e: unknown) => (isHarborApiError(e) ? { name: e.name, status: e.status, retryable: e.retryable, attempts: e.attempts } : String(e)),
        );
        return { exists, failure };
      } finally {
        await c.close();
      }
    },
    { isFactoryFunction: true },
  );
  const required = [...serialized.text.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]);
  const builtins = new Set(builtinModules);
  expect(required.filter((m) => !builtins.has(m.replace(/^node:/, '')) && !/^undici(\/|$)/.test(m))).toEqual([]);
  expect(required.some((m) => m.startsWith('undici'))).toBe(true);

  const file = join(dir, 'provider.js');
  writeFileSync(file, serialized.text);
  const runner = `require(${JSON.stringify(file)}).handler(process.env.FAKE_URL, 'placeholder-not-a-secret')
    .then((r) => console.log(JSON.stringify(r)), (e) => { console.log(JSON.stringify({ crashed: String(e) })); });`;
  const { stdout } = await execFileAsync(process.execPath, ['-e', runner], {
    env: { ...process.env, FAKE_URL: fake.url, NODE_PATH: join(__dirname, '..', '..', 'node_modules') },
    cwd: dir,
    timeout: 10_000,
  });
  expect(JSON.parse(stdout.trim())).toEqual({
    exists: true,
    failure: { name: 'HarborApiError', status: 503, retryable: true, attempts: 2 },
  });
}, 20_000);
