/**
 * Harbor's JSON as this library reads and writes it: the wire forms of projects, members and robots, the `Location`
 * and `Date` headers. Pure functions; shared by the per-resource modules of the client.
 */
import { harborRoleName } from '../core/roles';
import { normalisePermissions } from './permissions';
import type { HarborMember, HarborProject, HarborRobot, ProjectSpec, RobotPermission } from './types';

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function num(v: unknown, fallback: number): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
}

function str(v: unknown, fallback = ''): string {
  return typeof v === 'string' ? v : fallback;
}

/** Milliseconds since the epoch of an ISO time as Harbor writes it (`creation_time`); `undefined` when unparsable. */
export function isoTimeMs(v: unknown): number | undefined {
  if (typeof v !== 'string' || v === '') return undefined;
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : t;
}

/** Harbor's clock from a response's `Date` header, in milliseconds; `undefined` when absent or unparsable. */
export function harborTime(headers: { get(name: string): string | null }): number | undefined {
  return isoTimeMs(headers.get('date') ?? undefined);
}

/**
 * Reads the numeric id at the end of a `Location` header (`/api/v2.0/projects/12`, absolute or relative).
 * Returns `undefined` when there is none.
 */
export function idFromLocation(location: string | null | undefined): number | undefined {
  if (!location) return undefined;
  let pathname = location.trim();
  try {
    pathname = new URL(pathname, 'http://placeholder.invalid').pathname;
  } catch {
    return undefined;
  }
  const last = pathname.replace(/\/+$/, '').split('/').pop() ?? '';
  if (!/^\d+$/.test(last)) return undefined;
  const id = Number(last);
  return Number.isSafeInteger(id) && id > 0 ? id : undefined;
}

/** Maps a project as Harbor returns it to {@link HarborProject}. */
export function toProject(raw: unknown): HarborProject | undefined {
  if (!isRecord(raw)) return undefined;
  const metadata: Record<string, string> = {};
  if (isRecord(raw.metadata)) {
    for (const [k, v] of Object.entries(raw.metadata)) {
      if (v !== null && v !== undefined) metadata[k] = typeof v === 'string' ? v : JSON.stringify(v);
    }
  }
  const id = num(raw.project_id, NaN);
  if (!Number.isFinite(id) || typeof raw.name !== 'string') return undefined;
  const creationTime = isoTimeMs(raw.creation_time);
  return {
    id,
    name: raw.name,
    public: metadata.public === 'true',
    autoScan: metadata.auto_scan === 'true',
    preventVul: metadata.prevent_vul === 'true',
    metadata,
    ...(typeof raw.owner_name === 'string' && raw.owner_name !== '' ? { ownerName: raw.owner_name } : {}),
    ...(creationTime !== undefined ? { creationTime } : {}),
  };
}

/** Maps a project member as Harbor returns it to {@link HarborMember}. */
export function toMember(raw: unknown): HarborMember | undefined {
  if (!isRecord(raw) || typeof raw.id !== 'number' || typeof raw.entity_name !== 'string') return undefined;
  const type = raw.entity_type === 'g' ? 'g' : raw.entity_type === 'u' ? 'u' : undefined;
  if (!type || typeof raw.role_id !== 'number') return undefined;
  return {
    id: raw.id,
    entityName: raw.entity_name,
    entityType: type,
    role: harborRoleName(raw.role_id),
    ...(typeof raw.entity_id === 'number' ? { entityId: raw.entity_id } : {}),
  };
}

/** Maps a robot as Harbor returns it to {@link HarborRobot} (permissions normalised). */
export function toRobot(raw: unknown): HarborRobot | undefined {
  if (!isRecord(raw) || typeof raw.id !== 'number' || typeof raw.name !== 'string') return undefined;
  const creationTime = isoTimeMs(raw.creation_time);
  return {
    id: raw.id,
    name: raw.name,
    description: str(raw.description),
    duration: num(raw.duration, 0),
    disabled: raw.disable === true,
    expiresAt: num(raw.expires_at, -1),
    level: str(raw.level),
    permissions: normalisePermissions(Array.isArray(raw.permissions) ? raw.permissions : []),
    ...(creationTime !== undefined ? { creationTime } : {}),
  };
}

/** Harbor's wire form of permissions (access without `effect` means allow). */
export function permissionsBody(permissions: RobotPermission[]): unknown[] {
  return normalisePermissions(permissions).map((p) => ({
    kind: p.kind,
    namespace: p.namespace,
    access: p.access.map((a) =>
      a.effect
        ? { resource: a.resource, action: a.action, effect: a.effect }
        : { resource: a.resource, action: a.action },
    ),
  }));
}

/** Harbor's wire form of a project's metadata (string values). */
export function projectMetadata(spec: ProjectSpec): Record<string, string> {
  return {
    public: String(spec.public),
    auto_scan: String(spec.autoScan),
    prevent_vul: String(spec.preventVul),
  };
}
