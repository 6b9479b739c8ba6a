import * as pulumi from '@pulumi/pulumi';
import { type RobotPermission } from '../../harbor';
import { assertAllowedRobotAccess } from '../../harbor/permissions';
import { harborInput, HarborLocationArgs } from './harbor-connection';
import { HarborDynamicResource, setArgs } from './dynamic-resource';
import { providerText } from './provider-reference';

/** Arguments of a {@link HarborRobotAccount}: its Harbor (the login needs projectAdmin in the project, or system admin). */
export interface HarborRobotAccountArgs extends HarborLocationArgs {
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
  /**
   * Take over a robot of this name that exists already instead of failing with Harbor's 409: Harbor generates a new
   * secret for it, a ROTATION (whatever uses its current secret stops pulling).
   * @default false
   */
  readonly adopt?: pulumi.Input<boolean>;
  /**
   * The rotation generation, e.g. `HarborRobotRotation.generation`: the robot is named after it (`name` for 0, then
   * `<name>-green-0`, `<name>-blue-1`, ...), and a new generation replaces the robot, the new one created before the
   * old one is deleted (which the engine does once every other step of the `up` succeeded).
   * @default - no rotation: the robot is named `name`
   */
  readonly generation?: pulumi.Input<number>;
  /**
   * For a robot that expires: a `pulumi up` within this many days of its expiry (or after it) renews it in place
   * (`PUT`, same secret) to expire `durationDays` days later.
   * @default - never renewed
   */
  readonly renewBeforeDays?: pulumi.Input<number>;
}

/** True when `v` holds no Pulumi output or promise anywhere (its value is known while the program runs). */
function known<T>(v: pulumi.Input<T>): v is T {
  if (pulumi.Output.isInstance(v) || (typeof v === 'object' && v !== null && 'then' in v)) return false;
  if (Array.isArray(v)) return v.every((x) => known(x));
  if (typeof v === 'object' && v !== null) return Object.values(v).every((x) => known(x));
  return true;
}

/**
 * A project robot account, managed through Harbor's REST API by a Pulumi dynamic provider.
 * Type token `pulumi-nodejs:dynamic/harbor:RobotAccount`. `fullName` is the login name Harbor returned; `secret`
 * (from Harbor's create response) is a secret output. Build what uses the login from a `HarborRobotLogin`: its
 * outputs stay known in a preview while the robot is updated in place.
 */
export class HarborRobotAccount extends HarborDynamicResource {
  /** The login name exactly as Harbor returned it, e.g. `robot$k8s+coredns-pull`. */
  declare public readonly fullName: pulumi.Output<string>;
  /** The robot's secret (a Pulumi secret). */
  declare public readonly secret: pulumi.Output<string>;
  /** Expiry in seconds since the epoch, `-1` never. */
  declare public readonly expiresAt: pulumi.Output<number>;

  constructor(name: string, args: HarborRobotAccountArgs, opts: pulumi.CustomResourceOptions = {}) {
    const harbor = harborInput(args, `HarborRobotAccount ${JSON.stringify(name)}`);
    // Known permissions are checked against Harbor's list here, before anything is registered; others when created.
    if (known(args.permissions))
      assertAllowedRobotAccess(args.permissions, `HarborRobotAccount ${JSON.stringify(name)} permissions`);
    super(
      providerText('harborRobotProvider'),
      name,
      {
        harbor,
        project: args.project,
        name: args.name,
        permissions: args.permissions,
        // Only what the program set: the provider's check fills the defaults in (ROBOT_DEFAULTS of lib/core).
        ...setArgs({
          description: args.description,
          durationDays: args.durationDays,
          adopt: args.adopt,
          generation: args.generation,
          renewBeforeDays: args.renewBeforeDays,
        }),
        fullName: undefined,
        secret: undefined,
        expiresAt: undefined,
        // Also in the state, not outputs: Harbor's `robotId` (the resource's id), `disabled` as last read, the robot's
        // `harborName` and `harborDurationDays`.
      },
      pulumi.mergeOptions(opts, { additionalSecretOutputs: ['secret'] }),
      'harbor',
      'RobotAccount',
    );
  }
}
