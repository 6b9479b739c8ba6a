/**
 * Pulumi's own dynamic provider host (support/real-host.ts) and what crosses it:
 * - the harness is the real thing: the installed @pulumi/pulumi's host, in a process of its own, and its wire (a
 *   result holding `undefined` fails there with `Unexpected struct type.`, after the provider did its work);
 * - the provider boundary (lib/pulumi/providers/wire.ts, boundary.ts `ProviderBoundary`) keeps every result on the wire;
 * - a robot WITHOUT rotation is updated in place through the host (description, duration, permissions, enabled
 *   again), and the next `up` finds nothing to do (its new state was stored);
 * - an import (a read handed only the id) and a refresh refused with Harbor's 401 say what to do.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { onTheWire, WireValueError } from '../../lib/pulumi/providers/wire';
import { harborProviders } from './support/kinds';
import { STORED_CONFIGURATION_HINT } from '../../lib/pulumi/providers/boundary';
import { emulatorPerTest } from '../lab/emulator-per-test';
import { create, refresh, seedStack, up, failure, findResource } from './support/lifecycle';
import { startRealHost } from './support/real-host';
import { hostRun, serializeLikePulumiUp, type ProviderTexts } from './support/serialized';
import { assertOnTheWire, wireChecked } from './support/wire-check';

const ROOT = join(__dirname, '..', '..');
const PASSWORD = `Pw-${randomBytes(9).toString('hex')}`;
/** A provider whose update returns `undefined` in its outputs, as robot-provider.ts once did for `generation`. */
const UNDEFINED_IN_UPDATE = `exports.handler = () => ({
  async create(inputs) { return { id: 'r1', outs: { a: 1 } }; },
  async update(id, olds, news) { return { outs: { a: 2, generation: undefined } }; },
});`;

let texts: ProviderTexts;
const emu = emulatorPerTest({ adminPassword: PASSWORD }, (e) => e.addUser('k8s-puller'));

const login = (password = PASSWORD): Record<string, string> => ({
  'example:harborUsername': 'admin',
  'example:harborPassword': password,
});
const find = findResource;
const writes = (): string[] => emu.emulator.calls((r) => r.write);

beforeAll(() => {
  texts = serializeLikePulumiUp();
});

describe('the host is the real one', () => {
  test("the installed @pulumi/pulumi's host, in its own process, configured with the stack configuration", async () => {
    const installed = JSON.parse(
      readFileSync(join(ROOT, 'node_modules', '@pulumi', 'pulumi', 'package.json'), 'utf8'),
    ) as { version: string };
    const host = await startRealHost({ cwd: ROOT, config: { 'example:answer': '42' }, project: 'example' });
    try {
      expect(host.pulumiVersion).toBe(installed.version);
      expect(host.pid).not.toBe(process.pid);
      const reads = `exports.handler = () => ({
        async configure(req) { this.answer = req.config.get('answer'); },
        async create() { return { id: 'c1', outs: { answer: this.answer } }; },
      });`;
      expect(await host.create({ __provider: reads })).toEqual({
        id: 'c1',
        outs: { answer: '42', __provider: reads },
      });
    } finally {
      await host.close();
    }
  });

  test('a result holding undefined fails in the host AFTER the provider ran; the in-process check names it', async () => {
    const host = await startRealHost({ cwd: ROOT });
    try {
      const created = await host.create({ __provider: UNDEFINED_IN_UPDATE });
      expect(created.outs).toEqual({ a: 1, __provider: UNDEFINED_IN_UPDATE });
      const error = await failure(host.update('r1', created.outs, { __provider: UNDEFINED_IN_UPDATE }));
      expect(error.message).toBe('Unexpected struct type.');
    } finally {
      await host.close();
    }
    // The same provider called in this process: the wire check fails the call, naming the operation and the value.
    const inProcess = wireChecked({
      create: async () => ({ id: 'r1', outs: { a: 1 } }),
      update: async () => ({ outs: { a: 2, generation: undefined } }),
    });
    await expect(inProcess.update!('r1', {}, {})).rejects.toThrow(
      /wire check: the provider's update result cannot cross .*"generation":"<undefined>"/,
    );
    // NaN crosses as something else: caught too.
    expect(() => assertOnTheWire('create', { n: [1, NaN] })).toThrow(
      /a number the engine cannot store at result.n\[1\]/,
    );
  });
});

