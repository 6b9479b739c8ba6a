/**
 * The Pulumi baseline: the program a platform engineer would write by hand for the same outcome as N HarborPrivateApps,
 * with plain resources and no library. Per app: three custom resources of a Harbor provider package (a project, a
 * user member, a pull-only robot whose `secret` is an additional secret output), a `@pulumi/kubernetes` Secret whose
 * `.dockerconfigjson` is built from the robot's outputs, and the Deployment, written out as a literal: 5 resources.
 *
 * The Harbor resources are declared as the Harbor provider package's generated classes declare them (type token, every
 * schema property a key of the inputs, the package version in the options): the same registration as with the
 * package, without installing it (mock mode calls no provider). The Kubernetes objects are those HarborPrivateApp creates, input for input:
 * bench/pulumi-equivalence.ts checks it.
 *
 * What HarborPrivateApp has on top and this program has not: the component resource per app, the robot's login
 * (`RobotLogin`, which keeps the pull Secret known in a preview while the robot is updated in place), and, where
 * the package has it, the registry pull check between the robot and the workload. A hand-written program does
 * without them, so the baseline does too: their cost is part of what the rows measure.
 *
 * It imports nothing from lib/ on purpose.
 */
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { BENCH_REGISTRY_HOST, benchApp } from './fixtures';

/**
 * A resource of the Harbor provider package, declared as its generated SDK class does: every property of the resource's
 * schema is a key of the registered inputs (unset inputs and outputs as undefined, so each becomes an output property),
 * the package's version in the options. The key lists are those of the community Harbor provider's Node SDK
 * (`harbor:index/project:Project`, `.../projectMemberUser:ProjectMemberUser`, `.../robotAccount:RobotAccount`).
 */
function harborResourceOptions(
  opts: pulumi.CustomResourceOptions | undefined,
  secretOutputs: string[] = [],
): pulumi.CustomResourceOptions {
  const withVersion = pulumi.mergeOptions({ version: HARBOR_PROVIDER_VERSION }, opts);
  return secretOutputs.length
    ? pulumi.mergeOptions(withVersion, { additionalSecretOutputs: secretOutputs })
    : withVersion;
}

/** The provider package version the hand-written program would pin. */
const HARBOR_PROVIDER_VERSION = '3.10.0';

class Project extends pulumi.CustomResource {
  declare public readonly projectId: pulumi.Output<number>;
  declare public readonly name: pulumi.Output<string>;
  constructor(name: string, args: Record<string, pulumi.Input<unknown>>, opts?: pulumi.CustomResourceOptions) {
    const inputs: pulumi.Inputs = {};
    for (const k of [
      'cveAllowlists',
      'deploymentSecurity',
      'enableContentTrust',
      'enableContentTrustCosign',
      'forceDestroy',
      'name',
      'public',
      'registryId',
      'storageQuota',
      'vulnerabilityScanning',
    ])
      inputs[k] = args[k];
    inputs.projectId = undefined;
    super('harbor:index/project:Project', name, inputs, harborResourceOptions(opts));
  }
}

class ProjectMemberUser extends pulumi.CustomResource {
  declare public readonly memberId: pulumi.Output<number>;
  constructor(name: string, args: Record<string, pulumi.Input<unknown>>, opts?: pulumi.CustomResourceOptions) {
    const inputs: pulumi.Inputs = { projectId: args.projectId, role: args.role, userName: args.userName };
    inputs.memberId = undefined;
    super('harbor:index/projectMemberUser:ProjectMemberUser', name, inputs, harborResourceOptions(opts));
  }
}

class RobotAccount extends pulumi.CustomResource {
  declare public readonly fullName: pulumi.Output<string>;
  declare public readonly secret: pulumi.Output<string>;
  constructor(name: string, args: Record<string, pulumi.Input<unknown>>, opts?: pulumi.CustomResourceOptions) {
    const inputs: pulumi.Inputs = {};
    for (const k of ['description', 'disable', 'duration', 'level', 'name', 'permissions']) inputs[k] = args[k];
    inputs.secret = args.secret ? pulumi.secret(args.secret) : undefined;
    inputs.fullName = undefined;
    inputs.robotId = undefined;
    super('harbor:index/robotAccount:RobotAccount', name, inputs, harborResourceOptions(opts, ['secret']));
  }
}

