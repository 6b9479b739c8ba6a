import {
  DEFAULT_CONNECTION_SECRET_NAMESPACE,
  DEFAULT_ROBOT_STORE_NAME,
  PullCredentials,
  SecretStoreRef,
} from './credentials';
import { Fail, failIn } from './errors';
import { checkNamespaceName, checkObjectName, kubernetesNameFor } from './names';
import { EngineOptions, RobotSecretsOptions } from './props';
import { SecretValue } from './secret-value';

/** The robot credential chain of the YAML engine, with its defaults. */
export interface ResolvedRobotStore {
  /** The External Secrets store that reads the robot's connection Secret. */
  readonly store: SecretStoreRef;
  /** Whether the app emits that store. */
  readonly emitStore: boolean;
  /** Where Crossplane writes the robot's connection Secret. */
  readonly connectionSecretNamespace: string;
  /** External Secrets' re-sync period (a Go duration). */
  readonly refreshInterval: string;
}

const GO_DURATION = /^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$/;

/** The pull credentials and the name of the pull Secret they fill. */
export interface ResolvedPullCredentials {
  /** Where the credentials come from (default `PullCredentials.fromRobot()`). */
  readonly credentials: PullCredentials;
  /** The pull Secret's name in each namespace (an existing Secret's own name). */
  readonly pullSecretName: string;
}

/**
 * Checks `credentials` (a PullCredentials; a literal one with a login name and a SecretValue password, an external store
 * one with a store, a key and two distinct properties) and `pullSecretName` (default `harbor-<project>`; an existing
 * Secret's own name).
 */
export function resolvePullCredentials(
  options: Pick<EngineOptions, 'credentials' | 'pullSecretName'>,
  projectName: string,
  scope: string,
): ResolvedPullCredentials {
  const fail = failIn(scope);
  const credentials = options.credentials ?? PullCredentials.fromRobot();
  if (!(credentials instanceof PullCredentials)) {
    fail(
      'credentials',
      credentials,
      'is not a PullCredentials',
      'use PullCredentials.fromRobot(), fromExistingSecret(), fromExternalStore() or fromLiteralUnsafeForLocalClustersOnly()',
    );
  }
  let pullSecretName: string;
  if (credentials.kind === 'existingSecret') {
    const existing = checkObjectName('credentials.existingSecretName', credentials.existingSecretName, scope);
    if (options.pullSecretName !== undefined && options.pullSecretName !== existing) {
      fail(
        'pullSecretName',
        options.pullSecretName,
        `differs from the existing Secret "${existing}" the credentials name`,
        "drop pullSecretName: the existing Secret's name is used",
      );
    }
    pullSecretName = existing;
  } else {
    pullSecretName = checkObjectName(
      'pullSecretName',
      options.pullSecretName ?? `harbor-${kubernetesNameFor(projectName, 240)}`,
      scope,
    );
  }
  if (credentials.kind === 'literal') {
    const lit = credentials.literal!;
    if (!lit || typeof lit.username !== 'string' || lit.username.length === 0) {
      fail('credentials.username', lit?.username, 'is empty', "give the robot's full name or the user name");
    }
    if (lit.username.includes(':') || /\s/.test(lit.username)) {
      fail(
        'credentials.username',
        lit.username,
        'contains ":" or white space, which the .dockerconfigjson auth (base64 of "username:password") cannot carry',
        'give the login name exactly, e.g. the robot\'s full name "robot$k8s+ci"',
      );
    }
    if (!(lit.password instanceof SecretValue)) {
      fail(
        'credentials.password',
        lit.password,
        'is not a SecretValue: a password typed as a plain string is not an explicit opt-in to a literal credential',
        'wrap it: SecretValue.unsafePlainText(...) or SecretValue.fromEnv("VAR")',
      );
    }
  }
  if (credentials.kind === 'externalStore') {
    const ext = credentials.externalStore!;
    if (!ext || !(ext.store instanceof SecretStoreRef)) {
      fail(
        'credentials.store',
        ext?.store,
        'is not a SecretStoreRef',
        'use SecretStoreRef.cluster("name") or SecretStoreRef.namespaced("name")',
      );
    }
    checkObjectName('credentials.store.name', ext.store.name, scope);
    if (typeof ext.key !== 'string' || ext.key.length === 0)
      fail('credentials.key', ext.key, 'is empty', 'give the key of the secret in the store');
    for (const prop of ['usernameProperty', 'passwordProperty'] as const) {
      const v = ext[prop];
      if (v !== undefined && (typeof v !== 'string' || v.length === 0))
        fail(
          `credentials.${prop}`,
          v,
          'is empty',
          `give the property of key "${ext.key}" that holds the ${prop === 'usernameProperty' ? 'username' : 'password'}, or leave it out`,
        );
    }
    if ((ext.usernameProperty ?? 'username') === (ext.passwordProperty ?? 'password')) {
      fail(
        'credentials.passwordProperty',
        ext.passwordProperty ?? 'password',
        'is the same property as usernameProperty, so the username would be the password',
        'name the two properties of the key that hold the username and the password',
      );
    }
    checkGoDuration('credentials.refreshInterval', ext.refreshInterval ?? '1h', fail);
  }
  return { credentials, pullSecretName };
}

/**
 * Checks how the robot's secret reaches the namespaces on the YAML engine (`robotSecrets`) and applies the defaults:
 * the ClusterSecretStore `DEFAULT_ROBOT_STORE_NAME`, the connection Secret in `DEFAULT_CONNECTION_SECRET_NAMESPACE`,
 * a re-sync every hour.
 */
export function resolveRobotStore(given: RobotSecretsOptions | undefined, scope: string): ResolvedRobotStore {
  const fail = failIn(scope);
  const ro = given ?? {};
  const store = ro.store ?? SecretStoreRef.cluster(DEFAULT_ROBOT_STORE_NAME);
  if (!(store instanceof SecretStoreRef))
    fail('robotSecrets.store', store, 'is not a SecretStoreRef', 'use SecretStoreRef.cluster("name")');
  checkObjectName('robotSecrets.store.name', store.name, scope);
  const connectionSecretNamespace = checkNamespaceName(
    'robotSecrets.connectionSecretNamespace',
    ro.connectionSecretNamespace ?? DEFAULT_CONNECTION_SECRET_NAMESPACE,
    scope,
  );
  if (ro.emitStore && store.kind !== 'ClusterSecretStore') {
    fail(
      'robotSecrets.emitStore',
      true,
      'emits a ClusterSecretStore but the store named is a namespaced SecretStore',
      'use SecretStoreRef.cluster(...) with emitStore, or emit your SecretStore yourself',
    );
  }
  return {
    store,
    emitStore: ro.emitStore ?? false,
    connectionSecretNamespace,
    refreshInterval: checkGoDuration('robotSecrets.refreshInterval', ro.refreshInterval ?? '1h', fail),
  };
}

/** The name of the Secret Crossplane writes the robot's connection details to. */
export function connectionSecretName(project: string, robotName: string): string {
  return `${kubernetesNameFor(project, 120)}-${kubernetesNameFor(robotName, 120)}-robot`;
}

/** Checks that `value` is a Go duration (`1h`, `15m`, `1h30m`). */
export function checkGoDuration(field: string, value: unknown, fail: Fail): string {
  if (typeof value !== 'string' || !GO_DURATION.test(value))
    fail(field, value, 'is not a Go duration', 'use e.g. "1h" or "15m"');
  return value;
}
