/**
 * The files a lint run reads: files as given, directories walked recursively for `*.yaml`, `*.yml` and `*.json`
 * (hidden entries and `node_modules` skipped, symlinked directories not followed), and `-` for standard input.
 *
 * A path that cannot be read (missing, a symbolic link loop, no permission, too large, not text kubectl reads) is an
 * error of its own: the other paths are still read. A Helm chart (a directory with a `Chart.yaml`) is read without its
 * `templates/`, which are no Kubernetes YAML until Helm renders them: one error per chart says so, and how to lint
 * what it renders. Every read is bounded (`maxFileBytes`), pipes and devices included.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { decodeManifestBytes } from './encoding';
import type { InputError } from './findings';

/** One input file's text. */
export interface ManifestSource {
  /** The name findings use: the path as given (joined with the file's path below a directory), `<stdin>` for `-`. */
  readonly file: string;
  /** Its text. */
  readonly text: string;
}

/** What reading the sources needs from the outside world. */
export interface SourceReader {
  /**
   * Reads standard input, stopping once more than `maxBytes` bytes have come (the caller then reports it as too
   * large): bytes, or text already decoded.
   */
  readStdin(maxBytes: number): Promise<Uint8Array | string>;
  /** The directory relative paths are resolved against. */
  readonly cwd: string;
}

/** Options of {@link readManifestSources}. */
export interface ReadSourcesOptions {
  /**
   * The largest input read, in bytes: a larger file, pipe or device is an error.
   * @default DEFAULT_MAX_FILE_BYTES
   */
  readonly maxFileBytes?: number;
}

/** The default largest input: 128 MiB (100,000 objects as cdk8s writes them take about 60 MB). */
export const DEFAULT_MAX_FILE_BYTES = 128 * 1024 * 1024;

/** What was read, and the paths that could not be. */
export interface ReadSources {
  readonly sources: ManifestSource[];
  readonly errors: InputError[];
}

/** A command line whose paths cannot be read at all (`-` twice): a usage error. */
export class ManifestInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ManifestInputError';
  }
}

/** The name standard input gets in findings. */
export const STDIN_NAME = '<stdin>';

const MANIFEST_FILE = /\.(ya?ml|json)$/i;
const CHART_FILE = 'Chart.yaml';

const HELM_FIX = (chart: string): string =>
  `lint what Helm renders: helm template RELEASE ${chart} | harbor-private-app lint - (add -f values.yaml and --namespace as your release does)`;

function mib(bytes: number): string {
  return `${Math.round((bytes / 1048576) * 10) / 10} MiB`;
}

/** An input error for a file system error code. */
function fsError(file: string, e: unknown, what = 'file'): InputError {
  const code = (e as { code?: unknown }).code;
  if (code === 'ENOENT') {
    return {
      code: 'not-found',
      file,
      problem: 'no such file or directory',
      fix: 'check the path (it is resolved against the working directory)',
    };
  }
  if (code === 'ELOOP') {
    return {
      code: 'unreadable',
      file,
      problem: 'is a loop of symbolic links',
      fix: 'point the link at a real file or directory',
    };
  }
  if (code === 'EACCES' || code === 'EPERM') {
    return {
      code: 'unreadable',
      file,
      problem: `permission denied: this ${what} cannot be read`,
      fix: 'give the user running lint read permission',
    };
  }
  if (code === 'ENAMETOOLONG') {
    return { code: 'unreadable', file, problem: 'the path is too long', fix: 'give a shorter path' };
  }
  return {
    code: 'unreadable',
    file,
    problem: `cannot be read (${typeof code === 'string' ? code : 'read error'})`,
    fix: 'check that it is a readable file or directory',
  };
}

interface Found {
  readonly full: string;
  readonly file: string;
}

async function walk(dir: string, shown: string, out: Found[], errors: InputError[]): Promise<void> {
  let entries;
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch (e) {
    errors.push(fsError(shown, e, 'directory'));
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const chart = entries.some((e) => e.name === CHART_FILE && (e.isFile() || e.isSymbolicLink()));
  for (const entry of entries) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const full = path.join(dir, entry.name);
    const name = path.join(shown, entry.name);
    if (entry.isDirectory()) {
      if (chart && entry.name === 'templates') {
        errors.push({
          code: 'helm-chart',
          file: path.join(shown, CHART_FILE),
          problem: `is a Helm chart: the files under ${name} are templates, not Kubernetes YAML until Helm renders them, so they were not read`,
          fix: HELM_FIX(shown),
        });
        continue;
      }
      await walk(full, name, out, errors);
    } else if (MANIFEST_FILE.test(entry.name)) {
      if (entry.isFile()) out.push({ full, file: name });
      else if (entry.isSymbolicLink()) {
        try {
          const stat = await fs.stat(full);
          if (stat.isFile()) out.push({ full, file: name });
        } catch (e) {
          errors.push(fsError(name, e));
        }
      }
    }
  }
}

