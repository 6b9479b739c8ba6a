/**
 * The Kubernetes kinds whose objects run pods, and where each keeps its pod spec: what kubelet reads to pull images.
 * Framework-free: it reads objects as they are written (`apiVersion`, `kind`, `spec`...), whoever rendered them.
 */
import type { WorkloadImage } from './workload-check';

/** Where a pod-bearing kind keeps its pod spec, and the API groups the kind is served in. */
export interface PodBearingKind {
  /** API groups (`''` for the core group of `v1`); a custom resource of the same kind in another group is no workload. */
  readonly groups: readonly string[];
  /** The keys from the object down to its pod spec (`['spec', 'template', 'spec']`). */
  readonly podSpec: readonly string[];
}

const TEMPLATE = ['spec', 'template', 'spec'] as const;

/**
 * The kinds whose objects run pods: Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job
 * and CronJob (its job template's pod template), each in the API groups Kubernetes serves it in.
 */
export const POD_BEARING_KINDS: Readonly<Record<string, PodBearingKind>> = {
  Pod: { groups: [''], podSpec: ['spec'] },
  Deployment: { groups: ['apps', 'extensions'], podSpec: TEMPLATE },
  StatefulSet: { groups: ['apps'], podSpec: TEMPLATE },
  DaemonSet: { groups: ['apps', 'extensions'], podSpec: TEMPLATE },
  ReplicaSet: { groups: ['apps', 'extensions'], podSpec: TEMPLATE },
  ReplicationController: { groups: [''], podSpec: TEMPLATE },
  Job: { groups: ['batch'], podSpec: TEMPLATE },
  CronJob: { groups: ['batch'], podSpec: ['spec', 'jobTemplate', 'spec', 'template', 'spec'] },
};

/** The API group of an `apiVersion`: `''` for the core group (`v1`), else the part before the `/`. */
export function apiGroupOf(apiVersion: unknown): string {
  if (typeof apiVersion !== 'string') return '';
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/** Where an object of this `apiVersion` and `kind` keeps its pod spec, or `undefined` when it runs no pod. */
export function podSpecPathOf(apiVersion: unknown, kind: unknown): readonly string[] | undefined {
  const shape =
    typeof kind === 'string' && Object.hasOwn(POD_BEARING_KINDS, kind) ? POD_BEARING_KINDS[kind] : undefined;
  return shape && shape.groups.includes(apiGroupOf(apiVersion)) ? shape.podSpec : undefined;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The object at `path` below `value`, when every step is an object. */
export function recordAt(value: unknown, path: readonly string[]): Record<string, unknown> | undefined {
  let at: unknown = value;
  for (const key of path) at = isRecord(at) ? at[key] : undefined;
  return isRecord(at) ? at : undefined;
}

/**
 * The images of a pod spec, each with its place in the object (`<field>.spec.template.spec.containers[0].image`):
 * containers first, then init containers. A container without a string image is listed with what it has, so the
 * image check names it.
 * @param field what the object is called in messages (`workload`, `addWorkload(<path>)`)
 * @param podSpecPath where the pod spec is in the object
 */
export function podSpecImages(field: string, podSpecPath: readonly string[], podSpec: unknown): WorkloadImage[] {
  const spec = isRecord(podSpec) ? podSpec : {};
  const at = [field, ...podSpecPath].join('.');
  const images: WorkloadImage[] = [];
  for (const list of ['containers', 'initContainers'] as const) {
    const containers = spec[list];
    if (!Array.isArray(containers)) continue;
    containers.forEach((c: unknown, i) => {
      images.push({ field: `${at}.${list}[${i}].image`, image: (isRecord(c) ? c.image : undefined) as string });
    });
  }
  return images;
}

/** The names a pod spec lists in `imagePullSecrets`. */
export function podSpecPullSecrets(podSpec: unknown): string[] {
  const list = isRecord(podSpec) ? podSpec.imagePullSecrets : undefined;
  if (!Array.isArray(list)) return [];
  return list.flatMap((ref: unknown) => (isRecord(ref) && typeof ref.name === 'string' ? [ref.name] : []));
}
