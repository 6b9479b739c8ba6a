/**
 * Kubernetes manifests read from text: multi-document YAML (`cdk8s synth`, `helm template`, `kustomize build`) or
 * JSON (`kubectl get -o json`), each object with the file and line it starts on. A `List` (`kind: List`) gives its
 * items. Documents that are no Kubernetes object (no `apiVersion` and `kind`, e.g. a Helm values file) are skipped.
 *
 * YAML is read as YAML 1.2 with the core schema. Two parsers, one result: js-yaml reads the usual input (about ten
 * times faster than the yaml package on 10,000 objects), with scalars resolved exactly as the yaml package resolves
 * them; anything js-yaml refuses, and any input with anchors (the alias-expansion guard) or `%` directives (`%YAML
 * 1.1` changes the schema), is read by the yaml package, which also names the line and column of every syntax error.
 */
import { FAILSAFE_SCHEMA, loadAll, Type, type State as JsYamlState } from 'js-yaml';
import { isMap, isSeq, LineCounter, parseAllDocuments, type Node as YamlNode } from 'yaml';

/** One Kubernetes object of the input. */
export interface ManifestObject {
  /** The file it was read from, as named on the command line (`-` reads as `<stdin>`). */
  readonly file: string;
  /** The 1-based line its document (or its `List` item) starts on. */
  readonly line: number;
  /** The object, as parsed. */
  readonly value: Readonly<Record<string, unknown>>;
}

/**
 * A manifest that cannot be parsed. Its message names the file, line and column, and never quotes the source text
 * (which may hold Secret data).
 */
export class ManifestParseError extends Error {
  /** The file. */
  public readonly file: string;
  /** 1-based line. */
  public readonly line: number;
  /** 1-based column. */
  public readonly column: number;

  constructor(file: string, line: number, column: number, problem: string) {
    super(`${file}:${line}:${column}: ${problem}`);
    this.name = 'ManifestParseError';
    this.file = file;
    this.line = line;
    this.column = column;
  }
}

/** How many aliases one document may expand (a guard against "billion laughs" input). */
const MAX_ALIAS_COUNT = 100;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isKubernetesObject(v: unknown): v is Record<string, unknown> {
  return isRecord(v) && typeof v.kind === 'string' && typeof v.apiVersion === 'string';
}

function push(out: ManifestObject[], file: string, line: number, value: unknown, itemLines?: readonly number[]): void {
  if (!isKubernetesObject(value)) return;
  if (value.kind === 'List' && Array.isArray(value.items)) {
    value.items.forEach((item, i) => push(out, file, itemLines?.[i] ?? line, item));
    return;
  }
  out.push({ file, line, value });
}

/** The start line of each item of a top-level `items:` sequence. */
function listItemLines(contents: YamlNode | null, lines: LineCounter): number[] | undefined {
  if (!isMap(contents)) return undefined;
  const items = contents.get('items', true);
  if (!isSeq(items)) return undefined;
  return items.items.map((item) => {
    const offset = (item as { range?: readonly number[] } | null)?.range?.[0];
    return offset === undefined ? 0 : lines.linePos(offset).line;
  });
}

/**
 * Parses one file's text into Kubernetes objects.
 * @throws ManifestParseError at the first syntax error (file, line, column).
 */
export function parseManifests(text: string, file: string): ManifestObject[] {
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const trimmed = source.trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    // JSON (kubectl -o json): the native parser is much faster. On a syntax error, YAML below finds the line.
    try {
      const value: unknown = JSON.parse(source);
      const line = source.slice(0, source.length - trimmed.length).split('\n').length;
      const out: ManifestObject[] = [];
      for (const v of Array.isArray(value) ? value : [value]) push(out, file, line, v);
      return out;
    } catch {
      /* fall through to the YAML parser, which reports the position */
    }
  }
  return parseYamlManifestsFast(source, file) ?? parseYamlManifests(source, file);
}

/**
 * Parses YAML text with the yaml package (YAML 1.2, core schema, unique keys, at most 100 aliases expanded per
 * document): the reference behaviour, and the path of every input {@link parseManifests} does not read with js-yaml.
 * @throws ManifestParseError at the first syntax error (file, line, column).
 */
export function parseYamlManifests(source: string, file: string): ManifestObject[] {
  const out: ManifestObject[] = [];
  const lines = new LineCounter();
  const docs = parseAllDocuments(source, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  for (const doc of docs) {
    const error = doc.errors[0];
    if (error) {
      const pos = lines.linePos(error.pos[0]);
      throw new ManifestParseError(file, pos.line, pos.col, `YAML syntax error: ${error.message} (${error.code})`);
    }
    const start = doc.contents?.range?.[0];
    const line = start === undefined ? 1 : lines.linePos(start).line;
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (e) {
      const problem = e instanceof Error ? e.message.split('\n')[0] : 'cannot be read';
      throw new ManifestParseError(file, line, 1, `YAML document cannot be read: ${problem}`);
    }
    const itemLines = isRecord(value) && value.kind === 'List' ? listItemLines(doc.contents, lines) : undefined;
    push(out, file, line, value, itemLines);
  }
  return out;
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
 * error, a duplicate key, an unknown tag...), or it has anchors, explicitly tagged collections or `%` directives.
 * Lines come from js-yaml's node events: a document starts on the line of its root node, a `List` item on its own.
 */
export function parseYamlManifestsFast(source: string, file: string): ManifestObject[] | undefined {
  if (/^%/m.test(source)) return undefined;
  const starts: number[] = [];
  /** The start lines of the children of each depth-2 collection (the values of a root mapping), by result. */
  const childLines = new Map<unknown, number[]>();
  let current: number[] = [];
  let slow = false;
  const listener = (event: 'open' | 'close', state: JsYamlState): void => {
    const { depth } = state as JsYamlState & { depth: number };
    if (event === 'open') {
      if (depth === 1) starts.push(state.line + 1);
      else if (depth === 2) current = [];
      else if (depth === 3) current.push(state.line + 1);
      return;
    }
    const closed = state as JsYamlState & { anchor: string | null; tag: string | null; kind: string | null };
    if (closed.anchor !== null || (closed.tag !== null && closed.kind !== 'scalar')) slow = true;
    if (depth === 2 && Array.isArray(state.result)) childLines.set(state.result, current);
  };
  let docs: unknown[];
  try {
    docs = loadAll(source, undefined, { schema: CORE_SCHEMA_AS_YAML_PACKAGE, listener, filename: file });
  } catch {
    return undefined;
  }
  if (slow || docs.length !== starts.length) return undefined;
  const out: ManifestObject[] = [];
  for (let i = 0; i < docs.length; i++) {
    const value = docs[i];
    let itemLines: number[] | undefined;
    if (isRecord(value) && value.kind === 'List' && Array.isArray(value.items)) {
      itemLines = childLines.get(value.items);
      if (itemLines?.length !== value.items.length) return undefined;
    }
    push(out, file, starts[i], value, itemLines);
  }
  return out;
}
