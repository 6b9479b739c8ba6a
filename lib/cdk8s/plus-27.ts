import type * as kplus from 'cdk8s-plus-27';
import { HarborPrivateAppError } from '../core';

/** The module once loaded: `require` of a cached module still resolves its path (about 20 µs, for every app). */
let loaded: typeof kplus | undefined;

/**
 * cdk8s-plus-27, loaded only for the construct's own `workload` prop (a cdk8s-plus-27 Deployment): it is an optional
 * peer dependency, and nothing else of the package needs any cdk8s-plus. A project on another cdk8s-plus-NN (or on
 * none) builds its Deployment itself and hands it to the app its engine's way (`alternative`).
 *
 * @param scope the app's name in messages (`HarborPrivateApp "<id>"`)
 * @param alternative how the engine takes a Deployment built without cdk8s-plus-27, for the message's fix
 * @throws HarborPrivateAppError naming the `workload` prop and what to do, when cdk8s-plus-27 is not installed
 */
export function loadCdk8sPlus27(scope: string, alternative: string): typeof kplus {
  if (loaded) return loaded;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    loaded = require('cdk8s-plus-27') as typeof kplus;
    return loaded;
  } catch (e) {
    const err = e as { code?: string; message?: string };
    if (err.code !== 'MODULE_NOT_FOUND' || !/'cdk8s-plus-27'/.test(err.message ?? '')) throw e;
    throw new HarborPrivateAppError({
      scope,
      field: 'workload',
      value: '<cdk8s-plus-27 DeploymentProps>',
      problem: 'makes a cdk8s-plus-27 Deployment, and cdk8s-plus-27 (an optional peer dependency) is not installed',
      fix: `npm install cdk8s-plus-27; or leave workload out and ${alternative}`,
    });
  }
}
