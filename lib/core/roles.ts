/**
 * Harbor project roles, by the names Harbor's UI and API documentation use, with the numeric
 * `role_id` the REST API v2.0 expects (`POST /projects/{p}/members`).
 *
 * Every role can pull; only `projectAdmin` can create robot accounts; `developer`, `maintainer` and
 * `projectAdmin` can push.
 */
export const HARBOR_ROLE_IDS = {
  /** Everything in the project, robots included. */
  projectAdmin: 1,
  /** Push and pull. */
  developer: 2,
  /** Pull (read-only). */
  guest: 3,
  /** Push and pull, plus project settings such as scanning and tag retention. */
  maintainer: 4,
  /** Pull only, with the least visibility. */
  limitedGuest: 5,
} as const;

/** A Harbor project role name. */
export type HarborRoleName = keyof typeof HARBOR_ROLE_IDS;

/** All role names, in Harbor's id order. */
export const HARBOR_ROLE_NAMES: readonly HarborRoleName[] = Object.freeze(
  (Object.keys(HARBOR_ROLE_IDS) as HarborRoleName[]).sort((a, b) => HARBOR_ROLE_IDS[a] - HARBOR_ROLE_IDS[b]),
);

/** True when `name` is one of Harbor's five project roles. */
export function isHarborRoleName(name: unknown): name is HarborRoleName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(HARBOR_ROLE_IDS, name);
}

/** The numeric `role_id` for a role name. */
export function harborRoleId(role: HarborRoleName): number {
  return HARBOR_ROLE_IDS[role];
}

/** The role name for a numeric `role_id`; throws for an id Harbor does not define. */
export function harborRoleName(roleId: number): HarborRoleName {
  const found = HARBOR_ROLE_NAMES.find((n) => HARBOR_ROLE_IDS[n] === roleId);
  if (!found) {
    throw new Error(
      `Harbor role_id ${roleId} is unknown; Harbor defines 1 projectAdmin, 2 developer, 3 guest, 4 maintainer, 5 limitedGuest.`,
    );
  }
  return found;
}

/** Whether members with this role may push (Harbor: projectAdmin, maintainer, developer). */
export function roleCanPush(role: HarborRoleName): boolean {
  return role === 'projectAdmin' || role === 'maintainer' || role === 'developer';
}

/**
 * The role strings terraform-provider-harbor (and so Crossplane provider-harbor, generated from it)
 * accepts in `MemberUser.spec.forProvider.role` / `MemberGroup.spec.forProvider.role`.
 */
export const TERRAFORM_ROLE_NAMES: Readonly<Record<HarborRoleName, string>> = Object.freeze({
  projectAdmin: 'projectadmin',
  developer: 'developer',
  guest: 'guest',
  maintainer: 'maintainer',
  limitedGuest: 'limitedguest',
});
