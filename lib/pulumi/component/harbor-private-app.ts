import * as pulumi from '@pulumi/pulumi';
import {
  HarborMember,
  HarborProjectOptions,
  kubernetesNameFor,
  renewalWindowDays,
  ResolvedHarborPrivateApp,
  ResolvedMember,
} from '../../core';
import { normalisePermissions } from '../../harbor/permissions';
import { HarborLocationArgs } from '../resources/harbor-connection';
import { HarborProjectMember } from '../resources/harbor-member';
import { HarborProject } from '../resources/harbor-project';
import { HarborRobotAccount } from '../resources/harbor-robot';
import { HarborLoginPullCheckArgs, HarborRobotLogin } from '../resources/harbor-robot-login';
import { HarborRobotRotation } from '../resources/harbor-robot-rotation';
import { HarborPrivateAppArgs, RobotArgs } from './args';
import { declareKubernetesObjects } from './kubernetes-declaration';
import { prepareHarborPrivateApp } from './prepare';
import { loginPullCheck } from './preflight';
import { robotLifecycleWarning, robotLifecycleWarnings } from './robot-warnings';

/** The Pulumi type token of the component. */
export const HARBOR_PRIVATE_APP_TYPE = 'harbor-private-app:index:HarborPrivateApp';

/**
 * A private Harbor project, its members with their roles, a pull-only robot account, a
 * `kubernetes.io/dockerconfigjson` Secret in each target namespace holding the robot's credentials (a Pulumi
 * secret), and the workload that pulls with it: the Pulumi engine of harbor-private-app.
 *
 * Harbor objects go through Harbor's REST API (dynamic providers: {@link HarborProject},
 * {@link HarborProjectMember}, {@link HarborRobotAccount}); the robot's full name and secret come from Harbor's create
 * response. The Kubernetes objects are rendered by the same engine-neutral renderer as the cdk8s construct's (the robot's
 * pull Secret aside: a Secret filled from Harbor's answer instead of an ExternalSecret), one Pulumi resource each.
 * Deletion order: workloads, pull Secret, robot, members, project.
 */
export class HarborPrivateApp extends pulumi.ComponentResource {
  /** Every prop with its default applied (from lib/core). */
  public readonly config: ResolvedHarborPrivateApp;
  /** The Harbor project (adopted: read only). */
  public readonly project: HarborProject;
  /** The project members. */
  public readonly members: readonly HarborProjectMember[];
  /** The robot account, with the default credentials (`PullCredentials.fromRobot()`). */
  public readonly robot?: HarborRobotAccount;
  /**
   * The robot's login the pull Secret is built from (known in a preview while the robot is updated in place), which
   * also checks, unless `preflight.pull` is off, that the workloads' images on the app's registry can be pulled with it.
   */
  public readonly robotLogin?: HarborRobotLogin;
  /** The robot's rotation generation, with `robot.rotation` (`trigger`, `everyDays`). */
  public readonly robotRotation?: HarborRobotRotation;
  /**
   * One resource per Kubernetes object, in the order lib/render renders them: the pull Secrets, the ServiceAccounts,
   * the workload's chart (the Deployment and what `configureWorkload` added), then `workloads`.
   */
  public readonly kubernetesObjects: readonly pulumi.CustomResource[];
  /** The robot's login name as Harbor returned it (the literal username with literal credentials; else undefined). */
  public readonly robotFullName: pulumi.Output<string | undefined>;
  /** The robot's secret, a Pulumi secret (undefined without a robot). */
  public readonly robotSecret: pulumi.Output<string | undefined>;
  /** Harbor's numeric project id. */
  public readonly projectId: pulumi.Output<number>;
  /** The pull Secret's name in every namespace. */
  public readonly pullSecretName: pulumi.Output<string>;
  /** The namespaces that have the pull Secret. */
  public readonly namespaces: pulumi.Output<string[]>;

