/**
 * Robot permissions compared as sets: Harbor returns them in no stable order and with `effect` either `""` or
 * `"allow"` (both mean allow), which otherwise shows up as drift on every read.
 */
import { HARBOR_ROBOT_ACCESS, HARBOR_ROBOT_ACCESS_ORIGIN } from './robot-access';
import type { RobotAccess, RobotPermission } from './types';

function describe(value: unknown): string {
  try {
    const s = JSON.stringify(value);
    return s === undefined ? String(value) : s.length > 120 ? `${s.slice(0, 117)}...` : s;
  } catch {
    return String(value);
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function normaliseAccess(a: unknown, where: string): RobotAccess {
  if (!isRecord(a) || typeof a.resource !== 'string' || typeof a.action !== 'string' || !a.resource || !a.action) {
    throw new TypeError(
      `${where} must be {resource, action} with non-empty strings, got ${describe(a)}; e.g. {"resource":"repository","action":"pull"}.`,
    );
  }
  const effect = a.effect === undefined || a.effect === null ? '' : a.effect;
  if (effect === '' || effect === 'allow') {
    return { resource: a.resource, action: a.action };
  }
  if (effect === 'deny') {
    return { resource: a.resource, action: a.action, effect: 'deny' };
  }
  throw new TypeError(`${where}.effect must be "", "allow" or "deny", got ${describe(a.effect)}.`);
}

function accessKey(a: RobotAccess): string {
  return `${a.resource}\u0000${a.action}\u0000${a.effect ?? ''}`;
}

function compare(x: string, y: string): number {
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * Validates and normalises robot permissions (from Harbor's JSON or from user input): access entries sorted by
 * resource then action and de-duplicated, `effect` `""`/`"allow"` dropped (a `deny` is kept), permissions sorted by
 * namespace and merged when they name the same namespace.
 *
 * @throws TypeError naming the entry when a permission is not `{kind:"project", namespace, access:[...]}`.
 * @internal
 */
export function normalisePermissions(p: unknown[]): RobotPermission[] {
  if (!Array.isArray(p)) {
    throw new TypeError(`permissions must be an array, got ${describe(p)}.`);
  }
  const byNamespace = new Map<string, Map<string, RobotAccess>>();
  p.forEach((perm, i) => {
    const where = `permissions[${i}]`;
    if (!isRecord(perm)) {
      throw new TypeError(`${where} must be an object {kind, namespace, access}, got ${describe(perm)}.`);
    }
    if (perm.kind !== 'project') {
      throw new TypeError(`${where}.kind must be "project" (project-level robots only), got ${describe(perm.kind)}.`);
    }
    if (typeof perm.namespace !== 'string' || perm.namespace === '') {
      throw new TypeError(`${where}.namespace must be the project name, got ${describe(perm.namespace)}.`);
    }
    const access = perm.access === undefined || perm.access === null ? [] : perm.access;
    if (!Array.isArray(access)) {
      throw new TypeError(`${where}.access must be an array of {resource, action}, got ${describe(perm.access)}.`);
    }
    const entries = byNamespace.get(perm.namespace) ?? new Map<string, RobotAccess>();
    access.forEach((a, j) => {
      const n = normaliseAccess(a, `${where}.access[${j}]`);
      entries.set(accessKey(n), n);
    });
    byNamespace.set(perm.namespace, entries);
  });
  return [...byNamespace.entries()]
    .sort(([a], [b]) => compare(a, b))
    .map(([namespace, entries]) => ({
      kind: 'project' as const,
      namespace,
      access: [...entries.entries()].sort(([a], [b]) => compare(a, b)).map(([, v]) => v),
    }));
}

/**
 * True when both lists grant the same rights: order, duplicates and `effect` `""` versus `"allow"` are ignored.
 * @internal
 */
export function samePermissions(a: RobotPermission[], b: RobotPermission[]): boolean {
  return JSON.stringify(normalisePermissions(a)) === JSON.stringify(normalisePermissions(b));
}

/** Levenshtein distance of two short strings. */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++)
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}

/** Every pair Harbor accepts in a permission of `kind`, as `resource:action`. */
function allowedPairs(kind: 'project' | 'system'): string[] {
  return Object.entries(HARBOR_ROBOT_ACCESS[kind]).flatMap(([r, actions]) => actions.map((a) => `${r}:${a}`));
}

/**
 * True when Harbor accepts `resource:action` in a robot permission of `kind` (its `PoliciesMap`, see
 * {@link HARBOR_ROBOT_ACCESS}); Harbor answers any other pair with 400 "bad request permission: resource:action".
 */
export function isAllowedRobotAccess(kind: 'project' | 'system', resource: string, action: string): boolean {
  const actions = Object.prototype.hasOwnProperty.call(HARBOR_ROBOT_ACCESS[kind], resource)
    ? HARBOR_ROBOT_ACCESS[kind][resource]
    : undefined;
  return actions !== undefined && actions.includes(action);
}

/**
 * The allowed pairs nearest to `resource:action`: the resource's own actions when Harbor knows the resource, else the
 * `count` pairs closest in spelling.
 */
export function nearestRobotAccess(kind: 'project' | 'system', resource: string, action: string, count = 3): string[] {
  const own = Object.prototype.hasOwnProperty.call(HARBOR_ROBOT_ACCESS[kind], resource)
    ? HARBOR_ROBOT_ACCESS[kind][resource]
    : undefined;
  if (own) return own.map((a) => `${resource}:${a}`);
  const wanted = `${resource}:${action}`;
  return allowedPairs(kind)
    .map((pair) => ({ pair, d: editDistance(wanted, pair) }))
    .sort((x, y) => x.d - y.d || compare(x.pair, y.pair))
    .slice(0, count)
    .map((x) => x.pair);
}

/**
 * Throws unless every access entry of `permissions` (project permissions) is a pair Harbor accepts, before any request:
 * the message names the entry, the pair, Harbor's answer to it and the nearest allowed pairs.
 * @internal
 */
export function assertAllowedRobotAccess(permissions: readonly RobotPermission[], field: string): void {
  permissions.forEach((p, i) => {
    (p?.access ?? []).forEach((a, j) => {
      if (isAllowedRobotAccess('project', a?.resource, a?.action)) return;
      const pair = `${String(a?.resource)}:${String(a?.action)}`;
      throw new TypeError(
        `${field}[${i}].access[${j}] ${JSON.stringify(pair)} is not a permission Harbor accepts for a project robot ` +
          `(Harbor answers 400 "bad request permission: ${pair}"): use ` +
          `${nearestRobotAccess('project', String(a?.resource), String(a?.action))
            .map((x) => JSON.stringify(x))
            .join(', ')} ` +
          `(HARBOR_ROBOT_ACCESS lists every pair Harbor ${HARBOR_ROBOT_ACCESS_ORIGIN.version.split(' ')[0]} accepts).`,
      );
    });
  });
}
