/**
 * The rule that gives a pod-bearing object the pull Secret, engine-neutral: on a plain manifest (the Pulumi component's
 * `workloads`), and the list rule the cdk8s construct's JSON patch follows. Pure: no cdk8s, no Pulumi.
 */
import { HarborPrivateAppError } from '../core/errors';
import type { ResolvedHarborPrivateApp } from '../core/resolve';
import { checkWorkloadImages, checkWorkloadNamespace } from '../core/workload-check';
import { podSpecImages, podSpecPathOf, podSpecPullSecrets, recordAt } from '../core/workloads';
import type { KubernetesManifest } from './manifest';

/** An entry of a pod spec's `imagePullSecrets`. */
export interface PullSecretReference {
  readonly name: string;
}

/**
 * A pod spec's `imagePullSecrets` with `name` added after any Secret listed already, once: `undefined` when it lists
 * `name` already (nothing to change). Entries that are not references are kept as they are.
 * @param listed the pod spec's `imagePullSecrets` as written (`undefined`: none)
 */
export function appendPullSecret(listed: unknown, name: string): unknown[] | undefined {
  if (podSpecPullSecrets({ imagePullSecrets: listed }).includes(name)) return undefined;
  const entry: PullSecretReference = { name };
  return [...(Array.isArray(listed) ? (listed as unknown[]) : []), entry];
}

/**
 * Gives a pod-bearing manifest the pull Secret: checks its namespace and images with lib/core's checks, then returns a
 * copy whose pod spec lists the pull Secret after any it lists already, once (the input is not changed). A manifest
 * without `metadata.namespace` gets the app's first namespace, the one it was checked against: left out, it would
 * land in the Kubernetes provider's default namespace, which may have no pull Secret.
 * @param field what the object is called in messages (`workloads[0]`)
 * @throws HarborPrivateAppError when its kind runs no pods, it has no pod spec, it runs outside the app's namespaces,
 * or an image is not in the app's registry/project
 */
export function wirePodManifest(
  config: ResolvedHarborPrivateApp,
  manifest: KubernetesManifest,
  field: string,
): KubernetesManifest {
  const scope = `HarborPrivateApp ${JSON.stringify(config.appName)}`;
  const path = podSpecPathOf(manifest.apiVersion, manifest.kind);
  if (!path) {
    throw new HarborPrivateAppError({
      scope,
      field,
      value: `${manifest.apiVersion} ${manifest.kind}`,
      problem: 'runs no pods, so it has no imagePullSecrets',
      fix: 'give a Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job or CronJob',
    });
  }
  const spec = recordAt(manifest, path);
  if (!spec) {
    throw new HarborPrivateAppError({
      scope,
      field: `${field}.${path.join('.')}`,
      value: spec,
      problem: `is missing: a ${manifest.kind} keeps its pod spec there`,
      fix: 'give the object its pod spec (containers, ...)',
    });
  }
  const namespace = checkWorkloadNamespace(config, `${field}.metadata.namespace`, manifest.metadata?.namespace);
  checkWorkloadImages(config, podSpecImages(field, path, spec));
  const list = appendPullSecret(spec.imagePullSecrets, config.pullSecretName);
  const wired = withAt(manifest, path, list ? { ...spec, imagePullSecrets: list } : { ...spec });
  return { ...wired, metadata: { ...manifest.metadata, namespace } } as KubernetesManifest;
}

/** A copy of `value` with `replacement` at `path` (each object on the way copied, nothing else). */
function withAt(
  value: Record<string, unknown>,
  path: readonly string[],
  replacement: unknown,
): Record<string, unknown> {
  if (path.length === 0) return replacement as Record<string, unknown>;
  const [key, ...rest] = path;
  return { ...value, [key]: withAt(value[key] as Record<string, unknown>, rest, replacement) };
}

/**
 * The problems of a wired object as it is written (its JSON patches applied, on cdk8s): its namespace, the pull
 * Secret in its pod spec, its images. Empty when it is fine.
 * @param field what the object is called in messages (`workload`, `addWorkload(<path>)`)
 * @param podSpecPath where its kind keeps its pod spec
 */
export function writtenPodProblems(
  config: ResolvedHarborPrivateApp,
  field: string,
  podSpecPath: readonly string[],
  written: Record<string, unknown>,
): string[] {
  const spec = recordAt(written, podSpecPath);
  const problems: string[] = [];
  const check = (rule: () => void): void => {
    try {
      rule();
    } catch (e) {
      problems.push((e as Error).message);
    }
  };
  check(() =>
    checkWorkloadNamespace(
      config,
      `${field}.metadata.namespace`,
      recordAt(written, ['metadata'])?.namespace as string | undefined,
    ),
  );
  check(() => {
    const listed = podSpecPullSecrets(spec);
    if (listed.includes(config.pullSecretName)) return;
    throw new HarborPrivateAppError({
      scope: `HarborPrivateApp ${JSON.stringify(config.appName)}`,
      field: `${[field, ...podSpecPath].join('.')}.imagePullSecrets`,
      value: listed.map((name) => ({ name })),
      problem: `does not list the pull Secret "${config.pullSecretName}" any more: a JSON patch applied after the app's replaced or removed it`,
      fix: `add to the list instead of replacing it: JsonPatch.add("/${podSpecPath.join('/')}/imagePullSecrets/-", { name: "..." })`,
    });
  });
  check(() => checkWorkloadImages(config, podSpecImages(field, podSpecPath, spec)));
  return problems;
}
