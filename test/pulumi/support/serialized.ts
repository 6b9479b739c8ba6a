/**
 * The Harbor dynamic provider as `pulumi up` stores it and as Pulumi's dynamic provider host runs it:
 * - {@link serializeLikePulumiUp}: the provider text, serialized in a child process under ts-node in swc mode (the way
 *   `pulumi up` runs this repository's apps/pulumi), by ./serialize-provider.ts;
 * - {@link hostRun}: a "run" of the host (one per `pulumi` command: a new process), which loads that text like
 *   @pulumi/pulumi cmd/dynamic-provider `getProvider` does (`requireFromString(text).handler()`, requires resolved
 *   from the repository) and configures it once with the raw stack configuration through the host's own `Config`
 *   (`@pulumi/pulumi/cmd/dynamic-provider/config`).
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { dynamic } from '@pulumi/pulumi';
import { Config as DynamicProviderConfig } from '@pulumi/pulumi/cmd/dynamic-provider/config';
import { loadSerializedProvider } from './live-engine';

/** The provider text `pulumi up` stores in this repository (by value: the package is not installed here). */
export function serializeLikePulumiUp(): string {
  return execFileSync(process.execPath, ['-r', 'ts-node/register', join(__dirname, 'serialize-provider.ts')], {
    cwd: join(__dirname, '..', '..', '..'),
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
}

/**
 * One run of the dynamic provider host: the provider deserialized from `text` and configured with `config` (fully
 * qualified keys, secrets decrypted, as the engine sends them) for project `project`.
 */
export async function hostRun(
  text: string,
  config: Readonly<Record<string, string>>,
  project = 'example',
): Promise<dynamic.ResourceProvider> {
  const provider = loadSerializedProvider(text);
  if (provider.configure) await provider.configure({ config: new DynamicProviderConfig({ ...config }, project) });
  return provider;
}
