/**
 * The pods a manifest would run, with what kubelet needs to pull their images:
 *
 * - the pod spec of a Pod, of the template of a Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController
 *   or Job, and of the job template of a CronJob;
 * - the pod templates and image fields of well-known custom resources whose controllers make pods from them
 *   ({@link WELL_KNOWN_KINDS}: Argo Rollouts and Workflows, the Prometheus operator, Knative, KEDA, Crossplane
 *   packages, OpenKruise, Ray, JobSet, Volcano, OpenShift);
 * - the image fields named with `--image-path KIND:JSONPATH`.
 *
 * For an image field (not a pod spec), the pull Secrets are those of the nearest object on the field's path that has
 * `imagePullSecrets`, and the ServiceAccount the nearest `serviceAccountName` (else `default`): where the controller
 * copies them from into the pods it makes.
 */
import { apiGroupOf, POD_BEARING_KINDS } from '../core/workloads';
import type { ManifestObject } from './manifests';
import {
  EVERY,
  formatPath,
  ObjectPathError,
  parseObjectPath,
  valueAt,
  valuesAt,
  type PathSegment,
  type ValuePath,
} from './object-paths';

/** One container (or init container, or image field) of a pod. */
export interface WorkloadContainer {
  /** The container's name (for an image field without one, its path). */
  readonly name: string;
  /** Its image, as written. */
  readonly image: string;
  /** True for an init container. */
  readonly init: boolean;
  /** Where the image is in the object (`spec.template.spec.containers[0].image`), to locate it in the file. */
  readonly path: ValuePath;
}

/** A pod a workload of the input would run. */
export interface Workload {
  /** The object's kind (`Deployment`, `CronJob`, `Prometheus`, ...). */
  readonly kind: string;
  /** The object's name. */
  readonly name: string;
  /** Its namespace (the default namespace when it names none). */
  readonly namespace: string;
  /** The file it is in. */
  readonly file: string;
  /** The line it starts on. */
  readonly line: number;
  /** The object itself, to locate its images in the file. */
  readonly object: ManifestObject;
  /** Where the pull Secrets are written (`spec.template.spec`), for fixes. */
  readonly podSpecPath: string;
  /** The field that names them there: `imagePullSecrets` (Crossplane packages: `packagePullSecrets`). */
  readonly pullSecretsField: string;
  /** Its containers, init containers first. */
  readonly containers: readonly WorkloadContainer[];
  /** The names of its pull Secrets. */
  readonly imagePullSecrets: readonly string[];
  /**
   * The pod's ServiceAccount (`serviceAccountName`, else the deprecated `serviceAccount`, else `default`), whose pull
   * Secrets the pod gets when it names none; `undefined` when the puller uses no ServiceAccount's (Crossplane).
   */
  readonly serviceAccountName: string | undefined;
}

/** How a kind holds its pods. */
export interface PodShape {
  /** The API groups the kind is looked for in (a custom resource of a built-in kind's name is not that kind). */
  readonly groups: readonly string[];
  /** Paths to pod specs (`spec.template.spec`); `[*]` where there are several. */
  readonly podSpecs?: readonly string[];
  /** Paths to image fields, for kinds without a pod spec. */
  readonly images?: readonly string[];
  /** The field that names the pull Secrets, for image fields. @default 'imagePullSecrets' */
  readonly pullSecretsField?: string;
  /** False when the puller reads no ServiceAccount's pull Secrets. @default true */
  readonly serviceAccount?: boolean;
  /** The namespace the pull Secrets are read in, when it is not the object's own. */
  readonly namespace?: string;
  /** Said in docs and notes: where this shape comes from. */
  readonly note?: string;
}

const TEMPLATE = ['spec.template.spec'];

/** The built-in workload kinds: lib/core's table (the one owner of where each kind keeps its pod spec). */
const BUILT_IN: Readonly<Record<string, PodShape>> = Object.fromEntries(
  Object.entries(POD_BEARING_KINDS).map(([kind, { groups, podSpec }]) => [
    kind,
    { groups, podSpecs: [podSpec.join('.')] },
  ]),
);

