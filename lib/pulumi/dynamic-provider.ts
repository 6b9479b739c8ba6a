/**
 * The module that Harbor resources' serialized providers load at run time, by its package path
 * `harbor-private-app/pulumi/dynamic-provider` (see `providerReferenceText`). Its path and its `harborProjectProvider`,
 * `harborMemberProvider`, `harborRobotProvider`, `harborRobotLoginProvider` and `harborRobotRotationProvider` exports are
 * a stable contract: every stack that ever stored a reference to them loads them, whatever version of the package is
 * installed then.
 */
export { harborProjectProvider } from './providers/project-provider';
export { harborMemberProvider } from './providers/member-provider';
export { harborRobotProvider } from './providers/robot-provider';
export { harborRobotLoginProvider } from './providers/robot-login-provider';
export { harborRobotRotationProvider } from './providers/robot-rotation-provider';
