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
import { HarborPrivateApp, HarborPrivateAppProps } from '../../lib/pulumi';
import { Config as DynamicProviderConfig } from '@pulumi/pulumi/cmd/dynamic-provider/config';
import { harborProvider } from '../../lib/pulumi/providers/harbor-provider';
import { HarborEmulator, startEmulatorServer } from '../lab/harbor-emulator';
import { installLiveEngine } from '../pulumi/support/live-engine';
import { CORPUS_MEMBER, VALID_INPUTS, ValidInputCase, validCorpusProps } from './corpus';

// A hang guard only: each case creates an app on its own Harbor; a busy machine may need more than the default.
jest.setTimeout(240_000);

const engine = installLiveEngine({ provider: harborProvider });
const ADMIN_PASSWORD = `adm-${randomBytes(12).toString('hex')}`;

test('the valid corpus has unique ids and covers both engines', () => {
  const ids = VALID_INPUTS.map((c) => c.id);
  expect(new Set(ids).size).toBe(ids.length);
  expect(VALID_INPUTS.filter((c) => c.engines === 'both').length).toBeGreaterThanOrEqual(20);
});

describe('cdk8s engine accepts and synthesizes every shared case', () => {
  test.each(VALID_INPUTS.filter((c) => c.engines === 'both').map((c) => [c.id, c] as const))('%s', (_id, c) => {
    const chart = new Chart(new App(), 'valid');
    new Cdk8sHarborPrivateApp(chart, c.name ?? 'coredns', { ...validCorpusProps(), ...(c.props?.() ?? {}) });
    expect(chart.toJson().length).toBeGreaterThan(0);
  });
});

describe('Pulumi engine accepts every case, and Harbor (the emulator) takes what it creates', () => {
  const warn = jest.spyOn(pulumi.log, 'warn').mockImplementation(() => Promise.resolve());
  afterAll(() => warn.mockRestore());

  test.each(VALID_INPUTS.map((c, i) => [c.id, c, i] as const))('%s', async (_id, c: ValidInputCase, i) => {
    const emulator = new HarborEmulator({ adminPassword: ADMIN_PASSWORD });
    for (const user of [CORPUS_MEMBER, ...(c.users ?? [])]) emulator.addUser(user);
    const server = await startEmulatorServer(emulator);
    try {
      const props: HarborPrivateAppProps = {
        ...validCorpusProps(),
        // Not about the registry: no pull check (test/lab/preflight-pulumi.test.ts covers it); a case may set its own.
        preflight: { pull: false },
        ...(c.props?.() ?? {}),
      };
      // The login the default connection reads, on this case's Harbor; the provider runs in-process here, so it is
      // configured as the dynamic provider host configures it before any operation.
      const config = {
        'project:harborUrl': server.url,
        'project:harborUsername': 'admin',
        'project:harborPassword': ADMIN_PASSWORD,
      };
      engine.setConfig(config, ['project:harborPassword']);
      await harborProvider.configure({ config: new DynamicProviderConfig(config, 'project') });
      // Each case its own resource names (the mock engine keeps every registration of the file).
      new HarborPrivateApp(c.name ? `${c.name}-${i}` : `valid-${i}`, props);
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