/** The chart directory of a file given under a chart's `templates/`, if it is one. */
async function chartOf(full: string): Promise<string | undefined> {
  for (let dir = path.dirname(full); path.dirname(dir) !== dir; dir = path.dirname(dir)) {
    if (path.basename(dir) !== 'templates') continue;
    const chart = path.dirname(dir);
    const stat = await fs.stat(path.join(chart, CHART_FILE)).catch(() => undefined);
    if (stat?.isFile()) return chart;
  }
  return undefined;
}

/**
 * Reads at most `max + 1` bytes of a file, a pipe or a device: `undefined` when there are more than `max`.
 */
async function readBounded(full: string, max: number): Promise<Uint8Array | undefined> {
  const handle = await fs.open(full, 'r');
  try {
    const stat = await handle.stat();
    if (stat.isFile() && stat.size > max) return undefined;
    const chunks: Buffer[] = [];
    let total = 0;
    const size = stat.isFile() ? Math.min(Math.max(stat.size, 0) + 1, max + 1) : Math.min(1 << 20, max + 1);
    for (;;) {
      const buffer = Buffer.allocUnsafe(Math.min(Math.max(size, 1 << 16), max + 1 - total));
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      chunks.push(bytesRead === buffer.length ? buffer : buffer.subarray(0, bytesRead));
      total += bytesRead;
      if (total > max) return undefined;
    }
    return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, total);
  } finally {
    await handle.close();
  }
}

/**
 * Reads every input. A path that cannot be read is an error in the result; only `-` given twice is thrown, as a
 * {@link ManifestInputError}, before anything is read.
 */
export async function readManifestSources(
  paths: readonly string[],
  reader: SourceReader,
  options: ReadSourcesOptions = {},
): Promise<ReadSources> {
  if (paths.filter((p) => p === '-').length > 1) {
    throw new ManifestInputError('"-" (standard input) is given more than once; give it once.');
  }
  const max = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const errors: InputError[] = [];
  const files: Found[] = [];
  for (const given of paths) {
    if (given === '-') {
      files.push({ full: '-', file: STDIN_NAME });
      continue;
    }
    const full = path.resolve(reader.cwd, given);
    let stat;
    try {
      stat = await fs.stat(full);
    } catch (e) {
      errors.push(fsError(given, e));
      continue;
    }
    if (stat.isDirectory()) {
      const found: Found[] = [];
      const before = errors.length;
      await walk(full, path.normalize(given), found, errors);
      if (found.length === 0 && errors.length === before) {
        errors.push({
          code: 'no-manifest-file',
          file: given,
          problem: 'the directory holds no *.yaml, *.yml or *.json file',
          fix: 'give the directory your manifests are written to (run "npm run synth", "helm template" or "kustomize build" first?)',
        });
      }
      files.push(...found);
      continue;
    }
    const chart = await chartOf(full);
    if (chart) {
      errors.push({
        code: 'helm-chart',
        file: given,
        problem: 'is a Helm template, not Kubernetes YAML until Helm renders it',
        fix: HELM_FIX(path.relative(reader.cwd, chart) || '.'),
      });
      continue;
    }
    files.push({ full, file: given });
  }
  const sources: ManifestSource[] = [];
  for (const { full, file } of files) {
    let bytes: Uint8Array | string | undefined;
    try {
      if (full === '-') {
        bytes = await reader.readStdin(max);
        if ((typeof bytes === 'string' ? Buffer.byteLength(bytes) : bytes.byteLength) > max) bytes = undefined;
      } else bytes = await readBounded(full, max);
    } catch (e) {
      errors.push(fsError(file, e));
      continue;
    }
    if (bytes === undefined) {
      errors.push({
        code: 'too-large',
        file,
        problem: `is larger than ${mib(max)}, the most lint reads from one input`,
        fix: `split it, or raise the limit with --max-file-size MIB (a file of this size needs several times its size in memory)`,
      });
      continue;
    }
    if (typeof bytes === 'string') {
      sources.push({ file, text: bytes });
      continue;
    }
    const decoded = decodeManifestBytes(bytes);
    if ('problem' in decoded) errors.push({ code: 'encoding', file, problem: decoded.problem, fix: decoded.fix });
    else sources.push({ file, text: decoded.text });
  }
  return { sources, errors };
}
