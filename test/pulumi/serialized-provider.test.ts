/**
 * The Harbor dynamic provider in the form Pulumi stores it when it runs this repository's own program: serialized in a
 * child process under ts-node in swc mode, as `pulumi up` runs apps/pulumi (support/serialize-provider.ts), exactly as
 * `pulumi.dynamic.Resource` does (`serializeFunction(() => provider, { allowSecrets: true })`; here, outside
 * node_modules, by value), and loaded standalone the way Pulumi's dynamic provider host loads it
 * (`requireFromString(text).handler()`: a fresh module whose requires resolve from the program's directory), configured
 * with the stack configuration like the host does, then driven through create/read/diff/update/delete against the
 * emulator.
 */
import { randomBytes } from 'node:crypto';
import { builtinModules } from 'node:module';
import { HarborEmulator, startEmulatorServer } from '../lab/harbor-emulator';
import { harborProjectProvider } from '../../lib/pulumi/dynamic-provider';
import { HARBOR_KINDS } from './support/kinds';
import { create, destroy, refresh, seedStack, up } from './support/lifecycle';
import { hostRun, ProviderTexts, serializeLikePulumiUp } from './support/serialized';

const ADMIN_PASSWORD = randomBytes(12).toString('hex');
let texts: ProviderTexts;
let emulator: HarborEmulator;
let server: { url: string; close(): Promise<void> };

beforeAll(async () => {
  texts = serializeLikePulumiUp();
  emulator = new HarborEmulator({ adminPassword: ADMIN_PASSWORD });
  emulator.addUser('k8s-puller');
  server = await startEmulatorServer(emulator);
});
afterAll(async () => {
  await server?.close();
  expect(emulator.contractViolations).toEqual([]);
});

test('the texts hold no secret and require only node built-ins and undici; each hands over its own kind', () => {
  const builtins = new Set(builtinModules);
  for (const kind of HARBOR_KINDS) {
    const text = texts[kind];
    const required = [...new Set([...text.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]))];
    expect([kind, required.filter((r) => !builtins.has(r.replace(/^node:/, '')) && !/^undici(\/|$)/.test(r))]).toEqual([
      kind,
      [],
    ]);
    expect(text).toContain('exports.handler');
    expect(text).not.toContain(ADMIN_PASSWORD);
  }
  // One serialization of every provider (they share the Harbor client), each kind's text ending with the line that
  // hands over its own provider: the texts differ there only.
  const body = (text: string): string => text.slice(0, text.lastIndexOf('\n// harbor-private-app: this resource'));
  expect(new Set(HARBOR_KINDS.map((k) => body(texts[k]))).size).toBe(1);
  expect(new Set(HARBOR_KINDS.map((k) => texts[k])).size).toBe(HARBOR_KINDS.length);
});

test('loaded and configured like the host, it runs the whole lifecycle with the same API budget', async () => {
  const provider = await hostRun(texts, {
    'example:harborUsername': 'admin',
    'example:harborPassword': ADMIN_PASSWORD,
  });
  expect(provider).not.toBe(harborProjectProvider);
  const writes = (): string[] => emulator.calls((r) => r.write);
  const stack = seedStack({ url: server.url, config: 'example:harbor' });

  emulator.resetLog();
  await create(provider, stack);
  expect(writes()).toEqual(['POST /projects', 'POST /projects/k8s/members', 'POST /robots']);
  const robot = stack[2];
  expect(robot.outs!.fullName).toBe('robot$k8s+coredns-pull');
  expect(emulator.authorize(robot.outs!.fullName, robot.outs!.secret, 'k8s')).toEqual(['pull']);
  expect(stack[3].outs).toMatchObject({ fullName: robot.outs!.fullName, secret: robot.outs!.secret });
  expect(JSON.stringify(stack.map((r) => [r.inputs, r.outs]))).not.toContain(ADMIN_PASSWORD);

  emulator.resetLog();
  expect(await refresh(provider, stack)).toEqual([]);
  expect(Object.values(await up(provider, stack)).map((d) => d.changes)).toEqual([false, false, false, false]);
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
  expect(report.robotLogin).toMatchObject({ changes: false });
  expect(writes()).toEqual([`PUT /robots/${robot.id}`]);

  emulator.deleteRobotOutOfBand('robot$k8s+coredns-pull');
  expect(await refresh(provider, stack)).toEqual(['robot']);
  stack.splice(2, 1);

  emulator.resetLog();
  await destroy(provider, stack);
  expect(writes()).toEqual([
    expect.stringMatching(/^DELETE \/projects\/k8s\/members\/\d+$/),
    expect.stringMatching(/^DELETE \/projects\/\d+$/),
  ]);
  expect(emulator.state().projects).toEqual([]);
});
