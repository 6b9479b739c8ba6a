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
