/**
 * The dynamic provider of a Harbor project member. Serialized by Pulumi: imports the Harbor client only.
 */
import type { dynamic } from '@pulumi/pulumi';
import { createChecked, isHarborApiError, type HarborMember, type MemberEntity } from '../harbor';
import type { HarborRoleName } from '../core/roles';
import { connectionChanged, HarborConnectionState, isNotFound, sameHarbor, withHarbor } from './connection';

/** The inputs of a Harbor project member resource. */
export interface HarborMemberInputs {
  readonly connection: HarborConnectionState;
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
}

/** The outputs of a Harbor project member resource. */
export interface HarborMemberOutputs extends HarborMemberInputs {
  /** Harbor's member id (`/projects/{p}/members/{mid}`). */
  readonly memberId: number;
}

const IDENTITY_KEYS = ['project', 'kind', 'entityName', 'groupType', 'ldapGroupDn'] as const;

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
 * - create: `POST /projects/{p}/members` (1 write); a 409 (already a member) fails with the fix. A create that fails
 *   without a clear answer (reset, timeout, 429/5xx) is never repeated blindly: the member is looked up first
 *   (`findMember`). Found, it is the member asked for (same project, same user or group; Harbor records no creation
 *   time for members, so nothing more can be told) and is taken, its role set with a PUT if it differs. Absent, the
 *   create is repeated, at most `maxRetries + 1` times.
 * - read: `GET /projects/{p}/members?entityname=` (exact match kept); gone (or its project gone) reads as empty.
 * - diff: another project, entity or Harbor replaces; a role or connection change updates.
 * - update: `PUT /projects/{p}/members/{mid}` only when the role changed.
 * - delete: `DELETE /projects/{p}/members/{mid}` (1 write).
 */
export class HarborMemberProvider implements dynamic.ResourceProvider {
  async create(inputs: HarborMemberInputs): Promise<dynamic.CreateResult> {
    return withHarbor(inputs.connection, memberLabel(inputs), async (harbor) => {
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
        if (isHarborApiError(e) && e.status === 409) {
          throw new Error(
            `${memberLabel(inputs)} already exists in Harbor, and this stack did not add it. ` +
              `Fix: remove that member in Harbor (the stack then adds it with role ${inputs.role}), or drop it from members. (${e.message})`,
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
    return withHarbor(props.connection, memberLabel(props), async (harbor) => {
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
    const replaces: string[] = IDENTITY_KEYS.filter((k) => (olds[k] ?? undefined) !== (news[k] ?? undefined));
    if (!sameHarbor(olds.connection, news.connection)) replaces.push('connection');
    const changes =
      replaces.length > 0 || olds.role !== news.role || connectionChanged(olds.connection, news.connection);
    return { changes, replaces, deleteBeforeReplace: false };
  }

  async update(_id: string, olds: HarborMemberOutputs, news: HarborMemberInputs): Promise<dynamic.UpdateResult> {
    if (olds.role !== news.role) {
      await withHarbor(news.connection, memberLabel(news), (harbor) =>
        harbor.updateMemberRole(news.project, olds.memberId, news.role),
      );
    }
    const outs: HarborMemberOutputs = { ...news, memberId: olds.memberId };
    return { outs };
  }

  async delete(_id: string, props: HarborMemberOutputs): Promise<void> {
    await withHarbor(props.connection, memberLabel(props), async (harbor) => {
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

/** A ready instance (the resources use it through HarborProvider, which dispatches by kind). */
export const harborMemberProvider = new HarborMemberProvider();
