/**
 * harbor-private-app for cdk8s (`harbor-private-app/cdk8s`): the HarborPrivateApp construct and its props, with the
 * engine-neutral names of the package root.
 * @packageDocumentation
 */
export * from '..';
export { HarborPrivateApp, PodWorkload } from './harbor-private-app';
export type {
  HarborPrivateAppProps,
  HarborWorkloadProps,
  RobotProps,
  RobotRotationProps,
  RobotSecretsProps,
} from './props';