/** The resources of one hand-written app, for the bench to wait on. */
export interface BaselineApp {
  readonly resources: readonly pulumi.CustomResource[];
}

/**
 * Declares app `i` (bench/fixtures.ts) by hand, one short function per resource, as the library declares its own
 * (V8 formats each frame of the stack trace Pulumi takes for every output in time proportional to the call's offset
 * in its function: one long function per app would make this baseline slower than it need be).
 */
export function declareBaselinePulumiApp(i: number): BaselineApp {
  const a = benchApp(i);
  const project = declareProject(a);
  const member = declareMember(a, project);
  const robot = declareRobot(a, project, member);
  const secret = declarePullSecret(a, robot);
  const deployment = declareDeployment(a, secret);
  return { resources: [project, member, robot, secret, deployment] };
}

type App = ReturnType<typeof benchApp>;

function declareProject(a: App): Project {
  return new Project(`${a.id}-project`, {
    name: a.project,
    public: false,
    vulnerabilityScanning: true,
    storageQuota: -1,
    forceDestroy: false,
  });
}

function declareMember(a: App, project: Project): ProjectMemberUser {
  return new ProjectMemberUser(`${a.id}-member-user-${a.member}`, {
    projectId: project.id,
    userName: a.member,
    role: 'guest',
  });
}

function declareRobot(a: App, project: Project, member: ProjectMemberUser): RobotAccount {
  return new RobotAccount(
    `${a.id}-robot`,
    {
      name: `${a.id}-pull`,
      description: `Pull secret of ${a.id}, managed by harbor-private-app`,
      level: 'project',
      duration: -1,
      permissions: [
        { kind: 'project', namespace: project.name, accesses: [{ action: 'pull', resource: 'repository' }] },
      ],
    },
    { dependsOn: [member] },
  );
}

function dockerConfigJson(username: string, password: string): string {
  const auth = Buffer.from(`${username}:${password}`).toString('base64');
  return JSON.stringify({ auths: { [BENCH_REGISTRY_HOST]: { username, password, auth } } });
}

function declarePullSecret(a: App, robot: RobotAccount): k8s.core.v1.Secret {
  const name = `harbor-${a.project}`;
  return new k8s.core.v1.Secret(`${a.id}-${a.namespace}-${name}`, {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace: a.namespace },
    type: 'kubernetes.io/dockerconfigjson',
    data: pulumi.secret(
      pulumi.all([robot.fullName, robot.secret]).apply(([username, password]) => ({
        '.dockerconfigjson': Buffer.from(dockerConfigJson(username, password)).toString('base64'),
      })),
    ),
  });
}

function declareDeployment(a: App, secret: k8s.core.v1.Secret): k8s.apps.v1.Deployment {
  const labels = { 'cdk8s.io/metadata.addr': a.deployment };
  return new k8s.apps.v1.Deployment(
    `${a.id}-${a.namespace}-${a.deployment}`,
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: a.deployment, namespace: a.namespace },
      spec: {
        minReadySeconds: 0,
        progressDeadlineSeconds: 600,
        replicas: 2,
        selector: { matchLabels: labels },
        strategy: { rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' }, type: 'RollingUpdate' },
        template: {
          metadata: { labels },
          spec: {
            automountServiceAccountToken: false,
            containers: [
              {
                image: a.image,
                imagePullPolicy: 'Always',
                name: 'main',
                resources: { limits: { cpu: '1500m', memory: '2048Mi' }, requests: { cpu: '1000m', memory: '512Mi' } },
                securityContext: {
                  allowPrivilegeEscalation: false,
                  privileged: false,
                  readOnlyRootFilesystem: true,
                  runAsNonRoot: true,
                },
              },
            ],
            dnsPolicy: 'ClusterFirst',
            hostNetwork: false,
            imagePullSecrets: [{ name: `harbor-${a.project}` }],
            restartPolicy: 'Always',
            securityContext: { fsGroupChangePolicy: 'Always', runAsNonRoot: true },
            setHostnameAsFQDN: false,
            terminationGracePeriodSeconds: 30,
          },
        },
      },
    },
    { dependsOn: [secret] },
  );
}
