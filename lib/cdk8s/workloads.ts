import { ApiObject, JsonPatch } from 'cdk8s';
import { IConstruct } from 'constructs';
import type { WorkloadImage } from '../core';
import { podSpecImages, podSpecPathOf, podSpecPullSecrets, recordAt } from '../core/workloads';
import { appendPullSecret } from '../render/pod-wiring';

/**
 * The pods and workloads of every cdk8s-plus-NN (cdk8s-plus-27 to -33 share this), read through their public API only:
 * containers, the pull Secret given as `dockerRegistryAuth`, metadata. Structural, so that a project's own cdk8s-plus
 * objects are accepted whatever cdk8s-plus this package was built with (two copies of a class with private fields are
 * never assignable to each other). Each renders through one `ApiObject`, its default child.
 */
export interface CdkPlusPod extends IConstruct {
  readonly containers: ReadonlyArray<{ readonly image: string }>;
  readonly initContainers: ReadonlyArray<{ readonly image: string }>;
  readonly dockerRegistryAuth?: { readonly name: string };
  readonly metadata: { readonly namespace?: string };
}

/** A pod-bearing object of the construct tree, as the construct wires and checks it. */
export interface PodObject {
  /** The object that is written (a cdk8s-plus pod's own `ApiObject`): patched, and checked as written at synthesis. */
  readonly apiObject: ApiObject;
  /** Where its pod spec is (`['spec', 'template', 'spec']`). */
  readonly podSpec: readonly string[];
  /** The cdk8s-plus pod that renders `apiObject`, if any: read through its API until synthesis. */
  readonly plus?: CdkPlusPod;
  /** The construct that names it in messages (the cdk8s-plus pod, else the object). */
  readonly construct: IConstruct;
}

/** What a pod-bearing object runs and where, before synthesis. */
export interface PodObjectState {
  /** Its images, each with its place in the written object. */
  readonly images: WorkloadImage[];
  /** Its namespace (`undefined`: none set). */
  readonly namespace?: string;
  /** The names in its pod spec's `imagePullSecrets`. */
  readonly pullSecrets: readonly string[];
  /** Whether its pod spec has an `imagePullSecrets` list (possibly empty). */
  readonly pullSecretList: boolean;
}

/**
 * The pull Secrets this package's patches added to an object. A cdk8s-plus pod cannot be rendered before it is
 * complete (no container yet: cdk8s-plus throws), so what its pod spec lists is known from its `dockerRegistryAuth`
 * and from these; other objects are read as rendered.
 */
const PATCHED = new WeakMap<ApiObject, string[]>();

function isCdkPlusPod(c: IConstruct): c is CdkPlusPod {
  const o = c as unknown as Partial<Record<keyof CdkPlusPod, unknown>>;
  return (
    !ApiObject.isApiObject(c) &&
    Array.isArray(o.containers) &&
    Array.isArray(o.initContainers) &&
    typeof o.metadata === 'object' &&
    o.metadata !== null &&
    ApiObject.isApiObject(c.node.defaultChild)
  );
}

/**
 * The pod-bearing object `c` is: a cdk8s-plus pod or workload (any cdk8s-plus-NN), or an `ApiObject` of a kind that
 * runs pods (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob: generated
 * `Kube*` classes, `Include`d objects, plain `ApiObject`s); `undefined` for anything else.
 */
export function podObjectOf(c: IConstruct): PodObject | undefined {
  if (isCdkPlusPod(c)) {
    const apiObject = c.node.defaultChild as ApiObject;
    const podSpec = podSpecPathOf(apiObject.apiVersion, apiObject.kind);
    return podSpec ? { apiObject, podSpec, plus: c, construct: c } : undefined;
  }
  if (!ApiObject.isApiObject(c)) return undefined;
  const podSpec = podSpecPathOf(c.apiVersion, c.kind);
  return podSpec ? { apiObject: c, podSpec, construct: c } : undefined;
}

/** Every pod-bearing object in `scope` (itself included), in tree order; a cdk8s-plus pod once, not also its object. */
export function podObjectsIn(scope: IConstruct): PodObject[] {
  const found: PodObject[] = [];
  const rendered = new Set<ApiObject>();
  for (const c of scope.node.findAll()) {
    if (ApiObject.isApiObject(c) && rendered.has(c)) continue;
    const pod = podObjectOf(c);
    if (!pod) continue;
    found.push(pod);
    rendered.add(pod.apiObject);
  }
  return found;
}

/**
 * What `pod` runs now: a cdk8s-plus pod through its API, any other object as rendered (`toJson()`, its JSON patches
 * applied).
 * @param field what the object is called in messages (`addWorkload(<path>)`)
 * @throws Error when a rendered object has no pod spec where its kind keeps one
 */
export function podObjectState(pod: PodObject, field: string): PodObjectState {
  if (pod.plus) {
    const at = [field, ...pod.podSpec].join('.');
    const plus = pod.plus;
    const pullSecrets = [...(plus.dockerRegistryAuth ? [plus.dockerRegistryAuth.name] : []), ...patchedNames(pod)];
    return {
      images: [
        ...plus.containers.map((c, i) => ({ field: `${at}.containers[${i}].image`, image: c.image })),
        ...plus.initContainers.map((c, i) => ({ field: `${at}.initContainers[${i}].image`, image: c.image })),
      ],
      namespace: plus.metadata.namespace,
      pullSecrets,
      // cdk8s-plus writes the list only for a dockerRegistryAuth.
      pullSecretList: pullSecrets.length > 0,
    };
  }
  const written = pod.apiObject.toJson() as Record<string, unknown>;
  const spec = recordAt(written, pod.podSpec);
  if (!spec) {
    throw new Error(`has no pod spec at ${pod.podSpec.join('.')}, where a ${pod.apiObject.kind} keeps it`);
  }
  return {
    images: podSpecImages(field, pod.podSpec, spec),
    namespace: recordAt(written, ['metadata'])?.namespace as string | undefined,
    pullSecrets: podSpecPullSecrets(spec),
    pullSecretList: Array.isArray(spec.imagePullSecrets),
  };
}

/**
 * Adds `name` to the pod spec's `imagePullSecrets` with a JSON patch on the written object (cdk8s' own escape hatch,
 * `ApiObject.addJsonPatch`): appended when the list exists, the list made when it does not. Nothing when the pod spec
 * lists it already.
 */
export function addImagePullSecret(pod: PodObject, state: PodObjectState, name: string): void {
  // The list rule (after any listed, once) is lib/render's, as for a plain manifest; the patch writes its last entry.
  const listed = state.pullSecretList ? state.pullSecrets.map((n) => ({ name: n })) : undefined;
  const list = appendPullSecret(listed, name);
  if (!list) return;
  const pointer = `/${pod.podSpec.join('/')}/imagePullSecrets`;
  pod.apiObject.addJsonPatch(
    listed ? JsonPatch.add(`${pointer}/-`, list[list.length - 1]) : JsonPatch.add(pointer, list),
  );
  PATCHED.set(pod.apiObject, [...patchedNames(pod), name]);
}

/**
 * Gives an object written without a namespace the app's `namespace` (the one it was checked against), with a JSON patch
 * on the written object: left out, `kubectl apply` would put it in the context's namespace (`default`), which may have
 * no pull Secret. The Pulumi engine does the same for `workloads` (lib/render/pod-wiring.ts).
 */
export function addNamespace(pod: PodObject, namespace: string): void {
  pod.apiObject.addJsonPatch(JsonPatch.add('/metadata/namespace', namespace));
}

function patchedNames(pod: PodObject): string[] {
  return PATCHED.get(pod.apiObject) ?? [];
}
