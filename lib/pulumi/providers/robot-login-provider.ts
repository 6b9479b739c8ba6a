/**
 * The dynamic provider of a robot's login as the pull Secret holds it, and of the Pulumi preflight's pull check of that
 * login (login-pull-check.ts). Where the package is installed, the state stores a reference to it (see
 * provider-reference.ts).
 *
 * Why a resource of its own: during a preview, Pulumi's engine takes the NEW INPUTS of a dynamic resource that is
 * updated in place as its outputs, because the dynamic provider host does not support previews of updates
 * (sdk/go/common/resource/plugin/provider_plugin.go `Update`: "If the provider does not support previews, return the
 * inputs as the state"). A robot's full name and secret are outputs, not inputs, so every in-place update of the robot
 * (permissions, a new Harbor address, a state rewritten by a library upgrade) made them unknown in the preview, and the
 * pull Secret built from them showed as changing. This resource keeps the login the pull Secret was built from, and
 * tells the preview it stays as it is while the robot keeps its id: only a robot created or replaced (its resource id
 * unknown in the preview, as the engine propagates the id of an updated resource, pkg/resource/deploy/step.go
 * `UpdateStep.Apply`) or given another id (recreated outside the stack, seen by a refresh) shows the pull Secret
 * changing. When the update runs for real, the robot's outputs are known, and a changed login is stored and reaches
 * the pull Secret in the same run. The login is an input of this resource, so a preview of its own update (new images
 * to check) keeps it known.
 *
 * Why the pull check is part of it: the check is of this very login, the one the pull Secret holds, and it decides
 * whether the login may reach the pull Secret and the workloads. A failed check fails the login's create or update,
 * so the `pulumi up` stops before the pull Secret and the workloads are created or changed (an existing pull Secret
 * keeps the login it had, which still works while the old robot exists).
 */
import type { dynamic } from '@pulumi/pulumi';
import { ProviderBoundary, UNKNOWN } from './boundary';
import { StackConfiguredProvider } from './connection';
import {
  type CheckedImages,
  isUnknown,
  type LoginPullCheck,
  loginPullCheckProblem,
  pullCheckProblemText,
  pullCheckChanged,
  runPullCheck,
  sameValue,
  withPullCheckDefaults,
} from './login-pull-check';

export { UNKNOWN } from './boundary';

/** The inputs of a robot login resource. */
export interface HarborRobotLoginInputs {
  /** The robot resource's id (Harbor's robot id as a string): known in a preview unless the robot is (re)created. */
  readonly robotResourceId: string;
  /** The robot's login name as Harbor returned it. */
  readonly fullName: string;
  /** The robot's secret (a Pulumi secret). */
  readonly secret: string;
  /**
   * The robot's expiry as its state last saw it, seconds since the epoch (`-1` never): what the component warns
   * about (a robot inside its renewal window, or expired) when the robot is not renewed in this run. Known in a
   * preview, as the login's state is, while the robot's own outputs are not when it is to be updated.
   */
  readonly expiresAt: number;
  /**
   * The images to check with this login, and how to reach their registry.
   * @default - no check
   */
  readonly pullCheck?: LoginPullCheck;
}

/** The state of a robot login: its inputs, and the images its last check pulled, with their digests. */
export interface HarborRobotLoginOutputs extends HarborRobotLoginInputs {
  /** Each image the last check pulled and the manifest digest the registry answered (none without `pullCheck`). */
  readonly checked?: CheckedImages;
}

function unknown(v: unknown): boolean {
  return v === UNKNOWN || v === undefined;
}

/** The login's own keys: a known change of one is a new login for the pull Secret. */
const LOGIN_KEYS = ['fullName', 'secret', 'expiresAt'] as const;

