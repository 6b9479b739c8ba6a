import { ChildResult } from './child';
import { assertSameKubernetesObjects, assertSameRegistrations, MockRegistration } from './pulumi-equivalence';
import type { PulumiMode, PulumiSide } from './pulumi-scenario';
import { ResultEntry } from './results';
import { runChild } from './run-child';
import { formatMs as fmt, median, round, pairedMedians } from './stats';
import { TranspiledTree } from './transpile';

/** What the baseline side of every Pulumi comparison is. */
export const PULUMI_BASELINE =
  'hand-written Pulumi program: 3 plain custom resources (project, member, robot with additionalSecretOutputs) + @pulumi/kubernetes Secret (data from the robot outputs) + Deployment per app, same Kubernetes inputs, same mocks, no component';

/** Where each mode runs the child, and what it means. */
export interface PulumiModeSetup {
  readonly mode: PulumiMode;
  /** The child's working directory (the program's directory). */
  readonly cwd: string;
}

/**
 * Checks, in fresh processes, that both sides register the same Kubernetes objects with equal inputs for `n` apps, and
 * returns a line saying so.
 */
export async function checkPulumiObjects(tree: TranspiledTree, setup: PulumiModeSetup, n: number): Promise<string> {
  const regs = async (side: PulumiSide) =>
    runChild<MockRegistration[]>(tree, { kind: 'pulumi-objects', side, n, mode: setup.mode }, { cwd: setup.cwd });
  const ours = await regs('ours');
  const baseline = await regs('baseline');
  const same = assertSameKubernetesObjects(ours, baseline, n);
  const all = assertSameRegistrations(ours, await regs('same-registrations'), n);
  return (
    `ok (${setup.mode}): the component and the hand-written program register identical Kubernetes objects for ${n} apps ` +
    `(${same.objects} objects, equal inputs); besides them, ours: ${same.oursOther.join(', ')}; baseline: ${same.baselineOther.join(', ')}. ` +
    `The same-registrations program registers all ${all} of ours with equal inputs.`
  );
}

/**
 * Runs the Pulumi program of `n` apps `runs` times on each side, ours and the hand-written baseline interleaved (and the
 * same-registrations program when `withSameRegistrations`), each run in a fresh process in the program's directory,
 * and returns the medians.
 */
export async function measurePulumi(
  tree: TranspiledTree,
  setup: PulumiModeSetup,
  n: number,
  runs: number,
  log: (s: string) => void,
  withSameRegistrations = false,
): Promise<ResultEntry> {
  const ours: ChildResult[] = [];
  const base: ChildResult[] = [];
  const same: ChildResult[] = [];
  const opts = { cwd: setup.cwd, timeoutMs: 20 * 60_000 };
  for (let r = 0; r < runs; r++) {
    ours.push(await runChild(tree, { kind: 'pulumi', side: 'ours', n, mode: setup.mode }, opts));
    base.push(await runChild(tree, { kind: 'pulumi', side: 'baseline', n, mode: setup.mode }, opts));
    if (withSameRegistrations) {
      same.push(await runChild(tree, { kind: 'pulumi', side: 'same-registrations', n, mode: setup.mode }, opts));
    }
  }
  const paired = pairedMedians(ours, base);
  const { ms, baselineMs: bms, rss, baselineRss: brss } = paired;
  // Ours against the same registrations written by hand (when measured): what the library's own code costs.
  const library = pairedMedians(ours, same.length ? same : ours);
  const phase = (xs: ChildResult[], f: (x: ChildResult) => number | undefined) =>
    round(median(xs.map((x) => f(x) ?? 0)));
  const entry: ResultEntry = {
    name: `pulumi/${setup.mode}`,
    n,
    runs,
    ...paired.fields,
    baseline: PULUMI_BASELINE,
    detail: {
      mode: setup.mode,
      registrations: ours[0].objects,
      baseline_registrations: base[0].objects,
      by_type: ours[0].byType,
      provider_text_chars: ours[0].providerChars,
      load_phase_ms: phase(ours, (x) => x.loadMs),
      construct_phase_ms: phase(ours, (x) => x.constructMs),
      settle_phase_ms: phase(ours, (x) => x.synthMs),
      baseline_load_phase_ms: phase(base, (x) => x.loadMs),
      baseline_construct_phase_ms: phase(base, (x) => x.constructMs),
      baseline_settle_phase_ms: phase(base, (x) => x.synthMs),
      cpu_ms: phase(ours, (x) => x.cpuMs),
      baseline_cpu_ms: phase(base, (x) => x.cpuMs),
      start_rss_mb: phase(ours, (x) => x.startRssMb),
      runs_ms: ours.map((x) => round(x.ms)),
      baseline_runs_ms: base.map((x) => round(x.ms)),
      ...(same.length
        ? {
            same_registrations_ms: library.fields.baseline_ms,
            same_registrations_cpu_ms: phase(same, (x) => x.cpuMs),
            same_registrations_rss_mb: library.fields.baseline_rss_mb,
            same_registrations_runs_ms: same.map((x) => round(x.ms)),
            library_ratio: library.fields.ratio,
            library_rss_ratio: library.fields.rss_ratio,
          }
        : {}),
    },
  };
  const d = entry.detail!;
  log(
    `  ${entry.name.padEnd(17)} n=${String(n).padStart(5)}  ${fmt(ms)} vs ${fmt(bms)}  x${entry.ratio!.toFixed(2)}   ` +
      `RSS ${rss.toFixed(0)} vs ${brss.toFixed(0)} MB  x${entry.rss_ratio!.toFixed(2)}   ` +
      `(load+construct+register ${fmt(d.load_phase_ms as number).trim()} + ${fmt(d.construct_phase_ms as number).trim()} + ${fmt(d.settle_phase_ms as number).trim()} vs ` +
      `${fmt(d.baseline_load_phase_ms as number).trim()} + ${fmt(d.baseline_construct_phase_ms as number).trim()} + ${fmt(d.baseline_settle_phase_ms as number).trim()}; ` +
      `CPU ${fmt(d.cpu_ms as number).trim()} vs ${fmt(d.baseline_cpu_ms as number).trim()}; ${ours[0].objects} vs ${base[0].objects} registrations; provider text ${ours[0].providerChars} chars; ${runs} runs)`,
  );
  if (same.length) {
    log(
      `  ${''.padEnd(17)}          same registrations written by hand: ${fmt(d.same_registrations_ms as number)}, RSS ${(d.same_registrations_rss_mb as number).toFixed(0)} MB, ` +
        `CPU ${fmt(d.same_registrations_cpu_ms as number).trim()}: the library's own cost x${(d.library_ratio as number).toFixed(2)} time, x${(d.library_rss_ratio as number).toFixed(2)} RSS`,
    );
  }
  return entry;
}
