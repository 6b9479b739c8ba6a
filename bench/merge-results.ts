import type { BenchResults } from './results';
import { evaluateTargets } from './targets';

/** The parts of the bench (`npm run bench -- --only=<part>,...`). */
export const BENCH_PARTS = ['synth', 'pulumi', 'harbor', 'host', 'cli', 'lint'] as const;
export type BenchPart = (typeof BENCH_PARTS)[number];

/** The part of the bench that writes the entry named `name`. */
export function partOfEntry(name: string): BenchPart {
  if (name.startsWith('synth/')) return 'synth';
  if (name.startsWith('pulumi/')) return 'pulumi';
  if (name.startsWith('harbor-api/')) return 'harbor';
  if (name.startsWith('pulumi-host/')) return 'host';
  if (name.startsWith('npm-run-synth')) return 'cli';
  if (name === 'lint' || name.startsWith('lint/')) return 'lint';
  throw new Error(
    `bench: the entry ${name} belongs to no part of the bench; name it in partOfEntry (bench/merge-results.ts)`,
  );
}

/** The first line of a profile summary of `part` (an HTML comment: invisible in RESULTS.md). */
export function profileMarker(part: BenchPart): string {
  return `<!-- bench part: ${part} -->`;
}

/**
 * The results of a full run (`previous`) with the parts `parts` measured again by a partial run (`--only=... --write`):
 * that run's entries and profiles replace those of its parts (its todos are added), the targets are evaluated again on
 * the whole, and the partial run's machine and load are recorded beside the full run's.
 */
export function mergePartialRun(
  previous: BenchResults,
  partial: BenchResults,
  parts: readonly BenchPart[],
): BenchResults {
  const rank = (name: string): number => BENCH_PARTS.indexOf(partOfEntry(name));
  // Array.prototype.sort is stable: each part's entries keep their order.
  const results = [...previous.results.filter((r) => !parts.includes(partOfEntry(r.name))), ...partial.results].sort(
    (a, b) => rank(a.name) - rank(b.name),
  );
  return {
    ...previous,
    results,
    targets: evaluateTargets(results),
    todo: [...previous.todo, ...partial.todo],
    profiles: [
      ...previous.profiles.filter((p) => !parts.some((part) => p.startsWith(profileMarker(part)))),
      ...partial.profiles,
    ],
    partialRuns: [
      ...(previous.partialRuns ?? []).filter((r) => !r.parts.every((p) => (parts as readonly string[]).includes(p))),
      { parts: [...parts], machine: partial.machine },
    ],
  };
}
