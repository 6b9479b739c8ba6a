import * as pulumi from '@pulumi/pulumi';
import type { HarborConnectionArgs } from '../../lib/pulumi';

/** The stack configuration keys of the program (declared, with their types, in Pulumi.yaml). */
export const CONFIG_KEYS = {
  url: 'harborUrl',
  username: 'harborUsername',
  password: 'harborPassword',
  caBundle: 'harborCaBundle',
} as const;

/**
 * The Harbor connection from the stack configuration, in the project's namespace (`new pulumi.Config()`):
 * `harborUrl`, `harborUsername`, `harborPassword` (declared `secret: true` in Pulumi.yaml, read as a secret) and
 * `harborCaBundle` (optional).
 *
 * Pulumi enforces `secret: true` when it runs the project; this program insists on it too, so that a password stored
 * in clear text is refused however the program is run.
 * @throws Error when harborPassword is set without `--secret`, or a required key is missing.
 */
export function harborConnectionFromConfig(): HarborConnectionArgs {
  const config = new pulumi.Config();
  const passwordKey = `${pulumi.getProject()}:${CONFIG_KEYS.password}`;
  const isConfigSecret = (pulumi.runtime as unknown as { isConfigSecret?: (key: string) => boolean }).isConfigSecret;
  if (isConfigSecret && pulumi.runtime.getConfig(passwordKey) !== undefined && !isConfigSecret(passwordKey)) {
    throw new Error(
      `${CONFIG_KEYS.password} is stored in clear text in the stack configuration. Fix: pulumi config set --secret ${CONFIG_KEYS.password}`,
    );
  }
  const caBundle = config.get(CONFIG_KEYS.caBundle);
  return {
    url: config.get(CONFIG_KEYS.url),
    username: config.require(CONFIG_KEYS.username),
    password: config.requireSecret(CONFIG_KEYS.password),
    ...(caBundle ? { caBundle } : {}),
  };
}