const ARGO_WORKFLOW_IMAGES = (spec: string): string[] => [
  `${spec}.templates[*].container.image`,
  `${spec}.templates[*].script.image`,
  `${spec}.templates[*].initContainers[*].image`,
  `${spec}.templates[*].sidecars[*].image`,
  `${spec}.templates[*].containerSet.containers[*].image`,
];

const PROMETHEUS_OPERATOR: PodShape = {
  groups: ['monitoring.coreos.com'],
  images: ['spec.image', 'spec.initContainers[*].image', 'spec.containers[*].image'],
};

/**
 * Well-known custom resources whose controllers make pods, by kind: where their pods' images are. Their controllers
 * copy the pull Secrets and ServiceAccount from the same places into the pods.
 */
export const WELL_KNOWN_KINDS: Readonly<Record<string, readonly PodShape[]>> = {
  // Argo Rollouts, Argo Workflows
  Rollout: [{ groups: ['argoproj.io'], podSpecs: TEMPLATE }],
  Workflow: [{ groups: ['argoproj.io'], images: ARGO_WORKFLOW_IMAGES('spec') }],
  WorkflowTemplate: [{ groups: ['argoproj.io'], images: ARGO_WORKFLOW_IMAGES('spec') }],
  CronWorkflow: [{ groups: ['argoproj.io'], images: ARGO_WORKFLOW_IMAGES('spec.workflowSpec') }],
  // The Prometheus operator
  Prometheus: [{ ...PROMETHEUS_OPERATOR, images: [...PROMETHEUS_OPERATOR.images!, 'spec.thanos.image'] }],
  PrometheusAgent: [PROMETHEUS_OPERATOR],
  Alertmanager: [PROMETHEUS_OPERATOR],
  ThanosRuler: [PROMETHEUS_OPERATOR],
  // Knative Serving
  Service: [{ groups: ['serving.knative.dev'], podSpecs: TEMPLATE }],
  Configuration: [
    { groups: ['serving.knative.dev'], podSpecs: TEMPLATE },
    {
      groups: ['pkg.crossplane.io'],
      images: ['spec.package'],
      pullSecretsField: 'packagePullSecrets',
      serviceAccount: false,
      namespace: 'crossplane-system',
    },
  ],
  Revision: [{ groups: ['serving.knative.dev'], podSpecs: ['spec'] }],
  // KEDA
  ScaledJob: [{ groups: ['keda.sh'], podSpecs: ['spec.jobTargetRef.template.spec'] }],
  // Crossplane packages: the package manager pulls them with packagePullSecrets read in Crossplane's own namespace
  // (crossplane-system by default), then runs Functions and Providers from the same image.
  Function: [
    {
      groups: ['pkg.crossplane.io'],
      images: ['spec.package'],
      pullSecretsField: 'packagePullSecrets',
      serviceAccount: false,
      namespace: 'crossplane-system',
    },
  ],
  Provider: [
    {
      groups: ['pkg.crossplane.io'],
      images: ['spec.package'],
      pullSecretsField: 'packagePullSecrets',
      serviceAccount: false,
      namespace: 'crossplane-system',
    },
  ],
  // OpenKruise
  CloneSet: [{ groups: ['apps.kruise.io'], podSpecs: TEMPLATE }],
  BroadcastJob: [{ groups: ['apps.kruise.io'], podSpecs: TEMPLATE }],
  // Ray, JobSet, Volcano
  RayCluster: [
    { groups: ['ray.io'], podSpecs: ['spec.headGroupSpec.template.spec', 'spec.workerGroupSpecs[*].template.spec'] },
  ],
  JobSet: [{ groups: ['jobset.x-k8s.io'], podSpecs: ['spec.replicatedJobs[*].template.spec.template.spec'] }],
  // OpenShift
  DeploymentConfig: [{ groups: ['apps.openshift.io'], podSpecs: TEMPLATE }],
};

