/**
 * The files a lint run reads: files as given, directories walked recursively for `*.yaml`, `*.yml` and `*.json`
 * (hidden entries and `node_modules` skipped, symlinked directories not followed), and `-` for standard input.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

/** One input file's text. */
export interface ManifestSource {
  /** The name findings use: the path as given (joined with the file's path below a directory), `<stdin>` for `-`. */
  readonly file: string;
  /** Its text. */
  readonly text: string;
}

/** What reading the sources needs from the outside world. */
export interface SourceReader {
  /** Reads all of standard input. */
  readStdin(): Promise<string>;
  /** The directory relative paths are resolved against. */
  readonly cwd: string;
}

/** An input that cannot be read (missing path, empty directory, `-` twice): a usage error. */
export class ManifestInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ManifestInputError';
  }
}

/** The name standard input gets in findings. */
export const STDIN_NAME = '<stdin>';

const MANIFEST_FILE = /\.(ya?ml|json)$/i;

async function walk(dir: string, shown: string, out: string[][]): Promise<void> {
  const entries = await fs.readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const full = path.join(dir, entry.name);
    const name = path.join(shown, entry.name);
    if (entry.isDirectory()) await walk(full, name, out);
    else if (MANIFEST_FILE.test(entry.name)) {
      if (entry.isFile()) out.push([full, name]);
      else if (entry.isSymbolicLink()) {
        const stat = await fs.stat(full).catch(() => undefined);
        if (stat?.isFile()) out.push([full, name]);
      }
    }
  }
}

/**
 * Reads every input. Fails with {@link ManifestInputError} before reading anything when a path does not exist, a
 * directory holds no manifest file, or `-` is given twice.
 */
export async function readManifestSources(paths: readonly string[], reader: SourceReader): Promise<ManifestSource[]> {
  if (paths.filter((p) => p === '-').length > 1) {
    throw new ManifestInputError('"-" (standard input) is given more than once; give it once.');
  }
  const files: string[][] = [];
  for (const given of paths) {
    if (given === '-') {
      files.push(['-', STDIN_NAME]);
      continue;
    }
    const full = path.resolve(reader.cwd, given);
    const stat = await fs.stat(full).catch(() => undefined);
    if (!stat) throw new ManifestInputError(`${given}: no such file or directory.`);
    if (stat.isDirectory()) {
      const found: string[][] = [];
      await walk(full, path.normalize(given), found);
      if (found.length === 0) {
        throw new ManifestInputError(
          `${given}: the directory holds no *.yaml, *.yml or *.json file (run "npm run synth" or "helm template" first?).`,
        );
      }
      files.push(...found);
    } else files.push([full, given]);
  }
  const out: ManifestSource[] = [];
  for (const [full, file] of files) {
    if (full === '-') out.push({ file, text: await reader.readStdin() });
    else {
      try {
        out.push({ file, text: await fs.readFile(full, 'utf8') });
      } catch (e) {
        const code = (e as { code?: unknown }).code;
        throw new ManifestInputError(`${file}: cannot be read (${typeof code === 'string' ? code : 'read error'}).`);
      }
    }
  }
  return out;
}