describe('the provider boundary keeps results on the wire (lib/pulumi/providers/wire.ts)', () => {
  test('undefined properties are left out, as the wire would; what it cannot carry is refused by path', () => {
    expect(onTheWire({ outs: { a: 1, b: undefined, c: { d: undefined, e: [1, { f: undefined }] } } })).toEqual({
      outs: { a: 1, c: { e: [1, {}] } },
    });
    for (const [value, kind] of [
      [NaN, 'NaN'],
      [Infinity, 'Infinity'],
      [new Date(0), 'a Date instance'],
      [BigInt(1), 'a bigint'],
      [() => 1, 'a function'],
    ] as const) {
      expect(() => onTheWire({ outs: { x: [0, value] } })).toThrow(WireValueError);
      expect(() => onTheWire({ outs: { x: [0, value] } })).toThrow(`holds ${kind} at result.outs.x[1]`);
    }
    expect(() => onTheWire({ outs: { x: [undefined] } })).toThrow('holds undefined at result.outs.x[0]');
  });
});

describe('a robot without rotation, updated in place through the host', () => {
  test('description, duration, permissions, and enabled again: one PUT each, the state stored, then no change', async () => {
    const stack = seedStack({ url: emu.url, config: 'example:harbor' }, { providers: texts });
    const run = await hostRun(texts, login());
    await create(run, stack);
    const robot = find(stack, 'robot');
    const { id } = robot;
    const secret = robot.outs!.secret as string;
    expect(robot.outs).not.toHaveProperty('generation');
    const inHarbor = () => emu.emulator.state().robots.find((r) => r.id === Number(id))!;

    const changes: Array<[string, Record<string, any>]> = [
      ['description', { description: 'coredns pulls, owned by the platform team' }],
      ['duration', { durationDays: 90 }],
      [
        'permissions',
        {
          permissions: [
            {
              kind: 'project',
              namespace: 'k8s',
              access: [
                { resource: 'repository', action: 'pull' },
                { resource: 'artifact', action: 'read' },
              ],
            },
          ],
        },
      ],
    ];
    for (const [what, change] of changes) {
      robot.inputs = { ...robot.inputs, ...change };
      emu.emulator.resetLog();
      const report = await up(run, stack);
      expect([what, report.robot]).toEqual([what, { changes: true, replaces: [], deleteBeforeReplace: false }]);
      expect([what, writes()]).toEqual([what, [`PUT /robots/${id}`]]);
      expect([what, robot.id, robot.outs!.secret]).toEqual([what, id, secret]);
      // Stored: the next up has nothing to do.
      emu.emulator.resetLog();
      expect([what, Object.values(await up(run, stack)).map((d) => d.changes)]).toEqual([
        what,
        [false, false, false, false],
      ]);
      expect(writes()).toEqual([]);
    }
    expect(inHarbor().description).toBe('coredns pulls, owned by the platform team');
    // 90 days from now (Harbor counts a duration from the robot's creation: the provider adds its age).
    expect(inHarbor().expiresAt * 1000).toBeGreaterThanOrEqual(Date.now() + 89.9 * 86_400_000);
    expect(robot.outs!.expiresAt).toBe(inHarbor().expiresAt);
    expect(inHarbor().permissions[0].access).toHaveLength(2);

    // Disabled in Harbor: refresh reads it, the next up enables it again in place.
    emu.emulator.setRobotDisabled(robot.outs!.fullName as string, true);
    expect(await refresh(run, stack)).toEqual([]);
    expect(robot.outs!.disabled).toBe(true);
    emu.emulator.resetLog();
    expect((await up(run, stack)).robot.changes).toBe(true);
    expect(writes()).toEqual([`PUT /robots/${id}`]);
    expect(inHarbor().disabled).toBe(false);
    expect(robot.outs!.disabled).toBe(false);
    expect(Object.values(await up(run, stack)).map((d) => d.changes)).toEqual([false, false, false, false]);
  });
});

describe('what the host cannot do, said plainly', () => {
  test('an import (a read handed only the id) names adopt and the README section, before any request', async () => {
    const run = await hostRun(texts, login());
    emu.emulator.resetLog();
    for (const read of [() => run.read('12', {}), () => harborProviders.read('12', {})]) {
      const error = await failure(read());
      expect(error.message).toMatch(
        /cannot import "12": .*Fix: declare the app with adopt instead .*project: \{ name, adopt: true \}.*docs\/operations\.md, "Adopting existing objects"/,
      );
    }
    expect(emu.emulator.requests).toEqual([]);
  });

  test('a refresh on the stored configuration after the password changed: the 401 says why and what to do', async () => {
    const stack = seedStack({ url: emu.url, config: 'example:harbor' }, { providers: texts });
    await create(await hostRun(texts, login()), stack);
    emu.emulator.setUserPassword('admin', `Pw-${randomBytes(9).toString('hex')}`);
    const error = await failure(refresh(await hostRun(texts, login()), stack));
    expect(error.message).toMatch(/HTTP 401/);
    expect(error.message).toContain(STORED_CONFIGURATION_HINT);
    expect(error.message).not.toContain(PASSWORD);
  });
});
