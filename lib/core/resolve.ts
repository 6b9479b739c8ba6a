import {
  DEFAULT_CONNECTION_SECRET_NAMESPACE,
  DEFAULT_ROBOT_STORE_NAME,
  PullCredentials,
  SecretStoreRef,
} from './credentials';
import { MEMBER_DEFAULTS, PROJECT_DEFAULTS, ROBOT_DEFAULTS } from './defaults';
import { HarborPrivateAppError } from './errors';
import { httpsFormOf, parseHarborUrl, plainHttpProblem } from './harbor-url';
import { HARBOR_GROUP_TYPE_IDS, HarborGroupType, HarborMember } from './members';
import {
  checkHarborProjectName,
  checkHarborRobotName,
  checkNamespaceName,
  checkObjectName,
  kubernetesNameFor,
  toDnsLabel,
} from './names';
import { EngineOptions, RobotAction, RotationOptions } from './props';
import {
  DEFAULT_ROBOT_NAME_PREFIX,
  HARBOR_ROBOT_STORED_NAME_MAX,
  MAX_ROBOT_DURATION_DAYS,
  RobotPermissionSpec,
  robotFullName,
  robotPermission,
  robotStoredNameLength,
} from './robot';
import {
  ResolvedRobotRotation,
  ResolvedRotationPolicy,
  ROTATION_NAME_RESERVE,
  RobotSlot,
  robotRotation,
  slotRobotName,
} from './rotation';
import { HarborRoleName, isHarborRoleName } from './roles';
import { SecretValue } from './secret-value';
import { goTemplateDelimiterIn } from './template';

/** Harbor's largest storage quota, 1024 TB, in GB (src/lib/quota_storage_limit.go `ValidateQuotaLimit`). */
const MAX_STORAGE_QUOTA_GB = 1024 * 1024;

/** A member with its role checked. */
export interface ResolvedMember {
  /** A Harbor user or a group. */
  readonly kind: 'user' | 'group';
  /** The user's or group's name in Harbor. */
  readonly name: string;
  /** The project role. */
  readonly role: HarborRoleName;
  /** The group type (`ldap`, `internal`, `oidc`), groups only. */
  readonly groupType?: string;
  /** Harbor's numeric group type, groups only. */
  readonly groupTypeId?: number;
  /** The LDAP group DN, LDAP groups only. */
  readonly ldapGroupDn?: string;
  /** Take over an existing member. */
  readonly adopt: boolean;
}

/** The project options with their defaults applied. */
export interface ResolvedProject {
  /** The project name. */
  readonly name: string;
  /** Anyone may pull. */
  readonly public: boolean;
  /** Scan images on push (`auto_scan`). */
  readonly autoScan: boolean;
  /** Harbor's `prevent_vul` (it also blocks never-scanned images). */
  readonly preventVulnerableImages: boolean;
  /** Storage quota in GB, `-1` unlimited; unset: Harbor's default quota, not managed. */
  readonly storageQuotaGb?: number;
  /** Use an existing project: never create, change or delete it. */
  readonly adopt: boolean;
  /** Delete the project's repositories when the project is deleted. */
  readonly forceDestroy: boolean;
}

/** The robot, with its full login name and its single permission. */
export interface ResolvedRobot {
  /** The short name (Harbor's robot name rule checked). */
  readonly name: string;
  /** `<robotNamePrefix><project>+<name>`: the login name the YAML engine writes (Pulumi uses Harbor's answer). */
  readonly fullName: string;
  /** `-1` (never expires) or 1 to `MAX_ROBOT_DURATION_DAYS`. */
  readonly durationDays: number;
  /** The description in Harbor. */
  readonly description: string;
  /** The robot's one project permission. */
  readonly permission: RobotPermissionSpec;
  /** Take over an existing robot of this name, with a new secret (a rotation). */
  readonly adopt: boolean;
  /**
   * The YAML engine's blue/green rotation, when `robot.rotation` is set without `everyDays` or `trigger`: its two
   * robots and the one the pull Secret uses.
   */
  readonly rotation?: ResolvedRobotRotation;
  /**
   * The Pulumi engine's rotation, when `robot.rotation` has `everyDays` or `trigger`.
   * @default - none
   */
  readonly rotationPolicy?: ResolvedRotationPolicy;
  /**
   * `robot.renewBeforeDays` as declared (see `renewalWindowDays` for the window with its default).
   * @default - not declared
   */
  readonly renewBeforeDays?: number;
}

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
const HOST_PORT =
  /^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*|\[[0-9a-f:.]+\])(?::([0-9]{1,5}))?$/;

