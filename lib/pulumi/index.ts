/**
 * harbor-private-app for Pulumi (`harbor-private-app/pulumi`): the HarborPrivateApp component and its args, the
 * Harbor resources behind it (dynamic providers on Harbor's REST API), the Harbor connection, and the helper that
 * turns cdk8s objects into Pulumi resources; with the engine-neutral names of the package root.
 * @packageDocumentation
 */
import './peers';
export * from '..';
export type { HarborWorkloadProps } from '../cdk8s/props';
export type { HarborPrivateAppArgs, RobotArgs, RotationArgs } from './component/args';
export { HARBOR_PRIVATE_APP_TYPE, HarborPrivateApp } from './component/harbor-private-app';
export { kubernetesResourceName, kubernetesResources } from './component/kubernetes-objects';
export type { KubernetesManifest } from '../render/manifest';
export type { HarborPreflightOptions } from './component/preflight';
export { HarborConnection } from './resources/config-connection';
export type { HarborConnectionKeys, HarborConnectionOptions } from './resources/config-connection';
export type { HarborLocationArgs } from './resources/harbor-connection';
export { HarborProjectMember } from './resources/harbor-member';
export type { HarborProjectMemberArgs } from './resources/harbor-member';
export { HarborProject } from './resources/harbor-project';
export type { HarborProjectArgs } from './resources/harbor-project';
export { HarborRobotAccount } from './resources/harbor-robot';
export type { HarborRobotAccountArgs } from './resources/harbor-robot';
export { HarborRobotLogin } from './resources/harbor-robot-login';
export type { HarborLoginPullCheckArgs, HarborRobotLoginArgs } from './resources/harbor-robot-login';
export { HarborRobotRotation } from './resources/harbor-robot-rotation';
export type { HarborRobotRotationArgs } from './resources/harbor-robot-rotation';
export type { HarborTarget, HarborTuning } from './providers/connection';
