/**
 * harbor-private-app: the engine-neutral part of the public API, what both engines take. The engines live at
 * `harbor-private-app/cdk8s` and `harbor-private-app/pulumi` (each re-exports these names).
 * @packageDocumentation
 */
export {
  ExternalStoreCredentialsOptions,
  LiteralCredentials,
  PullCredentials,
  SecretStoreRef,
} from './core/credentials';
export { HarborPrivateAppError } from './core/errors';
export {
  HarborGroupMemberOptions,
  HarborGroupType,
  HarborMember,
  HarborMemberOptions,
  HarborRole,
} from './core/members';
export { HarborPrivateAppOptions, HarborProjectOptions, HarborRobotOptions, RobotAction } from './core/props';
export {
  ResolvedHarborPrivateApp,
  ResolvedMember,
  ResolvedProject,
  ResolvedRobot,
  ResolvedRobotStore,
} from './core/resolve';
export { RobotAccess, RobotPermissionSpec } from './core/robot';
export { HarborRoleName } from './core/roles';
export { ResolvedRobotRotation, ResolvedRobotSlot, ResolvedRotationPolicy, RobotSlot } from './core/rotation';
export { SecretValue } from './core/secret-value';
