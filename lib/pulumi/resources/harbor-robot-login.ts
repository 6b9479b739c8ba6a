import * as pulumi from '@pulumi/pulumi';
import { HarborPrivateAppError } from '../../core/errors';
import type { HarborTarget } from '../providers/connection';
import { loginPullCheckProblem } from '../providers/login-pull-check';
import type { HarborRobotAccount } from './harbor-robot';
import { HarborDynamicResource, setArgs } from './dynamic-resource';
import { providerText } from './provider-reference';

/** What a {@link HarborRobotLogin} checks before it hands its login on: that these images can be pulled with it. */
export interface HarborLoginPullCheckArgs {
  /**
   * The images to check, each on `registryHost` (its host exactly, port included): the login is sent nowhere else, and
   * an image of another registry is refused where the login is declared.
   */
  readonly images: readonly string[];
  /** The registry host (`host[:port]`) the pull Secret is keyed by. */
  readonly registryHost: string;
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
   * The robot's Harbor and the configuration keys of its admin login (as the other Harbor resources name it), to ask
   * Harbor why a login is refused (disabled, expired, deleted).
   * @default - Harbor is not asked
   */
  readonly harbor?: pulumi.Input<HarborTarget>;
}

/** Arguments of a {@link HarborRobotLogin}. */
export interface HarborRobotLoginArgs {
  /** The robot whose login this is. */
  readonly robot: HarborRobotAccount;
  /**
   * Check with the login, when it is created and whenever the login, the images or the registry change, that every
   * image can be pulled (the registry's token flow and a `HEAD` of each manifest; nothing is downloaded). A failed check
   * fails the `pulumi up` with the cause (image or tag missing, robot denied, robot disabled, expired or deleted,
   * registry unreachable), and what depends on the login is neither created nor changed: a Secret built from its
   * outputs depends on it by those, and a workload should name it in `dependsOn`, as `HarborPrivateApp`'s do. A preview
   * never pulls.
   * @default - no check
   */
  readonly pullCheck?: HarborLoginPullCheckArgs;
}

/**
 * A robot's login (full name and secret) as the pull Secret is built from it, and, with `pullCheck`, the Pulumi
 * preflight's check that it can pull the workloads' images. Type token `pulumi-nodejs:dynamic/harbor:RobotLogin`; no
 * Harbor write. It registers its robot's id, full name, secret (a Pulumi secret) and expiry, taken from `robot`, and
 * `pullCheck` as given. In a preview, its outputs stay known while the robot is updated in place (new permissions, a
 * new Harbor address, a rewritten state), so the pull Secret does not show as changing; they become unknown when the
 * robot is created or replaced. The images the last check pulled, with their digests, are in its state (`checked`).
 * docs/pulumi-state.md lists what it stores.
 * @throws HarborPrivateAppError for a `pullCheck` that cannot be used (an image on another registry, plain http to a
 * host that is not loopback...), before anything is registered
 */
export class HarborRobotLogin extends HarborDynamicResource {
  /** The robot's login name, as Harbor returned it. */
  declare public readonly fullName: pulumi.Output<string>;
  /** The robot's secret (a Pulumi secret). */
  declare public readonly secret: pulumi.Output<string>;
  /** The robot's expiry as its state last saw it, seconds since the epoch (`-1` never). */
  declare public readonly expiresAt: pulumi.Output<number | undefined>;

  constructor(name: string, args: HarborRobotLoginArgs, opts: pulumi.CustomResourceOptions = {}) {
    const check = args.pullCheck;
    // The values known now are checked now (the provider's check sees the rest, in the preview).
    const problem = check
      ? loginPullCheckProblem({ ...check, caBundle: typeof check.caBundle === 'string' ? check.caBundle : undefined })
      : undefined;
    if (problem) {
      throw new HarborPrivateAppError({
        scope: `HarborRobotLogin ${JSON.stringify(name)}`,
        field: `pullCheck${problem.field ? `.${problem.field}` : ''}`,
        value: problem.value,
        problem: problem.problem,
        fix: problem.fix,
      });
    }
    super(
      providerText('harborRobotLoginProvider'),
      name,
      {
        robotResourceId: args.robot.id,
        fullName: args.robot.fullName,
        secret: pulumi.secret(args.robot.secret),
        expiresAt: args.robot.expiresAt,
        // Only what the program set: the provider's check fills `plainHttp` in.
        ...(check
          ? {
              pullCheck: {
                images: [...check.images],
                registryHost: check.registryHost,
                ...setArgs({
                  plainHttp: check.plainHttp,
                  caBundle: check.caBundle,
                  timeoutMs: check.timeoutMs,
                  harbor: check.harbor,
                }),
              },
            }
          : {}),
      },
      pulumi.mergeOptions(opts, { additionalSecretOutputs: ['secret'] }),
      'harbor',
      'RobotLogin',
    );
  }
}
