/**
 * The defaults of the Harbor objects' options, written once: `resolveHarborPrivateApp` applies them to the props, and
 * the Pulumi providers' `check` fills them into the inputs a program leaves unset (so a resource registers only the
 * inputs its program set, and its state still holds every one). No imports: the providers, which Pulumi serializes,
 * carry this file along.
 */

/**
 * The defaults of a project's options (`HarborProjectOptions`). `storageQuotaGb` has none: unset, the project keeps
 * Harbor's own quota (its `storage_per_project` setting), which the app does not manage.
 */
export const PROJECT_DEFAULTS = {
  public: false,
  autoScan: true,
  preventVulnerableImages: false,
  adopt: false,
  forceDestroy: false,
} as const;

/** The defaults of a member's options (`HarborMember.user`, `HarborMember.group`). */
export const MEMBER_DEFAULTS = {
  adopt: false,
} as const;

/**
 * The defaults of a robot's options (`HarborRobotOptions`, and the Pulumi engine's `adopt`). Its description's default
 * names the app: the app sets it.
 */
export const ROBOT_DEFAULTS = {
  durationDays: -1,
  adopt: false,
} as const;

/**
 * `inputs` with each of `defaults` that `inputs` leaves unset (absent or `undefined`) filled in: what a provider's
 * `check` hands the engine, which stores it as the resource's inputs. A set value, a Pulumi unknown of a preview
 * included, is kept as it is.
 */
export function withDefaults<T extends object>(inputs: T, defaults: Readonly<Record<string, unknown>>): T {
  const filled: Record<string, unknown> = { ...(inputs as Record<string, unknown>) };
  for (const [k, v] of Object.entries(defaults)) if (filled[k] === undefined) filled[k] = v;
  return filled as T;
}
