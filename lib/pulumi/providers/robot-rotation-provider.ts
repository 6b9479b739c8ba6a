/**
 * The dynamic provider of a robot's rotation generation: which generation of the robot the app should have now. A
 * provider of its own, importing nothing at run time (a few KB serialized, like the robot login's); no Harbor call.
 *
 * Why a resource of its own: a rotation replaces the robot by one with ANOTHER name (Harbor refuses a second robot of
 * the same name, 409), created before the old one is deleted. A dynamic provider's `create` gets the new inputs only,
 * never the old state, and Pulumi re-runs `check` without the old inputs on a replacement
 * (pkg/resource/deploy/step_generator.go: "If we are going to perform a replacement, we need to recompute the default
 * values"), so the robot cannot learn its next name from its own state. This resource keeps the generation in ITS
 * state and hands it to the robot as an input: the robot's name follows it, and a new generation replaces the robot.
 *
 * Deterministic: the decision is taken in `diff`, from the stored state (the generation, the trigger it was made for,
 * when it started) and the clock, never at the program's construction; a preview and the `up` after it decide alike
 * (bar an `everyDays` boundary passed between them). In a preview of a rotation the new generation is unknown (Pulumi
 * shows an updated dynamic resource's inputs as its outputs), so the robot, its login and the pull Secrets show as
 * changing; otherwise the generation is the stored one and nothing changes.
 */
import type { dynamic } from '@pulumi/pulumi';
import { ProviderBoundary } from './boundary';

/** The inputs of a robot rotation resource (`robot.rotation` of the props). */
export interface HarborRobotRotationInputs {
  /**
   * A new value rotates; turning rotation on with one does not.
   * @default - no rotation on demand
   */
  readonly trigger?: string;
  /**
   * Rotate when the generation is this many days old or older.
   * @default - no scheduled rotation
   */
  readonly everyDays?: number;
}

/** The outputs of a robot rotation resource. */
export interface HarborRobotRotationOutputs extends HarborRobotRotationInputs {
  /** The generation the robot should have: 0 at first, +1 per rotation. */
  readonly generation: number;
  /** When this generation started, milliseconds since the epoch (the clock where Pulumi runs). */
  readonly startedAt: number;
}

const DAY_MS = 86_400_000;

/** Why a rotation is due now, or `undefined`: a new trigger value, or a generation `everyDays` old or older. */
export function rotationDue(
  olds: Partial<HarborRobotRotationOutputs>,
  news: HarborRobotRotationInputs,
  nowMs: number,
): 'trigger' | 'everyDays' | undefined {
  if (news.trigger !== undefined && news.trigger !== olds.trigger) return 'trigger';
  if (typeof news.everyDays === 'number' && typeof olds.startedAt === 'number') {
    if (nowMs - olds.startedAt >= news.everyDays * DAY_MS) return 'everyDays';
  }
  return undefined;
}

/**
 * Create, read, diff, update and delete of a rotation generation; no Harbor call.
 *
 * - create: generation 0, started now (the robot created with it, or an existing robot when rotation is turned on).
 * - diff: a change only when a rotation is due ({@link rotationDue}); a changed `everyDays`, or a dropped trigger,
 *   is used by the next diff without being stored (nothing to do now).
 * - update: the next generation, started now, for the trigger given.
 * - read: the state as it is. delete: nothing.
 */
export class HarborRobotRotationProvider implements dynamic.ResourceProvider {
  async create(inputs: HarborRobotRotationInputs): Promise<dynamic.CreateResult> {
    const outs: HarborRobotRotationOutputs = { ...inputs, generation: 0, startedAt: Date.now() };
    return { id: 'generation', outs };
  }

  async read(id: string, props: HarborRobotRotationOutputs): Promise<dynamic.ReadResult> {
    return { id, props };
  }

  async diff(
    _id: string,
    olds: HarborRobotRotationOutputs,
    news: HarborRobotRotationInputs,
  ): Promise<dynamic.DiffResult> {
    return { changes: rotationDue(olds, news, Date.now()) !== undefined };
  }

  async update(
    _id: string,
    olds: HarborRobotRotationOutputs,
    news: HarborRobotRotationInputs,
  ): Promise<dynamic.UpdateResult> {
    const due = rotationDue(olds, news, Date.now()) !== undefined;
    const outs: HarborRobotRotationOutputs = due
      ? { ...news, generation: (olds.generation ?? 0) + 1, startedAt: Date.now() }
      : { ...news, generation: olds.generation ?? 0, startedAt: olds.startedAt ?? Date.now() };
    return { outs };
  }

  async delete(): Promise<void> {
    // Nothing: the generation lives in the state only.
  }
}

/**
 * The one instance every robot rotation registers with (so Pulumi serializes it once per program), behind the host
 * boundary ({@link ProviderBoundary}).
 */
export const harborRobotRotationProvider: dynamic.ResourceProvider = new ProviderBoundary(
  new HarborRobotRotationProvider(),
);
