import { HarborConnection } from '../../lib/pulumi';

/** The stack configuration keys of the program (declared, with their types, in Pulumi.yaml). */
export const CONFIG_KEYS = {
  url: 'harborUrl',
  username: 'harborUsername',
  password: 'harborPassword',
  caBundle: 'harborCaBundle',
} as const;

/**
 * The Harbor connection of the program: the stack configuration keys `harborUrl` (optional), `harborUsername`,
 * `harborPassword` (declared `secret: true` in Pulumi.yaml; a clear-text value is refused) and `harborCaBundle`
 * (optional), in the project's namespace. The Harbor resources store Harbor's URL and the keys' name only: Pulumi
 * hands the configuration to their provider, which reads the login from it.
 */
export function harborConnection(): HarborConnection {
  return HarborConnection.fromConfig('harbor');
}
