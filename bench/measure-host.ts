import * as path from 'node:path';
import type { HostMode, HostOperation, HostOpsResult, HostRun } from './host-ops';
import { compareMarkdown, profileMarkdown, summariseProfileDir } from './profile';
import { ResultEntry } from './results';
import { runChild } from './run-child';
import { formatMs as fmt, median, pairedMedians, round } from './stats';
import { TranspiledTree } from './transpile';

/** What the floor of every `pulumi-host/*` row is. */
export const HOST_FLOOR =
  "the same dynamic provider host (a fresh process per run), the same resources with the same inputs and states, a trivial provider text (diff: no change; read: the props as they are) padded to the provider text's length";

/** Resources in flight at once, on both sides (the engine runs steps in parallel). */
export const HOST_CONCURRENCY = 10;

/** How one `pulumi-host` measurement is made. */
export interface HostPlan {
  readonly mode: HostMode;
  readonly n: number;
  readonly runs: number;
}

/**
 * Creates `plan.n` apps' Harbor resources through Pulumi's own dynamic provider host in one child process (from the
 * repository's sources: the lab emulator runs there), times preview, no-op up and refresh against the floor
 * (bench/host-ops.ts) and returns one entry per operation.
 */
export async function measureHostOperations(
  tree: TranspiledTree,
  repoRoot: string,
  plan: HostPlan,
  programDir: string | undefined,
  log: (s: string) => void,
): Promise<ResultEntry[]> {
  const r = await runChild<HostOpsResult>(
    tree,
    {
      kind: 'host-ops',
      n: plan.n,
      runs: plan.runs,
      concurrency: HOST_CONCURRENCY,
      mode: plan.mode,
      ...(programDir ? { programDir } : {}),
    },
    { fromSource: { repoRoot }, timeoutMs: 3 * 60 * 60_000 },
  );
  log(
    `  ${plan.mode}, ${plan.n.toLocaleString('en-US')} app(s): ${r.resources} resources (${Object.entries(r.byKind)
      .map(([k, v]) => `${k} ${v}`)
      .join(
        ', ',
      )}), provider texts ${r.providerChars.harbor.toLocaleString('en-US')} + ${r.providerChars.login.toLocaleString('en-US')} chars, ` +
      `created in ${fmt(r.createMs)} (${r.createRequests} requests); @pulumi/pulumi ${r.pulumiVersion}, ${r.concurrency} at a time`,
  );
  return (Object.entries(r.runs) as Array<[HostOperation, { ours: HostRun[]; floor: HostRun[] }]>).map(
    ([op, { ours, floor }]) => {
      const paired = pairedMedians(ours, floor);
      const calls = r.resources * (op === 'refresh' ? 1 : 2);
      // Requests are the same every run; the largest count is kept should one differ.
      const worst = ours.reduce((a, b) => (b.requests > a.requests ? b : a));
      const getsPerResourceByKind = Object.fromEntries(
        Object.entries(r.byKind).map(([kind, count]) => [kind, round((worst.getsByKind[kind] ?? 0) / count, 2)]),
      );
      const routes =
        Object.entries(worst.routes)
          .map(([k, v]) => `${k} x${v}`)
          .join(', ') || 'none';
      const entry: ResultEntry = {
        name: `pulumi-host/${op}`,
        n: plan.n,
        runs: plan.runs,
        ...paired.fields,
        baseline: HOST_FLOOR,
        detail: {
          mode: plan.mode,
          pulumi_version: r.pulumiVersion,
          resources: r.resources,
          by_kind: r.byKind,
          concurrency: r.concurrency,
          calls,
          per_call_ms: round(paired.ms / calls, 3),
          baseline_per_call_ms: round(paired.baselineMs / calls, 3),
          provider_text_chars: r.providerChars,
          stored_chars: r.storedChars,
          host_cpu_ms: round(median(ours.map((x) => x.hostCpuMs))),
          baseline_host_cpu_ms: round(median(floor.map((x) => x.hostCpuMs))),
          host_cpu_ratio: round(median(ours.map((x) => x.hostCpuMs)) / median(floor.map((x) => x.hostCpuMs)), 3),
          driver_cpu_ms: round(median(ours.map((x) => x.driverCpuMs))),
          baseline_driver_cpu_ms: round(median(floor.map((x) => x.driverCpuMs))),
          host_start_ms: round(median(ours.map((x) => x.startMs))),
          baseline_host_start_ms: round(median(floor.map((x) => x.startMs))),
          requests: worst.requests,
          gets: worst.gets,
          writes: worst.writes,
          routes,
          gets_per_resource: round(worst.gets / r.resources, 2),
          gets_per_resource_by_kind: getsPerResourceByKind,
          max_gets_per_resource: Math.max(0, ...Object.values(getsPerResourceByKind)),
          baseline_requests: Math.max(...floor.map((x) => x.requests)),
          runs_ms: ours.map((x) => round(x.ms)),
          baseline_runs_ms: floor.map((x) => round(x.ms)),
          setup_create_ms: round(r.createMs),
        },
      };
      log(
        `    ${op.padEnd(8)} ${fmt(paired.ms)} vs floor ${fmt(paired.baselineMs)}  x${entry.ratio!.toFixed(2)}   ` +
          `host CPU ${fmt(median(ours.map((x) => x.hostCpuMs))).trim()} vs ${fmt(median(floor.map((x) => x.hostCpuMs))).trim()}, ` +
          `engine + emulator CPU ${fmt(median(ours.map((x) => x.driverCpuMs))).trim()} vs ${fmt(median(floor.map((x) => x.driverCpuMs))).trim()}   ` +
          `host RSS ${paired.rss.toFixed(0)} vs ${paired.baselineRss.toFixed(0)} MB   ` +
          `${(paired.ms / calls).toFixed(2)} vs ${(paired.baselineMs / calls).toFixed(2)} ms per call (${calls} calls)   ` +
          `Harbor: ${worst.requests} requests (${worst.gets} GET, ${worst.writes} writes; ${routes})   ${plan.runs} runs`,
      );
      return entry;
    },
  );
}