/** `Job` of Volcano (batch.volcano.sh) and the Advanced StatefulSet and DaemonSet of OpenKruise, by group. */
const SAME_NAME_AS_BUILT_IN: Readonly<Record<string, PodShape>> = {
  'batch.volcano.sh/Job': { groups: ['batch.volcano.sh'], podSpecs: ['spec.tasks[*].template.spec'] },
  'apps.kruise.io/StatefulSet': { groups: ['apps.kruise.io'], podSpecs: TEMPLATE },
  'apps.kruise.io/DaemonSet': { groups: ['apps.kruise.io'], podSpecs: TEMPLATE },
};

/** The workload kinds that are checked: built in, then well-known custom resources (`Kind.group`). */
export const WORKLOAD_KINDS: readonly string[] = [
  ...Object.keys(BUILT_IN),
  ...Object.entries(WELL_KNOWN_KINDS).flatMap(([kind, shapes]) => shapes.map((s) => `${kind}.${s.groups[0]}`)),
  ...Object.keys(SAME_NAME_AS_BUILT_IN).map((k) => `${k.split('/')[1]}.${k.split('/')[0]}`),
];

/** An `--image-path KIND:JSONPATH` value, read. */
export interface ImagePath {
  /** The kind. */
  readonly kind: string;
  /** The API group, when written (`Workflow.argoproj.io`); any group otherwise. */
  readonly group?: string;
  /** The path, as written and parsed. */
  readonly text: string;
  readonly segments: readonly PathSegment[];
}

/**
 * Reads an `--image-path` value: `KIND[.GROUP]:JSONPATH`.
 * @throws ObjectPathError naming the value and the fix
 */
