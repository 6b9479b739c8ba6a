/**
 * What the documentation tests read in the repository's Markdown: its documents, their fenced code blocks (with the
 * marker comment before each), their links and their headings' anchors as GitHub makes them.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** The repository's root. */
export const ROOT = join(__dirname, '..', '..');

/** The documents whose TypeScript blocks run in the tests: README.md and every page of docs/. */
export function runnableDocuments(): string[] {
  const pages = readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => `docs/${f}`);
  return ['README.md', ...pages];
}

/** The documents whose links are checked: the runnable ones and the READMEs beside the code. */
export function linkedDocuments(): string[] {
  return [...runnableDocuments(), 'CONTRIBUTING.md', 'bench/README.md', 'test/lab/README.md'].filter((d) =>
    existsSync(join(ROOT, d)),
  );
}

/**
 * The files the package ships, as npm packs them: package.json `files` and what npm always adds (package.json,
 * README.md, LICENSE). Asked of `npm pack --dry-run` (no lifecycle script, no registry; bounded in time), so the
 * answer is npm's own reading of the globs. The compiled library is listed only where dist-lib/ is built.
 */
export function shippedFiles(): string[] {
  const out = execFileSync(
    'npm',
    ['pack', '--dry-run', '--json', '--ignore-scripts', '--offline', '--loglevel=error'],
    { cwd: ROOT, encoding: 'utf8', timeout: 60_000, maxBuffer: 16 * 1024 * 1024 },
  );
  const [packed] = JSON.parse(out) as { files: { path: string }[] }[];
  return packed.files.map((f) => f.path).sort();
}

/** A fenced code block of a document. */
export interface FencedBlock {
  /** The document, relative to the repository's root. */
  readonly document: string;
  /** The 1-based line of the opening fence. */
  readonly line: number;
  /** The info string's first word (`ts`, `sh`, ...; empty when none). */
  readonly lang: string;
  /** The code between the fences, with its final newline. */
  readonly code: string;
  /** The `<!-- ... -->` comment on the last non-blank line before the fence, without its delimiters; else undefined. */
  readonly marker?: string;
}

/** Every fenced block of a document (``` or ~~~ fences, as CommonMark reads them at the start of a line). */
export function fencedBlocks(document: string): FencedBlock[] {
  const lines = readFileSync(join(ROOT, document), 'utf8').split('\n');
  const blocks: FencedBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^ {0,3}(`{3,}|~{3,})\s*([^\s`]*)/.exec(lines[i]);
    if (!open) continue;
    const fence = open[1];
    let end = i + 1;
    while (end < lines.length && !new RegExp(`^ {0,3}${fence[0]}{${fence.length},}\\s*$`).test(lines[end])) end++;
    let before = i - 1;
    while (before >= 0 && lines[before].trim() === '') before--;
    const marker = before >= 0 ? /^<!--\s*(.*?)\s*-->$/.exec(lines[before].trim())?.[1] : undefined;
    blocks.push({
      document,
      line: i + 1,
      lang: open[2].toLowerCase(),
      code: lines.slice(i + 1, end).join('\n') + '\n',
      ...(marker !== undefined ? { marker } : {}),
    });
    i = end;
  }
  return blocks;
}

/** Markdown text with its fenced blocks and inline code spans blanked (links there are not links). */
export function prose(text: string): string {
  const lines = text.split('\n');
  let fence: string | undefined;
  const kept = lines.map((line) => {
    const m = /^ {0,3}(`{3,}|~{3,})/.exec(line);
    if (fence) {
      if (m && m[1][0] === fence[0] && m[1].length >= fence.length) fence = undefined;
      return '';
    }
    if (m) {
      fence = m[1];
      return '';
    }
    return line;
  });
  return kept.join('\n').replace(/(`+)[\s\S]*?\1/g, (s) => s.replace(/[^\n]/g, ' '));
}

/** A link of a document: its target and the line it is on. */
export interface Link {
  readonly target: string;
  readonly line: number;
}

/** The inline links and images of a document's prose (`[text](target)`, `![alt](target "title")`). */
export function links(document: string): Link[] {
  const text = prose(readFileSync(join(ROOT, document), 'utf8'));
  const found: Link[] = [];
  for (const m of text.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
    found.push({ target: m[1], line: text.slice(0, m.index).split('\n').length });
  }
  return found;
}

/**
 * The anchor GitHub gives a heading: its text without Markdown (links keep their text, code spans their content,
 * emphasis and HTML go), lower-cased, every character but letters, digits, `-`, `_` and spaces dropped, each space
 * made `-`; a repeated anchor gets `-1`, `-2`, ... in order (github/cmark-gfm's anchor rules, as github.com renders
 * a README).
 */
export function slug(heading: string): string {
  return heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]+>/g, '')
    .replace(/`/g, '')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\p{M}\- _]/gu, '')
    .replace(/ /g, '-');
}

/** Every anchor Markdown text offers: its headings' (ATX `#` headings outside code) and `<a id|name="...">` tags. */
export function anchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const found = new Set<string>();
  const written = text.split('\n');
  prose(text)
    .split('\n')
    .forEach((line, i) => {
      if (!/^ {0,3}#{1,6}\s/.test(line)) return;
      // The heading as written (prose() blanked its code spans).
      const heading = /^ {0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(written[i])![1];
      const base = slug(heading);
      const n = seen.get(base) ?? 0;
      seen.set(base, n + 1);
      found.add(n === 0 ? base : `${base}-${n}`);
    });
  for (const m of text.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) found.add(m[1]);
  return found;
}
