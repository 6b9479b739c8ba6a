import { robotFullName } from './robot';

/** One of the two robots a rotating app keeps. */
export enum RobotSlot {
  /** The first robot: at generation 0 it is the robot the app has without rotation. */
  BLUE = 'blue',
  /** The second robot. */
  GREEN = 'green',
}

/** One slot's robot at a given step: which generation it is, and its Harbor names. */
export interface ResolvedRobotSlot {
  /** Blue or green. */
  readonly slot: RobotSlot;
  /** How often this slot's robot has been replaced (0 at first). */
  readonly generation: number;
  /** The robot's short Harbor name: the declared name for blue generation 0, else `<name>-<slot>-<generation>`. */
  readonly name: string;
  /** Its full login name, `<prefix><project>+<name>`. */
  readonly fullName: string;
  /** True for the slot the pull Secret uses. */
  readonly active: boolean;
}

/** The rotation of an app's robot at one step. */
export interface ResolvedRobotRotation {
  /** The step (see `robotRotation`). */
  readonly step: number;
  /** What this step changes compared with the step before. */
  readonly phase: 'start' | 'flip' | 'refresh';
  /** The slot the pull Secret uses. */
  readonly active: RobotSlot;
  /** Both slots, blue first. */
  readonly slots: readonly [ResolvedRobotSlot, ResolvedRobotSlot];
}

/** The short Harbor name of a slot's robot: `name` itself for blue generation 0 (the robot without rotation). */
export function slotRobotName(name: string, slot: RobotSlot, generation: number): string {
  return slot === RobotSlot.BLUE && generation === 0 ? name : `${name}-${slot}-${generation}`;
}

/**
 * The blue/green rotation at `step`. Each step changes one thing, so every step can be applied on its own without
 * the pull Secret ever holding a refused credential:
 *
 * | step | phase   | pull Secret uses | blue robot | green robot |
 * |-----:|---------|------------------|-----------:|------------:|
 * | 0    | start   | blue             | 0          | 0           |
 * | 1    | flip    | green            | 0          | 0           |
 * | 2    | refresh | green            | 1 (new)    | 0           |
 * | 3    | flip    | blue             | 1          | 0           |
 * | 4    | refresh | blue             | 1          | 1 (new)     |
 * | 5    | flip    | green            | 1          | 1           |
 *
 * An odd step moves the pull Secret to the other slot (both robots valid); an even step above 0 replaces the robot
 * of the slot the pull Secret has just left (its secret is then refused). The numbers are the slots' generations.
 */
export function robotRotation(step: number, name: string, prefix: string, project: string): ResolvedRobotRotation {
  const active = Math.ceil(step / 2) % 2 === 0 ? RobotSlot.BLUE : RobotSlot.GREEN;
  const generations: Record<RobotSlot, number> = {
    [RobotSlot.BLUE]: Math.floor((step + 2) / 4),
    [RobotSlot.GREEN]: Math.floor(step / 4),
  };
  const slot = (s: RobotSlot): ResolvedRobotSlot => {
    const slotName = slotRobotName(name, s, generations[s]);
    return {
      slot: s,
      generation: generations[s],
      name: slotName,
      fullName: robotFullName(prefix, project, slotName),
      active: s === active,
    };
  };
  return {
    step,
    phase: step === 0 ? 'start' : step % 2 === 1 ? 'flip' : 'refresh',
    active,
    slots: [slot(RobotSlot.BLUE), slot(RobotSlot.GREEN)],
  };
}

/** The Pulumi engine's rotation: when a `pulumi up` replaces the robot by a new one (blue/green). */
export interface ResolvedRotationPolicy {
  /**
   * Rotate when the robot's generation is this many days old or older at `pulumi up`.
   * @default - no scheduled rotation
   */
  readonly everyDays?: number;
  /**
   * Rotate when this value changes (a number is kept as its decimal string).
   * @default - no rotation on demand
   */
  readonly trigger?: string;
}

/** The longest generation suffix a rotating robot's name is checked for: `-green-` and 6 digits. */
export const ROTATION_NAME_RESERVE = `-${RobotSlot.GREEN}-999999`.length;

/**
 * The short Harbor name of a robot's `generation`-th rotation on the Pulumi engine, following the YAML engine's
 * slots so that both engines name a robot's successors alike: generation 0 is `name` itself (the robot without
 * rotation), then `<name>-green-0`, `<name>-blue-1`, `<name>-green-1`, `<name>-blue-2`... (the robot the pull Secret
 * uses after the YAML engine's steps 1, 3, 5, 7...). Two consecutive generations never share a name, so a new robot
 * can be created while the old one still serves pulls (Harbor refuses a second robot of the same name: 409).
 */
export function rotationRobotName(name: string, generation: number): string {
  if (!Number.isSafeInteger(generation) || generation < 0) {
    throw new RangeError(`rotation generation ${String(generation)} must be a whole number >= 0`);
  }
  if (generation === 0) return name;
  return slotRobotName(name, generation % 2 === 1 ? RobotSlot.GREEN : RobotSlot.BLUE, Math.floor(generation / 2));
}

/** The renewal window with its default (its one copy is lib/core/renewal.ts). */
export { renewalWindowDays } from './renewal';
