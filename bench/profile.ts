import * as fs from 'node:fs';
import * as path from 'node:path';

/** The parts of a V8 `.cpuprofile` this summary reads. */
interface CpuProfile {
  readonly nodes: ReadonlyArray<{
    readonly id: number;
    readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
    readonly children?: readonly number[];
  }>;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** Time spent in one function (self) or under one module's top level (inclusive), in ms. */
export interface ProfileLine {
  readonly what: string;
  readonly where: string;
  readonly ms: number;
}

/** A summary of one CPU profile. */
export interface ProfileSummary {
  readonly totalMs: number;
  /** Self time by owner: lib/, cdk8s, cdk8s-plus-27, constructs, yaml, TypeScript/ts-node, node internals, GC... */
  readonly byOwner: readonly ProfileLine[];
  /** The functions with the most self time. */
  readonly topSelf: readonly ProfileLine[];
  /** The functions of this repository's lib/ with the most self time. */
  readonly topLib: readonly ProfileLine[];
  /** Module top-level code with the most inclusive time (what `require` costs). */
  readonly topModuleLoads: readonly ProfileLine[];
}

/**
 * Reads the single `.cpuprofile` written into `dir` (by `node --cpu-prof --cpu-prof-dir=dir`) and
 * summarises it. `roots` maps directory prefixes to the names shown for them (the transpiled tree to the repo).
 */
export function summariseProfileDir(
  dir: string,
  roots: ReadonlyArray<readonly [string, string]>,
  top = 15,
): ProfileSummary {
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  if (files.length === 0) throw new Error(`bench: no .cpuprofile in ${dir}; was the process run with --cpu-prof?`);
  // With several processes (a CLI and its app), summarise them together.
  const profiles = files.map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as CpuProfile);
  return summarise(profiles, roots, top);
}

function summarise(
  profiles: readonly CpuProfile[],
  roots: ReadonlyArray<readonly [string, string]>,
  top: number,
): ProfileSummary {
  const self = new Map<string, ProfileLine>();
  const owners = new Map<string, number>();
  const loads = new Map<string, ProfileLine>();
  let total = 0;
  for (const profile of profiles) {
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const selfUs = new Map<number, number>();
    profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
    const inclusive = new Map<number, number>();
    const incl = (id: number): number => {
      const known = inclusive.get(id);
      if (known !== undefined) return known;
      const node = byId.get(id)!;
      const sum = (selfUs.get(id) ?? 0) + (node.children ?? []).reduce((s, c) => s + incl(c), 0);
      inclusive.set(id, sum);
      return sum;
    };
    // Iterative post-order, so deep stacks cannot overflow ours.
    const order: number[] = [];
    const stack = [profile.nodes[0].id];
    while (stack.length) {
      const id = stack.pop()!;
      order.push(id);
      for (const c of byId.get(id)!.children ?? []) stack.push(c);
    }
    for (let i = order.length - 1; i >= 0; i--) incl(order[i]);

    for (const node of profile.nodes) {
      const us = selfUs.get(node.id) ?? 0;
      total += us;
      const where = locate(node.callFrame.url, roots);
      const owner = ownerOf(node.callFrame.functionName, node.callFrame.url, where);
      owners.set(owner, (owners.get(owner) ?? 0) + us);
      if (us > 0) {
        const what = node.callFrame.functionName || '(anonymous)';
        const key = `${what}@${where}:${node.callFrame.lineNumber + 1}`;
        const line = self.get(key);
        self.set(key, { what, where: `${where}:${node.callFrame.lineNumber + 1}`, ms: (line?.ms ?? 0) + us / 1000 });
      }
      // A module's top-level function: anonymous, at line 0 of a file.
      if (
        node.callFrame.functionName === '' &&
        node.callFrame.lineNumber === 0 &&
        node.callFrame.url &&
        !node.callFrame.url.startsWith('node:')
      ) {
        const key = where;
        const prev = loads.get(key);
        const ms = inclusive.get(node.id)! / 1000;
        if (!prev || prev.ms < ms) loads.set(key, { what: '(module top level)', where, ms });
      }
    }
  }
  const sortDesc = (a: ProfileLine, b: ProfileLine) => b.ms - a.ms;
  return {
    totalMs: total / 1000,
    byOwner: [...owners].map(([what, us]) => ({ what, where: '', ms: us / 1000 })).sort(sortDesc),
    topSelf: [...self.values()].sort(sortDesc).slice(0, top),
    topLib: [...self.values()]
      .filter((l) => l.where.startsWith('lib/'))
      .sort(sortDesc)
      .slice(0, 10),
    topModuleLoads: [...loads.values()].sort(sortDesc).slice(0, top),
  };
}

