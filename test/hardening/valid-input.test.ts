/**
 * Valid input at the edges of the rules, on both engines: every case of VALID_INPUTS (./corpus.ts) is accepted.
 * - cdk8s: the construct synthesizes (construction and the chart-wide checks at synthesis);
 * - Pulumi: the component runs under the live engine (the REAL Harbor provider) against a fresh Harbor emulator per
 *   case, which answers as Harbor does (robot name rule, duration bound, swagger contract): the creates succeed, with
 *   the expected number of writes and no contract violation. So the rules are not stricter than Harbor, either.
 */
import { randomBytes } from 'node:crypto';
import { App, Chart } from 'cdk8s';
import * as pulumi from '@pulumi/pulumi';
import { HarborPrivateApp as Cdk8sHarborPrivateApp } from '../../lib/cdk8s';
import { HarborConnection, HarborPrivateApp, HarborPrivateAppArgs } from '../../lib/pulumi';
import type * as KindsModule from '../pulumi/support/kinds';
import { HarborEmulator, startEmulatorServer } from '../lab/harbor-emulator';
import { Config as DynamicProviderConfig } from '@pulumi/pulumi/cmd/dynamic-provider/config';
import { installLiveEngine } from '../pulumi/support/live-engine';
import { CORPUS_MEMBER, VALID_INPUTS, ValidInputCase, validCorpusProps } from './corpus';

// A hang guard only: each case creates an app on its own Harbor; a busy machine may need more than the default.
jest.setTimeout(240_000);

// The provider the engine runs, as a provider host process does: its own copy of the package's modules, configured
// with the stack configuration. The program's copy stays unconfigured, as in a real program, so the provider text it
// serializes (once per process) captures no configuration.
let hostProvider!: typeof KindsModule.harborProviders;
jest.isolateModules(() => {
  hostProvider = (require('../pulumi/support/kinds') as typeof KindsModule).harborProviders;
});
const engine = installLiveEngine({ provider: hostProvider });
const ADMIN_PASSWORD = `adm-${randomBytes(12).toString('hex')}`;

/** The stack configuration with the admin login of `url` (`pulumi config set harborUrl ...`), given to the provider. */
async function loginConfig(url: string): Promise<void> {
  const config = {
    'project:harborUrl': url,
    'project:harborUsername': 'admin',
    'project:harborPassword': ADMIN_PASSWORD,
  };
  engine.setConfig(config, ['project:harborPassword']);
  await hostProvider.configure({ config: new DynamicProviderConfig(config, 'project') });
}

test('the valid corpus has unique ids and covers both engines and each one', () => {
  const ids = VALID_INPUTS.map((c) => c.id);
  expect(new Set(ids).size).toBe(ids.length);
  // Most cases are shared; the props of one engine only have cases of their own.
  expect(VALID_INPUTS.filter((c) => c.engines === 'both').length).toBeGreaterThanOrEqual(15);
  expect(VALID_INPUTS.filter((c) => c.engines === 'cdk8s').length).toBeGreaterThanOrEqual(3);
  expect(VALID_INPUTS.filter((c) => c.engines === 'pulumi').length).toBeGreaterThanOrEqual(3);
});

describe('cdk8s engine accepts and synthesizes every case of its own or shared', () => {
  test.each(VALID_INPUTS.filter((c) => c.engines !== 'pulumi').map((c) => [c.id, c] as const))('%s', (_id, c) => {
    const chart = new Chart(new App(), 'valid');
    new Cdk8sHarborPrivateApp(chart, c.name ?? 'coredns', { ...validCorpusProps(), ...(c.props?.() ?? {}) });
    expect(chart.toJson().length).toBeGreaterThan(0);
  });
});

describe('Pulumi engine accepts every case, and Harbor (the emulator) takes what it creates', () => {
  const warn = jest.spyOn(pulumi.log, 'warn').mockImplementation(() => Promise.resolve());
  afterAll(() => warn.mockRestore());

  const cases = VALID_INPUTS.filter((c) => c.engines !== 'cdk8s');
  test.each(cases.map((c, i) => [c.id, c, i] as const))('%s', async (_id, c: ValidInputCase, i) => {
    const emulator = new HarborEmulator({ adminPassword: ADMIN_PASSWORD });
    for (const user of [CORPUS_MEMBER, ...(c.users ?? [])]) emulator.addUser(user);
    const server = await startEmulatorServer(emulator);
    try {
      await loginConfig(server.url);
      const args: HarborPrivateAppArgs = {
        ...validCorpusProps(),
        // Not about the registry: no pull check (test/lab/preflight-pulumi.test.ts covers it); a case may set its own.
        preflight: { pull: false },
        ...(c.props?.() ?? {}),
        ...(c.tuning ? { connection: HarborConnection.fromConfig('harbor', c.tuning()) } : {}),
      };
      // Each case its own resource names (the mock engine keeps every registration of the file).
      new HarborPrivateApp(c.name ? `${c.name}-${i}` : `valid-${i}`, args);
      await engine.settled(`valid case ${c.id}`);
      expect(engine.errors).toEqual([]);
      expect(emulator.requests.filter((r) => r.write).map((r) => r.status)).toEqual(
        Array.from({ length: c.writes ?? 3 }, () => 201),
      );
      expect(emulator.contractViolations).toEqual([]);
    } finally {
      await server.close();
    }
  });
});
