/**
 * Where a field of an object is in its file: findings point at the image's own line and column, not at the object's
 * first line (argo-cd's install.yaml: 250 lines apart), in YAML and in JSON.
 *
 * The parsers record where things are as they read (manifests.ts), at no extra parse:
 *
 * - js-yaml documents and JSON files: the position of the value of every key named `image` or `package` (or named
 *   by an `--image-path`), in document order. An object's k-th such key, counted depth-first in the parsed object
 *   (whose keys keep the document's order), is the k-th recorded within the object's text; when the counts differ,
 *   no position is claimed.
 * - documents the yaml package reads (anchors, merge keys...): the node itself, found by following the path through
 *   aliases and merge keys in the order kubectl applies them.
 */
import { isAlias, isMap, isScalar, isSeq, Scalar, type Document, type LineCounter } from 'yaml';
import type { ManifestObject } from './manifests';
import type { ValuePath } from './object-paths';

/** The names of the keys whose values are located: image fields (`image`; Crossplane's `package`). */
export const LOCATED_KEYS: ReadonlySet<string> = new Set(['image', 'package']);

/** Positions of the values of located keys of a text, in document order. */
export interface KeyTable {
  /** The keys' names. */
  readonly names: string[];
  /** Offsets of their values in the text. */
  readonly offsets: number[];
  /** Their 1-based lines in the file. */
  readonly lines: number[];
}

/** Where an object came from, to locate its fields. */
export type ObjectOrigin =
  | {
      readonly kind: 'keys';
      /** The text the offsets are in (a file, or a part of it that starts at a line start). */
      readonly text: string;
      /** The object's span in the text. */
      readonly start: number;
      readonly end: number;
      readonly keys: KeyTable;
      /**
       * How many keys of each name come before the object in `keys`, when known (JSON); else found from `start` and
       * `end`.
       */
      readonly before?: Readonly<Record<string, number>>;
    }
  | {
      readonly kind: 'ast';
      readonly doc: Document.Parsed;
      /** The object's node. */
      readonly node: unknown;
      /** Lines of the part the document was read from, and that part's first line in the file, minus 1. */
      readonly lines: LineCounter;
      readonly lineOffset: number;
    };

const origins = new WeakMap<ManifestObject, ObjectOrigin>();

/** Records where an object came from (the parsers call it). */
export function setOrigin(obj: ManifestObject, origin: ObjectOrigin): void {
  origins.set(obj, origin);
}

/** A 1-based line and column. */
export interface Position {
  readonly line: number;
  readonly column: number;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Walks a value depth-first in key order, calling `onKey` with the path of every key named `name` (whatever its
 * value); stops early when it returns true.
 */
export function walkKeys(
  value: unknown,
  name: string,
  onKey: (path: readonly (string | number)[]) => boolean | void,
): boolean {
  const path: (string | number)[] = [];
  const visit = (v: unknown): boolean => {
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const x: unknown = v[i];
        if (typeof x !== 'object' || x === null) continue;
        path.push(i);
        const stop = visit(x);
        path.pop();
        if (stop) return true;
      }
    } else if (isRecord(v)) {
      for (const k in v) {
        const x = v[k];
        path.push(k);
        const stop = (k === name && onKey(path) === true) || (typeof x === 'object' && x !== null && visit(x));
        path.pop();
        if (stop) return true;
      }
    }
    return false;
  };
  return visit(value);
}

/** How many keys of each of `names` a value holds. */
export function countKeys(value: unknown, names: ReadonlySet<string>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const name of names) counts[name] = 0;
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) {
      for (const x of v) if (typeof x === 'object' && x !== null) visit(x);
    } else if (isRecord(v)) {
      for (const k in v) {
        if (names.has(k)) counts[k]++;
        const x = v[k];
        if (typeof x === 'object' && x !== null) visit(x);
      }
    }
  };
  visit(value);
  return counts;
}

