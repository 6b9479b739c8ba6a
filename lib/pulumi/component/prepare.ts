/**
 * The component's args, checked and resolved before anything is registered: the connection, the props (lib/core),
 * the Pulumi engine's own checks, the Kubernetes objects rendered (lib/render), the preflight options.
 */
import type * as k8s from '@pulumi/kubernetes';
import { Fail, failIn, ResolvedHarborPrivateApp, resolveHarborPrivateApp } from '../../core';
import { POD_BEARING_KINDS, podSpecPathOf } from '../../core/workloads';
import type { KubernetesManifest } from '../../render/manifest';
import { HarborConnection } from '../resources/config-connection';
import { HarborLocationArgs } from '../resources/harbor-connection';
import { HarborPrivateAppArgs } from './args';
import { ResolvedPreflight, resolvePreflight } from './preflight';
import { RenderedKubernetesObjects, renderKubernetesObjects } from './render';

/** The component's args, checked and resolved. */
export interface PreparedApp {
  /** Every prop with its default applied. */
  readonly config: ResolvedHarborPrivateApp;
  /** The Kubernetes objects, in the order rendered, and which of them are the pull Secrets. */
  readonly rendered: RenderedKubernetesObjects;
  readonly location: HarborLocationArgs;
  readonly provider?: k8s.Provider;
  /** The preflight checks, resolved. */
  readonly checks: ResolvedPreflight;
}

/** Checks the args, renders the Kubernetes objects and resolves where the Harbor objects live; registers nothing. */
export function prepareHarborPrivateApp(name: string, args: HarborPrivateAppArgs): PreparedApp {
  const { connection, provider, configureWorkload, workloads, preflight, ...appArgs } =
    args ?? ({} as HarborPrivateAppArgs);
  const scope = `HarborPrivateApp ${JSON.stringify(name)}`;
  const fail = failIn(scope);
  if (connection !== undefined && !(connection instanceof HarborConnection)) {
    fail(
      'connection',
      connection,
      'is not a HarborConnection',
      'use HarborConnection.fromConfig() (keys harborUsername, harborPassword), or fromConfig("<name>") for another Harbor',
    );
  }
  const config = resolveHarborPrivateApp(name, appArgs);
  // The resolver reads a rotation with neither trigger nor everyDays as the cdk8s construct's step 0.
  if (config.robot?.rotation) {
    fail(
      'robot.rotation',
      {},
      'gives neither trigger nor everyDays, so nothing would ever rotate',
      'use rotation: { trigger: "<any value; change it to rotate>" } and/or rotation: { everyDays: 30 }, or drop rotation',
    );
  }
  if (configureWorkload !== undefined && typeof configureWorkload !== 'function') {
    fail('configureWorkload', configureWorkload, 'is not a function', 'give (workload) => { ... }, or leave it out');
  }
  if (configureWorkload !== undefined && appArgs.workload === undefined) {
    fail(
      'configureWorkload',
      '<function>',
      'is given without workload, so there is no Deployment to call it on',
      'give workload, or leave configureWorkload out (wire your own Deployments with workloads)',
    );
  }
  checkWorkloadsArg(workloads, fail);
  const rendered = renderKubernetesObjects(name, config, { workload: appArgs.workload, configureWorkload, workloads });
  const checks = resolvePreflight(scope, preflight, config.registryHost);
  return {
    config,
    rendered,
    location: { harbor: (connection ?? HarborConnection.fromConfig()).target(scope, config.harborUrl) },
    provider,
    checks,
  };
}

/** The kinds `workloads` takes, for messages. */
const POD_KINDS_TEXT = Object.keys(POD_BEARING_KINDS).join(', ');

/** Checks that `workloads` is a list of named objects of the kinds that run pods (their pod specs are checked later). */
function checkWorkloadsArg(workloads: unknown, fail: Fail): void {
  if (workloads === undefined) return;
  if (!Array.isArray(workloads)) {
    fail(
      'workloads',
      workloads,
      'is not a list',
      "give a list of Kubernetes objects that run pods, e.g. those of a chart's toJson()",
    );
  }
  (workloads as unknown[]).forEach((m, i) => {
    const o = (typeof m === 'object' && m !== null ? m : {}) as Partial<KubernetesManifest>;
    if (podSpecPathOf(o.apiVersion, o.kind) === undefined) {
      fail(
        `workloads[${i}]`,
        typeof m === 'object' && m !== null ? `${String(o.apiVersion)} ${String(o.kind)}` : m,
        `runs no pods: workloads takes the objects that run pods (${POD_KINDS_TEXT}), to give them the pull Secret`,
        'create it beside the app instead, e.g. with kubernetesResources("<prefix>", [object], { dependsOn: [app] })',
      );
    }
    const objectName = o.metadata?.name;
    if (typeof objectName !== 'string' || objectName === '') {
      fail(`workloads[${i}].metadata.name`, objectName, 'is missing', 'give the object a name');
    }
  });
}
