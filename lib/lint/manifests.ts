/**
 * Kubernetes manifests read from text: multi-document YAML (`cdk8s synth`, `helm template`, `kustomize build`) or
 * JSON (`kubectl get -o json`), each object with the file and line it starts on. A `List` (`kind: List`) gives its
 * items. Documents that are no Kubernetes object (no `apiVersion` and `kind`, e.g. a Helm values file) are skipped.
 *
 * A file is read document by document, as kubectl reads a stream: a document that cannot be read is an error of its
 * own (file, line, column, what is wrong and the fix), and the other documents of the file are still read. The
 * documents are split where YAML splits them (a line starting with `---` or `...`), unless the file has `%`
 * directives, which then apply to the whole file.
 *
 * YAML is read as YAML 1.2 with the core schema, and merge keys (`<<: *base`) are applied as kubectl applies them
 * (go-yaml v2, through sigs.k8s.io/yaml): in the order they appear, a later key overriding an earlier one, and in a
 * `<<: [*a, *b]` list the earlier mapping winning. Two parsers, one result: js-yaml reads the usual document (about
 * ten times faster than the yaml package), with scalars resolved exactly as the yaml package resolves them; a
 * document js-yaml refuses, or one with anchors (the alias-expansion guard), explicitly tagged collections or merge
 * keys, is read by the yaml package, which also names the line and column of every syntax error.
 *
 * Nothing of the source text is ever put in a message (it may hold Secret data); the yaml package is told to log
 * nothing (its warnings quote keys).
 */
import { FAILSAFE_SCHEMA, loadAll, Type, type State as JsYamlState } from 'js-yaml';
import {
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  parseAllDocuments,
  type Document,
  type Node as YamlNode,
  type ParsedNode,
} from 'yaml';
import { countKeys, isMergeKey, LOCATED_KEYS, setOrigin, type KeyTable, type ObjectOrigin } from './locate';

/** One Kubernetes object of the input. */
export interface ManifestObject {
  /** The file it was read from, as named on the command line (`-` reads as `<stdin>`). */
  readonly file: string;
  /** The 1-based line its document (or its `List` item) starts on. */
  readonly line: number;
  /** The object, as parsed. */
  readonly value: Readonly<Record<string, unknown>>;
}

/** Why a document cannot be read, as a stable code. */
export type ManifestParseCode = 'yaml-syntax' | 'duplicate-key' | 'template' | 'yaml-alias-limit' | 'yaml-unsupported';

/**
 * A document that cannot be read. Its message names the file, line and column, what is wrong and the fix, and never
 * quotes the source text (which may hold Secret data).
 */
export class ManifestParseError extends Error {
  /** The file. */
  public readonly file: string;
  /** 1-based line. */
  public readonly line: number;
  /** 1-based column. */
  public readonly column: number;
  /** Why, as a stable code. */
  public readonly code: ManifestParseCode;
  /** What is wrong. */
  public readonly problem: string;
  /** What to do about it. */
  public readonly fix: string;

  constructor(
    file: string,
    line: number,
    column: number,
    problem: string,
    fix = '',
    code: ManifestParseCode = 'yaml-syntax',
  ) {
    super(`${file}:${line}:${column}: ${problem}${fix ? `. Fix: ${fix}` : ''}`);
    this.name = 'ManifestParseError';
    this.file = file;
    this.line = line;
    this.column = column;
    this.code = code;
    this.problem = problem;
    this.fix = fix;
  }
}

/** Options of {@link parseManifestFile}. */
export interface ParseManifestOptions {
  /**
   * The names of keys whose values findings may point at, beside `image` and `package` (the last names of the
   * `--image-path`s).
   * @default - none
   */
  readonly locatedKeys?: Iterable<string>;
}

/** A file's objects, and the documents of it that cannot be read. */
export interface ParsedManifests {
  readonly objects: ManifestObject[];
  readonly errors: ManifestParseError[];
}

/** How many nodes aliases may expand to in one document (a guard against "billion laughs" input). */
const MAX_ALIAS_NODES = 100_000;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isKubernetesObject(v: unknown): v is Record<string, unknown> {
  return isRecord(v) && typeof v.kind === 'string' && typeof v.apiVersion === 'string';
}