function samePath(a: readonly (string | number)[], b: ValuePath): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function lowerBound(sorted: readonly number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The line and column of the value at `path` in the object's file, when the parsers recorded where it is: the value
 * of a key named `image` (js-yaml and JSON input), or any value (input the yaml package read).
 */
export function locateField(obj: ManifestObject, path: ValuePath): Position | undefined {
  const origin = origins.get(obj);
  if (!origin) return undefined;
  if (origin.kind === 'ast') return locateInAst(origin, path);
  const name = path[path.length - 1];
  if (typeof name !== 'string') return undefined;
  let index = -1;
  let total = 0;
  walkKeys(obj.value, name, (p) => {
    if (index < 0 && samePath(p, path)) index = total;
    total++;
  });
  if (index < 0) return undefined;
  const { keys, text } = origin;
  let at = -1;
  if (origin.before) {
    // JSON: the (before + index)-th key of this name in the file.
    let seen = 0;
    const want = (origin.before[name] ?? Number.NaN) + index;
    for (let i = 0; i < keys.names.length && at < 0; i++) if (keys.names[i] === name && seen++ === want) at = i;
  } else {
    const lo = lowerBound(keys.offsets, origin.start);
    const hi = lowerBound(keys.offsets, origin.end);
    const mine: number[] = [];
    for (let i = lo; i < hi; i++) if (keys.names[i] === name) mine.push(i);
    if (mine.length === total) at = mine[index];
  }
  if (at < 0) return undefined;
  const offset = keys.offsets[at];
  return { line: keys.lines[at], column: offset - (text.lastIndexOf('\n', offset - 1) + 1) + 1 };
}

/** True for a merge key of the yaml package's AST: `<<` written plain, or tagged `!!merge`. */
export function isMergeKey(key: unknown): boolean {
  return (
    isScalar(key) &&
    key.value === '<<' &&
    (key.tag === 'tag:yaml.org,2002:merge' || (key.type === Scalar.PLAIN && key.tag === undefined))
  );
}

function keyText(key: unknown, doc: Document.Parsed): string | undefined {
  const k = isAlias(key) ? key.resolve(doc) : key;
  if (!isScalar(k)) return undefined;
  const v: unknown = k.value;
  if (v === null || v === undefined) return 'null';
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
}

/** The node that holds `key` in a mapping, as go-yaml v2 applies merge keys (what is set last wins). */
function mapValue(node: unknown, key: string, doc: Document.Parsed, depth = 0): unknown {
  if (depth > 32) return undefined;
  const map = isAlias(node) ? node.resolve(doc) : node;
  if (!isMap(map)) return undefined;
  let found: unknown;
  for (const pair of map.items) {
    if (isMergeKey(pair.key)) {
      const source = isAlias(pair.value) ? pair.value.resolve(doc) : pair.value;
      if (isMap(source)) {
        const v = mapValue(source, key, doc, depth + 1);
        if (v !== undefined) found = v;
      } else if (isSeq(source)) {
        // The earlier mappings of the list win: applied last.
        for (let i = source.items.length - 1; i >= 0; i--) {
          const v = mapValue(source.items[i], key, doc, depth + 1);
          if (v !== undefined) found = v;
        }
      }
    } else if (keyText(pair.key, doc) === key) found = pair.value;
  }
  return found;
}

function locateInAst(origin: Extract<ObjectOrigin, { kind: 'ast' }>, path: ValuePath): Position | undefined {
  const { doc } = origin;
  let node: unknown = origin.node;
  for (const seg of path) {
    if (isAlias(node)) node = node.resolve(doc);
    if (typeof seg === 'number') node = isSeq(node) ? node.items[seg] : undefined;
    else node = mapValue(node, seg, doc);
    if (node === undefined || node === null) return undefined;
  }
  const range = (node as { range?: readonly number[] }).range;
  if (!range) return undefined;
  const pos = origin.lines.linePos(range[0]);
  return { line: pos.line + origin.lineOffset, column: pos.col };
}
