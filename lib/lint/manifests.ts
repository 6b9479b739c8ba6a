/**
 * Kubernetes manifests read from text: multi-document YAML (`cdk8s synth`, `helm template`, `kustomize build`) or
 * JSON (`kubectl get -o json`), each object with the file and line it starts on. A `List` (`kind: List`) gives its
 * items. Documents that are no Kubernetes object (no `apiVersion` and `kind`, e.g. a Helm values file) are skipped.
 */
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
  const out: ManifestObject[] = [];
  const trimmed = source.trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    // JSON (kubectl -o json): the native parser is much faster. On a syntax error, YAML below finds the line.
    try {
      const value: unknown = JSON.parse(source);
      const line = source.slice(0, source.length - trimmed.length).split('\n').length;
      for (const v of Array.isArray(value) ? value : [value]) push(out, file, line, v);
      return out;
    } catch {
      /* fall through to the YAML parser, which reports the position */
    }
  }
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
