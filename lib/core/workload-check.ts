/**
 * The synthesis-time checks of a workload against a resolved app: its images are served by the registry host the pull
 * Secret covers and live in the app's project, and it runs in one of the app's namespaces (no silent ErrImagePull).
 */
import { HarborPrivateAppError } from './errors';
import { ImageReference, parseImageReference, registryHostDifference } from './image-reference';
import type { ResolvedHarborPrivateApp } from './resolve';

/** One image of a workload, with the prop path it came from. */
export interface WorkloadImage {
  /** The prop path, for messages (`workload.containers[0].image`). */
  readonly field: string;
  /** The image reference. */
  readonly image: string;
}

/** The `:tag` and `@digest` of a reference, as written, for the examples in fixes. */
function versionOf(ref: ImageReference): string {
  return `${ref.tag ? `:${ref.tag}` : ''}${ref.digest ? `@${ref.digest}` : ''}`;
}

/**
 * Checks that every image is served by the registry host the pull Secret covers and lives in the
 * declared project: anything else would pull without these credentials and fail with ErrImagePull.
 */
export function checkWorkloadImages(app: ResolvedHarborPrivateApp, images: readonly WorkloadImage[]): void {
  const scope = `HarborPrivateApp ${JSON.stringify(app.appName)}`;
  for (const { field, image } of images) {
    const ref = parseImageReference(image, field, scope);
    const expected = `${app.registryHost}/${app.project.name}/<repository>`;
    const difference = registryHostDifference(ref.host, app.registryHost);
    if (difference !== undefined) {
      throw new HarborPrivateAppError({
        scope,
        field,
        value: image,
        problem:
          difference === 'port'
            ? `is on "${ref.host}" but the pull Secret covers "${app.registryHost}": kubelet matches the port too, so the pull would go without credentials (ErrImagePull)`
            : difference === 'case'
              ? `is on "${ref.host}" but the pull Secret covers "${app.registryHost}": kubelet matches the registry host case-sensitively, so the pull would go without credentials (ErrImagePull)`
              : `is on registry "${ref.host}", not on "${app.registryHost}" that the pull Secret covers, so the pull would go without these credentials (ErrImagePull)`,
        fix: `use an image under ${expected}, e.g. "${app.registryHost}/${app.project.name}/${ref.path.split('/').pop()}${versionOf(ref)}"`,
      });
    }
    const [project, ...repo] = ref.path.split('/');
    if (repo.length === 0) {
      // Harbor keeps every repository in a project (`<project>/<repository>`): a one-part path names no repository.
      throw new HarborPrivateAppError({
        scope,
        field,
        value: image,
        problem: `names no repository in a Harbor project: "${project}" is the whole path after the registry host`,
        fix: `reference the image as ${expected}, e.g. "${app.registryHost}/${app.project.name}/${project}${versionOf(ref)}"`,
      });
    }
    if (project !== app.project.name) {
      throw new HarborPrivateAppError({
        scope,
        field,
        value: image,
        problem: `is in Harbor project "${project}", but this app's robot may pull only from project "${app.project.name}"`,
        fix: `push the image to ${expected} and reference it there, or declare a HarborPrivateApp for project "${project}"`,
      });
    }
  }
}

/** Checks that a workload runs in one of the namespaces that get the pull Secret. */
export function checkWorkloadNamespace(
  app: ResolvedHarborPrivateApp,
  field: string,
  namespace: string | undefined,
): string {
  const ns = namespace ?? app.namespaces[0];
  if (!app.namespaces.includes(ns)) {
    throw new HarborPrivateAppError({
      scope: `HarborPrivateApp ${JSON.stringify(app.appName)}`,
      field,
      value: ns,
      problem: `is not one of this app's namespaces ${JSON.stringify(app.namespaces)}; kubelet reads imagePullSecrets only from the pod's own namespace`,
      fix: `add "${ns}" to namespaces, or run the workload in one of them`,
    });
  }
  return ns;
}
