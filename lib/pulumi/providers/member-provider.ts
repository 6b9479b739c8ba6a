/**
 * The dynamic provider of a Harbor project member. Serialized by Pulumi: imports the Harbor client only.
 */
import type { dynamic } from '@pulumi/pulumi';
import { isHarborApiError, type HarborMember, type MemberEntity } from '../../harbor';
import { createChecked } from '../../harbor/checked-write';
import type { HarborRoleName } from '../../core/roles';
import { MEMBER_DEFAULTS, withDefaults } from '../../core/defaults';
import {
  harborMoved,
  harborStateChanged,
  harborUrlOf,
  HarborLocated,
  isNotFound,
  otherHarborError,
  StackConfiguredProvider,
} from './connection';
import { ProviderBoundary } from './boundary';

/** The inputs of a Harbor project member resource (its Harbor in `harbor`). */
export interface HarborMemberInputs extends HarborLocated {
  /** The project's name. */
  readonly project: string;
  /** `user` or `group`. */
  readonly kind: 'user' | 'group';
  /** The Harbor user's or group's name. */
  readonly entityName: string;
  /** Harbor's numeric group type (groups only): 1 LDAP, 2 internal/HTTP, 3 OIDC. */
  readonly groupType?: number;
  /** The LDAP group DN (LDAP groups only). */
  readonly ldapGroupDn?: string;
  /** The project role. */
  readonly role: HarborRoleName;
  /**
   * Take over a member that exists already (its role is set to `role`; from then on it is this stack's, removed by
   * `pulumi destroy`) instead of failing with Harbor's 409.
   * @default false
   */
  readonly adopt?: boolean;
}

/** The outputs of a Harbor project member resource. */
export interface HarborMemberOutputs extends HarborMemberInputs {
  /** Harbor's member id (`/projects/{p}/members/{mid}`). */
  readonly memberId: number;
  /** True when the member existed and was taken over (`adopt`). */
  readonly adopted?: boolean;
}

const IDENTITY_KEYS = ['project', 'kind', 'entityName', 'groupType', 'ldapGroupDn'] as const;
/** Keys that name the member itself: Harbor keeps one member per project and user (or group). */
const MEMBER_KEYS = ['project', 'kind', 'entityName'] as const;

/** The same value, `null` and `undefined` alike. */
function same(a: unknown, b: unknown): boolean {
  return (a ?? undefined) === (b ?? undefined);
}

function memberLabel(m: Partial<HarborMemberInputs>): string {
  return `Harbor member ${m?.kind ?? 'user'} ${JSON.stringify(m?.entityName ?? '')} of project ${JSON.stringify(m?.project ?? '')}`;
}

function entityOf(m: HarborMemberInputs): MemberEntity {
  return m.kind === 'group'
    ? {
        kind: 'group',
        name: m.entityName,
        ...(m.groupType !== undefined && m.groupType !== null ? { groupType: m.groupType } : {}),
        ...(m.ldapGroupDn ? { ldapGroupDn: m.ldapGroupDn } : {}),
      }
    : { kind: 'user', name: m.entityName };
}

/**
 * Create, read (refresh), diff, update and delete of a project member through Harbor's REST API.
 *
 * - create: `POST /projects/{p}/members` (1 write). A 409 (already a member) fails with the fix, unless `adopt`: then
 *   the member is looked up (`findMember`) and taken over, its role set with a PUT if it differs. A create that fails
 *   without a clear answer (reset, timeout, 429/5xx) is never repeated blindly: the member is looked up first
 *   (`findMember`). Found, it is the member asked for (same project, same user or group; Harbor records no creation
 *   time for members, so nothing more can be told) and is taken, its role set with a PUT if it differs. Absent, the
 *   create is repeated, at most `maxRetries + 1` times.
 * - read: `GET /projects/{p}/members?entityname=` (exact match kept); gone (or its project gone) reads as empty.
 * - diff: another project, user or group replaces; a group's new type or LDAP DN replaces too, deleting the old
 *   member first (Harbor keeps one member per group name: creating first would fail with 409). A role, `adopt` or
 *   Harbor address change updates.
 * - update: when the address changed, `GET /projects/{p}/members/{mid}` there first (the member must be there, the same
 *   user or group), failing before any write otherwise; `PUT /projects/{p}/members/{mid}` when the role changed.
 * - delete: `DELETE /projects/{p}/members/{mid}` (1 write).
 */
export class HarborMemberProvider extends StackConfiguredProvider implements dynamic.ResourceProvider {
  /** The inputs with lib/core's defaults (`MEMBER_DEFAULTS`) for the args the program left unset (the engine stores them). */
  async check(_olds: unknown, news: HarborMemberInputs): Promise<dynamic.CheckResult> {
    return { inputs: withDefaults(news, MEMBER_DEFAULTS) };
  }

