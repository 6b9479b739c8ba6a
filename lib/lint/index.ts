/**
 * `harbor-private-app lint`, framework-free: reads Kubernetes manifests and finds images that kubelet would pull
 * without credentials (the seed's ErrImagePull), before anything is applied.
 */
export * from './check';
export * from './checked-registries';
export * from './declared-secrets';
export * from './docker-config-document';
export * from './encoding';
export * from './findings';
export * from './format';
export * from './inventory';
export * from './label-selectors';
export * from './lint';
export { locateField, type Position } from './locate';
// The two parsers behind parseManifests (parseYamlManifests, parseYamlManifestsFast) stay internal.
export {
  ManifestParseError,
  parseManifestFile,
  parseManifests,
  type ManifestObject,
  type ManifestParseCode,
  type ParsedManifests,
  type ParseManifestOptions,
} from './manifests';
export * from './object-paths';
export * from './pull-secrets';
export * from './registry-keys';
export * from './sarif';
export * from './sources';
export * from './workloads';
export type { ImageReference } from '../core/image-reference';
