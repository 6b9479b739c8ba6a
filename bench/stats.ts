/** The median of a non-empty list of numbers. */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('bench: median of no values; every measurement needs at least one run');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** A number rounded to `digits` decimals (for results.json). */
export function round(value: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** A duration for a log line: `812 ms` or `1.23 s`, padded to `width`. */
export function formatMs(ms: number, width = 9): string {
  return (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`).padStart(width);
}

/** A measured run: its wall time and peak RSS. */
export interface TimedRun {
  readonly ms: number;
  readonly maxRssMb: number;
}

/**
 * The medians of paired runs, ours against a baseline, and their ratios: the raw medians (for the log lines) and the
 * fields of a results.json entry, rounded as every entry rounds them.
 */
export function pairedMedians(
  ours: readonly TimedRun[],
  base: readonly TimedRun[],
): {
  readonly ms: number;
  readonly baselineMs: number;
  readonly rss: number;
  readonly baselineRss: number;
  readonly fields: {
    readonly median_ms: number;
    readonly baseline_ms: number;
    readonly ratio: number;
    readonly rss_mb: number;
    readonly baseline_rss_mb: number;
    readonly rss_ratio: number;
  };
} {
  const ms = median(ours.map((x) => x.ms));
  const baselineMs = median(base.map((x) => x.ms));
  const rss = median(ours.map((x) => x.maxRssMb));
  const baselineRss = median(base.map((x) => x.maxRssMb));
  return {
    ms,
    baselineMs,
    rss,
    baselineRss,
    fields: {
      median_ms: round(ms),
      baseline_ms: round(baselineMs),
      ratio: round(ms / baselineMs, 3),
      rss_mb: round(rss),
      baseline_rss_mb: round(baselineRss),
      rss_ratio: round(rss / baselineRss, 3),
    },
  };
}