function locate(url: string, roots: ReadonlyArray<readonly [string, string]>): string {
  let file = url.startsWith('file://') ? decodeURIComponent(url.slice('file://'.length)) : url;
  for (const [prefix, name] of roots) {
    if (file.startsWith(prefix)) {
      file = `${name}${file.slice(prefix.length)}`;
      break;
    }
  }
  const nm = file.lastIndexOf('/node_modules/');
  return nm >= 0 ? file.slice(nm + 1) : file;
}

function ownerOf(fn: string, url: string, where: string): string {
  if (fn === '(garbage collector)') return 'V8 garbage collector';
  if (fn === '(program)' || fn === '(idle)' || fn === '(root)') return `V8 ${fn}`;
  if (!url) return 'V8 / native';
  if (url.startsWith('node:')) return 'node internals (module loading, fs...)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(where);
  if (pkg) {
    if (pkg[1] === 'typescript' || pkg[1] === 'ts-node' || pkg[1].startsWith('@cspotcode'))
      return 'TypeScript compile (ts-node)';
    return pkg[1];
  }
  const top = where.split('/')[0];
  return ['lib', 'bench', 'apps'].includes(top) ? `${top}/ (this repo)` : 'other';
}

/** The summary as markdown, for RESULTS.md and the console. */
export function profileMarkdown(title: string, s: ProfileSummary): string {
  const pct = (ms: number) => `${((ms / s.totalMs) * 100).toFixed(1)}%`;
  const rows = (lines: readonly ProfileLine[], showWhere: boolean) =>
    lines
      .map(
        (l) =>
          `| ${l.what.replace(/\|/g, '\\|')} |${showWhere ? ` ${l.where} |` : ''} ${l.ms.toFixed(0)} | ${pct(l.ms)} |`,
      )
      .join('\n');
  return [
    `#### ${title} (${s.totalMs.toFixed(0)} ms sampled)`,
    '',
    'Self time by owner:',
    '',
    '| owner | ms | share |',
    '|---|---:|---:|',
    rows(
      s.byOwner.filter((l) => l.ms >= 1),
      false,
    ),
    '',
    'Top self-time functions:',
    '',
    '| function | file:line | ms | share |',
    '|---|---|---:|---:|',
    rows(s.topSelf, true),
    '',
    'Top self-time functions of lib/ (this repository):',
    '',
    '| function | file:line (transpiled JavaScript) | ms | share |',
    '|---|---|---:|---:|',
    s.topLib.length ? rows(s.topLib, true) : '| (none sampled) | | | |',
    '',
    "Costliest module loads (inclusive time of the module's top level, nested loads counted in their parents too):",
    '',
    '| | module | ms | share |',
    '|---|---|---:|---:|',
    rows(s.topModuleLoads, true),
    '',
  ].join('\n');
}

/**
 * Self time by owner of two profiles side by side (e.g. construct vs baseline), sorted by the difference:
 * where the extra time of the first goes.
 */
export function compareMarkdown(
  title: string,
  labelA: string,
  a: ProfileSummary,
  labelB: string,
  b: ProfileSummary,
): string {
  const owners = new Set([...a.byOwner, ...b.byOwner].map((l) => l.what));
  const msOf = (s: ProfileSummary, owner: string) => s.byOwner.find((l) => l.what === owner)?.ms ?? 0;
  const rows = [...owners]
    .map((o) => ({ o, x: msOf(a, o), y: msOf(b, o) }))
    .filter((r) => r.x >= 1 || r.y >= 1)
    .sort((p, q) => q.x - q.y - (p.x - p.y));
  return [
    `#### ${title}: where the difference goes`,
    '',
    `| owner (self time) | ${labelA} ms | ${labelB} ms | difference ms |`,
    '|---|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${r.o} | ${r.x.toFixed(0)} | ${r.y.toFixed(0)} | ${r.x - r.y >= 0 ? '+' : ''}${(r.x - r.y).toFixed(0)} |`,
    ),
    `| **total sampled** | ${a.totalMs.toFixed(0)} | ${b.totalMs.toFixed(0)} | ${a.totalMs - b.totalMs >= 0 ? '+' : ''}${(a.totalMs - b.totalMs).toFixed(0)} |`,
    '',
  ].join('\n');
}