  /**
   * @throws HarborPrivateAppError for any invalid prop, before any resource is registered.
   */
  constructor(name: string, args: HarborPrivateAppArgs, opts: pulumi.ComponentResourceOptions = {}) {
    // Validate and render everything BEFORE registering anything. Each step is a small function of its own: Pulumi
    // formats a stack trace for every output of every resource, and V8 formats a frame in time proportional to the
    // call's offset in its function, so resources are declared from short functions (bench/RESULTS.md, Pulumi).
    const { config, rendered, location, provider, checks } = prepareHarborPrivateApp(name, args);
    const pullCheck = loginPullCheck(checks, rendered.manifests, config.registryHost, location.harbor);
    super(HARBOR_PRIVATE_APP_TYPE, name, {}, opts);
    this.config = config;
    // Harbor: project <- members <- robot <- robot login, with the pull check (deleted in the reverse order).
    this.project = declareProject(this, name, config, location, args.project);
    this.members = declareMembers(this, name, config, location, args.members);
    if (config.robot) {
      this.robotRotation = declareRobotRotation(this, name, config.robot);
      this.robot = declareRobot(this, name, config.robot, location, args.robot);
      this.robotLogin = declareRobotLogin(this, name, this.robot, pullCheck);
      warnAboutRobotExpiry(this, name, config.robot, this.robotLogin);
    }
    this.kubernetesObjects = declareKubernetesObjects(name, {
      parent: this,
      config,
      rendered,
      provider,
      robotLogin: this.robotLogin,
    });

    const literal = config.credentials.kind === 'literal' ? config.credentials.literal : undefined;
    this.robotFullName = this.robotLogin ? this.robotLogin.fullName : pulumi.output(literal?.username);
    this.robotSecret = this.robotLogin ? pulumi.secret(this.robotLogin.secret) : pulumi.output(undefined);
    this.projectId = this.project.projectId;
    this.pullSecretName = pulumi.output(config.pullSecretName);
    this.namespaces = pulumi.output([...config.namespaces]);
    this.registerOutputs({
      robotFullName: this.robotFullName,
      robotSecret: this.robotSecret,
      projectId: this.projectId,
      pullSecretName: this.pullSecretName,
      namespaces: this.namespaces,
    });
  }
}

/**
 * The Harbor project of the app. Its options as the program set them (checked by lib/core): an unset one is not
 * registered, and the provider's check fills in lib/core's default.
 */
function declareProject(
  app: HarborPrivateApp,
  name: string,
  config: ResolvedHarborPrivateApp,
  location: HarborLocationArgs,
  set: HarborProjectOptions,
): HarborProject {
  return new HarborProject(
    `${name}-project`,
    {
      ...location,
      name: config.project.name,
      public: set.public,
      autoScan: set.autoScan,
      preventVulnerableImages: set.preventVulnerableImages,
      storageQuotaGb: set.storageQuotaGb,
      adopt: set.adopt,
      forceDestroy: set.forceDestroy,
    },
    { parent: app },
  );
}

/** The project members of the app, after its project. */
function declareMembers(
  app: HarborPrivateApp,
  name: string,
  config: ResolvedHarborPrivateApp,
  location: HarborLocationArgs,
  set: readonly HarborMember[] | undefined,
): HarborProjectMember[] {
  const memberNames = memberResourceNames(name, config.members);
  // lib/core resolves the members in the order given.
  return config.members.map((m, i) => declareMember(app, memberNames[i], m, location, set?.[i]?.adopt));
}

function declareMember(
  app: HarborPrivateApp,
  resourceName: string,
  m: ResolvedMember,
  location: HarborLocationArgs,
  adopt: boolean | undefined,
): HarborProjectMember {
  return new HarborProjectMember(
    resourceName,
    {
      ...location,
      project: app.project.name,
      kind: m.kind,
      entityName: m.name,
      groupType: m.groupTypeId,
      ldapGroupDn: m.ldapGroupDn,
      role: m.role,
      adopt,
    },
    { parent: app },
  );
}

