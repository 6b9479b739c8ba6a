/**
 * Finds the programs the end-to-end lab needs and wraps lab suites so that a machine without them skips
 * loudly, while CI (`CI=true`) fails.
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** The lab's external programs. */
export type LabBinaryName = 'docker-registry' | 'skopeo' | 'openssl';

/** Where each lab program was found. */
export interface LabBinaries {
  /** Absolute path of each program found. */
  readonly paths: Readonly<Partial<Record<LabBinaryName, string>>>;
  /** Programs not found on PATH (nor in /usr/bin, /usr/local/bin). */
  readonly missing: readonly LabBinaryName[];
}

const NAMES: readonly LabBinaryName[] = ['docker-registry', 'skopeo', 'openssl'];

/** The install command printed when something is missing. */
export const LAB_INSTALL_HINT = 'apt-get install -y docker-registry skopeo openssl';

function findOnPath(name: string, pathVar: string | undefined): string | undefined {
  const dirs = [...(pathVar ?? '').split(delimiter).filter(Boolean), '/usr/bin', '/usr/local/bin'];
  for (const dir of dirs) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      /* not here */
    }
  }
  return undefined;
}

/** Looks up docker-registry, skopeo and openssl. */
export function labBinaries(pathVar: string | undefined = process.env.PATH): LabBinaries {
  const paths: Partial<Record<LabBinaryName, string>> = {};
  const missing: LabBinaryName[] = [];
  for (const name of NAMES) {
    const found = findOnPath(name, pathVar);
    if (found) paths[name] = found;
    else missing.push(name);
  }
  return { paths, missing };
}

/** What {@link describeLab} does for a given situation. */
export type LabMode = 'run' | 'skip' | 'fail';

/**
 * `run` when nothing is missing; otherwise `fail` under `CI=true` and `skip` elsewhere.
 * @param env where to read `CI` from. @default process.env
 */
export function labMode(
  missing: readonly string[],
  env: Readonly<Record<string, string | undefined>> = process.env,
): LabMode {
  if (missing.length === 0) return 'run';
  return env.CI === 'true' ? 'fail' : 'skip';
}

/** The message shown (skip) or thrown (CI) when programs are missing. */
export function missingMessage(name: string, missing: readonly string[]): string {
  return `Lab suite '${name}' needs ${missing.join(', ')}, which ${missing.length === 1 ? 'is' : 'are'} not installed. Install with: ${LAB_INSTALL_HINT}`;
}

/**
 * `describe(name, fn)` when the lab programs are present. When one is missing: outside CI the suite is skipped
 * with a loud console warning; under `CI=true` the suite becomes one failing test naming what is missing, so a
 * CI image without the programs can never pass silently.
 * @param found the detection result. @default labBinaries()
 */
export function describeLab(name: string, fn: () => void, found: LabBinaries = labBinaries()): void {
  const { missing } = found;
  const mode = labMode(missing);
  if (mode === 'run') {
    describe(name, fn);
    return;
  }
  const message = missingMessage(name, missing);
  if (mode === 'fail') {
    describe(name, () => {
      it('has the lab programs installed (CI=true)', () => {
        throw new Error(message);
      });
    });
    return;
  }
  const bar = '!'.repeat(78);

  console.warn(`\n${bar}\nSKIPPED: ${message}\n(Set CI=true to make this a failure.)\n${bar}\n`);
  describe.skip(name, fn);
}
