export * from '../core';
export { CrossplaneDelivery, CrossplaneDeliveryOptions } from './crossplane-delivery';
export { DeliveredHarborObjects, IHarborDelivery, NameClaim } from './harbor-delivery';
export { HarborPrivateApp, PodWorkload } from './harbor-private-app';
export type {
  HarborPrivateAppProps,
  HarborWorkloadProps,
  RobotProps,
  RobotRotationProps,
  RobotSecretsProps,
} from './props';
