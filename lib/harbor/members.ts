/**
 * Project members (users and groups with a role) through the client's HTTP core.
 */
import { harborRoleId, type HarborRoleName } from '../core/roles';
import type { HarborHttp } from './http';
import type { HarborMember, MemberEntity } from './types';
import { assertId, assertMemberEntity, assertProjectName, assertRole } from './validate';
import { toMember } from './wire';

/** The work of {@link HarborClient.addMember}. */
export async function addMember(
  http: HarborHttp,
  project: string,
  entity: MemberEntity,
  role: HarborRoleName,
): Promise<{ id: number }> {
  assertProjectName(project, 'project');
  assertMemberEntity(entity);
  assertRole(role);
  const body: Record<string, unknown> = { role_id: harborRoleId(role) };
  if (entity.kind === 'user') {
    body.member_user = { username: entity.name };
  } else {
    const group: Record<string, unknown> = { group_name: entity.name };
    if (entity.groupType !== undefined) group.group_type = entity.groupType;
    if (entity.ldapGroupDn !== undefined) group.ldap_group_dn = entity.ldapGroupDn;
    body.member_group = group;
  }
  const res = await http.call('POST', `/projects/${encodeURIComponent(project)}/members`, {
    byName: true,
    project,
    body,
    ok: [201],
  });
  return { id: http.locationId(res) };
}

/** The work of {@link HarborClient.findMember}. */
export async function findMember(
  http: HarborHttp,
  project: string,
  entity: MemberEntity,
): Promise<HarborMember | undefined> {
  assertProjectName(project, 'project');
  assertMemberEntity(entity);
  const members = await http.listAll(
    `/projects/${encodeURIComponent(project)}/members`,
    { entityname: entity.name },
    project,
    toMember,
    'project members',
  );
  const type = entity.kind === 'user' ? 'u' : 'g';
  return members.find((m) => m.entityType === type && m.entityName === entity.name);
}

/** The work of {@link HarborClient.getMember}. */
export async function getMember(
  http: HarborHttp,
  project: string,
  memberId: number,
): Promise<HarborMember | undefined> {
  assertProjectName(project, 'project');
  assertId(memberId, 'memberId');
  const res = await http.call('GET', `/projects/${encodeURIComponent(project)}/members/${memberId}`, {
    byName: true,
    project,
    ok: [200],
    absentOk: true,
  });
  return http.lookup(res, toMember, 'a project member with id, entity_name and entity_type').found;
}

/** The work of {@link HarborClient.updateMemberRole}. */
export async function updateMemberRole(
  http: HarborHttp,
  project: string,
  memberId: number,
  role: HarborRoleName,
): Promise<void> {
  assertProjectName(project, 'project');
  assertId(memberId, 'memberId');
  assertRole(role);
  await http.call('PUT', `/projects/${encodeURIComponent(project)}/members/${memberId}`, {
    byName: true,
    project,
    body: { role_id: harborRoleId(role) },
    ok: [200, 204],
  });
}

/** The work of {@link HarborClient.removeMember}. */
export async function removeMember(http: HarborHttp, project: string, memberId: number): Promise<void> {
  assertProjectName(project, 'project');
  assertId(memberId, 'memberId');
  await http.call('DELETE', `/projects/${encodeURIComponent(project)}/members/${memberId}`, {
    byName: true,
    project,
    ok: [200, 204],
    absentOk: true,
  });
}
