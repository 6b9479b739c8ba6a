/**
 * `harbor-private-app lint`, framework-free: reads Kubernetes manifests and finds images that kubelet would pull
 * without credentials (the seed's ErrImagePull), before anything is applied.
 */
export * from './check';
export * from './checked-registries';
export * from './docker-config-document';
export * from './findings';
export * from './format';
export * from './inventory';
export * from './lint';
// The two parsers behind parseManifests (parseYamlManifests, parseYamlManifestsFast) stay internal.
export { ManifestParseError, parseManifests, type ManifestObject } from './manifests';
export * from './pull-secrets';
export * from './registry-keys';
export * from './sources';
export * from './workloads';
