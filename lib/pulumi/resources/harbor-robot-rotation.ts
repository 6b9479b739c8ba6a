import * as pulumi from '@pulumi/pulumi';
import { HarborDynamicResource, setArgs } from './dynamic-resource';
import { providerText } from './provider-reference';

/** Arguments of a {@link HarborRobotRotation} (the props' `robot.rotation` on the Pulumi engine). */
export interface HarborRobotRotationArgs {
  /**
   * Any value; a `pulumi up` after it changed starts a new generation (turning rotation on with one does not).
   * @default - no rotation on demand
   */
  readonly trigger?: pulumi.Input<string>;
  /**
   * Start a new generation when the current one is this many days old or older at `pulumi up`.
   * @default - no scheduled rotation
   */
  readonly everyDays?: pulumi.Input<number>;
}

/**
 * The rotation generation of an app's robot: which robot (`rotationRobotName(name, generation)`) the app should have
 * now. Type token `pulumi-nodejs:dynamic/harbor:RobotRotation`; no Harbor call, a small provider of its own (see
 * `HarborRobotRotationProvider`). Give its `generation` to a {@link HarborRobotAccount}: a new generation replaces the
 * robot, the new one created before the old one is deleted.
 */
export class HarborRobotRotation extends HarborDynamicResource {
  /** The generation the robot should have: 0 at first, +1 per rotation. */
  declare public readonly generation: pulumi.Output<number>;

  constructor(name: string, args: HarborRobotRotationArgs, opts: pulumi.CustomResourceOptions = {}) {
    super(
      providerText('harborRobotRotationProvider'),
      name,
      {
        ...setArgs({ trigger: args.trigger, everyDays: args.everyDays }),
        generation: undefined,
        // When the generation started (`startedAt`, milliseconds since the epoch) is in the state, not an output.
      },
      opts,
      'harbor',
      'RobotRotation',
    );
  }
}
