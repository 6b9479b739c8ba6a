/**
 * The dynamic providers as `pulumi up` stores them and as Pulumi's dynamic provider host runs them:
 * - {@link serializeLikePulumiUp}: the provider text of each kind of Harbor resource, serialized in a child process
 *   under ts-node in swc mode (the way `pulumi up` runs this repository's apps/pulumi), by ./serialize-provider.ts;
 * - {@link hostRun}: a "run" of the host (one per `pulumi` command: a new process): Pulumi's own dynamic provider
 *   host, which loads each text (`requireFromString(text).handler()`, requires resolved from the repository) and
 *   configures it once with the stack configuration. The host picks a resource's provider by its `__provider` text.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { dynamic } from '@pulumi/pulumi';
import { PROVIDER_KEY } from './live-engine';
import { startRealHost, type RealHost } from './real-host';
import { type HarborKind, kindOf } from './kinds';

/** The program's directory: the repository (where `pulumi up` runs this repository's apps/pulumi). */
const REPO_ROOT = join(__dirname, '..', '..', '..');

/** The provider texts `pulumi up` stores, by kind of Harbor resource. */
export type ProviderTexts = Readonly<Record<HarborKind, string>>;

/** The provider texts `pulumi up` stores in this repository (by value: the package is not installed here). */
export function serializeLikePulumiUp(): ProviderTexts {
  return JSON.parse(
    execFileSync(process.execPath, ['-r', 'ts-node/register', join(__dirname, 'serialize-provider.ts')], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      maxBuffer: 16 * 1024 * 1024,
    }),
  ) as ProviderTexts;
}

/** A run of the host: every operation of a dynamic provider, each a call to the host. */
export type HostRun = Required<
  Pick<dynamic.ResourceProvider, 'check' | 'create' | 'read' | 'diff' | 'update' | 'delete'>
>;

/** The hosts {@link hostRun} started for the running test (lifetime `'test'`): stopped after it. */
const runs = new Set<RealHost>();
declare const afterEach: ((fn: () => Promise<void>) => void) | undefined;
if (typeof afterEach === 'function') {
  afterEach(async () => {
    const ending = [...runs];
    runs.clear();
    await Promise.all(ending.map((h) => h.close()));
  });
}

/**
 * One run of the dynamic provider host: Pulumi's own host process (./real-host.ts), started in the repository and
 * configured with `config` (fully qualified keys, as the engine sends them) for project `project`. Every call goes to
 * it over gRPC, with the provider text the resource carries (`__provider`); a resource written without one (the
 * lifecycle helpers' plain inputs) gets the text of its kind (./kinds.ts), as every registration carries its provider's text.
 * A run lives for the running test (`lifetime: 'test'`), or for the test file (`'file'`: one host serving many
 * operations, as one serves a whole `pulumi up`; for suites of many short tests that share the configuration).
 */
export async function hostRun(
  texts: ProviderTexts,
  config: Readonly<Record<string, string>>,
  project = 'example',
  lifetime: 'test' | 'file' = 'test',
): Promise<HostRun> {
  const host = await startRealHost({ cwd: REPO_ROOT, config, project });
  if (lifetime === 'test') runs.add(host);
  const withText = (props: unknown): Record<string, any> => {
    const p = (props ?? {}) as Record<string, any>;
    if (typeof p[PROVIDER_KEY] === 'string') return p;
    return { ...p, [PROVIDER_KEY]: texts[kindOf(p)] };
  };
  return {
    check: (olds, news) => host.check(withText(olds), withText(news)),
    create: (inputs) => host.create(withText(inputs)),
    read: (id, props) => host.read(id, withText(props)),
    diff: (id, olds, news) => host.diff(id, withText(olds), withText(news)),
    update: (id, olds, news) => host.update(id, withText(olds), withText(news)),
    delete: (id, props) => host.delete(id, withText(props)),
  };
}

/**
 * Gives each test of the file a new {@link hostRun} (a new `pulumi` run) of the provider texts `pulumi up` stores for
 * this repository's program, configured with `config`: hands it to `use` before each test.
 */
export function hostPerTest(
  use: (run: HostRun) => void,
  config: Readonly<Record<string, string>> | (() => Readonly<Record<string, string>>) = {},
): void {
  let texts: ProviderTexts;
  beforeAll(() => {
    texts = serializeLikePulumiUp();
  });
  beforeEach(async () => {
    use(await hostRun(texts, typeof config === 'function' ? config() : config));
  });
}
