/**
 * The shape of bench/results.json: one entry per measurement. Times are medians in ms, memory is peak RSS
 * in MB (`process.resourceUsage().maxRSS` of a fresh child process), ratios are construct / baseline.
 * Types only: under ts-node, `require('./results')` finds results.json before this file.
 */

/** One measurement. Fields that do not apply are `null`. */
export interface ResultEntry {
  /** What was measured, e.g. `synth/one-chart`, `synth/chart-per-app`, `pulumi/mock`, `harbor-api/create`, `npm-run-synth`. */
  readonly name: string;
  /** How many apps (components) were declared. */
  readonly n: number;
  /** Median wall time of the construct side, in ms. */
  readonly median_ms: number | null;
  /** Median wall time of the baseline, in ms. */
  readonly baseline_ms: number | null;
  /** median_ms / baseline_ms. */
  readonly ratio: number | null;
  /** Median peak RSS of the construct side, in MB. */
  readonly rss_mb: number | null;
  /** Median peak RSS of the baseline, in MB. */
  readonly baseline_rss_mb?: number | null;
  /** rss_mb / baseline_rss_mb. */
  readonly rss_ratio?: number | null;
  /** How many runs each median is taken over. */
  readonly runs: number;
  /** What the baseline is, in words. */
  readonly baseline?: string;
  /** Extra detail (phase split, object counts, request counts, every run). */
  readonly detail?: Readonly<Record<string, unknown>>;
}

/** A target the benchmark holds. */
export interface TargetResult {
  readonly id: string;
  readonly description: string;
  readonly measured: number | null;
  readonly limit: number;
  readonly status: 'PASS' | 'MISS' | 'NOT MEASURED';
  /** Set when the value is a stand-in (quick mode) for the real target. */
  readonly proxy?: string;
}

/** The machine the bench ran on. */
export interface MachineInfo {
  readonly cpuModel: string;
  readonly cpuCount: number;
  readonly memoryGb: number;
  readonly os: string;
  readonly node: string;
  readonly date: string;
  /** 1, 5 and 15 minute load averages when the run started (other work on the machine skews timings). */
  readonly loadAverage: readonly number[];
  /** The same when the run ended. */
  readonly loadAverageEnd?: readonly number[];
}

/** A part rerun on its own after the full run (`--only=<part> --write`): its entries replaced that part's. */
export interface PartialRun {
  readonly parts: readonly string[];
  /** The machine and its load when the part ran. */
  readonly machine: MachineInfo;
}

/** Everything bench/results.json holds. */
export interface BenchResults {
  readonly mode: 'full' | 'quick';
  readonly machine: MachineInfo;
  readonly results: readonly ResultEntry[];
  readonly targets: readonly TargetResult[];
  /** Measurements that could not be made, and why. */
  readonly todo: readonly string[];
  /** Profile summaries of missed targets (markdown), each starting with its part's marker (bench/merge-results.ts `profileMarker`). */
  readonly profiles: readonly string[];
  /** Parts rerun on their own since the full run (the machine above is the full run's). */
  readonly partialRuns?: readonly PartialRun[];
}