/** The app's robot account, after its members. */
function declareRobot(
  app: HarborPrivateApp,
  name: string,
  r: NonNullable<ResolvedHarborPrivateApp['robot']>,
  location: HarborLocationArgs,
  set: RobotArgs | undefined,
): HarborRobotAccount {
  return new HarborRobotAccount(
    `${name}-robot`,
    {
      ...location,
      project: app.project.name,
      name: r.name,
      // The description's default names the app: always set. The others as the program set them.
      description: r.description,
      durationDays: set?.durationDays,
      permissions: normalisePermissions([
        { kind: 'project', namespace: r.permission.namespace, access: r.permission.access.map((a) => ({ ...a })) },
      ]),
      adopt: set?.adopt,
      generation: app.robotRotation?.generation,
      renewBeforeDays: renewalWindowDays(r),
    },
    { parent: app, dependsOn: [...app.members] },
  );
}

/**
 * The robot's rotation generation, with `robot.rotation`. The generation lives in this resource's state; a new one
 * replaces the robot (created first, under the next name; the engine deletes the old robot once every other step of
 * the up, the pull Secrets included, is done).
 */
function declareRobotRotation(
  app: HarborPrivateApp,
  name: string,
  r: NonNullable<ResolvedHarborPrivateApp['robot']>,
): HarborRobotRotation | undefined {
  if (!r.rotationPolicy) return undefined;
  return new HarborRobotRotation(
    `${name}-robot-rotation`,
    { trigger: r.rotationPolicy.trigger, everyDays: r.rotationPolicy.everyDays },
    { parent: app },
  );
}

/**
 * Warns about the robot's expiry as this run leaves it: inside its renewal window without a renewal (a preview), or
 * expired. After an up that renewed or rotated the robot, its login holds the new expiry. The expiry alone decides
 * whether to warn; the robot's full name, for the message, is read only then (an `apply` costs Pulumi about 27 promises,
 * an `all` of two outputs with its `apply` about 150: per component, on every run).
 */
function warnAboutRobotExpiry(
  app: HarborPrivateApp,
  name: string,
  r: NonNullable<ResolvedHarborPrivateApp['robot']>,
  login: HarborRobotLogin,
): void {
  const expiry = { durationDays: r.durationDays, renewBeforeDays: renewalWindowDays(r) };
  void login.expiresAt.apply((expiresAt) => {
    const nowMs = Date.now();
    if (robotLifecycleWarning({ ...expiry, expiresAt }, nowMs) === undefined) return;
    const scope = `HarborPrivateApp ${JSON.stringify(name)}`;
    const pullSecretName = app.config.pullSecretName;
    void login.fullName.apply((fullName) => {
      const state = { ...expiry, scope, fullName, expiresAt, pullSecretName };
      for (const warning of robotLifecycleWarnings(state, nowMs)) void pulumi.log.warn(warning, app);
    });
  });
}

/** The robot's login, after the robot: what the pull Secret holds, checked with `pullCheck` when given. */
function declareRobotLogin(
  app: HarborPrivateApp,
  name: string,
  robot: HarborRobotAccount,
  pullCheck: HarborLoginPullCheckArgs | undefined,
): HarborRobotLogin {
  return new HarborRobotLogin(`${name}-robot-login`, { robot, ...(pullCheck ? { pullCheck } : {}) }, { parent: app });
}

/**
 * The resource name of each member: `<app>-member-<kind>-<the member's name as a Kubernetes name>` (lib/core
 * `kubernetesNameFor`: a name that is not a DNS label already gets a hash suffix, so `Alice` and `alice` differ).
 */
function memberResourceNames(app: string, members: readonly ResolvedMember[]): string[] {
  return members.map((m) => `${app}-member-${m.kind}-${kubernetesNameFor(m.name, 100)}`);
}
