/**
 * harbor-private-app for Pulumi (`harbor-private-app/pulumi`): the HarborPrivateApp component, the Harbor resources
 * behind it (dynamic providers on Harbor's REST API) and the helper that turns cdk8s objects into Pulumi resources.
 */
import './peers';
export * from '../core';
export type { HarborWorkloadProps, PodWorkload } from '../cdk8s/harbor-private-app';
export { HARBOR_PRIVATE_APP_TYPE, HarborPrivateApp } from './harbor-private-app';
export type { HarborPrivateAppProps } from './harbor-private-app';
export { HarborConnection } from './config-connection';
export type { HarborConnectionKeys, HarborConnectionOptions } from './config-connection';
export type { HarborConnectionArgs, HarborConnectionInputs, HarborLocationArgs } from './harbor-connection';
export { HarborProject } from './harbor-project';
export type { HarborProjectArgs } from './harbor-project';
export { HarborProjectMember } from './harbor-member';
export type { HarborProjectMemberArgs } from './harbor-member';
export { HarborRobotAccount } from './harbor-robot';
export type { HarborRobotAccountArgs } from './harbor-robot';
export { HarborRobotLogin } from './harbor-robot-login';
export type { HarborRobotLoginArgs } from './harbor-robot-login';
export { HarborRobotRotation } from './harbor-robot-rotation';
export type { HarborRobotRotationArgs } from './harbor-robot-rotation';
export type { HarborConnectionState, HarborLocated, HarborTarget, HarborTuning, StackConfig } from './connection';
export { HarborProvider, harborProvider } from './harbor-provider';
export type { HarborResourceKind } from './harbor-provider';
export { HarborProjectProvider, harborProjectProvider } from './project-provider';
export type { HarborProjectInputs, HarborProjectOutputs } from './project-provider';
export { HarborMemberProvider, harborMemberProvider } from './member-provider';
export type { HarborMemberInputs, HarborMemberOutputs } from './member-provider';
export { HarborRobotProvider, harborRobotProvider } from './robot-provider';
export type { HarborRobotInputs, HarborRobotOutputs } from './robot-provider';
export { HarborRobotLoginProvider, harborRobotLoginProvider } from './robot-login-provider';
export type { HarborRobotLoginInputs } from './robot-login-provider';
export { HarborPullCheck } from './harbor-pull-check';
export type { HarborPullCheckArgs } from './harbor-pull-check';
export { HarborPullCheckProvider, harborPullCheckProvider } from './pull-check-provider';
export type { HarborPullCheckInputs, HarborPullCheckOutputs } from './pull-check-provider';
export { preflightImages, preflightPullCheck, resolvePreflight } from './preflight';
export type { HarborPreflightOptions, PreflightPullCheckArgs, ResolvedPreflight } from './preflight';
export { HarborRobotRotationProvider, harborRobotRotationProvider, rotationDue } from './robot-rotation-provider';
export type { HarborRobotRotationInputs, HarborRobotRotationOutputs } from './robot-rotation-provider';
export { kubernetesResource, kubernetesResourceName, kubernetesResources } from './kubernetes-objects';
export type { KubernetesManifest } from './kubernetes-objects';
export { renderHarborPrivateApp } from './render';
export type { RenderedApp } from './render';
export {
  DYNAMIC_PROVIDER_MODULE,
  HarborProviderReference,
  serializableHarborProvider,
  serializableProvider,
  serializablePullCheckProvider,
  serializableRobotLoginProvider,
  serializableRobotRotationProvider,
} from './provider-reference';
export type { DynamicProviderExport } from './provider-reference';
