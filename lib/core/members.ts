import { HarborRoleName } from './roles';

/** Harbor's project roles. Every role can pull; pulling needs at least `LIMITED_GUEST`. */
export enum HarborRole {
  /** `projectAdmin` (role_id 1): everything in the project; needed to create robot accounts. */
  PROJECT_ADMIN = 'projectAdmin',
  /** `maintainer` (role_id 4): push, pull and project settings. */
  MAINTAINER = 'maintainer',
  /** `developer` (role_id 2): push and pull. */
  DEVELOPER = 'developer',
  /** `guest` (role_id 3): pull; enough for a node. */
  GUEST = 'guest',
  /** `limitedGuest` (role_id 5): pull, with the least visibility. */
  LIMITED_GUEST = 'limitedGuest',
}

/** How Harbor knows a group: `ldap`, `internal` (http auth proxy / local) or `oidc`. */
export enum HarborGroupType {
  /** An LDAP group (group_type 1), optionally with its DN. */
  LDAP = 'ldap',
  /** A group of Harbor's HTTP auth proxy or a local group (group_type 2). */
  INTERNAL = 'internal',
  /** A group from the OIDC provider's groups claim (group_type 3). */
  OIDC = 'oidc',
}

/** Numeric group types of Harbor's API (`member_group.group_type`). */
export const HARBOR_GROUP_TYPE_IDS: Readonly<Record<HarborGroupType, number>> = Object.freeze({
  [HarborGroupType.LDAP]: 1,
  [HarborGroupType.INTERNAL]: 2,
  [HarborGroupType.OIDC]: 3,
});

/** Options of a member. */
export interface HarborMemberOptions {
  /**
   * The user (or group) may be a member of the project already: take that member over instead of failing with
   * Harbor's 409 "already a member". Its role is set to the declared one, and from then on it is this app's member,
   * removed by `pulumi destroy`. Pulumi engine only (the YAML engine rejects it).
   * @default false
   */
  readonly adopt?: boolean;
}

/** Options of a group member. */
export interface HarborGroupMemberOptions extends HarborMemberOptions {
  /**
   * How Harbor knows the group.
   * @default HarborGroupType.OIDC
   */
  readonly type?: HarborGroupType;
  /**
   * The group's LDAP DN (LDAP groups only).
   * @default - none
   */
  readonly ldapGroupDn?: string;
}

/**
 * A member of the Harbor project: a user or a group, with a role.
 * Create with `HarborMember.user(...)` or `HarborMember.group(...)`.
 */
export class HarborMember {
  /** An existing Harbor user (the seed's "user added to the project"). */
  public static user(username: string, role: HarborRole, options: HarborMemberOptions = {}): HarborMember {
    return new HarborMember('user', username, role, undefined, undefined, options.adopt);
  }

  /** An existing Harbor group (LDAP, OIDC or internal). */
  public static group(groupName: string, role: HarborRole, options: HarborGroupMemberOptions = {}): HarborMember {
    return new HarborMember(
      'group',
      groupName,
      role,
      options.type ?? HarborGroupType.OIDC,
      options.ldapGroupDn,
      options.adopt,
    );
  }

  private constructor(
    /** `user` or `group`. */
    public readonly kind: 'user' | 'group',
    /** The user's or the group's name in Harbor. */
    public readonly name: string,
    /** The project role. */
    public readonly role: HarborRole,
    /** The group type (groups only). */
    public readonly groupType?: HarborGroupType,
    /** The LDAP group DN (LDAP groups only). */
    public readonly ldapGroupDn?: string,
    /** Take over an existing member (see {@link HarborMemberOptions.adopt}). */
    public readonly adopt?: boolean,
  ) {}

  /** The role as the core's role name. */
  public get roleName(): HarborRoleName {
    return this.role;
  }
}
