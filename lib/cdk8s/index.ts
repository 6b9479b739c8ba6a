export * from '../core';
export { CrossplaneDelivery, CrossplaneDeliveryOptions } from './crossplane-delivery';
export { DeliveredHarborObjects, IHarborDelivery, NameClaim } from './harbor-delivery';
export { HarborPrivateApp, HarborPrivateAppProps, HarborWorkloadProps, PodWorkload } from './harbor-private-app';
