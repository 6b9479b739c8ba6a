/**
 * The dynamic provider of a robot's login as the pull Secret uses it. A provider of its own, importing nothing at run
 * time: where the package is not installed it is serialized by value in a few KB, and a login resource does not store
 * a copy of the Harbor provider (about 160 KB there); where it is installed, a reference to it is (see
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
 * the pull Secret in the same run.
 */
import type { dynamic } from '@pulumi/pulumi';
import { ProviderBoundary, providerTextChanged, UNKNOWN } from './boundary';

export { UNKNOWN } from './boundary';

/** The inputs (and outputs) of a robot login resource. */
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
}

function unknown(v: unknown): boolean {
  return v === UNKNOWN || v === undefined;
}

/**
 * Create, read, diff, update and delete of a robot's login: no Harbor call at all (the robot resource talks to Harbor).
 *
 * - create / update: stores the inputs as they are.
 * - diff: a change when the robot resource's id is unknown (created or replaced) or another one; with the same id, a
 *   change when the name, the secret or the expiry are known and differ, none while they are
 *   unknown (an in-place update of the robot, a renewal included, keeps the name and the secret; the run that applies
 *   it compares the real values, and a renewal's new expiry is stored without changing the pull Secret's data). Also a change (stored, nothing else) when the
 *   stored provider text is not the program's: the engine keeps it until an update.
 * - read: the state as it is. delete: nothing (deleting the robot ends the login).
 *
 * A rotation replaces the robot (a new robot id, unknown in the preview), so the preview shows the pull Secret
 * changing; a renewal is an update in place, and the preview shows it unchanged, as it stays.
 */
export class HarborRobotLoginProvider implements dynamic.ResourceProvider {
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
    return { id: inputs.robotResourceId, outs: { ...inputs } };
  }

  async read(id: string, props: HarborRobotLoginInputs): Promise<dynamic.ReadResult> {
    return { id, props };
  }

  async diff(_id: string, olds: HarborRobotLoginInputs, news: HarborRobotLoginInputs): Promise<dynamic.DiffResult> {
    if (unknown(news.robotResourceId) || news.robotResourceId !== olds.robotResourceId) return { changes: true };
    const changed = (['fullName', 'secret', 'expiresAt'] as const).some(
      (k) => !unknown(news[k]) && news[k] !== olds[k],
    );
    return { changes: changed || providerTextChanged(olds, news) };
  }

  async update(
    _id: string,
    _olds: HarborRobotLoginInputs,
    news: HarborRobotLoginInputs,
  ): Promise<dynamic.UpdateResult> {
    return { outs: { ...news } };
  }

  async delete(): Promise<void> {
    // Nothing: the robot resource deletes the robot, and with it the login.
  }
}

/**
 * The one instance every robot login registers with (so Pulumi serializes it once per program), behind the host
 * boundary ({@link ProviderBoundary}).
 */
export const harborRobotLoginProvider: dynamic.ResourceProvider = new ProviderBoundary(new HarborRobotLoginProvider());
