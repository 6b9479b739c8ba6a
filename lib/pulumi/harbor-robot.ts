import * as pulumi from '@pulumi/pulumi';
import type { RobotPermission } from '../harbor';
import { connectionInput, HarborConnectionInputs } from './harbor-connection';
import { serializableHarborProvider } from './provider-reference';

/** Arguments of a {@link HarborRobotAccount}. */
export interface HarborRobotAccountArgs {
  /** Where Harbor is and who logs in (it needs projectAdmin in the project, or system admin). */
  readonly connection: HarborConnectionInputs;
  /** The project's name. */
  readonly project: pulumi.Input<string>;
  /** The short name (Harbor adds `robot$<project>+`). Changing it replaces the robot. */
  readonly name: pulumi.Input<string>;
  /**
   * The robot's description.
   * @default ""
   */
  readonly description?: pulumi.Input<string>;
  /**
   * Lifetime in days, `-1` never expires (Harbor rejects 0).
   * @default -1
   */
  readonly durationDays?: pulumi.Input<number>;
  /** Exactly one project permission, e.g. `repository:pull`. Changes are applied in place (same robot, same secret). */
  readonly permissions: pulumi.Input<RobotPermission[]>;
}

/**
 * A project robot account, managed through Harbor's REST API by a Pulumi dynamic provider.
 * Type token `pulumi-nodejs:dynamic/harbor:RobotAccount`. `fullName` is the login name Harbor returned; `secret`
 * (from Harbor's create response) and the connection are secret outputs.
 */
export class HarborRobotAccount extends pulumi.dynamic.Resource {
  /** Harbor's robot id. */
  declare public readonly robotId: pulumi.Output<number>;
  /** The login name exactly as Harbor returned it, e.g. `robot$k8s+coredns-pull`. */
  declare public readonly fullName: pulumi.Output<string>;
  /** The robot's secret (a Pulumi secret). */
  declare public readonly secret: pulumi.Output<string>;
  /** Expiry in seconds since the epoch, `-1` never. */
  declare public readonly expiresAt: pulumi.Output<number>;

  constructor(name: string, args: HarborRobotAccountArgs, opts: pulumi.CustomResourceOptions = {}) {
    super(
      serializableHarborProvider(),
      name,
      {
        resourceKind: 'robot',
        connection: connectionInput(args.connection),
        project: args.project,
        name: args.name,
        description: args.description ?? '',
        durationDays: args.durationDays ?? -1,
        permissions: args.permissions,
        robotId: undefined,
        fullName: undefined,
        secret: undefined,
        expiresAt: undefined,
        disabled: undefined,
      },
      pulumi.mergeOptions(opts, { additionalSecretOutputs: ['secret', 'connection'] }),
      'harbor',
      'RobotAccount',
    );
  }
}
