/**
 * Bad input, on both engines: every case of ./corpus.ts is rejected at construction with a HarborPrivateAppError that
 * names the field, shows the value and says the fix, before anything happens:
 * - cdk8s: the construct throws and the chart holds no object;
 * - Pulumi: the component throws under the live engine (the REAL Harbor provider, against a running Harbor
 *   emulator) with zero resources registered and an emulator request log that stays EMPTY. A valid control case in
 *   the same harness then makes exactly 3 writes (project, member, robot), so the harness provably sees calls.
 */

import { randomBytes } from 'node:crypto';
import { App, Chart } from 'cdk8s';
import { HarborPrivateApp as Cdk8sHarborPrivateApp } from '../../lib/cdk8s';
import { HarborPrivateAppError } from '../../lib/core';
import { HarborConnection, HarborPrivateApp, HarborPrivateAppArgs } from '../../lib/pulumi';
import type * as KindsModule from '../pulumi/support/kinds';
import { HarborEmulator, startEmulatorServer } from '../lab/harbor-emulator';
import { Config as DynamicProviderConfig } from '@pulumi/pulumi/cmd/dynamic-provider/config';
import { installLiveEngine } from '../pulumi/support/live-engine';
import { BAD_INPUTS, BadInputCase, CORPUS_MEMBER, CORPUS_PLANTED, validCorpusProps } from './corpus';

// The provider the engine runs, as a provider host process does: its own copy of the package's modules, configured
// with the stack configuration. The program's copy stays unconfigured, as in a real program, so the provider text it
// serializes (once per process) captures no configuration.
let hostProvider!: typeof KindsModule.harborProviders;
jest.isolateModules(() => {
  hostProvider = (require('../pulumi/support/kinds') as typeof KindsModule).harborProviders;
});
const engine = installLiveEngine({ provider: hostProvider });
const ADMIN_PASSWORD = `adm-${randomBytes(12).toString('hex')}`;

function errorOf(what: string, fn: () => unknown): HarborPrivateAppError {
  try {
    fn();
  } catch (e) {
    if (e instanceof HarborPrivateAppError) return e;
    throw new Error(
      `${what}: expected a HarborPrivateAppError, got ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`,
      { cause: e },
    );
  }
  throw new Error(`${what}: was accepted; expected a HarborPrivateAppError`);
}

/** Field, value and fix, all three, plus the texts that must never be echoed. */
function expectNamesFieldValueFix(e: HarborPrivateAppError, c: BadInputCase): void {
  expect(e.field).toBe(c.field);
  expect(e.message).toContain(`${c.field} = `);
  expect(e.message).toContain(c.shown);
  expect(e.message).toContain(`Fix: ${e.fix}`);
  expect(e.fix).toMatch(c.fix);
  for (const text of c.neverShown ?? []) {
    expect(e.message).not.toContain(text);
    expect(e.value).not.toContain(text);
    expect(e.fix).not.toContain(text);
  }
}

const both = BAD_INPUTS.filter((c) => c.engines === 'both');
const cdk8sCases = BAD_INPUTS.filter((c) => c.engines !== 'pulumi');
const pulumiCases = BAD_INPUTS.filter((c) => c.engines !== 'cdk8s');

describe('the corpus', () => {
  test('holds at least 30 distinct mistakes with unique ids, covering both engines and the Pulumi connection', () => {
    const ids = BAD_INPUTS.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(both.length).toBeGreaterThanOrEqual(30);
    expect(BAD_INPUTS.filter((c) => c.engines === 'pulumi').length).toBeGreaterThanOrEqual(5);
    expect(BAD_INPUTS.filter((c) => c.engines === 'cdk8s').length).toBeGreaterThanOrEqual(5);
    // Every case alters something (props, the stack configuration or the connection).
    for (const c of BAD_INPUTS) {
      expect(c.props !== undefined || c.config !== undefined || c.tuning !== undefined).toBe(true);
    }
  });

  test('the valid props are accepted by the cdk8s construct (so each case fails for its own mistake only)', () => {
    const chart = new Chart(new App(), 'valid');
    new Cdk8sHarborPrivateApp(chart, 'coredns', validCorpusProps());
    expect(chart.toJson().length).toBeGreaterThan(0);
  });
});

describe('cdk8s engine rejects every case of its own or shared at construction', () => {
  const messages = new Map<string, string>();

  test.each(cdk8sCases.map((c) => [c.id, c] as const))('%s', (_id, c) => {
    const chart = new Chart(new App(), 'bad');
    const e = errorOf(
      c.id,
      () => new Cdk8sHarborPrivateApp(chart, 'coredns', { ...validCorpusProps(), ...c.props!() }),
    );
    expectNamesFieldValueFix(e, c);
    // Nothing was emitted.
    expect(chart.toJson()).toEqual([]);
    messages.set(c.id, e.message);
  });

  test('every case gets its own message (the mistakes are distinct)', () => {
    expect(messages.size).toBe(cdk8sCases.length);
    expect(new Set(messages.values()).size).toBe(cdk8sCases.length);
  });
});

