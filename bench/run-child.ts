import { ChildResult, ChildTask, RESULT_MARKER } from './child';
import { spawnTimed, tail } from './spawn';
import { TranspiledTree } from './transpile';

/** Options of {@link runChild}. */
export interface RunChildOptions {
  /** Write a V8 CPU profile (`node --cpu-prof`) into this directory. */
  readonly cpuProfDir?: string;
  /** @default 10 minutes */
  readonly timeoutMs?: number;
  /**
   * Run the TypeScript source from the repository with ts-node instead of the transpiled tree (for code that
   * finds files relative to its own source, like the lab emulator).
   * @default false
   */
  readonly fromSource?: { readonly repoRoot: string };
  /**
   * The child's working directory (a Pulumi program's directory, from which the dynamic provider's package resolves).
   * @default the transpiled tree (the repository with `fromSource`)
   */
  readonly cwd?: string;
}

/** Runs one measurement in a fresh `node` process (see bench/child.ts) and returns what it reports. */
export async function runChild<T = ChildResult>(
  tree: TranspiledTree,
  task: ChildTask,
  opts: RunChildOptions = {},
): Promise<T> {
  const flags = opts.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${opts.cpuProfDir}`] : [];
  // BENCH_CHILD_NODE_FLAGS: node flags for every child, e.g. --stack-trace-limit=0 to measure what Pulumi's eager
  // stack traces (debuggablePromise) cost without changing any program (bench/report.ts, "Upstream").
  flags.push(...(process.env.BENCH_CHILD_NODE_FLAGS ?? '').split(' ').filter((f) => f !== ''));
  const env = { ...process.env };
  delete env.NODE_OPTIONS; // a caller's flags (ts-node, inspectors) would skew the child
  const entry = opts.fromSource
    ? ['-r', 'ts-node/register/transpile-only', 'bench/child.ts']
    : [tree.jsPath('bench/child.ts')];
  const done = await spawnTimed(process.execPath, [...flags, ...entry, JSON.stringify(task)], {
    cwd: opts.cwd ?? opts.fromSource?.repoRoot ?? tree.dir,
    env,
    timeoutMs: opts.timeoutMs ?? 10 * 60_000,
  });
  const line = done.stdout.split('\n').find((l) => l.startsWith(RESULT_MARKER));
  if (done.code !== 0 || !line) {
    throw new Error(
      `bench: child ${JSON.stringify(task)} failed (exit ${done.code ?? done.signal}); stderr ends with:\n${tail(done.stderr)}`,
    );
  }
  return JSON.parse(line.slice(RESULT_MARKER.length)) as T;
}
