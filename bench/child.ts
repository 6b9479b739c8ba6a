/**
 * One measurement, in a fresh process started by bench/run.ts: `node bench/child.js '<json ChildTask>'`.
 * It prints one line `BENCH_RESULT <json ChildResult>` on stdout and nothing else there.
 *
 * Modules are loaded before the clock starts; what is timed is the construction of the apps plus
 * `App.synthYaml()` (validation, dependency resolution, `chart.toJson()` of every chart and YAML
 * serialization, as `cdk8s synth` does minus writing the file), the same call on both sides.
 * Both scenarios are imported by every child, so both sides load the same modules and start from the
 * same RSS: peak RSS differs only by what the measured work allocates.
 */
import { performance } from 'node:perf_hooks';
import { App } from 'cdk8s';
import { declareBaselineApps } from './baseline-scenario';
import { declareConstructApps } from './construct-scenario';
import { BenchLayout } from './fixtures';

/** What a child measures. */
export type ChildTask =
  | {
      readonly kind: 'synth';
      readonly side: 'construct' | 'baseline';
      readonly n: number;
      readonly layout: BenchLayout;
    }
  | { readonly kind: 'pulumi'; readonly n: number }
  | { readonly kind: 'harbor-calls'; readonly n: number };

/** What a child reports. */
export interface ChildResult {
  /** Wall time of the whole measured work, in ms. */
  readonly ms: number;
  /** Of which: declaring the constructs / resources. */
  readonly constructMs: number;
  /** Of which: `synthYaml()` (synth tasks) or waiting for every registration (Pulumi). */
  readonly synthMs: number;
  /** Peak RSS of the process (`process.resourceUsage().maxRSS`), in MB. */
  readonly maxRssMb: number;
  /** RSS once modules were loaded, before the measured work, in MB. */
  readonly startRssMb: number;
  /** Kubernetes objects synthesized, or Pulumi resources registered. */
  readonly objects: number;
  /** Bytes of YAML produced (synth tasks). */
  readonly bytes: number;
  /** Registrations by type (Pulumi tasks). */
  readonly byType?: Readonly<Record<string, number>>;
}

/** The marker before the JSON result on stdout. */
export const RESULT_MARKER = 'BENCH_RESULT ';

async function main(): Promise<void> {
  const task = JSON.parse(process.argv[2] ?? '') as ChildTask;
  let result: unknown;
  if (task.kind === 'synth') result = measureSynth(task);
  else if (task.kind === 'pulumi') result = await measurePulumi(task.n);
  else {
    const { countHarborRequests } = require('./harbor-calls') as typeof import('./harbor-calls');
    result = await countHarborRequests(task.n);
  }
  process.stdout.write(`${RESULT_MARKER}${JSON.stringify(result)}\n`);
}

function measureSynth(task: Extract<ChildTask, { kind: 'synth' }>): ChildResult {
  const declare = task.side === 'construct' ? declareConstructApps : declareBaselineApps;
  const startRss = process.memoryUsage().rss;
  const t0 = performance.now();
  const app = new App();
  declare(app, task.n, task.layout);
  const t1 = performance.now();
  const yaml = app.synthYaml();
  const t2 = performance.now();
  return {
    ms: t2 - t0,
    constructMs: t1 - t0,
    synthMs: t2 - t1,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    startRssMb: startRss / 1048576,
    objects: countDocuments(yaml),
    bytes: Buffer.byteLength(yaml),
  };
}

async function measurePulumi(n: number): Promise<ChildResult> {
  // Loaded lazily: lib/pulumi may not exist yet, and synth children must not pay for @pulumi/pulumi.

  const { runPulumiMockScenario } = require('./pulumi-scenario') as typeof import('./pulumi-scenario');
  const startRss = process.memoryUsage().rss;
  const r = await runPulumiMockScenario(n);
  return {
    ms: r.constructMs + r.settleMs,
    constructMs: r.constructMs,
    synthMs: r.settleMs,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    startRssMb: startRss / 1048576,
    objects: r.registrations,
    bytes: 0,
    byType: r.byType,
  };
}

function countDocuments(yaml: string): number {
  if (yaml.trim() === '') return 0;
  let count = 1;
  for (let i = yaml.indexOf('\n---\n'); i >= 0; i = yaml.indexOf('\n---\n', i + 1)) count++;
  return count;
}

if (require.main === module) {
  main().catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  });
}
