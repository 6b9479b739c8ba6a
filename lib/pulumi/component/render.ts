import { ApiObject, App, Chart } from 'cdk8s';
import type * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { ChartChecks } from '../../cdk8s/chart-checks';
import type { HarborWorkloadProps } from '../../cdk8s/props';
import { HarborPrivateAppError, ResolvedHarborPrivateApp } from '../../core';
import { podSpecPathOf } from '../../core/workloads';
import { renderAppObjects } from '../../render/app-objects';
import type { KubernetesManifest } from '../../render/manifest';
import { wirePodManifest, writtenPodProblems } from '../../render/pod-wiring';
import { checkWorkload, declareWorkload } from '../../render/workload';

/** What the component's Kubernetes objects are rendered from, besides the resolved props. */
export interface KubernetesRenderArgs {
  readonly workload?: HarborWorkloadProps;
  readonly configureWorkload?: (workload: kplus.Deployment) => void;
  readonly workloads?: readonly KubernetesManifest[];
}

/** The component's Kubernetes objects, rendered. */
export interface RenderedKubernetesObjects {
  /** Every object: the pull Secrets, the ServiceAccounts, the workload's chart, then `workloads`. */
  readonly manifests: readonly KubernetesManifest[];
  /**
   * The pull Secrets among them (the same objects) whose `.dockerconfigjson` the component holds as a Pulumi secret:
   * the robot's, which it fills from the robot's login, or the literal credentials', whose data lib/render wrote.
   */
  readonly pullSecrets: ReadonlySet<KubernetesManifest>;
}

/**
 * The Kubernetes objects of the component, rendered by lib/render as the cdk8s construct renders them: the pull Secret
 * in each namespace (the robot's: a Secret without data, which the component fills from Harbor's answer as a Pulumi
 * secret), the ServiceAccounts, the workload's scratch chart, then `workloads`, each given the pull Secret. All
 * validation happens here, so a bad arg throws before Pulumi sees anything.
 * @param name the component's name: the scratch chart's and the workload scope's id, as the construct's path would be
 * @throws HarborPrivateAppError for any invalid arg.
 */
export function renderKubernetesObjects(
  name: string,
  config: ResolvedHarborPrivateApp,
  args: KubernetesRenderArgs,
): RenderedKubernetesObjects {
  const own = renderAppObjects(config, { robotPullSecret: (ns) => robotPullSecret(config, ns) });
  const workload = args.workload ? renderWorkload(name, config, args.workload, args.configureWorkload) : [];
  const more = (args.workloads ?? []).map((m, i) => wirePodManifest(config, m, `workloads[${i}]`));
  return {
    manifests: [...own.pullSecrets, ...own.serviceAccounts, ...workload, ...more],
    // An ExternalSecret (credentials from a store) builds its Secret in the cluster: nothing for the component to fill.
    pullSecrets: new Set(own.pullSecrets.filter((m) => m.kind === 'Secret')),
  };
}

/** The Pulumi engine's robot pull Secret: a `kubernetes.io/dockerconfigjson` Secret, its data filled by the component. */
function robotPullSecret(config: ResolvedHarborPrivateApp, namespace: string): KubernetesManifest {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: config.pullSecretName, namespace },
    type: 'kubernetes.io/dockerconfigjson',
  };
}

/**
 * The `workload` Deployment, declared by lib/render in a scratch chart (an App, a Chart `name` without name hashes, a
 * scope `name`: the path the cdk8s construct gives it, so that its generated names and selector are the same),
 * `configureWorkload` applied, checked as written, and that chart's objects.
 *
 * The chart is rendered once: `chart.toJson()` runs the construct validations first (cdk8s validates the app before
 * it renders a chart, `App._synthChart`), the chart checks among them (Secrets that clash with the pull Secret), and
 * the Deployment is checked as it was written there, its JSON patches applied. Only when the validations fail are
 * they run again one by one, to name each problem.
 */
function renderWorkload(
  name: string,
  config: ResolvedHarborPrivateApp,
  props: HarborWorkloadProps,
  configure: ((workload: kplus.Deployment) => void) | undefined,
): KubernetesManifest[] {
  const checked = checkWorkload(
    config,
    props,
    'pass the Deployment in workloads (written by hand, parsed YAML, or the objects that run pods of a chart of your own cdk8s-plus-NN)',
  );
  const chart = new Chart(new App(), name, { disableResourceNameHashes: true });
  const deployment = declareWorkload(new Construct(chart, name), config, checked);
  const scope = `HarborPrivateApp ${JSON.stringify(name)}`;
  // The construct's synthesis check of Secrets that clash with the pull Secret, on this chart.
  ChartChecks.of(chart).addPullSecret({
    scope,
    pullSecret:
      config.credentials.kind === 'existingSecret'
        ? undefined
        : { name: config.pullSecretName, namespaces: config.namespaces },
    pullSecretObjects: [],
  });
  const apiObject = ApiObject.of(deployment);
  configure?.(deployment);
  let manifests: KubernetesManifest[] | undefined;
  let failure: unknown;
  try {
    manifests = chart.toJson() as KubernetesManifest[];
  } catch (e) {
    failure = e;
  }
  // This app's own checks already name their field, value and fix under its scope: shown without the scope again;
  // anything else (a check of an object configureWorkload added) with its construct path.
  const unscoped = (message: string): string =>
    message.startsWith(`${scope}: `) ? message.slice(scope.length + 2) : message;
  const problems = failure === undefined ? [] : validationProblems(chart, unscoped);
  const written = writtenObject(manifests, apiObject);
  if (written) {
    const podSpec = podSpecPathOf(apiObject.apiVersion, apiObject.kind)!;
    problems.push(...writtenPodProblems(config, 'workload', podSpec, written).map(unscoped));
  }
  if (problems.length > 0) {
    throw new HarborPrivateAppError({
      scope,
      field: 'configureWorkload',
      value: '<the Deployment as it left it, and the objects it added>',
      problem: `fails ${problems.length === 1 ? 'a check' : `${problems.length} checks`}: ${problems.map((p, i) => `(${i + 1}) ${p}`).join(' ')}`,
      fix: 'apply the fix each check names, in configureWorkload',
    });
  }
  if (failure !== undefined) {
    throw failure instanceof Error
      ? failure
      : new Error(`cdk8s could not render the workload chart: ${JSON.stringify(failure)}`);
  }
  return manifests!;
}

/** The messages of every construct validation of `chart` (what cdk8s' own validation error lists). */
function validationProblems(chart: Chart, unscoped: (message: string) => string): string[] {
  return chart.node.findAll().flatMap((c) =>
    c.node.validate().map((message) => {
      const mine = unscoped(message);
      return mine !== message ? mine : `${c.node.path}: ${message}`;
    }),
  );
}

/**
 * `apiObject` as written: its manifest among those the chart wrote (the one of its API version, kind, name and
 * namespace), or, when there is none (a JSON patch renamed or moved it, or the chart failed to render), its own render.
 * Undefined when it cannot be rendered: cdk8s reports why.
 */
function writtenObject(
  manifests: readonly KubernetesManifest[] | undefined,
  apiObject: ApiObject,
): Record<string, unknown> | undefined {
  const same = (manifests ?? []).filter(
    (m) =>
      m.apiVersion === apiObject.apiVersion &&
      m.kind === apiObject.kind &&
      m.metadata?.name === apiObject.name &&
      m.metadata?.namespace === apiObject.metadata.namespace,
  );
  if (same.length === 1) return same[0];
  try {
    return apiObject.toJson() as Record<string, unknown>;
  } catch {
    return undefined;
  }
}
