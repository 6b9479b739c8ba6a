/**
 * Plays the Pulumi engine's part for the dynamic providers (there is no Pulumi CLI here): create in dependency order,
 * an `up` without changes (diff, and update only where diff reports a change), refresh (read; an empty answer drops
 * the resource), destroy in reverse order. Inputs are the plain values the provider host hands the provider.
 */
import type { dynamic } from '@pulumi/pulumi';
import type { HarborConnectionState } from '../../../lib/pulumi/connection';

/** One Harbor resource of a stack: its kind's inputs and, once created, its state. */
export interface StackResource {
  readonly name: string;
  inputs: Record<string, any>;
  id?: string;
  outs?: Record<string, any>;
}

/** The Harbor resources of the seed's coredns, as HarborPrivateApp declares them. */
export function seedResources(
  connection: HarborConnectionState,
  overrides: { adopt?: boolean; forceDestroy?: boolean } = {},
): StackResource[] {
  return [
    {
      name: 'project',
      inputs: {
        resourceKind: 'project',
        connection,
        name: 'k8s',
        public: false,
        autoScan: true,
        preventVulnerableImages: false,
        storageQuotaGb: -1,
        adopt: overrides.adopt ?? false,
        forceDestroy: overrides.forceDestroy ?? false,
      },
    },
    {
      name: 'member',
      inputs: {
        resourceKind: 'member',
        connection,
        project: 'k8s',
        kind: 'user',
        entityName: 'k8s-puller',
        role: 'guest',
      },
    },
    {
      name: 'robot',
      inputs: {
        resourceKind: 'robot',
        connection,
        project: 'k8s',
        name: 'coredns-pull',
        description: 'Pull secret of coredns, managed by harbor-private-app',
        durationDays: -1,
        permissions: [{ kind: 'project', namespace: 'k8s', access: [{ resource: 'repository', action: 'pull' }] }],
      },
    },
  ];
}

/** `pulumi up` on an empty stack. */
export async function create(provider: dynamic.ResourceProvider, resources: StackResource[]): Promise<void> {
  for (const r of resources) {
    const result = await provider.create(r.inputs);
    r.id = result.id;
    r.outs = result.outs;
  }
}

/** What the engine learns from `diff` for each resource. */
export type DiffReport = Record<string, dynamic.DiffResult>;

/** `pulumi up` on an existing stack: diff each, update the changed ones (replacements are reported, not run). */
export async function up(provider: dynamic.ResourceProvider, resources: StackResource[]): Promise<DiffReport> {
  const report: DiffReport = {};
  for (const r of resources) {
    const diff = await provider.diff!(r.id!, r.outs, r.inputs);
    report[r.name] = diff;
    if (diff.changes && !diff.replaces?.length) {
      const result = await provider.update!(r.id!, r.outs, r.inputs);
      r.outs = result.outs;
    }
  }
  return report;
}

/** `pulumi refresh`: read each; a resource that reads as empty is dropped from the stack. */
export async function refresh(provider: dynamic.ResourceProvider, resources: StackResource[]): Promise<string[]> {
  const dropped: string[] = [];
  for (const r of resources) {
    if (!r.id) continue;
    const result = await provider.read!(r.id, r.outs);
    if (!result.id) {
      dropped.push(r.name);
      r.id = undefined;
      r.outs = undefined;
    } else {
      r.id = result.id;
      r.outs = result.props;
    }
  }
  return dropped;
}

/** `pulumi destroy`: delete in reverse order. */
export async function destroy(provider: dynamic.ResourceProvider, resources: StackResource[]): Promise<void> {
  for (const r of [...resources].reverse()) {
    if (r.id) await provider.delete!(r.id, r.outs);
    r.id = undefined;
    r.outs = undefined;
  }
}
