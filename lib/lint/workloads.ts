/**
 * The pods a manifest would run: the pod spec of a Pod, of the template of a Deployment, StatefulSet, DaemonSet,
 * ReplicaSet or Job, and of the job template of a CronJob, with what kubelet needs to pull their images.
 */
import type { ManifestObject } from './manifests';

/** One container (or init container) of a pod. */
export interface WorkloadContainer {
  /** The container's name. */
  readonly name: string;
  /** Its image, as written. */
  readonly image: string;
  /** True for an init container. */
  readonly init: boolean;
}

/** A workload of the input and its pod spec. */
export interface Workload {
  /** The object's kind (`Deployment`, `CronJob`, ...). */
  readonly kind: string;
  /** The object's name. */
  readonly name: string;
  /** Its namespace (the default namespace when it names none). */
  readonly namespace: string;
  /** The file it is in. */
  readonly file: string;
  /** The line it starts on. */
  readonly line: number;
  /** Where its pod spec is (`spec.template.spec`), for fixes. */
  readonly podSpecPath: string;
  /** Its containers, init containers first. */
  readonly containers: readonly WorkloadContainer[];
  /** The names in the pod's `imagePullSecrets`. */
  readonly imagePullSecrets: readonly string[];
  /** The pod's ServiceAccount: `serviceAccountName`, else the deprecated `serviceAccount`, else `default`. */
  readonly serviceAccountName: string;
}

/** The API groups each workload kind is looked for in (a custom resource of the same kind is not a workload). */
const KINDS: Readonly<Record<string, { readonly groups: readonly string[]; readonly podSpec: readonly string[] }>> = {
  Pod: { groups: [''], podSpec: ['spec'] },
  Deployment: { groups: ['apps', 'extensions'], podSpec: ['spec', 'template', 'spec'] },
  StatefulSet: { groups: ['apps'], podSpec: ['spec', 'template', 'spec'] },
  DaemonSet: { groups: ['apps', 'extensions'], podSpec: ['spec', 'template', 'spec'] },
  ReplicaSet: { groups: ['apps', 'extensions'], podSpec: ['spec', 'template', 'spec'] },
  Job: { groups: ['batch'], podSpec: ['spec', 'template', 'spec'] },
  CronJob: { groups: ['batch'], podSpec: ['spec', 'jobTemplate', 'spec', 'template', 'spec'] },
};

/** The workload kinds that are checked. */
export const WORKLOAD_KINDS: readonly string[] = Object.keys(KINDS);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The API group of an `apiVersion` (`''` for the core group's `v1`). */
export function apiGroup(apiVersion: unknown): string {
  if (typeof apiVersion !== 'string') return '';
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/** The object's `metadata.name` and namespace (the default namespace when none is set). */
export function objectName(obj: ManifestObject, defaultNamespace: string): { name: string; namespace: string } {
  const metadata = isRecord(obj.value.metadata) ? obj.value.metadata : {};
  const name = typeof metadata.name === 'string' ? metadata.name : '';
  const namespace = typeof metadata.namespace === 'string' && metadata.namespace !== '' ? metadata.namespace : '';
  return { name, namespace: namespace || defaultNamespace };
}

/** The names of a `[{name}]` list (`imagePullSecrets`), skipping entries without a name. */
export function referenceNames(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  const names: string[] = [];
  for (const ref of list) {
    if (isRecord(ref) && typeof ref.name === 'string' && ref.name !== '') names.push(ref.name);
  }
  return names;
}

function containers(list: unknown, init: boolean): WorkloadContainer[] {
  if (!Array.isArray(list)) return [];
  const out: WorkloadContainer[] = [];
  list.forEach((c, i) => {
    if (!isRecord(c) || typeof c.image !== 'string') return;
    out.push({ name: typeof c.name === 'string' ? c.name : `#${i}`, image: c.image, init });
  });
  return out;
}

/** The workload of an object, or `undefined` when it is none of the checked kinds. */
export function workloadOf(obj: ManifestObject, defaultNamespace: string): Workload | undefined {
  const kind = obj.value.kind as string;
  const shape = KINDS[kind];
  if (!shape || !shape.groups.includes(apiGroup(obj.value.apiVersion))) return undefined;
  let spec: unknown = obj.value;
  for (const key of shape.podSpec) spec = isRecord(spec) ? spec[key] : undefined;
  const pod = isRecord(spec) ? spec : {};
  const account =
    typeof pod.serviceAccountName === 'string' && pod.serviceAccountName !== ''
      ? pod.serviceAccountName
      : typeof pod.serviceAccount === 'string' && pod.serviceAccount !== ''
        ? pod.serviceAccount
        : 'default';
  const { name, namespace } = objectName(obj, defaultNamespace);
  return {
    kind,
    name,
    namespace,
    file: obj.file,
    line: obj.line,
    podSpecPath: shape.podSpec.join('.'),
    containers: [...containers(pod.initContainers, true), ...containers(pod.containers, false)],
    imagePullSecrets: referenceNames(pod.imagePullSecrets),
    serviceAccountName: account,
  };
}
