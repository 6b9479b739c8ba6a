import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import type { KubernetesManifest } from '../../render/manifest';

type Ctor = new (name: string, args: never, opts?: pulumi.CustomResourceOptions) => pulumi.CustomResource;

/**
 * The typed @pulumi/kubernetes class of each kind cdk8s-plus renders; others use `CustomResource`. Each is read when
 * first used: @pulumi/kubernetes loads a class's module on first access, so a program pays only for the kinds it has.
 */
const TYPED: Readonly<Record<string, () => Ctor>> = {
  'v1/ConfigMap': () => k8s.core.v1.ConfigMap,
  'v1/Namespace': () => k8s.core.v1.Namespace,
  'v1/Pod': () => k8s.core.v1.Pod,
  'v1/Secret': () => k8s.core.v1.Secret,
  'v1/Service': () => k8s.core.v1.Service,
  'v1/ServiceAccount': () => k8s.core.v1.ServiceAccount,
  'apps/v1/DaemonSet': () => k8s.apps.v1.DaemonSet,
  'apps/v1/Deployment': () => k8s.apps.v1.Deployment,
  'apps/v1/StatefulSet': () => k8s.apps.v1.StatefulSet,
  'batch/v1/CronJob': () => k8s.batch.v1.CronJob,
  'batch/v1/Job': () => k8s.batch.v1.Job,
  'networking.k8s.io/v1/Ingress': () => k8s.networking.v1.Ingress,
  'networking.k8s.io/v1/NetworkPolicy': () => k8s.networking.v1.NetworkPolicy,
  'rbac.authorization.k8s.io/v1/ClusterRole': () => k8s.rbac.v1.ClusterRole,
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': () => k8s.rbac.v1.ClusterRoleBinding,
  'rbac.authorization.k8s.io/v1/Role': () => k8s.rbac.v1.Role,
  'rbac.authorization.k8s.io/v1/RoleBinding': () => k8s.rbac.v1.RoleBinding,
};

/**
 * The Pulumi resource name of a Kubernetes object: `<prefix>-<namespace>-<name>` (cluster-scoped objects: no
 * namespace), characters other than letters, digits, `.`, `_` and `-` turned into `-`. The type token already holds
 * the kind, so objects of different kinds may share a name.
 */
export function kubernetesResourceName(prefix: string, manifest: KubernetesManifest): string {
  const ns = manifest.metadata?.namespace;
  const name = manifest.metadata?.name;
  if (typeof name !== 'string' || name === '') {
    throw new Error(
      `${prefix}: a ${manifest.kind} has no metadata.name; give the object a name (cdk8s names objects unless told otherwise).`,
    );
  }
  // ":" (as in ClusterRole "system:coredns") is kept out of URNs.
  return [prefix, ns, name]
    .filter((p) => typeof p === 'string' && p !== '')
    .join('-')
    .replace(/[^A-Za-z0-9._-]/g, '-');
}

/**
 * Creates one Pulumi resource for one Kubernetes object: the typed class for its kind (e.g. `k8s.core.v1.Secret`,
 * `k8s.apps.v1.Deployment`), `k8s.apiextensions.CustomResource` for any other kind. Its inputs are the manifest
 * as is, with `overrides` (Pulumi Inputs) merged at the top level.
 */
export function kubernetesResource(
  name: string,
  manifest: KubernetesManifest,
  opts: pulumi.CustomResourceOptions = {},
  overrides: Readonly<Record<string, pulumi.Input<unknown>>> = {},
): pulumi.CustomResource {
  const args = { ...manifest, ...overrides };
  const typed = Object.hasOwn(TYPED, `${manifest.apiVersion}/${manifest.kind}`)
    ? TYPED[`${manifest.apiVersion}/${manifest.kind}`]()
    : undefined;
  if (typed) return new typed(name, args as never, opts);
  return new k8s.apiextensions.CustomResource(name, args, opts);
}

/**
 * Creates a Pulumi resource for each object cdk8s rendered (e.g. `chart.toJson()`), named with
 * {@link kubernetesResourceName}. Use it for cdk8s objects that live next to a HarborPrivateApp.
 */
export function kubernetesResources(
  prefix: string,
  manifests: readonly KubernetesManifest[],
  opts: pulumi.CustomResourceOptions = {},
): pulumi.CustomResource[] {
  return manifests.map((m) => kubernetesResource(kubernetesResourceName(prefix, m), m, opts));
}
