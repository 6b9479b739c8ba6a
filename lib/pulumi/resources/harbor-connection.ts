import * as pulumi from '@pulumi/pulumi';
import { CONNECTION_TUNING_KEYS } from '../../harbor';
import { HarborTarget } from '../providers/connection';

/**
 * How HarborPrivateApp (and the Harbor resources) reached Harbor's API up to version 0.1: the login given in the
 * program, and so stored in every Harbor resource's state.
 * @deprecated the password then sits in the state of every Harbor resource, and `pulumi refresh` and `pulumi destroy`
 * use the one stored there (after a password change they fail with 401). Use `HarborConnection.fromConfig()`.
 */
export interface HarborConnectionArgs {
  /**
   * Harbor's base URL.
   * @default - the app's `harborUrl` (`https://<registryHost>` unless set)
   */
  readonly url?: pulumi.Input<string>;
  /** A Harbor user that may create projects and robots (a system admin, or projectAdmin of an adopted project). */
  readonly username: pulumi.Input<string>;
  /**
   * Its password. Pass a secret (`config.requireSecret('harborPassword')`). A plain string is accepted and made a
   * Pulumi secret too, with a warning (`pulumi.log.warn`): a plain string is easily committed or logged.
   */
  readonly password: pulumi.Input<string>;
  /**
   * PEM of the CA that signed Harbor's certificate (it replaces Node's default trust store).
   * @default - Node's default trust store
   */
  readonly caBundle?: pulumi.Input<string>;
  /**
   * Retries after the first attempt of idempotent calls (and the bound of checked creates): a whole number >= 0.
   * Checked at construction when it is a plain value.
   * @default 3
   */
  readonly maxRetries?: pulumi.Input<number>;
  /**
   * Timeout of one HTTP attempt, in milliseconds: a whole number from 1 to 2147483647 (Node's longest timer).
   * Checked at construction when it is a plain value.
   * @default 30000
   */
  readonly timeoutMs?: pulumi.Input<number>;
  /**
   * First backoff delay between attempts, in milliseconds (doubled each time, with jitter): 0 to 2147483647.
   * @default 200
   */
  readonly retryBaseDelayMs?: pulumi.Input<number>;
  /**
   * Longest wait between attempts, Retry-After included, in milliseconds: 0 to 2147483647.
   * @default 10000
   */
  readonly maxRetryDelayMs?: pulumi.Input<number>;
}

/**
 * The connection as the Harbor resources took it, with `url` required.
 * @deprecated the password is stored in the resource's state; give the resources `harbor` instead.
 */
export interface HarborConnectionInputs extends HarborConnectionArgs {
  readonly url: pulumi.Input<string>;
}

/**
 * The connection input of a Harbor resource: the password always wrapped as a Pulumi secret, so it is encrypted in
 * the state and never shown by `pulumi preview`.
 */
export function connectionInput(
  connection: HarborConnectionInputs,
): pulumi.Input<Record<string, pulumi.Input<string | number> | undefined>> {
  const out: Record<string, pulumi.Input<string | number> | undefined> = {
    url: connection.url,
    username: connection.username,
    password: pulumi.secret(connection.password),
  };
  if (connection.caBundle !== undefined) out.caBundle = connection.caBundle;
  for (const key of CONNECTION_TUNING_KEYS) if (connection[key] !== undefined) out[key] = connection[key];
  return out;
}

/** Where a Harbor resource's Harbor is: `harbor` (no credential in the state) or, deprecated, `connection`. */
export interface HarborLocationArgs {
  /**
   * Harbor's canonical URL and the stack configuration keys of its login, e.g.
   * `HarborConnection.fromConfig().target('HarborProject "p"', 'https://reg.harbor.com')`. Nothing secret: the
   * provider reads the user and the password from the stack configuration.
   * @default - none: give this or `connection`
   */
  readonly harbor?: pulumi.Input<HarborTarget>;
  /**
   * Harbor with its login.
   * @default - none: give this or `harbor`
   * @deprecated the password is stored in this resource's state (as a secret), and `refresh`/`destroy` use the stored
   * one. Use `harbor`.
   */
  readonly connection?: HarborConnectionInputs;
}

/**
 * The inputs that place a Harbor resource in its Harbor, and the outputs to keep secret: `harbor` as given, or the
 * deprecated `connection` (its password a secret, the whole connection a secret output).
 * @throws Error when neither is given
 */
export function locationInputs(
  args: HarborLocationArgs,
  resource: string,
): { readonly inputs: Record<string, pulumi.Input<unknown>>; readonly secretOutputs: string[] } {
  if (args.harbor !== undefined) return { inputs: { harbor: args.harbor }, secretOutputs: [] };
  if (args.connection !== undefined) {
    return { inputs: { connection: connectionInput(args.connection) }, secretOutputs: ['connection'] };
  }
  throw new Error(`${resource}: give harbor (HarborConnection.fromConfig().target(...)); it names the Harbor to use.`);
}
