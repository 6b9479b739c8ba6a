/**
 * The module that Harbor resources' serialized providers load at run time, by its package path
 * `harbor-private-app/pulumi/dynamic-provider` (see `providerReferenceText`). Its path and its
 * `harborProvider`, `harborRobotLoginProvider`, `harborRobotRotationProvider` and `harborPullCheckProvider` exports are a stable contract: every stack that ever stored a
 * reference to them loads them, whatever version of the package is installed then.
 */
export { HarborProvider, harborProvider } from './providers/harbor-provider';
export { HarborRobotLoginProvider, harborRobotLoginProvider } from './providers/robot-login-provider';
export { HarborPullCheckProvider, harborPullCheckProvider } from './providers/pull-check-provider';
export { HarborRobotRotationProvider, harborRobotRotationProvider } from './providers/robot-rotation-provider';
