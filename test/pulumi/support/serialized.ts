/**
 * The dynamic providers as `pulumi up` stores them and as Pulumi's dynamic provider host runs them:
 * - {@link serializeLikePulumiUp}: the provider texts (the Harbor provider of projects, members and robots, the robot
 *   login's own and the robot rotation's own), serialized in a child process under ts-node in swc mode (the way `pulumi up` runs this
 *   repository's apps/pulumi), by ./serialize-provider.ts;
 * - {@link hostRun}: a "run" of the host (one per `pulumi` command: a new process), which loads each text like
 *   @pulumi/pulumi cmd/dynamic-provider `getProvider` does (`requireFromString(text).handler()`, requires resolved
 *   from the repository) and configures it once with the raw stack configuration through the host's own `Config`
 *   (`@pulumi/pulumi/cmd/dynamic-provider/config`). The host picks a resource's provider by its `__provider` text;
 *   the run returned does it by `resourceKind` (a robot login, a robot rotation, or the rest).
 */
import { unpackState } from '../../../lib/pulumi/state-shape';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { dynamic } from '@pulumi/pulumi';
import { Config as DynamicProviderConfig } from '@pulumi/pulumi/cmd/dynamic-provider/config';
import { loadSerializedProvider } from './live-engine';

/** The provider texts `pulumi up` stores. */
export interface ProviderTexts {
  /** The Harbor provider's (projects, members, robots). */
  readonly harbor: string;
  /** The robot login's. */
  readonly login: string;
  /** The robot rotation's (older callers may leave it out). */
  readonly rotation?: string;
}

/** The provider texts `pulumi up` stores in this repository (by value: the package is not installed here). */
export function serializeLikePulumiUp(): ProviderTexts {
  return JSON.parse(
    execFileSync(process.execPath, ['-r', 'ts-node/register', join(__dirname, 'serialize-provider.ts')], {
      cwd: join(__dirname, '..', '..', '..'),
      encoding: 'utf8',
      maxBuffer: 16 * 1024 * 1024,
    }),
  ) as ProviderTexts;
}

/**
 * One run of the dynamic provider host: the providers deserialized from `texts`, each configured with `config` (fully
 * qualified keys, secrets decrypted, as the engine sends them) for project `project`, behind one object that hands
 * each call to the provider of the resource's kind.
 */
export async function hostRun(
  texts: ProviderTexts,
  config: Readonly<Record<string, string>>,
  project = 'example',
): Promise<dynamic.ResourceProvider> {
  const load = async (text: string): Promise<dynamic.ResourceProvider> => {
    const provider = loadSerializedProvider(text);
    if (provider.configure) await provider.configure({ config: new DynamicProviderConfig({ ...config }, project) });
    return provider;
  };
  const harbor = await load(texts.harbor);
  const login = await load(texts.login);
  const rotation = texts.rotation !== undefined ? await load(texts.rotation) : harbor;
  const of = (props: unknown): dynamic.ResourceProvider => {
    // Either layout (lib/pulumi/state-shape.ts): the kind may be under `spec`.
    const kind = (unpackState(props as Record<string, unknown> | undefined) as { resourceKind?: unknown } | undefined)
      ?.resourceKind;
    return kind === 'robotLogin' ? login : kind === 'robotRotation' ? rotation : harbor;
  };
  return {
    create: (inputs) => of(inputs).create(inputs),
    read: (id, props) => of(props).read!(id, props),
    diff: (id, olds, news) => of(news).diff!(id, olds, news),
    update: (id, olds, news) => of(news).update!(id, olds, news),
    delete: (id, props) => of(props).delete!(id, props),
  };
}
