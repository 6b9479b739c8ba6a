import * as pulumi from '@pulumi/pulumi';
import type { HarborConnectionArgs } from '../../lib/pulumi';

/**
 * The Harbor connection from the stack configuration (`new pulumi.Config('harbor')`): `harbor:url` (optional),
 * `harbor:username`, `harbor:password` (a secret) and `harbor:caBundle` (optional).
 *
 * Pulumi.yaml cannot type keys outside the project's namespace (a `secret: true` on "harbor:password" is refused when
 * the project loads), so this insists on it instead: a password stored in clear text is refused.
 * @throws Error when harbor:password is set without `--secret`, or a required key is missing.
 */
export function harborConnectionFromConfig(): HarborConnectionArgs {
  const config = new pulumi.Config('harbor');
  const isConfigSecret = (pulumi.runtime as unknown as { isConfigSecret?: (key: string) => boolean }).isConfigSecret;
  if (isConfigSecret && pulumi.runtime.getConfig('harbor:password') !== undefined && !isConfigSecret('harbor:password')) {
    throw new Error('harbor:password is stored in clear text in the stack configuration. Fix: pulumi config set --secret harbor:password');
  }
  return {
    url: config.get('url'),
    username: config.require('username'),
    password: config.requireSecret('password'),
    caBundle: config.get('caBundle'),
  };
}