describe('Pulumi engine rejects every case before any registration or API call (live engine, Harbor emulator)', () => {
  let emulator: HarborEmulator;
  let server: { url: string; close(): Promise<void> };
  const messages = new Map<string, string>();

  beforeAll(async () => {
    emulator = new HarborEmulator({ adminPassword: ADMIN_PASSWORD });
    emulator.addUser(CORPUS_MEMBER);
    server = await startEmulatorServer(emulator);
  });
  afterAll(async () => {
    await server?.close();
  });

  /** The case's args, with the stack configuration set: the admin login of the emulator, with the case's changes. */
  const argsFor = (c: BadInputCase): HarborPrivateAppArgs => {
    const config: Record<string, string | undefined> = {
      harborUrl: server.url,
      harborUsername: 'admin',
      harborPassword: ADMIN_PASSWORD,
      ...(c.config?.() ?? {}),
    };
    const stack = Object.fromEntries(
      Object.entries(config)
        .filter((e): e is [string, string] => e[1] !== undefined)
        .map(([k, v]) => [`project:${k}`, v]),
    );
    engine.setConfig(stack, ['project:harborPassword']);
    // What the dynamic provider host does before any operation (only the control case reaches Harbor).
    void hostProvider.configure({ config: new DynamicProviderConfig(stack, 'project') });
    return {
      ...validCorpusProps(),
      // Not about the registry: no pull check (test/lab/preflight-pulumi.test.ts covers it).
      preflight: { pull: false },
      ...(c.props?.() ?? {}),
      ...(c.tuning ? { connection: HarborConnection.fromConfig('harbor', c.tuning() as never) } : {}),
    };
  };

  test.each(pulumiCases.map((c) => [c.id, c] as const))('%s', async (_id, c) => {
    // Same name as the cdk8s construct: the messages must then be identical.
    const e = errorOf(c.id, () => new HarborPrivateApp('coredns', argsFor(c)));
    expectNamesFieldValueFix(e, c);
    if (c.engines === 'both') {
      // One rule, one message: the Pulumi component says exactly what the cdk8s construct says.
      const cdk8s = errorOf(
        c.id,
        () =>
          new Cdk8sHarborPrivateApp(new Chart(new App(), 'parity'), 'coredns', {
            ...validCorpusProps(),
            ...c.props!(),
          }),
      );
      expect(e.message).toBe(cdk8s.message);
    }
    await engine.settled(`rejected case ${c.id}`);
    expect(engine.registrations).toEqual([]);
    expect(emulator.requests).toEqual([]);
    messages.set(c.id, e.message);
  });

  test('every case gets its own message', () => {
    expect(messages.size).toBe(pulumiCases.length);
    expect(new Set(messages.values()).size).toBe(pulumiCases.length);
  });

  test('control: the valid props in the same harness register resources and make exactly 3 writes', async () => {
    const app = new HarborPrivateApp(
      'control',
      argsFor({ id: 'control', mistake: '', engines: 'both', props: () => ({}), field: '', shown: '', fix: /./ }),
    );
    await engine.settled('the control app');
    expect(engine.errors).toEqual([]);
    expect(engine.registrations.length).toBeGreaterThanOrEqual(6);
    expect(engine.byType('harbor-private-app:index:HarborPrivateApp', 'control')).toHaveLength(1);
    expect(emulator.requests.filter((r) => r.write).map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      'POST /api/v2.0/projects 201',
      'POST /api/v2.0/projects/k8s/members 201',
      'POST /api/v2.0/robots 201',
    ]);
    expect(emulator.contractViolations).toEqual([]);
    expect(await new Promise((resolve) => app.projectId.apply(resolve))).toBe(emulator.state().projects[0].id);
  });
});

test('a URL with user info is never echoed with it, even when the password holds "@"', () => {
  const password = `p@${randomBytes(6).toString('hex')}`;
  const e = new HarborPrivateAppError({
    field: 'harbor.url',
    value: `https://admin:${password}@harbor.example.com/x`,
    problem: `cannot reach https://admin:${password}@harbor.example.com`,
    fix: 'x',
  });
  expect(e.message).not.toContain(password.slice(2));
  expect(e.value).toBe('"https://***@harbor.example.com/x"');
  expect(e.message).toContain('cannot reach https://***@harbor.example.com.');
});

// The planted values are random per run: they can only appear in a message if it echoes the input.
test('planted credentials are random per run', () => {
  expect(CORPUS_PLANTED.urlPassword).toMatch(/^urlpw[0-9a-f]{18}$/);
  expect(CORPUS_PLANTED.literalPassword).not.toBe(CORPUS_PLANTED.urlPassword);
  expect(CORPUS_PLANTED.strayPassword).toMatch(/^strpw[0-9a-f]{18}$/);
});
