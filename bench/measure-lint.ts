import * as fs from 'node:fs';
import { App } from 'cdk8s';
import type { ChildResult } from './child';
import { declareConstructApps } from './construct-scenario';
import { ResultEntry } from './results';
import { runChild } from './run-child';
import { median, round, pairedMedians } from './stats';
import { TranspiledTree } from './transpile';

/** What the baseline of the lint row is, in words. */
export const LINT_BASELINE =
  'the same file parsed by js-yaml alone (loadAll, core schema): the parser lint reads such YAML with, the floor it builds on';

/**
 * Writes the lint input: the YAML `cdk8s synth` makes for `objects / 5` bench apps in one chart (each a Project,
 * MemberUser, RobotAccount, ExternalSecret that templates the pull Secret, and a Deployment that names it).
 * @returns the number of objects written
 */
export function writeLintInput(file: string, objects: number): number {
  const app = new App();
  declareConstructApps(app, Math.ceil(objects / 5), 'one-chart');
  const yaml = app.synthYaml();
  fs.writeFileSync(file, yaml);
  return yaml.split('\n---\n').length;
}

/**
 * Lints `file` `runs` times in fresh processes (lib/lint: read, parse, check every container, format the report),
 * interleaved with the baseline (js-yaml reading and parsing the same file), and returns the medians.
 */
export async function measureLint(
  tree: TranspiledTree,
  file: string,
  runs: number,
  log: (s: string) => void,
  name = 'lint',
): Promise<ResultEntry> {
  const lint: ChildResult[] = [];
  const parse: ChildResult[] = [];
  for (let r = 0; r < runs; r++) {
    lint.push(await runChild(tree, { kind: 'lint', side: 'lint', file }));
    parse.push(await runChild(tree, { kind: 'lint', side: 'parse', file }));
  }
  if (lint[0].objects !== parse[0].objects) {
    throw new Error(
      `bench: lint read ${lint[0].objects} objects but js-yaml parsed ${parse[0].objects} documents of ${file}`,
    );
  }
  const paired = pairedMedians(lint, parse);
  const { ms, baselineMs: bms, rss, baselineRss: brss } = paired;
  const entry: ResultEntry = {
    name,
    n: lint[0].objects,
    runs,
    ...paired.fields,
    baseline: LINT_BASELINE,
    detail: {
      objects: lint[0].objects,
      findings: lint[0].findings ?? 0,
      yaml_bytes: lint[0].bytes,
      parse_phase_ms: round(median(lint.map((x) => x.constructMs))),
      check_phase_ms: round(median(lint.map((x) => x.synthMs))),
      cpu_ms: round(median(lint.map((x) => x.cpuMs ?? 0))),
      baseline_cpu_ms: round(median(parse.map((x) => x.cpuMs ?? 0))),
      runs_ms: lint.map((x) => round(x.ms)),
      baseline_runs_ms: parse.map((x) => round(x.ms)),
    },
  };
  log(
    `  ${name} n=${entry.n.toLocaleString('en-US')} objects (${(lint[0].bytes / 1e6).toFixed(1)} MB, ${(lint[0].findings ?? 0).toLocaleString('en-US')} findings)  ${(ms / 1000).toFixed(2)} s ` +
      `(parse ${((entry.detail!.parse_phase_ms as number) / 1000).toFixed(2)} s + check ${((entry.detail!.check_phase_ms as number) / 1000).toFixed(2)} s) ` +
      `vs js-yaml alone ${(bms / 1000).toFixed(2)} s  x${entry.ratio!.toFixed(2)}; CPU ${((entry.detail!.cpu_ms as number) / 1000).toFixed(2)} s vs ` +
      `${((entry.detail!.baseline_cpu_ms as number) / 1000).toFixed(2)} s; RSS ${rss.toFixed(0)} vs ${brss.toFixed(0)} MB   (${runs} runs)`,
  );
  return entry;
}
