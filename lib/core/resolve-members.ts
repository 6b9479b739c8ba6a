import { failIn } from './errors';
import { MEMBER_DEFAULTS } from './defaults';
import { HARBOR_GROUP_TYPE_IDS, HarborGroupType, HarborMember } from './members';
import { HarborRoleName, isHarborRoleName } from './roles';

/** A member with its role checked. */
export interface ResolvedMember {
  /** A Harbor user or a group. */
  readonly kind: 'user' | 'group';
  /** The user's or group's name in Harbor. */
  readonly name: string;
  /** The project role. */
  readonly role: HarborRoleName;
  /** The group type (`ldap`, `internal`, `oidc`), groups only. */
  readonly groupType?: string;
  /** Harbor's numeric group type, groups only. */
  readonly groupTypeId?: number;
  /** The LDAP group DN, LDAP groups only. */
  readonly ldapGroupDn?: string;
  /** Take over an existing member. */
  readonly adopt: boolean;
}

/**
 * Checks the members (each a HarborMember with a Harbor role, listed once; a group with a Harbor group type) and
 * resolves them in the order given.
 */
export function resolveMembers(given: readonly HarborMember[] | undefined, scope: string): ResolvedMember[] {
  const fail = failIn(scope);
  const members: ResolvedMember[] = [];
  const seen = new Set<string>();
  (given ?? []).forEach((m, i) => {
    const field = `members[${i}]`;
    if (!(m instanceof HarborMember)) {
      fail(
        field,
        m,
        'is not a HarborMember',
        'use HarborMember.user("name", HarborRole.GUEST) or HarborMember.group(...)',
      );
    }
    if (typeof m.name !== 'string' || m.name.trim() === '' || m.name !== m.name.trim()) {
      fail(
        `${field}.name`,
        m.name,
        'must be a non-empty name without surrounding white space',
        'give the Harbor user or group name exactly',
      );
    }
    if (!isHarborRoleName(m.role)) {
      fail(
        `${field}.role`,
        m.role,
        'is not a Harbor role',
        'use HarborRole.PROJECT_ADMIN, MAINTAINER, DEVELOPER, GUEST or LIMITED_GUEST (GUEST is enough to pull)',
      );
    }
    const key = `${m.kind}:${m.name}`;
    if (m.adopt !== undefined && typeof m.adopt !== 'boolean')
      fail(`${field}.adopt`, m.adopt, 'must be a boolean', 'use true or false');
    if (seen.has(key))
      fail(
        `${field}.name`,
        m.name,
        `names the same ${m.kind} twice; Harbor keeps one role per member`,
        'list each member once, with the highest role it needs',
      );
    seen.add(key);
    if (m.kind === 'group') {
      if (m.groupType === undefined || !(m.groupType in HARBOR_GROUP_TYPE_IDS)) {
        fail(`${field}.type`, m.groupType, 'is not a Harbor group type', 'use HarborGroupType.LDAP, INTERNAL or OIDC');
      }
      if (m.ldapGroupDn !== undefined && m.groupType !== HarborGroupType.LDAP) {
        fail(
          `${field}.ldapGroupDn`,
          m.ldapGroupDn,
          'is only meaningful for LDAP groups',
          'drop it, or set type: HarborGroupType.LDAP',
        );
      }
    }
    members.push({
      kind: m.kind,
      name: m.name,
      role: m.role,
      groupType: m.groupType,
      groupTypeId: m.groupType ? HARBOR_GROUP_TYPE_IDS[m.groupType] : undefined,
      ldapGroupDn: m.ldapGroupDn,
      adopt: m.adopt ?? MEMBER_DEFAULTS.adopt,
    });
  });
  return members;
}
