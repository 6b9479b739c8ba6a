import { PullCredentials } from './credentials';
import { failIn } from './errors';
import { EngineOptions } from './props';
import {
  connectionSecretName,
  ResolvedRobotStore,
  resolvePullCredentials,
  resolveRobotStore,
} from './resolve-credentials';
import { ResolvedMember, resolveMembers } from './resolve-members';
import { resolveNamespaces, resolveServiceAccounts } from './resolve-namespaces';
import { ResolvedProject, resolveProject } from './resolve-project';
import { resolveRegistry } from './resolve-registry';
import { ResolvedRobot, resolveRobot, resolveRobotNamePrefix } from './resolve-robot';

export { connectionSecretName } from './resolve-credentials';
export type { ResolvedRobotStore } from './resolve-credentials';
export type { ResolvedMember } from './resolve-members';
export type { ResolvedProject } from './resolve-project';
export type { ResolvedRobot } from './resolve-robot';

/** The props of either engine with every default applied and every rule checked. */
export interface ResolvedHarborPrivateApp {
  /** The construct id / Pulumi resource name. */
  readonly appName: string;
  /** `host[:port]` as in image references. */
  readonly registryHost: string;
  /** Harbor's base URL, without a trailing slash. */
  readonly harborUrl: string;
  /** The project, with its defaults. */
  readonly project: ResolvedProject;
  /** The members, roles checked, in the order given. */
  readonly members: readonly ResolvedMember[];
  /** Declared only with `PullCredentials.fromRobot()` (the default). */
  readonly robot?: ResolvedRobot;
  /** Harbor's `robot_name_prefix`. */
  readonly robotNamePrefix: string;
  /** The namespaces that get the pull Secret. */
  readonly namespaces: readonly string[];
  /** The pull Secret's name in each namespace. */
  readonly pullSecretName: string;
  /** Where the credentials come from. */
  readonly credentials: PullCredentials;
  /** Defaults of the robot credential chain, resolved (kind `robot`). */
  readonly robotStore?: ResolvedRobotStore;
  /** ServiceAccounts emitted in every namespace with the pull Secret. */
  readonly serviceAccounts: readonly string[];
}

/**
 * Applies defaults and checks every rule, throwing the first violation as a HarborPrivateAppError
 * that names the field, the value and the fix. Pure: no I/O, no framework.
 *
 * The parts are checked in this order, each by its own resolver: the registry host and Harbor URL, the project, the
 * members, the namespaces, the credentials and the pull Secret's name, the robot name prefix, the robot and its
 * credential chain (default credentials only), the ServiceAccounts.
 *
 * @param appName the construct id / Pulumi resource name (used for defaults and messages)
 */
export function resolveHarborPrivateApp(appName: string, options: EngineOptions): ResolvedHarborPrivateApp {
  const scope = `HarborPrivateApp ${JSON.stringify(appName)}`;
  const fail = failIn(scope);
  if (options === null || typeof options !== 'object') {
    fail('props', options, 'is missing', 'pass { registryHost, project: { name }, namespaces: [...] }');
  }
  const { registryHost, harborUrl } = resolveRegistry(options, scope);
  const project = resolveProject(options.project, scope);
  const members = resolveMembers(options.members, scope);
  const namespaces = resolveNamespaces(options.namespaces, scope);
  const { credentials, pullSecretName } = resolvePullCredentials(options, project.name, scope);
  const robotNamePrefix = resolveRobotNamePrefix(options.robotNamePrefix, scope);

  // The robot and its credential chain, declared only for the default credentials.
  let robot: ResolvedRobot | undefined;
  let robotStore: ResolvedRobotStore | undefined;
  if (credentials.kind === 'robot') {
    robot = resolveRobot(options.robot ?? {}, appName, project.name, robotNamePrefix, scope);
    robotStore = resolveRobotStore(options.robotSecrets, scope);
    const robotNames = robot.rotation ? robot.rotation.slots.map((sl) => sl.name) : [robot.name];
    if (
      namespaces.includes(robotStore.connectionSecretNamespace) &&
      robotNames.some((n) => pullSecretName === connectionSecretName(project.name, n))
    ) {
      fail(
        'pullSecretName',
        pullSecretName,
        `clashes with the robot's connection Secret in namespace "${robotStore.connectionSecretNamespace}"`,
        'choose another pullSecretName',
      );
    }
  } else if (options.robot !== undefined) {
    fail(
      'robot',
      options.robot,
      `is set but credentials come from ${credentials.kind}, so no robot is declared`,
      'drop robot, or use PullCredentials.fromRobot()',
    );
  }
  if (credentials.kind !== 'robot' && options.robotSecrets !== undefined) {
    fail(
      'robotSecrets',
      options.robotSecrets,
      `is set but credentials come from ${credentials.kind}, so there is no robot secret to deliver`,
      'drop robotSecrets, or use PullCredentials.fromRobot()',
    );
  }
  const serviceAccounts = resolveServiceAccounts(options.serviceAccounts, scope);

  return {
    appName,
    registryHost,
    harborUrl,
    project,
    members,
    robot,
    robotNamePrefix,
    namespaces,
    pullSecretName,
    credentials,
    robotStore,
    serviceAccounts,
  };
}
