import { App } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import { declareBaselineApps } from './baseline-scenario';
import { declareConstructApps } from './construct-scenario';
import { BenchLayout } from './fixtures';

/**
 * Asserts that the construct and the raw baseline synthesize the very same YAML for `n` apps: same
 * objects, same order, same apiVersion/kind/names/specs. Throws, naming the first object that differs,
 * otherwise returns the number of objects compared.
 */
export function assertSameObjects(n: number, layout: BenchLayout): number {
  const construct = new App();
  declareConstructApps(construct, n, layout);
  const baseline = new App();
  declareBaselineApps(baseline, n, layout);
  const a = construct.synthYaml();
  const b = baseline.synthYaml();
  const objectsA = parseAllDocuments(a).map((d) => d.toJS() as Record<string, unknown>);
  const objectsB = parseAllDocuments(b).map((d) => d.toJS() as Record<string, unknown>);
  if (objectsA.length === 0) throw new Error(`bench: the construct synthesized no object for n=${n} (${layout})`);
  for (let i = 0; i < Math.max(objectsA.length, objectsB.length); i++) {
    const x = JSON.stringify(objectsA[i]);
    const y = JSON.stringify(objectsB[i]);
    if (x !== y) {
      throw new Error(
        `bench: construct and baseline differ at object #${i} (n=${n}, ${layout}):\n  construct: ${x}\n  baseline:  ${y}\n` +
          'Fix bench/baseline-scenario.ts (or report the construct change) so that the comparison is fair.',
      );
    }
  }
  if (a !== b)
    throw new Error(`bench: construct and baseline YAML have equal objects but differ as text (n=${n}, ${layout})`);
  return objectsA.length;
}
