/**
 * harbor-private-app for Pulumi (`harbor-private-app/pulumi`): the HarborPrivateApp component, the Harbor resources
 * behind it (dynamic providers on Harbor's REST API) and the helper that turns cdk8s objects into Pulumi resources.
 */
import './peers';
export * from '../core';
export type { HarborWorkloadProps, PodWorkload } from '../cdk8s/harbor-private-app';
export { HARBOR_PRIVATE_APP_TYPE, HarborPrivateApp } from './component/harbor-private-app';
export type { HarborPrivateAppProps } from './component/harbor-private-app';
export { HarborConnection } from './resources/config-connection';
export type { HarborConnectionKeys, HarborConnectionOptions } from './resources/config-connection';
export type { HarborLocationArgs } from './resources/harbor-connection';
export { HarborProject } from './resources/harbor-project';
export type { HarborProjectArgs } from './resources/harbor-project';
export { HarborProjectMember } from './resources/harbor-member';
export type { HarborProjectMemberArgs } from './resources/harbor-member';
export { HarborRobotAccount } from './resources/harbor-robot';
export type { HarborRobotAccountArgs } from './resources/harbor-robot';
export { HarborRobotLogin } from './resources/harbor-robot-login';
export type { HarborRobotLoginArgs } from './resources/harbor-robot-login';
export { HarborRobotRotation } from './resources/harbor-robot-rotation';
export type { HarborRobotRotationArgs } from './resources/harbor-robot-rotation';
export type { HarborLogin, HarborLocated, HarborTarget, HarborTuning, StackConfig } from './providers/connection';
export { HarborProvider, harborProvider } from './providers/harbor-provider';
export type { HarborResourceKind } from './providers/harbor-provider';
export { HarborProjectProvider, harborProjectProvider } from './providers/project-provider';
export type { HarborProjectInputs, HarborProjectOutputs } from './providers/project-provider';
export { HarborMemberProvider, harborMemberProvider } from './providers/member-provider';
export type { HarborMemberInputs, HarborMemberOutputs } from './providers/member-provider';
export { HarborRobotProvider, harborRobotProvider } from './providers/robot-provider';
export type { HarborRobotInputs, HarborRobotOutputs } from './providers/robot-provider';
export { HarborRobotLoginProvider, harborRobotLoginProvider } from './providers/robot-login-provider';
export type { HarborRobotLoginInputs } from './providers/robot-login-provider';
export { HarborPullCheck } from './resources/harbor-pull-check';
export type { HarborPullCheckArgs } from './resources/harbor-pull-check';
export { HarborPullCheckProvider, harborPullCheckProvider } from './providers/pull-check-provider';
export type { HarborPullCheckInputs, HarborPullCheckOutputs } from './providers/pull-check-provider';
export { preflightImages, preflightPullCheck, resolvePreflight } from './component/preflight';
export type { HarborPreflightOptions, PreflightPullCheckArgs, ResolvedPreflight } from './component/preflight';
export {
  HarborRobotRotationProvider,
  harborRobotRotationProvider,
  rotationDue,
} from './providers/robot-rotation-provider';
export type { HarborRobotRotationInputs, HarborRobotRotationOutputs } from './providers/robot-rotation-provider';
export { deleteProjectRepositories } from './providers/repositories';
export { kubernetesResource, kubernetesResourceName, kubernetesResources } from './component/kubernetes-objects';
export type { KubernetesManifest } from './component/kubernetes-objects';
export { renderHarborPrivateApp } from './component/render';
export type { RenderedApp } from './component/render';
export {
  DYNAMIC_PROVIDER_MODULE,
  PROVIDER_REFERENCE_VERSION,
  providerReferenceText,
  providerText,
} from './resources/provider-reference';
export type { DynamicProviderExport } from './resources/provider-reference';
