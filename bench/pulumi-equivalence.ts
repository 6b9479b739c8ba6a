/**
 * Checks that the hand-written Pulumi program (bench/pulumi-baseline-scenario.ts) makes the same Kubernetes objects as
 * HarborPrivateApp under the same mocks: the same resource names and types, and equal inputs (the pull Secret's data,
 * a secret on both sides, included). Run in a fresh process per side (bench/child.ts, task `pulumi-objects`), since
 * Pulumi's mock state is per process.
 */
import type { PulumiMode, PulumiSide } from './pulumi-scenario';

/** One registration as the mock monitor received it. */
export interface MockRegistration {
  readonly type: string;
  readonly name: string;
  readonly inputs: Record<string, unknown>;
}

/** Registrations of one side's program for `n` apps (in the child). */
export async function pulumiRegistrations(side: PulumiSide, n: number, mode: PulumiMode): Promise<MockRegistration[]> {
  const { runPulumiMockScenario } = require('./pulumi-scenario') as typeof import('./pulumi-scenario');
  const log: MockRegistration[] = [];
  await runPulumiMockScenario(side, n, mode, { registrations: 0, byType: {}, log });
  return log.map((r) => {
    const inputs = { ...r.inputs };
    if (typeof inputs.__provider === 'string') inputs.__provider = '<provider text>';
    return { ...r, inputs };
  });
}

/**
 * Compares the Kubernetes registrations of both sides. Throws naming the first that differs; returns how many objects
 * were compared and the Harbor resources of each side by type.
 */
export function assertSameKubernetesObjects(
  ours: readonly MockRegistration[],
  baseline: readonly MockRegistration[],
  n: number,
): { readonly objects: number; readonly oursOther: string[]; readonly baselineOther: string[] } {
  const isK8s = (r: MockRegistration): boolean => r.type.startsWith('kubernetes:');
  const key = (r: MockRegistration): string => `${r.type} ${r.name}`;
  const sort = (rs: readonly MockRegistration[]) => rs.filter(isK8s).sort((a, b) => key(a).localeCompare(key(b)));
  const a = sort(ours);
  const b = sort(baseline);
  if (a.length === 0) throw new Error(`bench: HarborPrivateApp registered no Kubernetes object for n=${n}`);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ? `${key(a[i])} ${JSON.stringify(a[i].inputs)}` : '(none)';
    const y = b[i] ? `${key(b[i])} ${JSON.stringify(b[i].inputs)}` : '(none)';
    if (x !== y) {
      throw new Error(
        `bench: the Pulumi component and the hand-written program differ at Kubernetes object #${i} (n=${n}):\n` +
          `  ours:     ${x}\n  baseline: ${y}\n` +
          'Fix bench/pulumi-baseline-scenario.ts (or report the component change) so that the comparison is fair.',
      );
    }
  }
  const other = (rs: readonly MockRegistration[]): string[] => {
    const counts = new Map<string, number>();
    for (const r of rs.filter((r) => !isK8s(r))) counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
    return [...counts].map(([t, c]) => `${t} x${c}`);
  };
  return { objects: a.length, oursOther: other(ours), baselineOther: other(baseline) };
}

/**
 * Compares every registration of both sides (type, name, inputs; the provider text masked): throws naming the first
 * that differs, returns how many were compared.
 */
export function assertSameRegistrations(
  ours: readonly MockRegistration[],
  other: readonly MockRegistration[],
  n: number,
): number {
  const key = (r: MockRegistration): string => `${r.type} ${r.name}`;
  const sort = (rs: readonly MockRegistration[]) => [...rs].sort((a, b) => key(a).localeCompare(key(b)));
  const a = sort(ours);
  const b = sort(other);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ? `${key(a[i])} ${JSON.stringify(a[i].inputs)}` : '(none)';
    const y = b[i] ? `${key(b[i])} ${JSON.stringify(b[i].inputs)}` : '(none)';
    if (x !== y) {
      throw new Error(
        `bench: the Pulumi component and the same-registrations program differ at registration #${i} (n=${n}):\n` +
          `  ours:               ${x}\n  same-registrations: ${y}\n` +
          'Fix bench/pulumi-same-registrations-scenario.ts (or report the component change).',
      );
    }
  }
  return a.length;
}
