import * as pulumi from '@pulumi/pulumi';
import type { HarborTarget } from '../providers/connection';
import { HarborDynamicResource, setArgs } from './dynamic-resource';
import { providerText } from './provider-reference';

/** Arguments of a {@link HarborPullCheck}. */
export interface HarborPullCheckArgs {
  /** The images to check, all on `registryHost` (see `preflightImages`). */
  readonly images: readonly string[];
  /** The registry host (`host[:port]`) the pull Secret is keyed by. */
  readonly registryHost: string;
  /** The login the pull Secret holds: the robot's full name. */
  readonly username: pulumi.Input<string>;
  /** Its secret; stored as a Pulumi secret. */
  readonly secret: pulumi.Input<string>;
  /**
   * Talk plain http to the registry (loopback registries only; the check refuses anything else).
   * @default false
   */
  readonly plainHttp?: boolean;
  /**
   * PEM of the CA that signed the registry's certificate.
   * @default - the CA bundle of the Harbor login in the stack configuration (with `harbor`), else Node's trust store
   */
  readonly caBundle?: pulumi.Input<string>;
  /**
   * Time limit of each registry request, in milliseconds.
   * @default 10000
   */
  readonly timeoutMs?: number;
  /**
   * Harbor's robot id, to ask Harbor why the login is refused (disabled, expired, deleted).
   * @default - Harbor is not asked
   */
  readonly robotId?: pulumi.Input<string>;
  /**
   * The robot's Harbor and the configuration keys of its admin login (as the other Harbor resources name it).
   * @default - Harbor is not asked
   */
  readonly harbor?: pulumi.Input<HarborTarget>;
}

/**
 * The Pulumi preflight: checks with the robot's own login that every image can be pulled (the registry's token flow
 * and a `HEAD` of each manifest) when it is created and whenever the images, the login or the registry change, and
 * fails the `pulumi up` with the cause (image or tag missing, robot denied, robot disabled, expired or deleted,
 * registry unreachable) otherwise; resources that depend on it (the HarborPrivateApp's workloads) are then neither
 * created nor changed. A preview never pulls. Type token `pulumi-nodejs:dynamic/harbor:PullCheck`; its provider is
 * `HarborPullCheckProvider` (a reference to it where the package is installed).
 */
export class HarborPullCheck extends HarborDynamicResource {
  /** The images checked, with the manifest digest the registry answered for each. */
  declare public readonly checked: pulumi.Output<Array<{ image: string; digest: string }>>;

  constructor(name: string, args: HarborPullCheckArgs, opts: pulumi.CustomResourceOptions = {}) {
    super(
      providerText('harborPullCheckProvider'),
      name,
      {
        resourceKind: 'pullCheck',
        images: [...args.images],
        registryHost: args.registryHost,
        username: args.username,
        secret: pulumi.secret(args.secret),
        // Only what the program set: the provider's check fills `plainHttp` in.
        ...setArgs({
          plainHttp: args.plainHttp,
          caBundle: args.caBundle,
          timeoutMs: args.timeoutMs,
          robotId: args.robotId,
          harbor: args.harbor,
        }),
        checked: undefined,
      },
      pulumi.mergeOptions(opts, { additionalSecretOutputs: ['secret'] }),
      'harbor',
      'PullCheck',
    );
  }
}
