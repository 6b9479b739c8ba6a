import * as pulumi from '@pulumi/pulumi';
import type { HarborRobotAccount } from './harbor-robot';
import { HarborDynamicResource } from './dynamic-resource';
import { providerText } from './provider-reference';

/** Arguments of a {@link HarborRobotLogin}. */
export interface HarborRobotLoginArgs {
  /** The robot whose login this is. */
  readonly robot: HarborRobotAccount;
}

/**
 * A robot's login (full name and secret) as the pull Secret is built from it. Type token
 * `pulumi-nodejs:dynamic/harbor:RobotLogin`; no Harbor call, and a provider of its own, a few KB serialized
 * (see `HarborRobotLoginProvider`, and provider-reference.ts for where the package is installed). In a preview, its outputs
 * stay known while the robot is updated in place (new permissions, a new Harbor address, a rewritten state), so the
 * pull Secret does not show as changing; they become unknown when the robot is created or replaced.
 */
export class HarborRobotLogin extends HarborDynamicResource {
  /** The robot's login name, as Harbor returned it. */
  declare public readonly fullName: pulumi.Output<string>;
  /** The robot's secret (a Pulumi secret). */
  declare public readonly secret: pulumi.Output<string>;
  /** The robot's expiry as its state last saw it, seconds since the epoch (`-1` never). */
  declare public readonly expiresAt: pulumi.Output<number | undefined>;

  constructor(name: string, args: HarborRobotLoginArgs, opts: pulumi.CustomResourceOptions = {}) {
    super(
      providerText('harborRobotLoginProvider'),
      name,
      {
        resourceKind: 'robotLogin',
        robotResourceId: args.robot.id,
        fullName: args.robot.fullName,
        secret: pulumi.secret(args.robot.secret),
        expiresAt: args.robot.expiresAt,
      },
      pulumi.mergeOptions(opts, { additionalSecretOutputs: ['secret'] }),
      'harbor',
      'RobotLogin',
    );
  }
}