  async create(inputs: HarborMemberInputs): Promise<dynamic.CreateResult> {
    return this.withHarbor(inputs, memberLabel(inputs), async (harbor) => {
      try {
        const result = await createChecked<{ id: number }, HarborMember>({
          what: memberLabel(inputs),
          policy: harbor,
          create: () => harbor.addMember(inputs.project, entityOf(inputs), inputs.role),
          lookup: () => harbor.findMember(inputs.project, entityOf(inputs)),
        });
        const id = result.value.id;
        if (result.kind === 'found' && result.value.role !== inputs.role)
          await harbor.updateMemberRole(inputs.project, id, inputs.role);
        const outs: HarborMemberOutputs = { ...inputs, memberId: id };
        return { id: String(id), outs };
      } catch (e) {
        if (isHarborApiError(e) && e.status === 409 && inputs.adopt === true) {
          const found = await harbor.findMember(inputs.project, entityOf(inputs));
          if (found) {
            if (found.role !== inputs.role) await harbor.updateMemberRole(inputs.project, found.id, inputs.role);
            const outs: HarborMemberOutputs = { ...inputs, memberId: found.id, adopted: true };
            return { id: String(found.id), outs };
          }
        }
        if (isHarborApiError(e) && e.status === 409) {
          const how =
            inputs.kind === 'group'
              ? `HarborMember.group(${JSON.stringify(inputs.entityName)}, role, { adopt: true })`
              : `HarborMember.user(${JSON.stringify(inputs.entityName)}, role, { adopt: true })`;
          throw new Error(
            `${memberLabel(inputs)} already exists in Harbor, and this stack did not add it. ` +
              `Fix: take it over with ${how} (its role becomes ${inputs.role}, and "pulumi destroy" removes it), ` +
              `or remove that member in Harbor, or drop it from members. (${e.message})`,
            { cause: e },
          );
        }
        if (isHarborApiError(e) && e.status === 404) {
          throw new Error(
            `${memberLabel(inputs)} cannot be added: Harbor does not know the ${inputs.kind} or the project. Fix: create the ${inputs.kind} in Harbor (or check its name). (${e.message})`,
            { cause: e },
          );
        }
        throw e;
      }
    });
  }

  async read(id: string, props: HarborMemberOutputs): Promise<dynamic.ReadResult> {
    return this.withHarbor(props, memberLabel(props), async (harbor) => {
      let found;
      try {
        found = await harbor.findMember(props.project, entityOf(props));
      } catch (e) {
        if (isNotFound(e)) return {};
        throw e;
      }
      if (!found) return {};
      const outs: HarborMemberOutputs = { ...props, role: found.role, memberId: found.id };
      return { id: found.id === Number(id) ? id : String(found.id), props: outs };
    });
  }

  async diff(_id: string, olds: HarborMemberOutputs, news: HarborMemberInputs): Promise<dynamic.DiffResult> {
    const replaces: string[] = IDENTITY_KEYS.filter((k) => !same(olds[k], news[k]));
    const changes =
      replaces.length > 0 ||
      olds.role !== news.role ||
      Boolean(olds.adopt) !== Boolean(news.adopt) ||
      harborStateChanged(olds, news);
    // Only the group's type or DN changed: the replacement is the same member for Harbor, so the old one goes first.
    const sameMember = MEMBER_KEYS.every((k) => same(olds[k], news[k]));
    return { changes, replaces, deleteBeforeReplace: replaces.length > 0 && sameMember };
  }

  async update(_id: string, olds: HarborMemberOutputs, news: HarborMemberInputs): Promise<dynamic.UpdateResult> {
    const moved = harborMoved(olds, news);
    if (moved || olds.role !== news.role) {
      await this.withHarbor(news, memberLabel(news), async (harbor) => {
        if (moved) {
          const there = await harbor.getMember(olds.project, olds.memberId);
          const entityType = olds.kind === 'group' ? 'g' : 'u';
          if (!there || there.entityName !== olds.entityName || there.entityType !== entityType) {
            throw otherHarborError(
              memberLabel(news),
              harborUrlOf(olds),
              harbor.origin,
              there
                ? `member ${olds.memberId} of project ${JSON.stringify(olds.project)} there is ${JSON.stringify(there.entityName)}`
                : `project ${JSON.stringify(olds.project)} there has no member ${olds.memberId}`,
            );
          }
        }
        if (olds.role !== news.role) await harbor.updateMemberRole(news.project, olds.memberId, news.role);
      });
    }
    const outs: HarborMemberOutputs = {
      ...news,
      memberId: olds.memberId,
      ...(olds.adopted === true ? { adopted: true } : {}),
    };
    return { outs };
  }

  async delete(_id: string, props: HarborMemberOutputs): Promise<void> {
    await this.withHarbor(props, memberLabel(props), async (harbor) => {
      try {
        await harbor.removeMember(props.project, props.memberId);
      } catch (e) {
        // The project is gone already (deleted out of band): so is the member.
        if (isNotFound(e) && (await harbor.getProject(props.project)) === undefined) return;
        throw e;
      }
    });
  }
}

/**
 * The one instance every Harbor project member registers with (its resources' provider reference names it), behind the host
 * boundary ({@link ProviderBoundary}).
 */
export const harborMemberProvider: dynamic.ResourceProvider = new ProviderBoundary(new HarborMemberProvider());
