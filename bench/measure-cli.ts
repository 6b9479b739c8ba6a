import * as fs from 'node:fs';
import * as path from 'node:path';
import { ResultEntry } from './results';
import { spawnTimed, tail } from './spawn';
import { median, round } from './stats';

/** How cdk8s.yaml runs the example; the bare app is run the same way. */
export const APP_RUNNER = 'node -r ts-node/register/transpile-only';

/** Options of {@link measureCliSynth}. */
export interface CliSynthOptions {
  readonly repoRoot: string;
  /** A scratch directory (outputs go below it). */
  readonly workDir: string;
  readonly runs: number;
  readonly log: (s: string) => void;
  /**
   * How the two programs are run. @default the example as cdk8s.yaml runs it (ts-node), the bare app likewise
   */
  readonly variant?: CliVariant;
}

/** A way to run the example and the bare app. */
export interface CliVariant {
  /** Result name, e.g. `npm-run-synth`. */
  readonly name: string;
  /** The example's app command. */
  readonly example: string;
  /** The bare app's command for `objects` objects. */
  readonly bare: (objects: number) => string;
  /** How it runs, in words. */
  readonly description: string;
}

/** `npm run synth` as it is: cdk8s.yaml's ts-node runner for the example, the same runner for the bare app. */
export function asConfiguredVariant(repoRoot: string): CliVariant {
  return {
    name: 'npm-run-synth',
    example: exampleAppCommand(repoRoot),
    bare: bareAppCommand,
    description: `${APP_RUNNER} (as cdk8s.yaml)`,
  };
}

/**
 * Both programs precompiled to JavaScript (the transpiled tree) and run with plain `node`: what a user of the
 * published package (compiled lib) with a compiled app pays; not a target, it shows where the time goes.
 */
export function precompiledVariant(treeDir: string): CliVariant {
  return {
    name: 'npm-run-synth/precompiled',
    example: `node ${path.join(treeDir, 'apps/cdk8s/main.js')}`,
    bare: (objects) => `node ${path.join(treeDir, 'bench/bare-app.js')} ${objects}`,
    description: 'plain node on precompiled JavaScript (no ts-node)',
  };
}

/**
 * The cold wall time of `npm run synth` (`cdk8s synth`) of the example app, against a bare cdk8s app
 * (bench/bare-app.ts: one chart with as many plain ConfigMaps as the example emits objects) run the same
 * way: `npx cdk8s synth --app "<runner> <program>" --output <temp dir>` in the repository, a fresh
 * process tree each run, example and bare interleaved.
 *
 * `--output` is how the CLI is told where to write: it hands that directory to the app as CDK8S_OUTDIR
 * (it would overwrite a CDK8S_OUTDIR set by the caller with `dist`). CDK8S_CHECK_UPGRADE=false turns off
 * the CLI's npm version check on both sides: it is network-bound (cached 30 minutes where the registry
 * answers; on this network it fails and is retried on every run) and is not what either app costs.
 */
export async function measureCliSynth(opts: CliSynthOptions): Promise<ResultEntry> {
  const variant = opts.variant ?? asConfiguredVariant(opts.repoRoot);
  const example = variant.example;
  const first = await cliSynthOnce(opts.repoRoot, path.join(opts.workDir, 'example-0'), example);
  const objects = first.objects;
  const bare = variant.bare(objects);
  const exampleMs: number[] = [];
  const bareMs: number[] = [];
  for (let r = 0; r < opts.runs; r++) {
    exampleMs.push((await cliSynthOnce(opts.repoRoot, path.join(opts.workDir, `example-${r + 1}`), example)).ms);
    const b = await cliSynthOnce(opts.repoRoot, path.join(opts.workDir, `bare-${r}`), bare);
    if (b.objects !== objects)
      throw new Error(`bench: the bare app wrote ${b.objects} objects, the example ${objects}`);
    bareMs.push(b.ms);
  }
  const ms = median(exampleMs);
  const bms = median(bareMs);
  const entry: ResultEntry = {
    name: variant.name,
    n: objects,
    runs: opts.runs,
    median_ms: round(ms),
    baseline_ms: round(bms),
    ratio: round(ms / bms, 3),
    rss_mb: null,
    baseline: `bare cdk8s app, one chart of ${objects} plain ConfigMaps (bench/bare-app.ts), same CLI and runner`,
    detail: {
      runner: variant.description,
      command: `npx cdk8s synth --app "${example}" --output <tmp>`,
      bare_command: `npx cdk8s synth --app "${bare}" --output <tmp>`,
      runs_ms: exampleMs.map((x) => round(x)),
      baseline_runs_ms: bareMs.map((x) => round(x)),
    },
  };
  opts.log(
    `  ${variant.name.padEnd(26)} (example, ${objects} objects)   ${(ms / 1000).toFixed(2)} s vs bare ${(bms / 1000).toFixed(2)} s  x${entry.ratio!.toFixed(2)}  (${opts.runs} runs)`,
  );
  return entry;
}

/** The bare app's command: bench/bare-app.ts with `objects` ConfigMaps, run like the example. */
export function bareAppCommand(objects: number): string {
  return `${APP_RUNNER} bench/bare-app.ts ${objects}`;
}

/** The example's app command, from cdk8s.yaml (what `npm run synth` runs). */
export function exampleAppCommand(repoRoot: string): string {
  const text = fs.readFileSync(path.join(repoRoot, 'cdk8s.yaml'), 'utf8');
  const m = /^app:\s*(.+)$/m.exec(text);
  if (!m)
    throw new Error('bench: cdk8s.yaml has no "app:" line; the example cannot be run the way npm run synth runs it');
  return m[1].trim();
}

/**
 * One `npx cdk8s synth --app <app> --output <out>` in the repository; `appNodeFlags` (e.g. `--cpu-prof`) are
 * added to the app's `node`. Returns the wall time and the number of objects written.
 */
export async function cliSynthOnce(
  repoRoot: string,
  out: string,
  app: string,
  appNodeFlags?: string,
): Promise<{ ms: number; objects: number }> {
  const appCmd = appNodeFlags ? app.replace(/^node /, `node ${appNodeFlags} `) : app;
  const env: NodeJS.ProcessEnv = { ...process.env, CDK8S_CHECK_UPGRADE: 'false' };
  delete env.NODE_OPTIONS;
  delete env.CDK8S_OUTDIR;
  const done = await spawnTimed('npx', ['cdk8s', 'synth', '--app', appCmd, '--output', out], {
    cwd: repoRoot,
    env,
    timeoutMs: 5 * 60_000,
  });
  if (done.code !== 0)
    throw new Error(
      `bench: "npx cdk8s synth --app ${appCmd}" failed (exit ${done.code ?? done.signal}):\n${tail(done.stderr)}`,
    );
  let objects = 0;
  for (const f of fs.readdirSync(out).filter((x) => x.endsWith('.k8s.yaml'))) {
    objects += fs
      .readFileSync(path.join(out, f), 'utf8')
      .split(/^---$/m)
      .filter((d) => d.trim() !== '').length;
  }
  if (objects === 0) throw new Error(`bench: "npx cdk8s synth --app ${appCmd}" wrote no object into ${out}`);
  return { ms: done.ms, objects };
}
