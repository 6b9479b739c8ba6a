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
): KubernetesManifest[] {
  const own = renderAppObjects(config, { robotPullSecret: (ns) => robotPullSecret(config, ns) });
  const workload = args.workload ? renderWorkload(name, config, args.workload, args.configureWorkload) : [];
  const more = (args.workloads ?? []).map((m, i) => wirePodManifest(config, m, `workloads[${i}]`));
  return [...own.pullSecrets, ...own.serviceAccounts, ...workload, ...more];
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
  // The construct's synthesis checks, on this chart: the Deployment as written, Secrets that clash with the pull Secret.
  const checks = ChartChecks.of(chart);
  checks.addPullSecret({
    scope: `HarborPrivateApp ${JSON.stringify(name)}`,
    pullSecret:
      config.credentials.kind === 'existingSecret'
        ? undefined
        : { name: config.pullSecretName, namespaces: config.namespaces },
    pullSecretObjects: [],
  });
  const apiObject = ApiObject.of(deployment);
  const podSpec = podSpecPathOf(apiObject.apiVersion, apiObject.kind)!;
  checks.addWorkload({ apiObject, check: (written) => writtenPodProblems(config, 'workload', podSpec, written) });
  configure?.(deployment);
  // chart.toJson() does not run construct validations (App.synth does): run them here, as synthesis would. This app's
  // own checks already name their field, value and fix under its scope: shown without the scope again; anything else
  // (a check of an object configureWorkload added) with its construct path.
  const scope = `HarborPrivateApp ${JSON.stringify(name)}`;
  const problems = chart.node
    .findAll()
    .flatMap((c) =>
      c.node
        .validate()
        .map((message) =>
          message.startsWith(`${scope}: `) ? message.slice(scope.length + 2) : `${c.node.path}: ${message}`,
        ),
    );
  if (problems.length > 0) {
    throw new HarborPrivateAppError({
      scope,
      field: 'configureWorkload',
      value: '<the Deployment as it left it, and the objects it added>',
      problem: `fails ${problems.length === 1 ? 'a check' : `${problems.length} checks`}: ${problems.map((p, i) => `(${i + 1}) ${p}`).join(' ')}`,
      fix: 'apply the fix each check names, in configureWorkload',
    });
  }
  return chart.toJson() as KubernetesManifest[];
}
