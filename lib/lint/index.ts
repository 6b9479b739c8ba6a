/**
 * `harbor-private-app lint`, framework-free (`harbor-private-app/lint`): reads Kubernetes manifests and finds images
 * that kubelet would pull without credentials (the seed's ErrImagePull), before anything is applied.
 * @packageDocumentation
 */
export { lintManifests, lintSources, type LintOptions, type LintResult } from './lint';
export type { ManifestSource } from './sources';
export type { DeclaredSecret } from './declared-secrets';
export type { Finding, FindingCode, InputError, InputErrorCode, Note, Report, Summary } from './findings';
export { formatReport, FORMATS, type Format } from './format';
export { locateField, type Position } from './locate';
export type { ValuePath } from './object-paths';
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
export type { ImageReference } from '../core/image-reference';
