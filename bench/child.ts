/**
 * One measurement, in a fresh process started by bench/run.ts: `node bench/child.js '<json ChildTask>'`.
 * It prints one line `BENCH_RESULT <json ChildResult>` on stdout and nothing else there.
 *
 * Modules are loaded before the clock starts; what is timed is the construction of the apps plus
 * `App.synthYaml()` (validation, dependency resolution, `chart.toJson()` of every chart and YAML
 * serialization, as `cdk8s synth` does minus writing the file), the same call on both sides.
 * Both scenarios are imported by every child, so both sides load the same modules and start from the
 * same RSS: peak RSS differs only by what the measured work allocates.
 *
 * Pulumi tasks time what a program run costs before the engine does any work: loading the program's modules (ours:
 * @pulumi/pulumi and the library with what it loads; the baseline: @pulumi/pulumi and @pulumi/kubernetes), declaring
 * the apps, and waiting until the mock monitor has every registration. Each side loads only its own modules.
 */
import * as fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { BenchLayout } from './fixtures';
import type { HostOpsTask } from './host-ops';
import type { PulumiMode, PulumiSide } from './pulumi-scenario';

/** What a child measures. */
export type ChildTask =
  | {
      readonly kind: 'synth';
      readonly side: 'construct' | 'baseline';
      readonly n: number;
      readonly layout: BenchLayout;
    }
  | {
      readonly kind: 'pulumi';
      readonly side: PulumiSide;
      readonly n: number;
      /** Where our side loads the library from (bench/pulumi-install.ts); the child runs in the program's directory. */
      readonly mode: PulumiMode;
    }
  | { readonly kind: 'lint'; readonly side: 'lint' | 'parse'; readonly file: string }
  | { readonly kind: 'harbor-calls'; readonly n: number }
  | ({ readonly kind: 'host-ops' } & HostOpsTask)
  | {
      readonly kind: 'pulumi-objects';
      readonly side: PulumiSide;
      readonly n: number;
      readonly mode: PulumiMode;
    };

/** What a child reports. */
export interface ChildResult {
  /** Wall time of the whole measured work, in ms. */
  readonly ms: number;
  /** Of which: declaring the constructs / resources (lint: parsing). */
  readonly constructMs: number;
  /** Of which: `synthYaml()` (synth tasks), waiting for every registration (Pulumi), or checking (lint). */
  readonly synthMs: number;
  /** Peak RSS of the process (`process.resourceUsage().maxRSS`), in MB. */
  readonly maxRssMb: number;
  /** RSS once modules were loaded, before the measured work, in MB. */
  readonly startRssMb: number;
  /** Kubernetes objects synthesized or linted, or Pulumi resources registered. */
  readonly objects: number;
  /** Bytes of YAML produced (synth tasks) or read (lint). */
  readonly bytes: number;
  /** CPU time (user + system) of the measured work, in ms (lint and Pulumi tasks): on a busy machine, what the work costs. */
  readonly cpuMs?: number;
  /** Registrations by type (Pulumi tasks). */
  readonly byType?: Readonly<Record<string, number>>;
  /** Loading the program's modules, in ms (Pulumi tasks; part of `ms`). */
  readonly loadMs?: number;
  /** Length of the longest serialized dynamic provider registered (Pulumi tasks). */
  readonly providerChars?: number;
  /** Findings reported (lint tasks). */
  readonly findings?: number;
}

/** The marker before the JSON result on stdout. */
export const RESULT_MARKER = 'BENCH_RESULT ';

async function main(): Promise<void> {
  const task = JSON.parse(process.argv[2] ?? '') as ChildTask;
  let result: unknown;
  if (task.kind === 'synth') result = measureSynth(task);
  else if (task.kind === 'pulumi') result = await measurePulumi(task);
  else if (task.kind === 'lint') result = await measureLint(task);
  else if (task.kind === 'pulumi-objects') {
    const { pulumiRegistrations } = require('./pulumi-equivalence') as typeof import('./pulumi-equivalence');
    result = await pulumiRegistrations(task.side, task.n, task.mode);
  } else if (task.kind === 'host-ops') {
    const { runHostOperations } = require('./host-ops') as typeof import('./host-ops');
    result = await runHostOperations(task);
  } else {
    const { countHarborRequests } = require('./harbor-calls') as typeof import('./harbor-calls');
    result = await countHarborRequests(task.n);
  }
  process.stdout.write(`${RESULT_MARKER}${JSON.stringify(result)}\n`);
}

