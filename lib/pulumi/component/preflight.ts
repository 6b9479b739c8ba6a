/**
 * The Pulumi preflight's options (the component's `preflight` prop), their checks, and the images it checks.
 */
import type * as pulumi from '@pulumi/pulumi';
import { HarborPrivateAppError, isOnRegistryHost, parseImageReference } from '../../core';
import { podSpecImages, podSpecPathOf, recordAt } from '../../core/workloads';
import { pullCheckOptionProblem } from '../../registry/pull-check';
import type { HarborTarget } from '../providers/connection';
import type { HarborLoginPullCheckArgs } from '../resources/harbor-robot-login';
import type { KubernetesManifest } from '../../render/manifest';

/**
 * What the component checks before it creates or changes a workload.
 *
 * With `pull` (the default), `pulumi up` checks with the robot's own login, the way a node's container runtime
 * starts a pull (the registry's token flow, then a `HEAD` of each manifest; nothing is downloaded), that every image of
 * every workload on the app's registry can be pulled, and stops before the workloads when one cannot: image or tag
 * missing, robot denied, robot disabled, expired or deleted, registry unreachable. It runs when the images, the robot's
 * login or the registry change, never in a preview.
 */
export interface HarborPreflightOptions {
  /**
   * Check that the workloads' images can be pulled before creating or changing the workloads. Turn it off when the
   * images are pushed after `pulumi up` (a new project is empty until then: the first `up` stops at the check), when
   * the machine that runs Pulumi cannot reach the registry, or when the images are meant to be pulled with other
   * credentials than this app's robot.
   * @default true
   */
  readonly pull?: boolean;
  /**
   * Talk plain `http://` to the registry instead of `https://<registryHost>`: only for a registry on a loopback address
   * (a local test registry); anything else would send the robot's secret in clear text, and is refused.
   * @default false
   */
  readonly plainHttp?: boolean;
  /**
   * PEM of the CA that signed the registry's certificate (it replaces Node's default trust store for the check).
   * @default - the Harbor login's CA bundle in the stack configuration (`harborCaBundle`), else Node's trust store
   */
  readonly caBundle?: pulumi.Input<string>;
  /**
   * Time limit of each registry request of the check, in milliseconds.
   * @default 10000
   */
  readonly timeoutMs?: number;
}

/**
 * {@link HarborPreflightOptions} checked, `pull` with its default applied; the others as given (unset: the robot login's
 * pull check defaults).
 */
export interface ResolvedPreflight {
  readonly pull: boolean;
  readonly plainHttp?: boolean;
  readonly caBundle?: pulumi.Input<string>;
  readonly timeoutMs?: number;
}

/**
 * Checks the `preflight` prop before anything is registered.
 * @throws HarborPrivateAppError naming the field, the value and the fix.
 */
export function resolvePreflight(
  scope: string,
  preflight: HarborPreflightOptions | undefined,
  registryHost: string,
): ResolvedPreflight {
  if (preflight === undefined) return { pull: true };
  const bad = (field: string, value: unknown, problem: string, fix: string): never => {
    throw new HarborPrivateAppError({ scope, field: `preflight${field}`, value, problem, fix });
  };
  if (preflight === null || typeof preflight !== 'object' || Array.isArray(preflight)) {
    bad('', preflight, 'is not an object', 'give e.g. { pull: false }, or leave it out');
  }
  const known = ['pull', 'plainHttp', 'caBundle', 'timeoutMs'];
  for (const key of Object.keys(preflight)) {
    if (!known.includes(key))
      bad(`.${key}`, preflight[key as keyof HarborPreflightOptions], 'is not an option', `use ${known.join(', ')}`);
  }
  const { pull, plainHttp, caBundle, timeoutMs } = preflight;
  if (pull !== undefined && typeof pull !== 'boolean') bad('.pull', pull, 'is not a boolean', 'true or false');
  if (plainHttp !== undefined && typeof plainHttp !== 'boolean') {
    bad('.plainHttp', plainHttp, 'is not a boolean', 'true or false');
  }
  const problem = pullCheckOptionProblem(registryHost, { plainHttp, caBundle, timeoutMs });
  if (problem) bad(`.${problem.field}`, problem.value, problem.problem, problem.fix);
  return {
    pull: pull ?? true,
    ...(plainHttp !== undefined ? { plainHttp } : {}),
    ...(caBundle !== undefined ? { caBundle } : {}),
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
  };
}

/**
 * The images the preflight checks: those of every container and init container of every workload among `manifests`
 * whose registry is `registryHost` (exactly, port included, as kubelet matches the pull Secret's key), sorted, each
 * once. Images on other registries are not pulled with the robot's login, so they are not checked.
 */
export function preflightImages(manifests: readonly KubernetesManifest[], registryHost: string): string[] {
  const images = new Set<string>();
  for (const m of manifests) {
    const path = podSpecPathOf(m.apiVersion, m.kind);
    if (!path) continue;
    for (const { image } of podSpecImages('workload', path, recordAt(m, path))) {
      if (typeof image !== 'string') continue;
      if (isOnRegistryHost(parseImageReference(image).host, registryHost)) images.add(image);
    }
  }
  return [...images].sort();
}

/**
 * What the robot's login checks (its `pullCheck`): none when `preflight.pull` is off or when no workload image is on
 * the app's registry. The component gives it to its robot's login only: the pull Secret is not built from another
 * login it holds (existing Secret, external store, literal credentials).
 * @param manifests the Kubernetes objects the component creates
 * @param harbor the robot's Harbor, as its resources name it
 */
export function loginPullCheck(
  preflight: ResolvedPreflight,
  manifests: readonly KubernetesManifest[],
  registryHost: string,
  harbor: pulumi.Input<HarborTarget> | undefined,
): HarborLoginPullCheckArgs | undefined {
  if (!preflight.pull) return undefined;
  const images = preflightImages(manifests, registryHost);
  if (images.length === 0) return undefined;
  return {
    images,
    registryHost,
    plainHttp: preflight.plainHttp,
    caBundle: preflight.caBundle,
    timeoutMs: preflight.timeoutMs,
    ...(harbor !== undefined ? { harbor } : {}),
  };
}