/**
 * Profiles one run of each operation through the host on each side (bench/host-ops.ts under `node --cpu-prof`) and
 * returns markdown: per operation, where the extra time of ours over the floor goes, and ours in detail. What the
 * child itself spends (the emulator, the gRPC client playing the engine) is not in these profiles.
 */
export async function profileHostOperations(
  tree: TranspiledTree,
  repoRoot: string,
  plan: HostPlan,
  programDir: string | undefined,
  workDir: string,
): Promise<string[]> {
  const profileDir = path.join(workDir, `prof-host-${plan.mode}-${plan.n}`);
  const profiled = await runChild<HostOpsResult>(
    tree,
    {
      kind: 'host-ops',
      n: plan.n,
      runs: 1,
      concurrency: HOST_CONCURRENCY,
      mode: plan.mode,
      profileDir,
      ...(programDir ? { programDir } : {}),
    },
    { fromSource: { repoRoot }, timeoutMs: 3 * 60 * 60_000 },
  );
  const roots: Array<[string, string]> = [
    ...(programDir ? [[`${programDir}/node_modules/harbor-private-app/dist-lib/`, ''] as [string, string]] : []),
    [`${repoRoot}/`, ''],
  ];
  const out: string[] = [];
  for (const op of Object.keys(profiled.runs)) {
    const ours = summariseProfileDir(path.join(profileDir, `${op}-ours`), roots);
    const floor = summariseProfileDir(path.join(profileDir, `${op}-floor`), roots);
    const what = `The dynamic provider host, ${op} of ${plan.n.toLocaleString('en-US')} apps (${plan.mode})`;
    out.push(compareMarkdown(what, 'ours', ours, 'floor', floor));
    out.push(profileMarkdown(`${what}: ours`, ours));
  }
  return out;
}
