import { ChildResult } from './child';
import { BenchLayout } from './fixtures';
import { ResultEntry } from './results';
import { runChild } from './run-child';
import { median, round, pairedMedians } from './stats';
import { TranspiledTree } from './transpile';

/** What the raw side of every synthesis comparison is. */
export const SYNTH_BASELINE =
  'raw cdk8s ApiObjects (Project, MemberUser, RobotAccount, ExternalSecret) + cdk8s-plus-27 Deployment, same objects, no construct';

/**
 * Synthesizes `n` apps `runs` times on each side, construct and baseline interleaved (so drift of the
 * machine hits both), each run in a fresh process, and returns the medians. Throws when the two sides
 * synthesize a different number of objects or bytes: then they are not the same workload.
 */
export async function measureSynth(
  tree: TranspiledTree,
  layout: BenchLayout,
  n: number,
  runs: number,
  log: (s: string) => void,
): Promise<ResultEntry> {
  const construct: ChildResult[] = [];
  const baseline: ChildResult[] = [];
  for (let r = 0; r < runs; r++) {
    construct.push(await runChild(tree, { kind: 'synth', side: 'construct', n, layout }));
    baseline.push(await runChild(tree, { kind: 'synth', side: 'baseline', n, layout }));
  }
  const c = construct[0];
  const b = baseline[0];
  if (c.objects !== b.objects || c.bytes !== b.bytes) {
    throw new Error(
      `bench: at n=${n} (${layout}) the construct synthesized ${c.objects} objects / ${c.bytes} bytes but the baseline ${b.objects} / ${b.bytes}; fix bench/baseline-scenario.ts so both emit the same objects`,
    );
  }
  const paired = pairedMedians(construct, baseline);
  const { ms, baselineMs: bms, rss, baselineRss: brss } = paired;
  const entry: ResultEntry = {
    name: `synth/${layout}`,
    n,
    runs,
    ...paired.fields,
    baseline: SYNTH_BASELINE,
    detail: {
      objects: c.objects,
      yaml_bytes: c.bytes,
      construct_phase_ms: round(median(construct.map((x) => x.constructMs))),
      synth_yaml_phase_ms: round(median(construct.map((x) => x.synthMs))),
      baseline_construct_phase_ms: round(median(baseline.map((x) => x.constructMs))),
      baseline_synth_yaml_phase_ms: round(median(baseline.map((x) => x.synthMs))),
      start_rss_mb: round(median(construct.map((x) => x.startRssMb))),
      baseline_start_rss_mb: round(median(baseline.map((x) => x.startRssMb))),
      runs_ms: construct.map((x) => round(x.ms)),
      baseline_runs_ms: baseline.map((x) => round(x.ms)),
    },
  };
  log(
    `  ${entry.name.padEnd(20)} n=${String(n).padStart(5)}  ${fmt(ms)} vs ${fmt(bms)}  x${entry.ratio!.toFixed(2)}   ` +
      `RSS ${rss.toFixed(0)} vs ${brss.toFixed(0)} MB  x${entry.rss_ratio!.toFixed(2)}   (${c.objects} objects, ${runs} runs)`,
  );
  return entry;
}

function fmt(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s`.padStart(9) : `${ms.toFixed(1)} ms`.padStart(9);
}
