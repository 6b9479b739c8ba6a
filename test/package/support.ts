/**
 * What the package tests share: the repository's documents' fenced blocks (the README's install commands and
 * examples), a child process runner that says what failed, and `npm pack` of the package.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The repository's root. */
export const ROOT = resolve(__dirname, '..', '..');
/** Installs use the npm cache first: after `npm ci`, the registry is asked for package metadata only. */
export const NPM_FLAGS = ['--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'];

/** The fenced block that follows `<!-- marker -->` in a document of the repository (README.md by default). */
export function readmeBlock(marker: string, document = 'README.md'): string {
  const text = readFileSync(join(ROOT, document), 'utf8');
  const at = text.indexOf(`<!-- ${marker} -->`);
  if (at < 0) throw new Error(`${document} has no <!-- ${marker} --> marker`);
  const m = /```[a-z]*\n([\s\S]*?)```/.exec(text.slice(at));
  if (!m) throw new Error(`${document}: no fenced block after <!-- ${marker} -->`);
  return m[1];
}

/**
 * The README's `npm install ...` lines of a block, each as arguments, the package replaced by `tarball` and each
 * package named in `pins` by its pinned spec. The first must install harbor-private-app.
 */
export function readmeInstall(
  marker: string,
  tarball: string,
  pins: Readonly<Record<string, string>> = {},
): string[][] {
  const lines = readmeBlock(marker)
    .split('\n')
    .filter((l) => l.startsWith('npm install '));
  if (!lines[0]?.startsWith('npm install harbor-private-app')) {
    throw new Error(`README.md: the <!-- ${marker} --> block does not start with "npm install harbor-private-app"`);
  }
  return lines.map((line) =>
    line
      .split('#')[0]
      .trim()
      .split(/\s+/)
      .slice(2)
      .map((a) => (a === 'harbor-private-app' ? tarball : (pins[a] ?? a.replace(/^"(.*)"$/, '$1')))),
  );
}

/**
 * Runs a program to its end and returns its standard output; on failure, an error with its output. With `timeoutMs`,
 * the program gets `killSignal` after that long (a hang guard; the package drivers take SIGTERM to stop their
 * provider hosts and exit).
 */
export async function sh(
  cmd: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = {},
  timeoutMs?: number,
  killSignal: NodeJS.Signals = 'SIGKILL',
): Promise<string> {
  try {
    const { stdout } = await run(cmd, args, {
      cwd,
      env: { ...process.env, ...env },
      maxBuffer: 64 * 1024 * 1024,
      ...(timeoutMs !== undefined ? { timeout: timeoutMs, killSignal } : {}),
    });
    return stdout;
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string };
    throw new Error(
      `${cmd} ${args.join(' ')} (in ${cwd}) failed: ${err.message}\n${err.stderr ?? ''}\n${err.stdout ?? ''}`,
      {
        cause: e,
      },
    );
  }
}

/** What `npm pack --json` says of the tarball. */
export interface PackedPackage {
  readonly filename: string;
  readonly size: number;
  readonly unpackedSize: number;
  readonly entryCount: number;
  readonly files: Array<{ path: string }>;
}

/**
 * `npm pack` of the package into `work`, from a copy of the repository's package files (with the repository's
 * node_modules for the build's tools), so that packing never rebuilds the repository's own dist-lib/ under the other
 * test files' feet.
 * @returns the tarball's path and what npm says of it
 */
export async function packPackage(work: string): Promise<{ tarball: string; packed: PackedPackage }> {
  const src = join(work, 'src');
  mkdirSync(src);
  for (const f of [
    'package.json',
    'tsconfig.json',
    'tsconfig.build.json',
    'README.md',
    'LICENSE',
    'CHANGELOG.md',
    'docs',
    'lib',
    'bin',
    'scripts',
  ]) {
    if (existsSync(join(ROOT, f))) cpSync(join(ROOT, f), join(src, f), { recursive: true });
  }
  symlinkSync(join(ROOT, 'node_modules'), join(src, 'node_modules'), 'dir');
  const out = await sh('npm', ['pack', '--json', '--pack-destination', work, '--loglevel=error'], src);
  const packed = (JSON.parse(out) as PackedPackage[])[0];
  return { tarball: join(work, packed.filename), packed };
}
