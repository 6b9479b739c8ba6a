/**
 * Paths into an object, as `--image-path KIND:JSONPATH` writes them: the kubectl JSONPath subset that names fields
 * (`spec.templates[*].container.image`, with or without `{...}`, a leading `$` or `.`): `.name`, `['name']` (for
 * names with dots), `[n]` and `[*]` (every item of a list, or every value of a mapping).
 */

/** One step of a path: a field name, a list index, or `*` (every item). */
export type PathSegment = string | number | typeof EVERY;

/** `[*]`: every item of a list or every value of a mapping. */
export const EVERY: unique symbol = Symbol('every');

/** A concrete path to a value: field names and list indexes. */
export type ValuePath = readonly (string | number)[];

/** A path that cannot be read: the message says where and the fix. */
export class ObjectPathError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ObjectPathError';
  }
}

/**
 * Parses a path.
 * @throws ObjectPathError naming the position and the fix
 */
export function parseObjectPath(text: string): PathSegment[] {
  let s = text.trim();
  if (s.startsWith('{') && s.endsWith('}')) s = s.slice(1, -1).trim();
  if (s.startsWith('$')) s = s.slice(1);
  const out: PathSegment[] = [];
  let i = 0;
  const fail = (what: string): never => {
    throw new ObjectPathError(
      `${JSON.stringify(text)}: ${what} at character ${i + 1}. Fix: write the path as field names and [n] or [*], e.g. spec.templates[*].container.image`,
    );
  };
  if (s.startsWith('.')) i = 1;
  while (i < s.length) {
    if (s[i] === '[') {
      const end = s.indexOf(']', i);
      if (end < 0) fail('an unclosed [');
      const inner = s.slice(i + 1, end).trim();
      if (inner === '*') out.push(EVERY);
      else if (/^\d+$/.test(inner)) out.push(Number(inner));
      else if (/^'[^']*'$/.test(inner) || /^"[^"]*"$/.test(inner)) out.push(inner.slice(1, -1));
      else fail(`[${inner}] is not [n], [*] or ['name']`);
      i = end + 1;
      if (s[i] === '.') {
        i++;
        if (i >= s.length || s[i] === '.' || s[i] === '[') fail('an empty field name');
      }
      continue;
    }
    let j = i;
    while (j < s.length && s[j] !== '.' && s[j] !== '[') j++;
    const name = s.slice(i, j);
    if (name === '') fail('an empty field name');
    if (/[\s'"{}()?@=!<>|]/.test(name))
      fail(`${JSON.stringify(name)} is no field name (filters and functions are not supported)`);
    out.push(name === '*' ? EVERY : name);
    i = j;
    if (s[i] === '.') {
      i++;
      if (i >= s.length || s[i] === '.' || s[i] === '[') fail('an empty field name');
    }
  }
  if (out.length === 0) fail('an empty path');
  return out;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Every value a path reaches in `root`, with its concrete path. */
export function valuesAt(root: unknown, segments: readonly PathSegment[]): Array<{ value: unknown; path: ValuePath }> {
  let current: Array<{ value: unknown; path: (string | number)[] }> = [{ value: root, path: [] }];
  for (const seg of segments) {
    const next: typeof current = [];
    for (const { value, path } of current) {
      if (seg === EVERY) {
        if (Array.isArray(value)) value.forEach((v, i) => next.push({ value: v, path: [...path, i] }));
        else if (isRecord(value))
          for (const [k, v] of Object.entries(value)) next.push({ value: v, path: [...path, k] });
      } else if (typeof seg === 'number') {
        if (Array.isArray(value) && seg < value.length) next.push({ value: value[seg], path: [...path, seg] });
      } else if (isRecord(value) && Object.prototype.hasOwnProperty.call(value, seg)) {
        next.push({ value: value[seg], path: [...path, seg] });
      }
    }
    current = next;
    if (current.length === 0) break;
  }
  return current;
}

/** The value at a concrete path, or `undefined`. */
export function valueAt(root: unknown, path: ValuePath): unknown {
  let v: unknown = root;
  for (const seg of path) {
    if (typeof seg === 'number') v = Array.isArray(v) ? v[seg] : undefined;
    else v = isRecord(v) && Object.prototype.hasOwnProperty.call(v, seg) ? v[seg] : undefined;
    if (v === undefined) return undefined;
  }
  return v;
}

/** `spec.templates[0].container.image`. */
export function formatPath(path: ValuePath): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}
