/**
 * `npm run bench` (full, several minutes) / `npm run bench -- --quick` (under a minute).
 *
 * Measures, each in fresh child processes:
 * - synthesis of N HarborPrivateApps against raw cdk8s-plus emitting the same objects (one chart; one chart per app);
 * - Pulumi mock-mode construction of N components (lib/pulumi);
 * - Harbor API requests per create / unchanged update / refresh / destroy (lab emulator);
 * - preview, no-op up and refresh of N apps through Pulumi's own dynamic provider host against a trivial provider;
 * - the cold wall time of `npm run synth` of the example against a bare cdk8s app;
 * - `harbor-private-app lint` of 10,000 objects (as cdk8s synthesizes them) and of 100,000 (a multi-tenant cluster with
 *   findings, bench/lint-input.ts) against js-yaml parsing the same file.
 * Prints PASS/MISS per target and profiles what misses. A full run writes bench/results.json,
 * bench/RESULTS.md and bench/scaling.svg; a quick run writes nothing unless `--write` is given.
 *
 * Flags: --quick, --write (quick run writes too), --profile (profile even when every target passes),
 * --only=synth,pulumi,harbor,host,cli,lint (a subset; implies no write unless --write; with --write, a full-mode subset
 * replaces only its parts' entries in the full run's bench/results.json and keeps the others).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { assertSameObjects } from './equivalence';
import { describeMachine } from './machine';
import { asConfiguredVariant, cliSynthOnce, measureCliSynth, precompiledVariant } from './measure-cli';
import { writeLargeLintInput } from './lint-input';
import { HostPlan, measureHostOperations, profileHostOperations } from './measure-host';
import { measureLint, writeLintInput } from './measure-lint';
import { checkPulumiObjects, measurePulumi } from './measure-pulumi';
import { installPackageForBench } from './pulumi-install';
import { measureSynth } from './measure-synth';
import { compareMarkdown, profileMarkdown, ProfileSummary, summariseProfileDir } from './profile';
import { renderResultsMarkdown } from './report';
import { BenchResults, ResultEntry, TargetResult } from './results';
import { BENCH_PARTS, BenchPart, mergePartialRun, profileMarker } from './merge-results';
import { runChild } from './run-child';
import { round } from './stats';
import { renderScalingSvg } from './svg';
import { evaluateTargets } from './targets';
import { transpileTree, TranspiledTree } from './transpile';
import { BenchLayout } from './fixtures';
import type { HarborOperation, HarborOperationCount } from './harbor-calls';

const REPO = path.resolve(__dirname, '..');
const PARTS = BENCH_PARTS;
type Part = BenchPart;

interface Plan {
  readonly quick: boolean;
  readonly oneChart: ReadonlyArray<readonly [n: number, runs: number]>;
  readonly chartPerApp: ReadonlyArray<readonly [n: number, runs: number]>;
  /** Pulumi with the package installed in the program's directory (as users run it). */
  readonly pulumi: ReadonlyArray<readonly [n: number, runs: number]>;
  /** Pulumi with the library loaded from the repository's sources (its provider serialized by value). */
  readonly pulumiSource: ReadonlyArray<readonly [n: number, runs: number]>;
  readonly harborApps: readonly number[];
  /** Operations through Pulumi's own dynamic provider host, against the floor. */
  readonly host: readonly HostPlan[];
  readonly cliRuns: number;
  /** Objects in the lint input, and runs per side. */
  readonly lint: readonly [objects: number, runs: number];
  /** Objects in the large lint input (bench/lint-input.ts), and runs per side. */
  readonly lintLarge: readonly [objects: number, runs: number];
}

const FULL: Plan = {
  quick: false,
  oneChart: [
    [1, 7],
    [100, 7],
    [1_000, 5],
    [10_000, 5],
  ],
  chartPerApp: [
    [100, 5],
    [1_000, 3],
  ],
  pulumi: [
    [1, 7],
    [100, 5],
    // Five: on a shared 2-core machine three runs of unchanged code gave medians 0.3x apart (bench/README.md, Pulumi).
    [1_000, 5],
  ],
  pulumiSource: [
    [1, 3],
    [100, 3],
  ],
  harborApps: [1, 100],
  host: [
    { mode: 'installed', n: 1_000, runs: 5 },
    { mode: 'source', n: 25, runs: 3 },
  ],
  cliRuns: 7,
  lint: [10_000, 5],
  lintLarge: [100_000, 3],
};