/** Where a document and each of its `List` items came from (see locate.ts). */
interface DocumentOrigins {
  readonly doc: ObjectOrigin;
  readonly items?: readonly ObjectOrigin[];
}

function push(
  out: ManifestObject[],
  file: string,
  line: number,
  value: unknown,
  itemLines?: readonly number[],
  origins?: DocumentOrigins,
): void {
  if (!isKubernetesObject(value)) return;
  if (value.kind === 'List' && Array.isArray(value.items)) {
    value.items.forEach((item, i) => {
      const origin = origins?.items?.[i];
      push(out, file, itemLines?.[i] ?? line, item, undefined, origin ? { doc: origin } : undefined);
    });
    return;
  }
  const obj: ManifestObject = { file, line, value };
  if (origins) setOrigin(obj, origins.doc);
  out.push(obj);
}

/** The nodes of the items of a top-level `items:` sequence. */
function listItemNodes(contents: YamlNode | null): unknown[] | undefined {
  if (!isMap(contents)) return undefined;
  const items = contents.get('items', true);
  return isSeq(items) ? items.items : undefined;
}

/** The start line of each item of a top-level `items:` sequence. */
function listItemLines(contents: YamlNode | null, lines: LineCounter, lineOffset: number): number[] | undefined {
  return listItemNodes(contents)?.map((item) => {
    const offset = (item as { range?: readonly number[] } | null)?.range?.[0];
    return offset === undefined ? 0 : lines.linePos(offset).line + lineOffset;
  });
}

