/**
 * The Harbor dynamic provider in the form Pulumi stores it when it runs this repository's own program: serialized in a
 * child process under ts-node in swc mode, as `pulumi up` runs apps/pulumi (support/serialize-provider.ts), exactly as
 * `pulumi.dynamic.Resource` does (`serializeFunction(() => provider, { allowSecrets: true })`; here, outside
 * node_modules, by value), written to a temp .js file and loaded standalone the
 * way Pulumi's dynamic provider host loads it (`requireFromString(text).handler()`: a fresh module whose requires
 * resolve from the program's directory), then driven through create/read/diff/update/delete against the emulator.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import Module = require('node:module');
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { dynamic } from '@pulumi/pulumi';
import { HarborEmulator, startEmulatorServer } from '../lab/harbor-emulator';
import { harborProvider } from '../../lib/pulumi/harbor-provider';
import { create, destroy, refresh, seedResources, up } from './support/lifecycle';

const ADMIN_PASSWORD = randomBytes(12).toString('hex');
let dir: string;
let text: string;
let emulator: HarborEmulator;
let server: { url: string; close(): Promise<void> };

/** Loads serialized provider text as Pulumi's host does: its own module, requires resolved from the repository. */
function loadLikeTheHost(file: string, source: string): dynamic.ResourceProvider {
  const M = Module as unknown as { new (id: string, parent?: unknown): any; _nodeModulePaths(dir: string): string[] };
  const m = new M(file, undefined);
  m.filename = file;
  m.paths = M._nodeModulePaths(join(__dirname, '..', '..'));
  m._compile(source, file);
  return m.exports.handler();
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'harbor-provider-'));
  text = execFileSync(
    process.execPath,
    ['-r', 'ts-node/register', join(__dirname, 'support', 'serialize-provider.ts')],
    {
      cwd: join(__dirname, '..', '..'),
      encoding: 'utf8',
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  emulator = new HarborEmulator({ adminPassword: ADMIN_PASSWORD });
  emulator.addUser('k8s-puller');
  server = await startEmulatorServer(emulator);
}, 120_000);
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
  expect(emulator.contractViolations).toEqual([]);
});

test('the text holds no secret and requires only node built-ins and undici', () => {
  const required = [...new Set([...text.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]))];
  const builtins = new Set(builtinModules);
  expect(required.filter((r) => !builtins.has(r.replace(/^node:/, '')) && !/^undici(\/|$)/.test(r))).toEqual([]);
  expect(text).toContain('exports.handler');
  expect(text).not.toContain(ADMIN_PASSWORD);
});

test('loaded standalone, it runs the whole lifecycle with the same API budget', async () => {
  const file = join(dir, 'provider.js');
  writeFileSync(file, text);
  const provider = loadLikeTheHost(file, text);
  expect(provider).not.toBe(harborProvider);
  const writes = (): string[] =>
    emulator.requests.filter((r) => r.write).map((r) => `${r.method} ${r.path.replace('/api/v2.0', '')}`);
  const stack = seedResources({ url: server.url, username: 'admin', password: ADMIN_PASSWORD });

  emulator.resetLog();
  await create(provider, stack);
  expect(writes()).toEqual(['POST /projects', 'POST /projects/k8s/members', 'POST /robots']);
  const robot = stack[2];
  expect(robot.outs!.fullName).toBe('robot$k8s+coredns-pull');
  expect(emulator.authorize(robot.outs!.fullName, robot.outs!.secret, 'k8s')).toEqual(['pull']);

  emulator.resetLog();
  expect(await refresh(provider, stack)).toEqual([]);
  expect(Object.values(await up(provider, stack)).map((d) => d.changes)).toEqual([false, false, false]);
  expect(writes()).toEqual([]);

  robot.inputs = {
    ...robot.inputs,
    permissions: [
      {
        kind: 'project',
        namespace: 'k8s',
        access: [
          { resource: 'repository', action: 'pull' },
          { resource: 'repository', action: 'push' },
        ],
      },
    ],
  };
  emulator.resetLog();
  const report = await up(provider, stack);
  expect(report.robot).toMatchObject({ changes: true, replaces: [] });
  expect(writes()).toEqual([`PUT /robots/${robot.id}`]);

  emulator.deleteRobotOutOfBand('robot$k8s+coredns-pull');
  expect(await refresh(provider, stack)).toEqual(['robot']);
  stack.pop();

  emulator.resetLog();
  await destroy(provider, stack);
  expect(writes()).toEqual([
    expect.stringMatching(/^DELETE \/projects\/k8s\/members\/\d+$/),
    expect.stringMatching(/^DELETE \/projects\/\d+$/),
  ]);
  expect(emulator.state().projects).toEqual([]);
}, 120_000);