const QUICK: Plan = {
  quick: true,
  oneChart: [
    [1, 3],
    [100, 3],
    [1_000, 3],
  ],
  chartPerApp: [[100, 1]],
  pulumi: [
    [1, 1],
    [100, 1],
  ],
  pulumiSource: [[1, 1]],
  harborApps: [1],
  host: [{ mode: 'installed', n: 20, runs: 1 }],
  cliRuns: 2,
  lint: [10_000, 1],
  lintLarge: [100_000, 1],
};

const log = (s: string): void => {
  process.stdout.write(`${s}\n`);
};

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const unknown = args.filter((a) => !['--quick', '--write', '--profile'].includes(a) && !a.startsWith('--only='));
  if (unknown.length)
    throw new Error(
      `bench: unknown argument(s) ${unknown.join(' ')}; use --quick, --write, --profile, --only=${PARTS.join(',')}`,
    );
  const plan = args.includes('--quick') ? QUICK : FULL;
  const onlyArg = args.find((a) => a.startsWith('--only='));
  const only = onlyArg ? (onlyArg.slice('--only='.length).split(',') as Part[]) : [...PARTS];
  const bad = only.filter((p) => !PARTS.includes(p));
  if (bad.length) throw new Error(`bench: --only=${bad.join(',')} names no part; parts are ${PARTS.join(', ')}`);
  const write = args.includes('--write') || (!plan.quick && !onlyArg);
  const forceProfile = args.includes('--profile');

  const started = Date.now();
  const machine = describeMachine();
  log(
    `harbor-private-app bench (${plan.quick ? 'quick' : 'full'}) on ${machine.cpuModel} x${machine.cpuCount}, ${machine.memoryGb} GB, node ${machine.node}`,
  );
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'hpa-bench-'));
  const results: ResultEntry[] = [];
  const todo: string[] = [];
  const profiles: string[] = [];
  try {
    const tree = transpileTree(REPO, path.join(work, 'tree'));

    if (only.includes('synth')) {
      log('\nSame objects on both sides:');
      for (const layout of ['one-chart', 'chart-per-app'] as const) {
        const objects = assertSameObjects(5, layout);
        log(`  ok: construct and raw baseline synthesize identical YAML for 5 apps, ${layout} (${objects} objects)`);
      }
      log('\nSynthesis (construct vs raw cdk8s-plus baseline, median of fresh processes):');
      await runChild(tree, { kind: 'synth', side: 'construct', n: 1, layout: 'one-chart' }); // warm the file cache, discarded
      await runChild(tree, { kind: 'synth', side: 'baseline', n: 1, layout: 'one-chart' });
      for (const [n, runs] of plan.oneChart) results.push(await measureSynth(tree, 'one-chart', n, runs, log));
      for (const [n, runs] of plan.chartPerApp) results.push(await measureSynth(tree, 'chart-per-app', n, runs, log));
    }

    let pulumiProgramDir: string | undefined;
    if (only.includes('pulumi')) {
      log('\nPulumi mock mode: N HarborPrivateApp components vs the hand-written program (median of fresh processes):');
      try {
        pulumiProgramDir = installPackageForBench(REPO, tree, path.join(work, 'program'));
        const installed = { mode: 'installed' as const, cwd: pulumiProgramDir };
        const source = { mode: 'source' as const, cwd: tree.dir };
        for (const setup of [installed, source]) log(`  ${await checkPulumiObjects(tree, setup, 5)}`);
        await runChild(tree, { kind: 'pulumi', side: 'ours', n: 1, mode: 'installed' }, { cwd: installed.cwd }); // warm the file cache
        await runChild(tree, { kind: 'pulumi', side: 'baseline', n: 1, mode: 'installed' }, { cwd: installed.cwd });
        for (const [n, runs] of plan.pulumi) results.push(await measurePulumi(tree, installed, n, runs, log, n >= 100));
        for (const [n, runs] of plan.pulumiSource) results.push(await measurePulumi(tree, source, n, runs, log));
      } catch (e) {
        todo.push(`Pulumi mock-mode construction not measured: ${firstLine(e)}`);
        log(`  TODO: ${firstLine(e)}`);
      }
    }

    if (only.includes('harbor')) {
      log('\nHarbor API requests per operation (lab emulator, dynamic providers of lib/pulumi):');
      try {
        for (const n of plan.harborApps) results.push(...(await measureHarborCalls(tree, n)));
      } catch (e) {
        todo.push(`Harbor API request counts not measured: ${firstLine(e)}`);
        log(`  TODO: ${firstLine(e)}`);
      }
    }

    let hostProgramDir: string | undefined;
    if (only.includes('host')) {
      log(
        "\nPreview, no-op up and refresh through Pulumi's own dynamic provider host (lab emulator) vs the same host with a trivial provider:",
      );
      try {
        hostProgramDir = pulumiProgramDir ?? installPackageForBench(REPO, tree, path.join(work, 'host-program'));
        for (const host of plan.host)
          results.push(...(await measureHostOperations(tree, REPO, host, hostProgramDir, log)));
      } catch (e) {
        todo.push(`Operations through the dynamic provider host not measured: ${firstLine(e)}`);
        log(`  TODO: ${firstLine(e)}`);
      }
    }

    if (only.includes('cli')) {
      log('\n`npm run synth` cold (npx cdk8s synth in the repository):');
      results.push(await measureCliSynth({ repoRoot: REPO, workDir: path.join(work, 'cli'), runs: plan.cliRuns, log }));
      results.push(
        await measureCliSynth({
          repoRoot: REPO,
          workDir: path.join(work, 'cli-precompiled'),
          runs: plan.cliRuns,
          log,
          variant: precompiledVariant(tree.dir),
        }),
      );
    }

    if (only.includes('lint')) {
      log('\n`harbor-private-app lint` (lib/lint: read, parse, check) vs js-yaml parsing the same file:');
      const file = path.join(work, 'lint-input.yaml');
      const objects = writeLintInput(file, plan.lint[0]);
      log(`  input: ${objects.toLocaleString('en-US')} objects, the YAML cdk8s synthesizes for ${objects / 5} apps`);
      results.push(await measureLint(tree, file, plan.lint[1], log));
      const large = path.join(work, 'lint-large.yaml');
      const written = writeLargeLintInput(large, plan.lintLarge[0]);
      log(
        `  input: ${written.objects.toLocaleString('en-US')} objects of a multi-tenant cluster (bench/lint-input.ts), ${written.findings.toLocaleString('en-US')} findings expected`,
      );
      const entry = await measureLint(tree, large, plan.lintLarge[1], log, 'lint/large');
      if (entry.detail?.findings !== written.findings) {
        throw new Error(
          `bench: lint reported ${String(entry.detail?.findings)} findings, ${written.findings} expected`,
        );
      }
      results.push(entry);
    }

    const targets = evaluateTargets(results);
    log('\nTargets:');
    for (const t of targets) {
      log(
        `  ${t.status.padEnd(12)} ${t.description}: ${t.measured === null ? 'n/a' : t.measured.toFixed(2)} (limit ${t.limit})${t.proxy ? ` [${t.proxy}]` : ''}`,
      );
    }

    if (plan.quick && !forceProfile) {
      if (targets.some((t) => t.status === 'MISS'))
        log('\n(quick run: missed targets are profiled by the full run, or add --profile)');
    } else {
      profiles.push(
        ...(await profileMisses(
          tree,
          targets,
          results,
          work,
          !plan.quick,
          forceProfile,
          pulumiProgramDir,
          hostProgramDir,
        )),
      );
      const shown = write ? profiles.filter((p) => p.includes('where the difference goes')) : profiles;
      for (const p of shown) log(`\n${p.replace(/^<!--.*-->\n/, '')}`);
      if (write && profiles.length) log('(full profile tables: bench/RESULTS.md)');
    }

    const measured: BenchResults = {
      mode: plan.quick ? 'quick' : 'full',
      machine: { ...machine, loadAverageEnd: os.loadavg().map((x) => Math.round(x * 100) / 100) },
      results,
      targets,
      todo,
      profiles,
    };
    // A partial full-mode run written on top of a full run's results replaces only its parts' entries.
    const resultsFile = path.join(__dirname, 'results.json');
    const previous =
      write && onlyArg && !plan.quick && fs.existsSync(resultsFile)
        ? (JSON.parse(fs.readFileSync(resultsFile, 'utf8')) as BenchResults)
        : undefined;
    const out = previous?.mode === 'full' ? mergePartialRun(previous, measured, only) : measured;
    if (out !== measured) {
      log(`\nTargets, with the other parts' entries of the full run of ${out.machine.date}:`);
      for (const t of out.targets.filter((t) => !targets.some((m) => m.id === t.id && m.status === t.status)))
        log(`  ${t.status.padEnd(12)} ${t.description}: ${t.measured === null ? 'n/a' : t.measured.toFixed(2)}`);
    }
    if (write) {
      fs.writeFileSync(resultsFile, `${JSON.stringify(out, null, 2)}\n`);
      fs.writeFileSync(path.join(__dirname, 'RESULTS.md'), renderResultsMarkdown(out));
      fs.writeFileSync(
        path.join(__dirname, 'scaling.svg'),
        renderScalingSvg(
          out.results,
          `${out.machine.cpuModel}, ${out.machine.cpuCount} CPUs, node ${out.machine.node}, ${out.machine.date.slice(0, 10)}`,
        ),
      );
      log(
        `\nWrote bench/results.json, bench/RESULTS.md, bench/scaling.svg${out !== measured ? ` (the entries of ${only.join(', ')} replaced; the other parts' kept)` : ''}`,
      );
    } else {
      log('\n(no files written: quick or partial run; pass --write to write them)');
    }
    log(`Done in ${((Date.now() - started) / 1000).toFixed(0)} s.`);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

async function measureHarborCalls(tree: TranspiledTree, n: number): Promise<ResultEntry[]> {
  const counts = await runChild<Record<HarborOperation, HarborOperationCount>>(
    tree,
    { kind: 'harbor-calls', n },
    { fromSource: { repoRoot: REPO }, timeoutMs: 5 * 60_000 },
  );
  return Object.entries(counts).map(([op, c]) => {
    const routes =
      Object.entries(c.routes)
        .map(([k, v]) => `${k} x${v}`)
        .join(', ') || 'none';
    log(
      `  ${op.padEnd(17)} ${String(n).padStart(4)} app(s): ${String(c.requests).padStart(4)} requests (${c.writes} writes; ${(c.requests / n).toFixed(1)} per app): ${routes}`,
    );
    return {
      name: `harbor-api/${op}`,
      n,
      runs: 1,
      median_ms: round(c.ms),
      baseline_ms: null,
      ratio: null,
      rss_mb: null,
      detail: { requests: c.requests, writes: c.writes, requests_per_app: round(c.requests / n, 2), routes },
    };
  });
}

/**
 * Profiles (node --cpu-prof) what misses a target, paired with its baseline: synthesis in one chart at the
 * largest N, 300 Pulumi components (installed) with both hand-written programs, the dynamic provider host's
 * operations on 300 apps (installed) with the floor's, `npm run synth` as configured and precompiled. A full run also
 * profiles one chart per app at its
 * largest N (not a target; it shows what the layout costs). Returns markdown.
 */
async function profileMisses(
  tree: TranspiledTree,
  targets: readonly TargetResult[],
  results: readonly ResultEntry[],
  work: string,
  full: boolean,
  force: boolean,
  pulumiProgramDir: string | undefined,
  hostProgramDir: string | undefined,
): Promise<string[]> {
  const out: string[] = [];
  const mark = (part: Part, markdown: string): string => `${profileMarker(part)}\n${markdown}`;
  const roots: Array<[string, string]> = [
    [`${tree.dir}/`, ''],
    [`${REPO}/`, ''],
  ];
  const profileSynth = async (layout: BenchLayout, n: number, what: string) => {
    log(`\nProfiling ${what} (node --cpu-prof)...`);
    const summaries: ProfileSummary[] = [];
    for (const side of ['construct', 'baseline'] as const) {
      const dir = path.join(work, `prof-${layout}-${n}-${side}`);
      fs.mkdirSync(dir);
      await runChild(tree, { kind: 'synth', side, n, layout }, { cpuProfDir: dir });
      summaries.push(summariseProfileDir(dir, roots));
    }
    out.push(mark('synth', compareMarkdown(what, 'construct', summaries[0], 'baseline', summaries[1])));
    summaries.forEach((s, i) =>
      out.push(mark('synth', profileMarkdown(`${what}: ${i === 0 ? 'construct' : 'baseline'}`, s))),
    );
  };

  const synthMiss = targets.some(
    (t) => ['time-ratio-10k', 'rss-ratio-10k', 'growth-1k-10k'].includes(t.id) && t.status === 'MISS',
  );
  const big = results.filter((r) => r.name === 'synth/one-chart').sort((a, b) => b.n - a.n)[0];
  if (big && (synthMiss || force))
    await profileSynth('one-chart', big.n, `Synthesis of ${big.n.toLocaleString('en-US')} apps in one chart`);
  const perApp = results.filter((r) => r.name === 'synth/chart-per-app').sort((a, b) => b.n - a.n)[0];
  if (perApp && (full || force))
    await profileSynth(
      'chart-per-app',
      perApp.n,
      `Synthesis of ${perApp.n.toLocaleString('en-US')} apps, one chart per app (not a target)`,
    );

  const pulumiMiss = targets.some((t) => t.id.startsWith('pulumi-') && t.status === 'MISS');
  if (pulumiProgramDir && (pulumiMiss || force)) {
    const n = 300;
    const what = `Pulumi, ${n} components (package installed)`;
    log(`\nProfiling ${what} (node --cpu-prof)...`);
    const installedRoots: Array<[string, string]> = [
      [`${pulumiProgramDir}/node_modules/harbor-private-app/dist-lib/`, ''],
      ...roots,
    ];
    const summaries: ProfileSummary[] = [];
    const sides = ['ours', 'same-registrations', 'baseline'] as const;
    for (const side of sides) {
      const dir = path.join(work, `prof-pulumi-${side}`);
      fs.mkdirSync(dir);
      await runChild(tree, { kind: 'pulumi', side, n, mode: 'installed' }, { cwd: pulumiProgramDir, cpuProfDir: dir });
      summaries.push(summariseProfileDir(dir, installedRoots));
    }
    out.push(mark('pulumi', compareMarkdown(what, 'HarborPrivateApp', summaries[0], 'hand-written', summaries[2])));
    out.push(
      mark(
        'pulumi',
        compareMarkdown(
          `${what}, against the same registrations`,
          'HarborPrivateApp',
          summaries[0],
          'same registrations',
          summaries[1],
        ),
      ),
    );
    summaries.forEach((s, i) => out.push(mark('pulumi', profileMarkdown(`${what}: ${sides[i]}`, s))));
  }

  const hostMiss = targets.some((t) => /^host-.*-1k$/.test(t.id) && t.status === 'MISS');
  if (hostProgramDir && (hostMiss || force)) {
    const n = full ? 300 : 20;
    log(`\nProfiling the dynamic provider host, ${n} apps, ours and the floor (node --cpu-prof)...`);
    const host = await profileHostOperations(tree, REPO, { mode: 'installed', n, runs: 1 }, hostProgramDir, work);
    out.push(...host.map((md) => mark('host', md)));
  }

  const cliMiss = targets.some((t) => t.id === 'npm-run-synth' && t.status === 'MISS');
  if (cliMiss || force) {
    for (const variant of [asConfiguredVariant(REPO), precompiledVariant(tree.dir)]) {
      log(`\nProfiling ${variant.name} (the app process, node --cpu-prof)...`);
      let objects = 0;
      const summaries: ProfileSummary[] = [];
      for (const side of ['example', 'bare'] as const) {
        const dir = path.join(work, `prof-${variant.name.replace(/\W+/g, '-')}-${side}`);
        fs.mkdirSync(dir);
        const app = side === 'example' ? variant.example : variant.bare(objects);
        objects = (await cliSynthOnce(REPO, path.join(dir, 'out'), app, `--cpu-prof --cpu-prof-dir=${dir}`)).objects;
        summaries.push(summariseProfileDir(dir, roots));
      }
      const title = `\`${variant.name}\`, the app process (${variant.description})`;
      out.push(mark('cli', compareMarkdown(title, 'example', summaries[0], 'bare app', summaries[1])));
      out.push(mark('cli', profileMarkdown(`${title}: example (apps/cdk8s/main.ts)`, summaries[0])));
      out.push(mark('cli', profileMarkdown(`${title}: bare cdk8s app (bench/bare-app.ts)`, summaries[1])));
    }
  }
  return out;
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0];
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