/**
 * Applies defaults and checks every rule, throwing the first violation as a HarborPrivateAppError
 * that names the field, the value and the fix. Pure: no I/O, no framework.
 *
 * @param appName the construct id / Pulumi resource name (used for defaults and messages)
 */
export function resolveHarborPrivateApp(appName: string, options: EngineOptions): ResolvedHarborPrivateApp {
  const scope = `HarborPrivateApp ${JSON.stringify(appName)}`;
  const fail = (field: string, value: unknown, problem: string, fix: string): never => {
    throw new HarborPrivateAppError({ scope, field, value, problem, fix });
  };
  if (options === null || typeof options !== 'object') {
    fail('props', options, 'is missing', 'pass { registryHost, project: { name }, namespaces: [...] }');
  }

  // Registry host and Harbor URL.
  const registryHost = options.registryHost;
  if (typeof registryHost !== 'string' || registryHost.length === 0) {
    fail(
      'registryHost',
      registryHost,
      'is required',
      'give the host[:port] your image references start with, e.g. "reg.harbor.com"',
    );
  }
  if (registryHost.includes('://') || registryHost.includes('/')) {
    fail(
      'registryHost',
      registryHost,
      'holds a scheme or a path',
      `give the host[:port] only, e.g. ${JSON.stringify(registryHost.replace(/^[a-z]+:\/\//i, '').split('/')[0])}; on Pulumi, harborUrl (or the harborUrl stack configuration key) gives the API URL`,
    );
  }
  if (registryHost !== registryHost.toLowerCase()) {
    fail(
      'registryHost',
      registryHost,
      'has upper-case letters; image references and .dockerconfigjson keys are compared as written',
      `write it in lower case: ${JSON.stringify(registryHost.toLowerCase())}`,
    );
  }
  const hostMatch = HOST_PORT.exec(registryHost);
  if (!hostMatch || (hostMatch[1] !== undefined && (Number(hostMatch[1]) < 1 || Number(hostMatch[1]) > 65535))) {
    fail(
      'registryHost',
      registryHost,
      'is not a host name with an optional port (1-65535)',
      'write it as "host" or "host:port", e.g. "reg.harbor.com" or "harbor.local:8443"',
    );
  }
  const harborUrl = options.harborUrl ?? `https://${registryHost}`;
  const parsed = typeof harborUrl === 'string' ? parseHarborUrl(harborUrl) : ({ fault: 'not-a-url' } as const);
  if (parsed.fault === 'user-info') {
    fail(
      'harborUrl',
      '<URL with user info>',
      'embeds credentials',
      'remove the user:password part; pass credentials through the Harbor connection settings',
    );
  }
  if (parsed.fault === 'query-or-fragment') {
    fail(
      'harborUrl',
      harborUrl,
      'carries a query or fragment, which the Harbor client refuses',
      `give Harbor's base URL only, e.g. ${JSON.stringify(parsed.url.origin)}`,
    );
  }
  const url =
    parsed.fault === undefined
      ? parsed.url
      : fail('harborUrl', harborUrl, 'is not an http(s) URL', 'give Harbor\'s base URL, e.g. "https://reg.harbor.com"');
  const plainHttp = plainHttpProblem(url);
  if (plainHttp) {
    fail(
      'harborUrl',
      harborUrl,
      plainHttp,
      `use ${JSON.stringify(httpsFormOf(url))} (a private CA: harbor.caBundle on the Pulumi engine); plain http:// is allowed only to a loopback host (127.0.0.1, ::1, localhost)`,
    );
  }

  // Project.
  const p = options.project;
  if (!p || typeof p !== 'object') fail('project', p, 'is required', 'pass project: { name: "k8s" }');
  const projectName = checkHarborProjectName('project.name', p.name, scope);
  // Unset: not managed, the project keeps Harbor's default quota.
  const storageQuotaGb = p.storageQuotaGb;
  if (
    storageQuotaGb !== undefined &&
    (typeof storageQuotaGb !== 'number' ||
      !Number.isFinite(storageQuotaGb) ||
      (storageQuotaGb !== -1 && storageQuotaGb <= 0))
  ) {
    fail(
      'project.storageQuotaGb',
      storageQuotaGb,
      'must be -1 (unlimited) or a positive number of GB',
      'use -1 or e.g. 10',
    );
  }
  if (storageQuotaGb !== undefined && storageQuotaGb > MAX_STORAGE_QUOTA_GB) {
    fail(
      'project.storageQuotaGb',
      storageQuotaGb,
      `is above Harbor's largest quota, 1024 TB (${MAX_STORAGE_QUOTA_GB} GB; Harbor answers 400)`,
      `use at most ${MAX_STORAGE_QUOTA_GB}, or -1 (unlimited)`,
    );
  }
  for (const key of ['public', 'autoScan', 'preventVulnerableImages', 'adopt', 'forceDestroy'] as const) {
    if (p[key] !== undefined && typeof p[key] !== 'boolean')
      fail(`project.${key}`, p[key], 'must be a boolean', 'use true or false');
  }
  if (p.adopt && p.forceDestroy) {
    fail(
      'project.forceDestroy',
      true,
      'is set on an adopted project, which this app never deletes',
      'drop forceDestroy, or stop adopting the project',
    );
  }

  // Members.
  const members: ResolvedMember[] = [];
  const seen = new Set<string>();
  (options.members ?? []).forEach((m, i) => {
    const field = `members[${i}]`;
    if (!(m instanceof HarborMember)) {
      fail(
        field,
        m,
        'is not a HarborMember',
        'use HarborMember.user("name", HarborRole.GUEST) or HarborMember.group(...)',
      );
    }
    if (typeof m.name !== 'string' || m.name.trim() === '' || m.name !== m.name.trim()) {
      fail(
        `${field}.name`,
        m.name,
        'must be a non-empty name without surrounding white space',
        'give the Harbor user or group name exactly',
      );
    }
    if (!isHarborRoleName(m.role)) {
      fail(
        `${field}.role`,
        m.role,
        'is not a Harbor role',
        'use HarborRole.PROJECT_ADMIN, MAINTAINER, DEVELOPER, GUEST or LIMITED_GUEST (GUEST is enough to pull)',
      );
    }
    const key = `${m.kind}:${m.name}`;
    if (m.adopt !== undefined && typeof m.adopt !== 'boolean')
      fail(`${field}.adopt`, m.adopt, 'must be a boolean', 'use true or false');
    if (seen.has(key))
      fail(
        `${field}.name`,
        m.name,
        `names the same ${m.kind} twice; Harbor keeps one role per member`,
        'list each member once, with the highest role it needs',
      );
    seen.add(key);
    if (m.kind === 'group') {
      if (m.groupType === undefined || !(m.groupType in HARBOR_GROUP_TYPE_IDS)) {
        fail(`${field}.type`, m.groupType, 'is not a Harbor group type', 'use HarborGroupType.LDAP, INTERNAL or OIDC');
      }
      if (m.ldapGroupDn !== undefined && m.groupType !== HarborGroupType.LDAP) {
        fail(
          `${field}.ldapGroupDn`,
          m.ldapGroupDn,
          'is only meaningful for LDAP groups',
          'drop it, or set type: HarborGroupType.LDAP',
        );
      }
    }
    members.push({
      kind: m.kind,
      name: m.name,
      role: m.role,
      groupType: m.groupType,
      groupTypeId: m.groupType ? HARBOR_GROUP_TYPE_IDS[m.groupType] : undefined,
      ldapGroupDn: m.ldapGroupDn,
      adopt: m.adopt ?? MEMBER_DEFAULTS.adopt,
    });
  });

  // Namespaces.
  const namespaces = options.namespaces;
  if (!Array.isArray(namespaces) || namespaces.length === 0) {
    fail(
      'namespaces',
      namespaces,
      'must list at least one namespace',
      'list the namespaces whose pods pull these images, e.g. ["kube-system"]',
    );
  }
  const nsSeen = new Set<string>();
  namespaces.forEach((ns, i) => {
    checkNamespaceName(`namespaces[${i}]`, ns, scope);
    if (nsSeen.has(ns)) fail(`namespaces[${i}]`, ns, 'is listed twice', 'list each namespace once');
    nsSeen.add(ns);
  });

  // Credentials.
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
    checkDuration('credentials.refreshInterval', ext.refreshInterval ?? '1h', fail);
  }

  // Robot (declared only for the default credentials).
  const robotOpts = options.robot ?? {};
  const robotNamePrefix = options.robotNamePrefix ?? DEFAULT_ROBOT_NAME_PREFIX;
  if (typeof robotNamePrefix !== 'string' || robotNamePrefix.length === 0 || /\s/.test(robotNamePrefix)) {
    fail(
      'robotNamePrefix',
      robotNamePrefix,
      'must be a non-empty prefix without white space',
      'use Harbor\'s robot_name_prefix, "robot$" unless your Harbor changed it',
    );
  }
  if (robotNamePrefix.includes(':')) {
    fail(
      'robotNamePrefix',
      robotNamePrefix,
      'contains ":", which a login name cannot hold (the .dockerconfigjson auth is base64 of "username:password")',
      'use Harbor\'s robot_name_prefix, "robot$" unless your Harbor changed it',
    );
  }
  const delimiter = goTemplateDelimiterIn(robotNamePrefix);
  if (delimiter) {
    fail(
      'robotNamePrefix',
      robotNamePrefix,
      `contains the Go template delimiter "${delimiter}"; the robot's login name is written into the ExternalSecret's template, which External Secrets could then not parse`,
      'use Harbor\'s robot_name_prefix, "robot$" unless your Harbor changed it',
    );
  }
  let robot: ResolvedRobot | undefined;
  let robotStore: ResolvedRobotStore | undefined;
  if (credentials.kind === 'robot') {
    // The default name leaves room for the project in Harbor's stored name, `<project>+<name>`.
    const defaultNameMax = Math.min(200, HARBOR_ROBOT_STORED_NAME_MAX - projectName.length - 1 - '-pull'.length);
    const name = checkHarborRobotName(
      'robot.name',
      robotOpts.name ?? `${toDnsLabel(appName, Math.max(1, defaultNameMax)) || 'app'}-pull`,
      scope,
    );
    const storedLength = robotStoredNameLength(projectName, name);
    if (storedLength > HARBOR_ROBOT_STORED_NAME_MAX) {
      fail(
        'robot.name',
        name,
        `is too long for project ${JSON.stringify(projectName)}: Harbor stores a project robot as "<project>+<name>" in at most ${HARBOR_ROBOT_STORED_NAME_MAX} characters (this one: ${storedLength}) and answers 500 to a longer one`,
        `shorten it to at most ${HARBOR_ROBOT_STORED_NAME_MAX - projectName.length - 1} characters, or the project name`,
      );
    }
    const durationDays = robotOpts.durationDays ?? ROBOT_DEFAULTS.durationDays;
    if (
      typeof durationDays !== 'number' ||
      !Number.isInteger(durationDays) ||
      (durationDays !== -1 && (durationDays < 1 || durationDays > MAX_ROBOT_DURATION_DAYS))
    ) {
      fail(
        'robot.durationDays',
        durationDays,
        durationDays === 0
          ? 'is 0, which Harbor rejects (400)'
          : typeof durationDays === 'number' && durationDays > MAX_ROBOT_DURATION_DAYS
            ? `is above ${MAX_ROBOT_DURATION_DAYS}, the most Harbor takes (it requires a duration below MaxInt32, else 400)`
            : 'must be -1 (never expires) or a whole number of days >= 1',
        'use -1, or e.g. 90 and rotate before it expires',
      );
    }
    const actions = robotOpts.actions ?? [RobotAction.PULL];
    if (!Array.isArray(actions) || actions.length === 0)
      fail('robot.actions', actions, 'must list at least one action', 'use [RobotAction.PULL]');
    actions.forEach((a, i) => {
      if (a !== RobotAction.PULL && a !== RobotAction.PUSH)
        fail(
          `robot.actions[${i}]`,
          a,
          'is not a repository action this construct grants',
          'use RobotAction.PULL (and RobotAction.PUSH with allowPush: true)',
        );
    });
    if (!actions.includes(RobotAction.PULL))
      fail('robot.actions', actions, 'does not include pull, which the pull Secret exists for', 'add RobotAction.PULL');
    const wantsPush = actions.includes(RobotAction.PUSH);
    if (robotOpts.allowPush !== undefined && typeof robotOpts.allowPush !== 'boolean') {
      fail('robot.allowPush', robotOpts.allowPush, 'must be a boolean', 'use true or false');
    }
    if (robotOpts.allowPush === true && !wantsPush) {
      fail(
        'robot.allowPush',
        true,
        `is set but robot.actions ${JSON.stringify(actions)} holds no push, so the robot stays pull-only; allowPush is only the opt-in that lets RobotAction.PUSH through`,
        'add RobotAction.PUSH to robot.actions if this robot must push, or drop allowPush',
      );
    }
    if (wantsPush && robotOpts.allowPush !== true) {
      fail(
        'robot.actions',
        actions,
        'asks for push without the explicit opt-in; a node only ever pulls',
        'remove RobotAction.PUSH, or set robot.allowPush: true if this robot must push',
      );
    }
    const description = robotOpts.description ?? `Pull secret of ${appName}, managed by harbor-private-app`;
    if (typeof description !== 'string' || description.length > 1024)
      fail('robot.description', description, 'must be a string of at most 1024 characters', 'shorten it');
    if (robotOpts.adopt !== undefined && typeof robotOpts.adopt !== 'boolean')
      fail(
        'robot.adopt',
        robotOpts.adopt,
        'must be a boolean',
        'use true (a rotation: see its documentation) or false',
      );
    const renewBeforeDays = robotOpts.renewBeforeDays;
    if (renewBeforeDays !== undefined) {
      if (durationDays === -1) {
        fail(
          'robot.renewBeforeDays',
          renewBeforeDays,
          'is set for a robot that never expires (durationDays -1), so there is nothing to renew',
          'drop renewBeforeDays, or give robot.durationDays a number of days',
        );
      }
      if (typeof renewBeforeDays !== 'number' || !Number.isSafeInteger(renewBeforeDays) || renewBeforeDays < 1) {
        fail(
          'robot.renewBeforeDays',
          renewBeforeDays,
          'must be a whole number of days >= 1',
          `use e.g. ${Math.ceil(durationDays / 3)} (a third of durationDays, the default)`,
        );
      }
      if (renewBeforeDays >= durationDays) {
        fail(
          'robot.renewBeforeDays',
          renewBeforeDays,
          `is not less than durationDays (${durationDays}), so every "pulumi up" would renew the robot`,
          `use fewer days than ${durationDays}, e.g. ${Math.ceil(durationDays / 3)} (the default)`,
        );
      }
    }
    let rotation: ResolvedRobotRotation | undefined;
    let rotationPolicy: ResolvedRotationPolicy | undefined;
    if (robotOpts.rotation !== undefined) {
      const ro = robotOpts.rotation;
      if (ro === null || typeof ro !== 'object' || Array.isArray(ro)) {
        fail(
          'robot.rotation',
          ro,
          'must be an object',
          'use rotation: { step: 0 } to start rotating on the YAML engine, rotation: { trigger: "..." } and/or { everyDays: 30 } on the Pulumi engine',
        );
      }
      rotationPolicy = resolveRotationPolicy(ro, name, projectName, fail);
    }
    if (robotOpts.rotation !== undefined && rotationPolicy === undefined) {
      const ro = robotOpts.rotation;
      const step = ro.step ?? 0;
      if (typeof step !== 'number' || !Number.isSafeInteger(step) || step < 0) {
        fail(
          'robot.rotation.step',
          step,
          'must be a whole number >= 0',
          'start at 0 and raise it by one per reviewed change (odd: the pull Secret moves to the other robot; even: the robot it left is replaced)',
        );
      }
      // The longest name a slot will take within the next steps: `<name>-green-<generation>`.
      const longest = slotRobotName(name, RobotSlot.GREEN, Math.floor(step / 4) + 1);
      const longestStored = robotStoredNameLength(projectName, longest);
      if (longestStored > HARBOR_ROBOT_STORED_NAME_MAX) {
        fail(
          'robot.name',
          name,
          `is too long to rotate: its robots are named "<name>-<blue|green>-<generation>", which Harbor stores as "<project>+<name>" (e.g. ${longestStored} characters), and Harbor allows ${HARBOR_ROBOT_STORED_NAME_MAX}`,
          `shorten it to at most ${HARBOR_ROBOT_STORED_NAME_MAX - (longestStored - name.length)} characters`,
        );
      }
      rotation = robotRotation(step, name, robotNamePrefix, projectName);
    }
    robot = {
      name,
      fullName: robotFullName(robotNamePrefix, projectName, name),
      durationDays,
      description,
      permission: robotPermission(projectName, wantsPush),
      adopt: robotOpts.adopt ?? ROBOT_DEFAULTS.adopt,
      ...(rotation ? { rotation } : {}),
      ...(rotationPolicy ? { rotationPolicy } : {}),
      ...(renewBeforeDays !== undefined ? { renewBeforeDays } : {}),
    };
    const ro = options.robotSecrets ?? {};
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
    robotStore = {
      store,
      emitStore: ro.emitStore ?? false,
      connectionSecretNamespace,
      refreshInterval: checkDuration('robotSecrets.refreshInterval', ro.refreshInterval ?? '1h', fail),
    };
    const robotNames = rotation ? rotation.slots.map((sl) => sl.name) : [name];
    if (
      namespaces.includes(connectionSecretNamespace) &&
      robotNames.some((n) => pullSecretName === connectionSecretName(projectName, n))
    ) {
      fail(
        'pullSecretName',
        pullSecretName,
        `clashes with the robot's connection Secret in namespace "${connectionSecretNamespace}"`,
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

  // ServiceAccounts.
  const serviceAccounts = options.serviceAccounts ?? [];
  if (!Array.isArray(serviceAccounts))
    fail('serviceAccounts', serviceAccounts, 'must be a list of names', 'e.g. ["default"]');
  const saSeen = new Set<string>();
  serviceAccounts.forEach((sa, i) => {
    checkObjectName(`serviceAccounts[${i}]`, sa, scope);
    if (saSeen.has(sa)) fail(`serviceAccounts[${i}]`, sa, 'is listed twice', 'list each ServiceAccount once');
    saSeen.add(sa);
  });

  return {
    appName,
    registryHost,
    harborUrl: harborUrl.replace(/\/+$/, ''),
    project: {
      name: projectName,
      public: p.public ?? PROJECT_DEFAULTS.public,
      autoScan: p.autoScan ?? PROJECT_DEFAULTS.autoScan,
      preventVulnerableImages: p.preventVulnerableImages ?? PROJECT_DEFAULTS.preventVulnerableImages,
      storageQuotaGb,
      adopt: p.adopt ?? PROJECT_DEFAULTS.adopt,
      forceDestroy: p.forceDestroy ?? PROJECT_DEFAULTS.forceDestroy,
    },
    members,
    robot,
    robotNamePrefix,
    namespaces: [...namespaces],
    pullSecretName,
    credentials,
    robotStore,
    serviceAccounts: [...serviceAccounts],
  };
}

/** The name of the Secret Crossplane writes the robot's connection details to. */
export function connectionSecretName(project: string, robotName: string): string {
  return `${kubernetesNameFor(project, 120)}-${kubernetesNameFor(robotName, 120)}-robot`;
}

function checkDuration(
  field: string,
  value: unknown,
  fail: (f: string, v: unknown, p: string, x: string) => never,
): string {
  if (typeof value !== 'string' || !GO_DURATION.test(value))
    fail(field, value, 'is not a Go duration', 'use e.g. "1h" or "15m"');
  return value;
}

/**
 * The Pulumi engine's rotation policy from `robot.rotation`, or `undefined` when it has neither `everyDays` nor
 * `trigger` (then it is the YAML engine's `step` rotation). Refuses `step` together with either.
 */
function resolveRotationPolicy(
  ro: RotationOptions,
  name: string,
  projectName: string,
  fail: (f: string, v: unknown, p: string, x: string) => never,
): ResolvedRotationPolicy | undefined {
  const { everyDays, trigger } = ro;
  if (everyDays === undefined && trigger === undefined) return undefined;
  if (ro.step !== undefined) {
    fail(
      'robot.rotation',
      ro,
      "mixes step (the YAML engine's rotation, one step per reviewed change) with everyDays or trigger (the Pulumi engine's, a whole rotation per pulumi up)",
      'use step with the cdk8s construct, everyDays and/or trigger with the Pulumi component',
    );
  }
  if (everyDays !== undefined && (typeof everyDays !== 'number' || !Number.isSafeInteger(everyDays) || everyDays < 1)) {
    fail(
      'robot.rotation.everyDays',
      everyDays,
      'must be a whole number of days >= 1',
      'use e.g. 30 to rotate to a new robot once it is 30 days old',
    );
  }
  if (
    trigger !== undefined &&
    !(typeof trigger === 'string' && trigger.length > 0 && trigger.length <= 1024) &&
    !(typeof trigger === 'number' && Number.isFinite(trigger))
  ) {
    fail(
      'robot.rotation.trigger',
      trigger,
      'must be a non-empty string (at most 1024 characters) or a finite number',
      'use e.g. the date you ask for the rotation ("2026-11-30") or a counter (1, 2, 3...): changing it rotates',
    );
  }
  const successorStored = robotStoredNameLength(projectName, name) + ROTATION_NAME_RESERVE;
  if (successorStored > HARBOR_ROBOT_STORED_NAME_MAX) {
    fail(
      'robot.name',
      name,
      `is too long to rotate: its successors are named "<name>-<blue|green>-<generation>", which Harbor stores as "<project>+<name>" (up to ${successorStored} characters), and Harbor allows ${HARBOR_ROBOT_STORED_NAME_MAX}`,
      `shorten it to at most ${HARBOR_ROBOT_STORED_NAME_MAX - (successorStored - name.length)} characters`,
    );
  }
  return {
    ...(everyDays !== undefined ? { everyDays } : {}),
    ...(trigger !== undefined ? { trigger: String(trigger) } : {}),
  };
}
