/**
 * The app's own workload, the same on both engines: a cdk8s-plus-27 Deployment of the `workload` props (the library
 * `workload` is typed with), with a stable selector and the pull Secret, declared in a scope the engine gives (the
 * cdk8s construct itself; a scratch chart for the Pulumi component, which creates what that chart renders).
 */
import type * as kplus from 'cdk8s-plus-27';
import type { Construct } from 'constructs';
import type { HarborWorkloadProps } from '../cdk8s/props';
import { loadCdk8sPlus27 } from '../cdk8s/plus-27';
import type { ResolvedHarborPrivateApp } from '../core/resolve';
import { workloadSelectorValue } from '../core/names';
import { checkWorkloadImages, checkWorkloadNamespace } from '../core/workload-check';

/** The `workload` props, checked: what {@link declareWorkload} declares. */
export interface CheckedWorkload {
  readonly props: HarborWorkloadProps;
  /** The Deployment's namespace (the app's first namespace when the props give none). */
  readonly namespace: string;
  /** cdk8s-plus-27, loaded. */
  readonly plus: typeof kplus;
}

/**
 * Checks the `workload` props before anything is declared: cdk8s-plus-27 is installed, the namespace is one of the
 * app's, every image is in the app's registry/project.
 * @param alternative how the engine takes a Deployment built otherwise (the fix when cdk8s-plus-27 is missing)
 * @throws HarborPrivateAppError naming the field, the value and the fix
 */
export function checkWorkload(
  config: ResolvedHarborPrivateApp,
  props: HarborWorkloadProps,
  alternative: string,
): CheckedWorkload {
  const plus = loadCdk8sPlus27(`HarborPrivateApp ${JSON.stringify(config.appName)}`, alternative);
  const namespace = checkWorkloadNamespace(config, 'workload.metadata.namespace', props.metadata?.namespace);
  checkWorkloadImages(config, [
    ...(props.containers ?? []).map((c, i) => ({ field: `workload.containers[${i}].image`, image: c.image })),
    ...(props.initContainers ?? []).map((c, i) => ({ field: `workload.initContainers[${i}].image`, image: c.image })),
  ]);
  return { props, namespace, plus };
}

/**
 * Declares the Deployment in `scope` (id `Workload`), its pods pulling with the pull Secret. Its pods are selected by a
 * label from the Deployment's own name (cdk8s-plus' address label, with a value that does not depend on the scope's
 * path): renaming the app or moving the construct never changes the selector, which Kubernetes cannot change in place.
 * `select: true` keeps cdk8s-plus' own, path-derived one.
 */
export function declareWorkload(
  scope: Construct,
  config: ResolvedHarborPrivateApp,
  workload: CheckedWorkload,
): kplus.Deployment {
  const { props, namespace, plus } = workload;
  const stableSelector = props.select === undefined;
  const deployment = new plus.Deployment(scope, 'Workload', {
    ...props,
    ...(stableSelector ? { select: false } : {}),
    metadata: { ...props.metadata, namespace },
    dockerRegistryAuth: plus.Secret.fromSecretName(scope, 'PullSecretRef', config.pullSecretName),
  });
  if (stableSelector) {
    const value = workloadSelectorValue(deployment.name);
    deployment.podMetadata.addLabel(plus.Pod.ADDRESS_LABEL, value);
    deployment.select(plus.LabelSelector.of({ labels: { [plus.Pod.ADDRESS_LABEL]: value } }));
  }
  return deployment;
}
