import { App, Chart } from 'cdk8s';
import { HarborPrivateApp as Cdk8sHarborPrivateApp, engineRenderProps } from '../../cdk8s/harbor-private-app';
import { HarborPrivateAppError } from '../../core';
import type { HarborPrivateAppArgs } from './args';
import type { KubernetesManifest } from './kubernetes-objects';
import { PulumiDelivery } from './pulumi-delivery';

/** What the cdk8s construct renders for the Pulumi engine. */
export interface RenderedApp {
  /** The cdk8s construct (its `config` holds every prop with its default applied). */
  readonly construct: Cdk8sHarborPrivateApp;
  /** The Kubernetes objects, in the chart's order. */
  readonly manifests: readonly KubernetesManifest[];
}

/**
 * Renders the Kubernetes objects of a HarborPrivateApp once, in memory, with the cdk8s construct itself: a cdk8s App
 * and a Chart named `name` (resource name hashes off, as in the cdk8s apps), the construct with id `name` and the
 * Pulumi engine's delivery (`PulumiDelivery`, internal: no Crossplane or External Secrets objects; a pull Secret without
 * data). All validation of lib/core and the construct happens here, so a bad prop throws before Pulumi sees anything.
 *
 * @param configure called on the construct before rendering (to wire more workloads, tune the Deployment...).
 * @throws HarborPrivateAppError for any invalid prop.
 */
export function renderHarborPrivateApp(
  name: string,
  args: Omit<HarborPrivateAppArgs, 'connection' | 'provider' | 'configure' | 'preflight'>,
  configure?: (app: Cdk8sHarborPrivateApp) => void,
): RenderedApp {
  const chart = new Chart(new App(), name, { disableResourceNameHashes: true });
  // The construct resolves the component's args (not cdk8s props) and takes the Pulumi engine's delivery.
  const { registryHost, project, namespaces, workload } = args ?? ({} as HarborPrivateAppArgs);
  const props = engineRenderProps(
    { registryHost, project, namespaces, workload },
    { options: args, delivery: new PulumiDelivery() },
  );
  const construct = new Cdk8sHarborPrivateApp(chart, name, props);
  configure?.(construct);
  // chart.toJson() does not run construct validations (App.synth does): run them here, as synthesis would.
  const errors = chart.node.findAll().flatMap((c) => c.node.validate().map((message) => `${c.node.path}: ${message}`));
  if (errors.length > 0) {
    throw new HarborPrivateAppError({
      scope: `HarborPrivateApp ${JSON.stringify(name)}`,
      field: 'configure',
      value: `${errors.length} validation error(s)`,
      problem: errors.join('; '),
      fix: 'correct what the errors above name (workloads wired or objects added in configure)',
    });
  }
  return { construct, manifests: chart.toJson() as KubernetesManifest[] };
}
