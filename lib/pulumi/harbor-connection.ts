import * as pulumi from '@pulumi/pulumi';

/** How HarborPrivateApp (and the Harbor resources) reach Harbor's API. */
export interface HarborConnectionArgs {
  /**
   * Harbor's base URL.
   * @default - the app's `harborUrl` (`https://<registryHost>` unless set)
   */
  readonly url?: pulumi.Input<string>;
  /** A Harbor user that may create projects and robots (a system admin, or projectAdmin of an adopted project). */
  readonly username: pulumi.Input<string>;
  /** Its password: pass a secret (`config.requireSecret('password')`); a plain value is made secret. */
  readonly password: pulumi.Input<string>;
  /**
   * PEM of the CA that signed Harbor's certificate (it replaces Node's default trust store).
   * @default - Node's default trust store
   */
  readonly caBundle?: pulumi.Input<string>;
}

/** The connection as the Harbor resources take it, with `url` required. */
export interface HarborConnectionInputs extends HarborConnectionArgs {
  readonly url: pulumi.Input<string>;
}

/**
 * The connection input of a Harbor resource: the password always wrapped as a Pulumi secret, so it is encrypted in
 * the state and never shown by `pulumi preview`.
 */
export function connectionInput(connection: HarborConnectionInputs): pulumi.Input<Record<string, pulumi.Input<string> | undefined>> {
  return {
    url: connection.url,
    username: connection.username,
    password: pulumi.secret(connection.password),
    ...(connection.caBundle !== undefined ? { caBundle: connection.caBundle } : {}),
  };
}
