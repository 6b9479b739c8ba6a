/**
 * The component's Kubernetes objects as Pulumi resources: one per rendered manifest, the pull Secrets (and what carries
 * them) before the objects that run pods, and the pull Secret's data from the robot's login (a Pulumi secret).
 */
import type * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { dockerConfigJson, ResolvedHarborPrivateApp } from '../../core';
import { podSpecPathOf } from '../../core/workloads';
import type { KubernetesManifest } from '../../render/manifest';
import type { HarborRobotLogin } from '../resources/harbor-robot-login';
import { kubernetesResource, kubernetesResourceName } from './kubernetes-objects';
import type { RenderedKubernetesObjects } from './render';

/**
 * Objects whose pods pull images (lib/core's table of pod-bearing kinds, with their API groups): they are created
 * after the pull Secrets and deleted before them.
 */
const isWorkload = (m: KubernetesManifest): boolean => podSpecPathOf(m.apiVersion, m.kind) !== undefined;
/** Kinds that provide the pull Secret to pods. */
const PULL_SECRET_PROVIDER_KINDS = new Set(['Secret', 'ExternalSecret', 'ServiceAccount']);

/** What the Kubernetes objects need of the component. */
export interface KubernetesDeclarationArgs {
  /** The component: the objects' parent. */
  readonly parent: pulumi.Resource;
  readonly config: ResolvedHarborPrivateApp;
  readonly rendered: RenderedKubernetesObjects;
  readonly provider?: k8s.Provider;
  /** The robot's login the pull Secret is built from, with the preflight pull check the workloads wait for. */
  readonly robotLogin?: HarborRobotLogin;
}

/**
 * One resource per Kubernetes object: the pull Secrets (and ServiceAccounts) first, the workloads after them and the
 * robot's login (whose pull check they wait for). Returns them in the rendered order.
 */
export function declareKubernetesObjects(name: string, args: KubernetesDeclarationArgs): pulumi.CustomResource[] {
  const { provider, robotLogin } = args;
  const { manifests, pullSecrets } = args.rendered;
  const k8sOpts: pulumi.CustomResourceOptions = { parent: args.parent, ...(provider ? { provider } : {}) };
  const objects: pulumi.CustomResource[] = [];
  const secretProviders: pulumi.CustomResource[] = [];
  const ordered = [...manifests.filter((m) => !isWorkload(m)), ...manifests.filter(isWorkload)];
  for (const manifest of ordered) {
    const workload = isWorkload(manifest);
    const resource = kubernetesResource(
      kubernetesResourceName(name, manifest),
      manifest,
      workload ? { ...k8sOpts, dependsOn: [...secretProviders, ...(robotLogin ? [robotLogin] : [])] } : k8sOpts,
      pullSecrets.has(manifest) ? pullSecretData(args.config, manifest, robotLogin) : {},
    );
    if (PULL_SECRET_PROVIDER_KINDS.has(manifest.kind)) secretProviders.push(resource);
    objects.push(resource);
  }
  // Keep the rendered order in the public list.
  return manifests.map((m) => objects[ordered.indexOf(m)]);
}

/**
 * The `data` of a pull Secret: `.dockerconfigjson` built from the robot's full name and secret as Harbor returned
 * them (or the literal credentials), base64, as a Pulumi secret.
 */
function pullSecretData(
  config: ResolvedHarborPrivateApp,
  manifest: KubernetesManifest,
  robotLogin: HarborRobotLogin | undefined,
): Record<string, pulumi.Input<unknown>> {
  if (manifest.data !== undefined) {
    // Literal credentials: lib/render wrote the data already; keep it, as a secret.
    return { data: pulumi.secret(manifest.data) };
  }
  if (!robotLogin) return {};
  const host = config.registryHost;
  return {
    data: pulumi.secret(
      pulumi.all([robotLogin.fullName, robotLogin.secret]).apply(([username, secret]) => ({
        '.dockerconfigjson': Buffer.from(dockerConfigJson(host, username, secret), 'utf8').toString('base64'),
      })),
    ),
  };
}