export function parseImagePath(value: string): ImagePath {
  const colon = value.indexOf(':');
  const kindPart = colon < 0 ? '' : value.slice(0, colon);
  if (!/^[A-Z][A-Za-z0-9]*(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(kindPart)) {
    throw new ObjectPathError(
      `--image-path ${JSON.stringify(value)} is not KIND:JSONPATH (KIND as written in manifests, optionally with its API group). Fix: e.g. --image-path 'Workflow.argoproj.io:spec.templates[*].container.image'`,
    );
  }
  const dot = kindPart.indexOf('.');
  const kind = dot < 0 ? kindPart : kindPart.slice(0, dot);
  const group = dot < 0 ? undefined : kindPart.slice(dot + 1);
  let segments: PathSegment[];
  try {
    segments = parseObjectPath(value.slice(colon + 1));
  } catch (e) {
    if (e instanceof ObjectPathError) throw new ObjectPathError(`--image-path ${JSON.stringify(value)}: ${e.message}`);
    throw e;
  }
  return { kind, ...(group ? { group } : {}), text: value.slice(colon + 1), segments };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
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

function accountOf(pod: Record<string, unknown>): string | undefined {
  if (typeof pod.serviceAccountName === 'string' && pod.serviceAccountName !== '') return pod.serviceAccountName;
  if (typeof pod.serviceAccount === 'string' && pod.serviceAccount !== '') return pod.serviceAccount;
  return undefined;
}

/** Every shape by kind (built-in, well-known and same-named custom kinds), so an unknown kind costs one lookup. */
const SHAPES_BY_KIND = new Map<string, PodShape[]>();
for (const [kind, shape] of Object.entries(BUILT_IN)) SHAPES_BY_KIND.set(kind, [shape]);
for (const [kind, shapes] of Object.entries(WELL_KNOWN_KINDS)) {
  SHAPES_BY_KIND.set(kind, [...(SHAPES_BY_KIND.get(kind) ?? []), ...shapes]);
}
for (const [key, shape] of Object.entries(SAME_NAME_AS_BUILT_IN)) {
  const kind = key.split('/')[1];
  SHAPES_BY_KIND.set(kind, [...(SHAPES_BY_KIND.get(kind) ?? []), shape]);
}

/** The shapes that apply to an object: those of its kind in its API group, and the `--image-path`s of its kind. */
function shapesOf(obj: ManifestObject, imagePaths: readonly ImagePath[]): PodShape[] {
  const kind = obj.value.kind as string;
  const known = SHAPES_BY_KIND.get(kind);
  if (!known && imagePaths.length === 0) return [];
  const group = apiGroupOf(obj.value.apiVersion);
  const out = known ? known.filter((shape) => shape.groups.includes(group)) : [];
  if (imagePaths.length > 0) {
    const given = imagePaths.filter((p) => p.kind === kind && (p.group === undefined || p.group === group));
    if (given.length > 0) out.push({ groups: [group], images: given.map((p) => p.text) });
  }
  return out;
}

/** A path of a shape, parsed once: its segments, and for a path without `[*]` its concrete form and text. */
interface CompiledPath {
  readonly segments: readonly PathSegment[];
  readonly concrete?: ValuePath;
  readonly text: string;
}

const compiled = new Map<string, CompiledPath>();
function compile(path: string): CompiledPath {
  let c = compiled.get(path);
  if (!c) {
    const segments = parseObjectPath(path);
    const concrete = segments.every((x) => x !== EVERY) ? (segments as ValuePath) : undefined;
    c = { segments, ...(concrete ? { concrete } : {}), text: concrete ? formatPath(concrete) : path };
    compiled.set(path, c);
  }
  return c;
}

/** The values a shape's path reaches (one lookup for a path without `[*]`). */
function reach(root: unknown, path: CompiledPath): Array<{ value: unknown; path: ValuePath; text: string }> {
  if (path.concrete) {
    const value = valueAt(root, path.concrete);
    return value === undefined ? [] : [{ value, path: path.concrete, text: path.text }];
  }
  return valuesAt(root, path.segments).map((v) => ({ ...v, text: formatPath(v.path) }));
}

function containersOf(pod: Record<string, unknown>, podPath: ValuePath): WorkloadContainer[] {
  const out: WorkloadContainer[] = [];
  for (const [field, init] of [
    ['initContainers', true],
    ['containers', false],
  ] as const) {
    const list = pod[field];
    if (!Array.isArray(list)) continue;
    list.forEach((c, i) => {
      if (!isRecord(c) || typeof c.image !== 'string') return;
      out.push({
        name: typeof c.name === 'string' ? c.name : `#${i}`,
        image: c.image,
        init,
        path: [...podPath, field, i, 'image'],
      });
    });
  }
  return out;
}

/**
 * The pods of an object: one per pod spec, and one per set of image fields that share their pull Secrets and
 * ServiceAccount. Empty for an object of no known kind (see {@link imagesOf} for what it may still hold).
 */
export function workloadsOf(
  obj: ManifestObject,
  defaultNamespace: string,
  imagePaths: readonly ImagePath[] = [],
): Workload[] | undefined {
  const shapes = shapesOf(obj, imagePaths);
  if (shapes.length === 0) return undefined;
  const { name, namespace } = objectName(obj, defaultNamespace);
  const base = { kind: obj.value.kind as string, name, namespace, file: obj.file, line: obj.line, object: obj };
  const out: Workload[] = [];
  for (const shape of shapes) {
    for (const specPath of shape.podSpecs ?? []) {
      const spec = compile(specPath);
      const pods = reach(obj.value, spec);
      if (pods.length === 0) pods.push({ value: {}, path: podPathGuess(spec), text: formatPath(podPathGuess(spec)) });
      for (const { value, path, text } of pods) {
        const pod = isRecord(value) ? value : {};
        out.push({
          kind: base.kind,
          name: base.name,
          namespace: base.namespace,
          file: base.file,
          line: base.line,
          object: obj,
          podSpecPath: text,
          pullSecretsField: 'imagePullSecrets',
          containers: containersOf(pod, path),
          imagePullSecrets: referenceNames(pod.imagePullSecrets),
          serviceAccountName: accountOf(pod) ?? 'default',
        });
      }
    }
    if (shape.images) out.push(...imageFieldWorkloads(obj, base, shape));
  }
  return out;
}

function podPathGuess(spec: CompiledPath): ValuePath {
  return spec.segments.map((s) => (s === EVERY ? 0 : s));
}

/** The workloads of a shape's image fields, grouped by where their pull Secrets and ServiceAccount come from. */
function imageFieldWorkloads(
  obj: ManifestObject,
  base: Pick<Workload, 'kind' | 'name' | 'namespace' | 'file' | 'line' | 'object'>,
  shape: PodShape,
): Workload[] {
  const field = shape.pullSecretsField ?? 'imagePullSecrets';
  const groups = new Map<
    string,
    { secretsAt: ValuePath | undefined; account: string | undefined; containers: WorkloadContainer[] }
  >();
  for (const imagePath of shape.images ?? []) {
    for (const { value, path } of reach(obj.value, compile(imagePath))) {
      if (typeof value !== 'string') continue;
      let secretsAt: ValuePath | undefined;
      let account: string | undefined;
      for (let n = path.length - 1; n >= 0 && (secretsAt === undefined || account === undefined); n--) {
        const at = valueAt(obj.value, path.slice(0, n));
        if (!isRecord(at)) continue;
        if (secretsAt === undefined && Array.isArray(at[field])) secretsAt = path.slice(0, n);
        if (account === undefined) account = accountOf(at);
      }
      const key = `${secretsAt ? formatPath(secretsAt) : ''}\u0000${account ?? ''}`;
      let group = groups.get(key);
      if (!group) groups.set(key, (group = { secretsAt, account, containers: [] }));
      // Named after the nearest object on the path with a name (a container, an Argo template), else the path.
      let containerName = formatPath(path);
      for (let n = path.length - 1; n > 0; n--) {
        const at = valueAt(obj.value, path.slice(0, n));
        if (isRecord(at) && typeof at.name === 'string' && at.name !== '') {
          containerName = at.name;
          break;
        }
      }
      group.containers.push({ name: containerName, image: value, init: path.includes('initContainers'), path });
    }
  }
  const out: Workload[] = [];
  for (const { secretsAt, account, containers } of groups.values()) {
    const holder = secretsAt ? valueAt(obj.value, secretsAt) : undefined;
    out.push({
      ...base,
      ...(shape.namespace ? { namespace: shape.namespace } : {}),
      podSpecPath: secretsAt ? formatPath(secretsAt) || '(the object)' : 'spec',
      pullSecretsField: field,
      containers: containers.sort((a, b) => Number(b.init) - Number(a.init)),
      imagePullSecrets: isRecord(holder) ? referenceNames(holder[field]) : [],
      serviceAccountName: shape.serviceAccount === false ? undefined : (account ?? 'default'),
    });
  }
  return out;
}

/** Kinds whose `image` fields are never images to pull (the data of a ConfigMap or Secret, a schema). */
const NO_IMAGES = new Set(['ConfigMap', 'Secret', 'CustomResourceDefinition']);

/**
 * The image fields of an object of no known kind: string values of fields named `image` (how Kubernetes and most
 * custom resources name them), at any depth. They are not checked: the summary counts and names such objects.
 */
export function imagesOf(obj: ManifestObject): string[] {
  if (NO_IMAGES.has(obj.value.kind as string)) return [];
  const found: string[] = [];
  const visit = (v: unknown, depth: number): void => {
    if (depth > 64 || found.length >= 100) return;
    if (Array.isArray(v)) {
      for (const x of v) if (typeof x === 'object' && x !== null) visit(x, depth + 1);
    } else if (isRecord(v)) {
      for (const k in v) {
        const x = v[k];
        if (typeof x === 'object' && x !== null) visit(x, depth + 1);
        else if (k === 'image' && typeof x === 'string' && x !== '') found.push(x);
      }
    }
  };
  // metadata (labels, annotations) and status hold no image a controller pulls.
  for (const k in obj.value) {
    const x = obj.value[k];
    if (k === 'image' && typeof x === 'string' && x !== '') found.push(x);
    else if (k !== 'metadata' && k !== 'status') visit(x, 1);
  }
  return found;
}
