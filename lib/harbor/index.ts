/**
 * Harbor REST API v2.0 client (`harbor-private-app/harbor`): projects, members and robot accounts, with the errors it
 * throws and Harbor's list of robot permissions.
 * @packageDocumentation
 */
export { HarborClient } from './client';
export { HarborApiError, HarborApiErrorInit, isHarborApiError } from './errors';
export { HARBOR_ROBOT_ACCESS, HARBOR_ROBOT_ACCESS_ORIGIN } from './robot-access';
export type {
  CreatedRobot,
  HarborArtifact,
  HarborClientOptions,
  HarborLookup,
  HarborMember,
  HarborProject,
  HarborRequestEvent,
  HarborRobot,
  MemberEntity,
  ProjectSpec,
  RobotAccess,
  RobotPermission,
  RobotSpec,
  RobotUpdate,
} from './types';

// What the Pulumi providers and resources use of this folder besides the client: exported for them, not part of the
// package's API (`@internal`: no declaration is emitted, so `harbor-private-app/harbor` does not offer them).
/** @internal */
export { createChecked, createdWithin, repeatHarmlessWrite } from './checked-write';
/** @internal */
export { canonicalHarborUrl, harborEndpointProblem } from './endpoint';
/** @internal */
export { assertAllowedRobotAccess, normalisePermissions, samePermissions } from './permissions';
/** @internal */
export { CONNECTION_TUNING, CONNECTION_TUNING_KEYS, connectionTuningProblem } from './tuning';