/** The values of the located keys of a JSON text, in document order. */
function jsonKeys(text: string, names: ReadonlySet<string>): KeyTable {
  const table: KeyTable = { names: [], offsets: [], lines: [] };
  const alternatives = [...names].map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
  const key = new RegExp(`"(${alternatives})"[ \\t\\r\\n]*:[ \\t\\r\\n]*`, 'g');
  let line = 1;
  let counted = 0;
  for (let m = key.exec(text); m; m = key.exec(text)) {
    const offset = m.index + m[0].length;
    for (let i = text.indexOf('\n', counted); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line++;
    counted = offset;
    table.names.push(m[1]);
    table.offsets.push(offset);
    table.lines.push(line);
  }
  return table;
}

/** The objects of a JSON text, each located by how many keys of each located name come before it. */
function pushJson(
  out: ManifestObject[],
  file: string,
  text: string,
  line: number,
  value: unknown,
  names: ReadonlySet<string>,
): void {
  const keys = jsonKeys(text, names);
  const whole = { kind: 'keys' as const, text, start: 0, end: text.length, keys };
  const before: Record<string, number> = {};
  for (const n of names) before[n] = 0;
  const add = (counts: Record<string, number>): void => {
    for (const n of names) before[n] += counts[n];
  };
  for (const root of Array.isArray(value) ? value : [value]) {
    if (isRecord(root) && root.kind === 'List' && Array.isArray(root.items)) {
      // The keys of the List before its items (none in kubectl's output), then each item's.
      const rootBefore = { ...before };
      for (const k in root) {
        if (k === 'items') break;
        add(countKeys({ [k]: root[k] }, names));
      }
      const items = root.items.map((item: unknown): ObjectOrigin => {
        const origin: ObjectOrigin = { ...whole, before: { ...before } };
        add(countKeys(item, names));
        return origin;
      });
      for (const n of names) before[n] = rootBefore[n];
      push(out, file, line, root, undefined, { doc: whole, items });
    } else push(out, file, line, root, undefined, { doc: { ...whole, before: { ...before } } });
    add(countKeys(root, names));
  }
}

/** True when a failed document looks like a template (Helm, Go templates) rather than YAML. */
function looksTemplated(text: string): boolean {
  return /\{\{-?\s*[.$a-zA-Z/(]/.test(text);
}

/** Plain words and a fix for the yaml package's error codes. */
function explain(
  code: string,
  message: string,
  templated: boolean,
): { problem: string; fix: string; code: ManifestParseCode } {
  if (templated) {
    return {
      code: 'template',
      problem: `is a template (it holds {{ ... }} actions), not Kubernetes YAML yet; the YAML reader stops here (${code})`,
      fix: 'lint what the template renders: for a Helm chart, helm template RELEASE CHART | harbor-private-app lint -',
    };
  }
  if (code === 'DUPLICATE_KEY') {
    return {
      code: 'duplicate-key',
      problem: 'a key appears twice in the same mapping',
      fix: 'remove one of the two (kubectl versions differ: some reject the file, some keep the last value)',
    };
  }
  if (code === 'TAB_AS_INDENT') {
    return {
      code: 'yaml-syntax',
      problem: 'a tab indents this line; YAML indents with spaces only',
      fix: 'replace the tab with spaces',
    };
  }
  return {
    code: 'yaml-syntax',
    problem: `YAML syntax error: ${message.split('\n')[0]} (${code})`,
    fix: 'correct the YAML at this line and column (kubectl cannot read it either)',
  };
}

/**
 * The split of a file into YAML documents (a file without `%` directives, which apply to the documents after them):
 * the offset and 1-based line each part starts at.
 */
function documentParts(text: string): Array<{ start: number; line: number }> {
  const parts = [{ start: 0, line: 1 }];
  const marker = /^(?:---|\.\.\.)(?=[ \t\r\n]|$)/gm;
  let line = 1;
  let counted = 0;
  const lineAt = (offset: number): number => {
    for (let i = text.indexOf('\n', counted); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line++;
    counted = offset;
    return line;
  };
  for (let m = marker.exec(text); m; m = marker.exec(text)) {
    let start = m.index;
    if (m[0] === '...') {
      // The document ends with this line; the next one starts on the line after.
      const eol = text.indexOf('\n', start);
      if (eol < 0) break;
      start = eol + 1;
      marker.lastIndex = start;
    }
    if (start === 0) continue;
    parts.push({ start, line: lineAt(start) });
  }
  return parts;
}

/**
 * Parses one file's text into Kubernetes objects, document by document; the documents that cannot be read are
 * returned as errors, and the others are still read.
 */
export function parseManifestFile(text: string, file: string, options: ParseManifestOptions = {}): ParsedManifests {
  const names = options.locatedKeys ? new Set([...LOCATED_KEYS, ...options.locatedKeys]) : LOCATED_KEYS;
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const trimmed = source.trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    // JSON (kubectl -o json): the native parser is much faster. On a syntax error, YAML below finds the line.
    try {
      const value: unknown = JSON.parse(source);
      const line = source.slice(0, source.length - trimmed.length).split('\n').length;
      const objects: ManifestObject[] = [];
      pushJson(objects, file, source, line, value, names);
      return { objects, errors: [] };
    } catch {
      /* fall through to the YAML parser, which reports the position */
    }
  }
  const directives = /^%/m.test(source);
  if (!directives) {
    // The usual file: js-yaml reads it whole. Only a file it cannot read alone is read document by document.
    const whole = readFast(source, file, 0, names);
    if (whole) return { objects: whole, errors: [] };
  }
  const objects: ManifestObject[] = [];
  const errors: ManifestParseError[] = [];
  const parts = directives ? [{ start: 0, line: 1 }] : documentParts(source);
  for (let i = 0; i < parts.length; i++) {
    const { start, line } = parts[i];
    const end = i + 1 < parts.length ? parts[i + 1].start : source.length;
    const part = start === 0 && end === source.length ? source : source.slice(start, end);
    const fast = directives ? undefined : readFast(part, file, line - 1, names);
    if (fast) {
      objects.push(...fast);
      continue;
    }
    const slow = readSlow(part, file, line - 1);
    objects.push(...slow.objects);
    errors.push(...slow.errors);
  }
  return { objects, errors };
}

/**
 * Parses one file's text into Kubernetes objects.
 * @throws ManifestParseError for the first document that cannot be read (file, line, column).
 */
export function parseManifests(text: string, file: string): ManifestObject[] {
  const { objects, errors } = parseManifestFile(text, file);
  if (errors.length > 0) throw errors[0];
  return objects;
}

/**
 * Parses YAML text with the yaml package alone (YAML 1.2, core schema, unique keys, merge keys as kubectl applies
 * them, aliases expanded to at most 100,000 nodes per document): the reference behaviour.
 * @throws ManifestParseError at the first document that cannot be read (file, line, column).
 */
export function parseYamlManifests(source: string, file: string): ManifestObject[] {
  const { objects, errors } = readSlow(source, file, 0);
  if (errors.length > 0) throw errors[0];
  return objects;
}

/** Keys compare as the yaml package compares them, except that merge keys may repeat (go-yaml v2 allows it). */
function sameKey(a: ParsedNode, b: ParsedNode): boolean {
  if (a === b) return true;
  if (!isScalar(a) || !isScalar(b) || a.value !== b.value) return false;
  return !(isMergeKey(a) && isMergeKey(b));
}

class DocumentReadError extends Error {
  constructor(
    message: string,
    readonly offset: number | undefined,
    readonly code: ManifestParseCode,
    readonly fix: string,
  ) {
    super(message);
  }
}

/** Converts a document of the yaml package to plain values, with merge keys applied as go-yaml v2 applies them. */
class Converter {
  private aliasNodes = 0;
  private depthInAlias = 0;

  constructor(private readonly doc: Document.Parsed) {}

  value(node: unknown): unknown {
    if (node === null || node === undefined) return null;
    if (this.depthInAlias > 0 && ++this.aliasNodes > MAX_ALIAS_NODES) {
      throw new DocumentReadError(
        `YAML aliases expand to more than ${MAX_ALIAS_NODES.toLocaleString('en-US')} nodes (a YAML bomb?)`,
        undefined,
        'yaml-alias-limit',
        'write the repeated parts out, or use fewer nested aliases',
      );
    }
    if (isAlias(node)) {
      const target = node.resolve(this.doc);
      if (!target) {
        throw new DocumentReadError(
          'an alias names no anchor before it',
          node.range?.[0],
          'yaml-syntax',
          'define the anchor (&name) before the alias (*name)',
        );
      }
      this.depthInAlias++;
      try {
        return this.value(target);
      } finally {
        this.depthInAlias--;
      }
    }
    if (isScalar(node)) return node.value === undefined ? null : node.value;
    if (isSeq(node)) return node.items.map((item) => this.value(item));
    if (isMap(node)) {
      const out: Record<string, unknown> = {};
      for (const pair of node.items) {
        if (isMergeKey(pair.key)) this.merge(pair.value, out, (pair.key as { range?: number[] }).range?.[0]);
        else out[this.key(pair.key)] = this.value(pair.value);
      }
      return out;
    }
    return null;
  }

  private key(key: unknown): string {
    const resolved = isAlias(key) ? key.resolve(this.doc) : key;
    if (resolved === null || resolved === undefined) return 'null';
    if (isScalar(resolved)) {
      const v: unknown = resolved.value;
      if (v === null || v === undefined) return 'null';
      if (typeof v === 'string') return v;
      if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
    }
    throw new DocumentReadError(
      'a mapping key is itself a mapping or a list, which kubectl cannot read',
      (key as { range?: number[] }).range?.[0],
      'yaml-unsupported',
      'quote the key, or write it as a plain string (an unrendered template action {{ ... }} reads as such a key)',
    );
  }

  private merge(source: unknown, into: Record<string, unknown>, at: number | undefined): void {
    const wantMap = (): never => {
      throw new DocumentReadError(
        'a merge key (<<) is given something other than a mapping or a list of mappings',
        at,
        'yaml-unsupported',
        'merge a mapping: <<: *anchor or <<: [*a, *b]',
      );
    };
    const target = isAlias(source) ? source.resolve(this.doc) : source;
    if (isMap(target)) Object.assign(into, this.value(source));
    else if (isSeq(target) && !isAlias(source)) {
      // go-yaml v2 steps backwards: the earlier mappings of the list win.
      for (let i = target.items.length - 1; i >= 0; i--) {
        const item = target.items[i];
        const resolved = isAlias(item) ? item.resolve(this.doc) : item;
        if (!isMap(resolved)) wantMap();
        Object.assign(into, this.value(item));
      }
    } else wantMap();
  }
}

/** Reads YAML text with the yaml package: objects, and an error for each document that cannot be read. */
function readSlow(source: string, file: string, lineOffset: number): ParsedManifests {
  const objects: ManifestObject[] = [];
  const errors: ManifestParseError[] = [];
  const lines = new LineCounter();
  const docs = parseAllDocuments(source, {
    lineCounter: lines,
    prettyErrors: false,
    uniqueKeys: sameKey,
    merge: false,
    logLevel: 'silent',
  });
  const templated = looksTemplated(source);
  const fail = (offset: number, e: { problem: string; fix: string; code: ManifestParseCode }): void => {
    const pos = lines.linePos(offset);
    errors.push(new ManifestParseError(file, pos.line + lineOffset, pos.col, e.problem, e.fix, e.code));
  };
  for (const doc of docs) {
    const error = doc.errors[0];
    if (error) {
      fail(error.pos[0], explain(error.code, error.message, templated));
      continue;
    }
    const start = doc.contents?.range?.[0] ?? 0;
    const line = doc.contents?.range ? lines.linePos(start).line + lineOffset : 1 + lineOffset;
    let value: unknown;
    try {
      value = new Converter(doc).value(doc.contents);
    } catch (e) {
      if (!(e instanceof DocumentReadError)) throw e;
      const offset = e.offset ?? start;
      if (templated && e.code === 'yaml-unsupported') fail(offset, explain('', '', true));
      else fail(offset, { problem: e.message, fix: e.fix, code: e.code });
      continue;
    }
    const list = isRecord(value) && value.kind === 'List';
    const itemLines = list ? listItemLines(doc.contents, lines, lineOffset) : undefined;
    const ast = (node: unknown): ObjectOrigin => ({ kind: 'ast', doc, node, lines, lineOffset });
    const itemNodes = list ? listItemNodes(doc.contents) : undefined;
    push(objects, file, line, value, itemLines, { doc: ast(doc.contents), items: itemNodes?.map(ast) });
  }
  return { objects, errors };
}

/** A scalar type of the YAML 1.2 core schema, resolved as the yaml package resolves it. */
function coreScalar(tag: string, test: RegExp, construct: (data: string) => unknown): Type {
  return new Type(`tag:yaml.org,2002:${tag}`, {
    kind: 'scalar',
    resolve: (data: string | null) => test.test(data ?? ''),
    construct: (data: string | null) => construct(data ?? ''),
  });
}

/**
 * The YAML 1.2 core schema with the yaml package's patterns (js-yaml's own core schema also reads `0b1` and `1_000` as
 * numbers, the yaml package reads them as strings): no timestamps, no merge keys, no binary.
 */
const CORE_SCHEMA_AS_YAML_PACKAGE = FAILSAFE_SCHEMA.extend({
  implicit: [
    coreScalar('null', /^(?:~|[Nn]ull|NULL)?$/, () => null),
    coreScalar('bool', /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/, (s) => s[0] === 't' || s[0] === 'T'),
    coreScalar('int', /^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$/, (s) =>
      s.startsWith('0o') ? parseInt(s.slice(2), 8) : s.startsWith('0x') ? parseInt(s.slice(2), 16) : parseInt(s, 10),
    ),
    coreScalar(
      'float',
      /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+|[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*))$/,
      (s) =>
        /^[-+]?\.(?:inf|Inf|INF)$/.test(s)
          ? s[0] === '-'
            ? Number.NEGATIVE_INFINITY
            : Number.POSITIVE_INFINITY
          : /^\.(?:nan|NaN|NAN)$/.test(s)
            ? NaN
            : parseFloat(s),
    ),
  ],
});

/**
 * Parses YAML text with js-yaml, or returns undefined when the yaml package must read it: js-yaml refused it (a syntax
 * error, a duplicate key, an unknown tag...), or it has anchors, explicitly tagged collections, merge keys, a
 * collection as a key or `%` directives. Lines come from js-yaml's node events: a document starts on the line of its root node, a `List` item on
 * its own.
 */
export function parseYamlManifestsFast(source: string, file: string): ManifestObject[] | undefined {
  if (/^%/m.test(source)) return undefined;
  return readFast(source, file, 0, LOCATED_KEYS);
}

/**
 * A flow collection used as a mapping key (`{{ .Values.key }}: x`, `[a, b]: c`): js-yaml turns it into the key
 * "[object Object]", the yaml package refuses it, as kubectl does. A hit on a comment line is no key.
 */
const COLLECTION_KEY = /[}\]][ \t]*:(?=[ \t\r\n]|$)/g;
/** A merge key (`<<:`): js-yaml would apply it in another order than kubectl. */
const MERGE_KEY = /<<[ \t]*:/;

/** True when the source has a flow collection as a key outside comments. */
function hasCollectionKey(source: string): boolean {
  COLLECTION_KEY.lastIndex = 0;
  for (let m = COLLECTION_KEY.exec(source); m; m = COLLECTION_KEY.exec(source)) {
    const lineStart = source.lastIndexOf('\n', m.index) + 1;
    if (!source.slice(lineStart, m.index).includes('#')) return true;
  }
  return false;
}

function readFast(
  source: string,
  file: string,
  lineOffset: number,
  names: ReadonlySet<string>,
): ManifestObject[] | undefined {
  if (MERGE_KEY.test(source) || hasCollectionKey(source)) return undefined;
  const starts: number[] = [];
  /** The span of each document's root node. */
  const spans: Array<{ start: number; end: number }> = [];
  /** The start lines and spans of the children of each depth-2 collection (the values of a root mapping), by result. */
  const children = new Map<unknown, Array<{ line: number; start: number; end: number }>>();
  let current: Array<{ line: number; start: number; end: number }> = [];
  const keys: KeyTable = { names: [], offsets: [], lines: [] };
  let slow = false;
  const listener = (event: 'open' | 'close', state: JsYamlState): void => {
    const { depth } = state as JsYamlState & { depth: number };
    if (event === 'open') {
      if (depth === 1) {
        starts.push(state.line + 1 + lineOffset);
        spans.push({ start: state.position, end: source.length });
      } else if (depth === 2) current = [];
      else if (depth === 3)
        current.push({ line: state.line + 1 + lineOffset, start: state.position, end: source.length });
      return;
    }
    const closed = state as JsYamlState & { anchor: string | null; tag: string | null; kind: string | null };
    if (closed.anchor !== null || (closed.tag !== null && closed.kind !== 'scalar')) slow = true;
    if (closed.kind === 'scalar' && typeof state.result === 'string' && names.has(state.result)) {
      locatedKey(source, state, lineOffset, keys);
    }
    if (depth === 1) spans[spans.length - 1].end = state.position;
    else if (depth === 2 && Array.isArray(state.result)) children.set(state.result, current);
    else if (depth === 3 && current.length > 0) current[current.length - 1].end = state.position;
  };
  let docs: unknown[];
  try {
    docs = loadAll(source, undefined, { schema: CORE_SCHEMA_AS_YAML_PACKAGE, listener, filename: file });
  } catch {
    return undefined;
  }
  if (slow || docs.length !== starts.length) return undefined;
  const out: ManifestObject[] = [];
  const origin = (span: { start: number; end: number }): ObjectOrigin => ({
    kind: 'keys',
    text: source,
    start: span.start,
    end: span.end,
    keys,
  });
  for (let i = 0; i < docs.length; i++) {
    const value = docs[i];
    let items: Array<{ line: number; start: number; end: number }> | undefined;
    if (isRecord(value) && value.kind === 'List' && Array.isArray(value.items)) {
      items = children.get(value.items);
      if (items?.length !== value.items.length) return undefined;
    }
    push(
      out,
      file,
      starts[i],
      value,
      items?.map((c) => c.line),
      { doc: origin(spans[i]), items: items?.map(origin) },
    );
  }
  return out;
}

/**
 * Records the value of a located key that js-yaml just read (the scalar `image` followed by `:`): its offset and line,
 * after the `:` and any white space or comment.
 */
function locatedKey(source: string, state: JsYamlState, lineOffset: number, keys: KeyTable): void {
  let i = state.position;
  let line = state.line + 1 + lineOffset;
  while (source[i] === ' ' || source[i] === '\t') i++;
  if (source[i] !== ':') return; // a value that reads "image", not a key
  i++;
  for (;;) {
    const c = source[i];
    if (c === ' ' || c === '\t' || c === '\r') i++;
    else if (c === '\n') {
      i++;
      line++;
    } else if (c === '#') {
      const eol = source.indexOf('\n', i);
      if (eol < 0) break;
      i = eol;
    } else break;
  }
  keys.names.push(state.result as string);
  keys.offsets.push(i);
  keys.lines.push(line);
}