/**
 * Create, read, diff, update and delete of a robot's login. No Harbor write (the robot resource talks to Harbor); with
 * `pullCheck`, registry reads with the login itself.
 *
 * - check: refuses a `pullCheck` whose images are not all on its `registryHost` (the login goes there only) or
 *   whose connection options cannot be used, and fills in its defaults (`plainHttp` false); never pulls, so a preview
 *   never does.
 * - create: checks the pull (with `pullCheck`), then stores the inputs and what was checked.
 * - diff: a change when the robot resource's id is unknown (created or replaced) or another one; with the same id, a
 *   change when the name, the secret or the expiry are known and differ, none while they are unknown (an in-place
 *   update of the robot, a renewal included, keeps the name and the secret; the run that applies it compares the real
 *   values, and a renewal's new expiry is stored without changing the pull Secret's data); a change when `pullCheck`
 *   differs.
 * - update: checks the pull again when the login's name or secret, an image, the registry or how to reach it changed
 *   (not for a new expiry, `timeoutMs` or Harbor address alone), then stores the inputs.
 * - read: the state as it is (a refresh never pulls). delete: nothing (deleting the robot ends the login).
 *
 * A rotation replaces the robot (a new robot id, unknown in the preview), so the preview shows the pull Secret
 * changing; a renewal is an update in place, and the preview shows it unchanged, as it stays.
 */
export class HarborRobotLoginProvider extends StackConfiguredProvider implements dynamic.ResourceProvider {
  async check(_olds: unknown, news: HarborRobotLoginInputs): Promise<dynamic.CheckResult> {
    if (news?.pullCheck === undefined) return { inputs: news };
    const problem = loginPullCheckProblem(news.pullCheck);
    if (problem) return { inputs: news, failures: [{ property: 'pullCheck', reason: pullCheckProblemText(problem) }] };
    return { inputs: { ...news, pullCheck: withPullCheckDefaults(news.pullCheck) } };
  }

  async create(inputs: HarborRobotLoginInputs): Promise<dynamic.CreateResult> {
    if (
      unknown(inputs.robotResourceId) ||
      typeof inputs.robotResourceId !== 'string' ||
      inputs.robotResourceId === ''
    ) {
      throw new Error(
        `Harbor robot login: the robot's id ${JSON.stringify(inputs.robotResourceId)} is not known; the robot must be created first.`,
      );
    }
    const checked = inputs.pullCheck ? await this.pull(inputs) : undefined;
    return { id: inputs.robotResourceId, outs: { ...inputs, ...(checked ? { checked } : {}) } };
  }

  async read(id: string, props: HarborRobotLoginOutputs): Promise<dynamic.ReadResult> {
    return { id, props };
  }

  async diff(_id: string, olds: HarborRobotLoginOutputs, news: HarborRobotLoginInputs): Promise<dynamic.DiffResult> {
    if (unknown(news.robotResourceId) || news.robotResourceId !== olds.robotResourceId) return { changes: true };
    const login = LOGIN_KEYS.some((k) => !unknown(news[k]) && news[k] !== olds[k]);
    const check = isUnknown(news.pullCheck) || !sameValue(olds.pullCheck, news.pullCheck);
    return { changes: login || check };
  }

  async update(
    _id: string,
    olds: HarborRobotLoginOutputs,
    news: HarborRobotLoginInputs,
  ): Promise<dynamic.UpdateResult> {
    if (!news.pullCheck) return { outs: { ...news } };
    const again =
      olds.checked === undefined ||
      news.fullName !== olds.fullName ||
      news.secret !== olds.secret ||
      pullCheckChanged(olds.pullCheck, news.pullCheck);
    const checked = again ? await this.pull(news) : olds.checked;
    return { outs: { ...news, ...(checked ? { checked } : {}) } };
  }

  async delete(): Promise<void> {
    // Nothing: the robot resource deletes the robot, and with it the login.
  }

  /** The pull check of `inputs.pullCheck` with the login; throws naming each image that cannot be pulled. */
  private pull(inputs: HarborRobotLoginInputs): Promise<CheckedImages> {
    return runPullCheck(this.config, inputs.pullCheck!, {
      robotId: inputs.robotResourceId,
      username: inputs.fullName,
      secret: inputs.secret,
    });
  }
}

/**
 * The one instance every robot login registers with (its resources' provider reference names it), behind the host
 * boundary ({@link ProviderBoundary}).
 */
export const harborRobotLoginProvider: dynamic.ResourceProvider = new ProviderBoundary(new HarborRobotLoginProvider());
