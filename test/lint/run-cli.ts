/**
 * Runs `harbor-private-app` in-process (lib/cli `main`) with captured output, for the lint and preflight tests.
 */
import * as path from 'node:path';
import { main } from '../../lib/cli/main';

/** What a run printed and returned. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The repository root: paths in findings are relative to it, as when run from a clone. */
export const REPO = path.resolve(__dirname, '..', '..');

/** The lint fixtures, relative to {@link REPO}. */
export const FIXTURES = 'test/lint/fixtures';

/** Runs `harbor-private-app <argv>` from the repository root. */
export async function runCli(
  argv: readonly string[],
  opts: { readonly stdin?: string; readonly env?: Record<string, string | undefined>; readonly cwd?: string } = {},
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  let stdinReads = 0;
  const code = await main(argv, {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    readStdin: () => {
      stdinReads++;
      if (opts.stdin === undefined) return Promise.reject(new Error('runCli: this test gives no standard input'));
      if (stdinReads > 1) return Promise.reject(new Error('runCli: standard input read twice'));
      return Promise.resolve(opts.stdin);
    },
    cwd: opts.cwd ?? REPO,
    env: opts.env ?? {},
  });
  return { code, stdout, stderr };
}

/** The JSON report of a run with `--format json`. */
export function jsonReport(run: CliRun): {
  command: string;
  findings: Array<Record<string, any>>;
  errors: Array<Record<string, any>>;
  notes: Array<Record<string, any>>;
  summary: Record<string, any>;
} {
  try {
    return JSON.parse(run.stdout);
  } catch {
    throw new Error(`not a JSON report (exit ${run.code}):\n${run.stdout}\n${run.stderr}`);
  }
}