function measureSynth(task: Extract<ChildTask, { kind: 'synth' }>): ChildResult {
  // Both scenarios are loaded by both sides (same modules, same starting RSS), before the clock starts.
  const { App } = require('cdk8s') as typeof import('cdk8s');
  const { declareBaselineApps } = require('./baseline-scenario') as typeof import('./baseline-scenario');
  const { declareConstructApps } = require('./construct-scenario') as typeof import('./construct-scenario');
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

async function measurePulumi(task: Extract<ChildTask, { kind: 'pulumi' }>): Promise<ChildResult> {
  const startRss = process.memoryUsage().rss;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  // @pulumi/pulumi (and the bench's own small modules): loaded by both sides, on the clock like the rest of the load.
  const { runPulumiMockScenario } = require('./pulumi-scenario') as typeof import('./pulumi-scenario');
  const loadPulumi = performance.now() - t0;
  const r = await runPulumiMockScenario(task.side, task.n, task.mode);
  const cpu = process.cpuUsage(cpu0);
  return {
    cpuMs: (cpu.user + cpu.system) / 1000,
    ms: loadPulumi + r.loadMs + r.constructMs + r.settleMs,
    constructMs: r.constructMs,
    synthMs: r.settleMs,
    loadMs: loadPulumi + r.loadMs,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    startRssMb: startRss / 1048576,
    objects: r.registrations,
    bytes: 0,
    byType: r.byType,
    providerChars: r.providerChars,
  };
}

/**
 * Lints a file as `harbor-private-app lint FILE` does (read it, parse it, check every container, format the text
 * report), or, for the baseline, only reads and parses it with js-yaml (the parser lint reads such YAML with).
 * Modules are loaded before the clock starts.
 */
async function measureLint(task: Extract<ChildTask, { kind: 'lint' }>): Promise<ChildResult> {
  const { readManifestSources } = require('../lib/lint/sources') as typeof import('../lib/lint/sources');
  const { parseManifestFile } = require('../lib/lint/manifests') as typeof import('../lib/lint/manifests');
  const { lintManifests } = require('../lib/lint/lint') as typeof import('../lib/lint/lint');
  const { formatReport } = require('../lib/lint/format') as typeof import('../lib/lint/format');
  const { CORE_SCHEMA, loadAll } = require('js-yaml') as typeof import('js-yaml');
  const startRss = process.memoryUsage().rss;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let objects: number;
  let bytes: number;
  let t1: number;
  let findings = 0;
  if (task.side === 'lint') {
    // What `harbor-private-app lint FILE` runs: lintSources, with the parse and the check timed apart.
    const read = await readManifestSources([task.file], { cwd: process.cwd(), readStdin: () => Promise.resolve('') });
    const parsed = parseManifestFile(read.sources[0].text, task.file);
    t1 = performance.now();
    const report = lintManifests(parsed.objects, {}, 1, [...read.errors, ...parsed.errors]);
    const out = formatReport(report, 'text');
    if (report.summary.checked === 0) throw new Error(`bench: lint of ${task.file} checked no container`);
    if (report.errors.length > 0) throw new Error(`bench: lint of ${task.file}: ${report.errors[0].problem}`);
    if (out.length === 0) throw new Error('bench: no report');
    objects = report.summary.objects;
    findings = report.findings.length;
    bytes = Buffer.byteLength(read.sources[0].text);
  } else {
    const text = fs.readFileSync(task.file, 'utf8');
    objects = loadAll(text, undefined, { schema: CORE_SCHEMA }).length;
    t1 = performance.now();
    bytes = Buffer.byteLength(text);
  }
  const t2 = performance.now();
  const cpu = process.cpuUsage(cpu0);
  return {
    ms: t2 - t0,
    constructMs: t1 - t0,
    synthMs: t2 - t1,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    startRssMb: startRss / 1048576,
    objects,
    bytes,
    cpuMs: (cpu.user + cpu.system) / 1000,
    findings,
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
