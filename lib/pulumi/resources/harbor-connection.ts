import * as pulumi from '@pulumi/pulumi';
import { HarborTarget } from '../providers/connection';

/** Where a Harbor resource's Harbor is. */
export interface HarborLocationArgs {
  /**
   * Harbor's canonical URL and the stack configuration keys of its login, e.g.
   * `HarborConnection.fromConfig().target('HarborProject "p"', 'https://reg.harbor.com')`. Nothing secret: the
   * provider reads the user and the password from the stack configuration.
   */
  readonly harbor: pulumi.Input<HarborTarget>;
}

/**
 * The `harbor` input of a Harbor resource, as given.
 * @throws Error when it is not given (a JavaScript caller)
 */
export function harborInput(args: HarborLocationArgs, resource: string): pulumi.Input<HarborTarget> {
  if (args?.harbor === undefined || args.harbor === null) {
    throw new Error(
      `${resource}: give harbor (HarborConnection.fromConfig().target(...)); it names the Harbor to use.`,
    );
  }
  return args.harbor;
}
