export * from '../core';
export { HarborPrivateApp, HarborPrivateAppProps, HarborWorkloadProps, PodWorkload } from './harbor-private-app';
