/**
 * A second Pulumi baseline, for where the cost goes: a hand-written program that registers exactly what N
 * HarborPrivateApps register (per app a component resource, the four Harbor dynamic resources with the component's
 * very inputs, the robot's login with its registry pull check among them, the pull Secret and the Deployment, with the
 * same parents, dependencies and component outputs), written out directly, without the library: no validation, no cdk8s rendering, no provider
 * choice. bench/pulumi-equivalence.ts checks that it registers the same resources with the same inputs as ours (the
 * provider text aside: a placeholder of the same kind, a plain string).
 *
 * Ours against it is what the library's own code costs; it against the minimal hand-written program
 * (bench/pulumi-baseline-scenario.ts) is what the resources HarborPrivateApp adds cost in Pulumi itself.
 *
 * It imports nothing from lib/ on purpose.
 */
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { BENCH_REGISTRY_HOST, benchApp } from './fixtures';

type App = ReturnType<typeof benchApp>;

/** Stands in for the provider reference's text (a plain string of about its length; mock mode runs no provider). */
export const PROVIDER_TEXT_PLACEHOLDER = `exports.handler = () => provider; // ${'-'.repeat(2450)}`;

class Component extends pulumi.ComponentResource {
  constructor(name: string) {
    super('harbor-private-app:index:HarborPrivateApp', name, {}, {});
  }

  public outputs(outputs: pulumi.Inputs): void {
    this.registerOutputs(outputs);
  }
}

class Dynamic extends pulumi.CustomResource {
  constructor(type: string, name: string, props: pulumi.Inputs, opts: pulumi.CustomResourceOptions) {
    super(`pulumi-nodejs:dynamic/harbor:${type}`, name, { ...props, __provider: PROVIDER_TEXT_PLACEHOLDER }, opts);
  }
}

interface Dyn extends pulumi.CustomResource {
  readonly [output: string]: unknown;
}

/** Declares app `i` with the registrations of HarborPrivateApp; returns the outputs to wait on. */
export function declareSameRegistrationsApp(i: number): Array<pulumi.Output<unknown>> {
  const a = benchApp(i);
  const app = new Component(a.id);
  const harbor = { config: 'bench:harbor', url: `https://${BENCH_REGISTRY_HOST}` };
  const project = declareProject(app, a, harbor);
  const member = declareMember(app, a, harbor, project);
  const robot = declareRobot(app, a, harbor, project, member);
  const login = declareLogin(app, a, harbor, robot);
  const secret = declarePullSecret(app, a, login);
  const deployment = declareDeployment(app, a, secret, login);
  const outputs = {
    robotFullName: login.fullName as pulumi.Output<string>,
    robotSecret: pulumi.secret(login.secret as pulumi.Output<string>),
    projectId: project.projectId as pulumi.Output<number>,
    pullSecretName: pulumi.output(`harbor-${a.project}`),
    namespaces: pulumi.output([a.namespace]),
  };
  app.outputs(outputs);
  return [
    app.urn,
    outputs.projectId,
    outputs.robotSecret,
    outputs.robotFullName,
    member.urn,
    secret.urn,
    deployment.urn,
  ];
}

function declareProject(app: Component, a: App, harbor: object): Dyn {
  const inputs = {
    harbor,
    name: a.project,
    projectId: undefined,
  };
  return new Dynamic('Project', `${a.id}-project`, inputs, { parent: app }) as Dyn;
}

function declareMember(app: Component, a: App, harbor: object, project: Dyn): Dyn {
  const inputs = {
    harbor,
    project: project.name as pulumi.Output<string>,
    kind: 'user',
    entityName: a.member,
    role: 'guest',
  };
  return new Dynamic('ProjectMember', `${a.id}-member-user-${a.member}`, inputs, { parent: app, aliases: [] }) as Dyn;
}

function declareRobot(app: Component, a: App, harbor: object, project: Dyn, member: Dyn): Dyn {
  const inputs = {
    harbor,
    project: project.name as pulumi.Output<string>,
    name: `${a.id}-pull`,
    description: `Pull secret of ${a.id}, managed by harbor-private-app`,
    permissions: [{ kind: 'project', namespace: a.project, access: [{ action: 'pull', resource: 'repository' }] }],
    fullName: undefined,
    secret: undefined,
    expiresAt: undefined,
  };
  const opts = { parent: app, dependsOn: [member], additionalSecretOutputs: ['secret'] };
  return new Dynamic('RobotAccount', `${a.id}-robot`, inputs, opts) as Dyn;
}

function declareLogin(app: Component, a: App, harbor: object, robot: Dyn): Dyn {
  const inputs = {
    robotResourceId: robot.id,
    fullName: robot.fullName as pulumi.Output<string>,
    secret: pulumi.secret(robot.secret as pulumi.Output<string>),
    expiresAt: robot.expiresAt as pulumi.Output<number>,
    pullCheck: { images: [a.image], registryHost: BENCH_REGISTRY_HOST, harbor },
  };
  const opts = { parent: app, additionalSecretOutputs: ['secret'] };
  return new Dynamic('RobotLogin', `${a.id}-robot-login`, inputs, opts) as Dyn;
}

function declarePullSecret(app: Component, a: App, login: Dyn): k8s.core.v1.Secret {
  const name = `harbor-${a.project}`;
  const data = pulumi
    .all([login.fullName as pulumi.Output<string>, login.secret as pulumi.Output<string>])
    .apply(([username, password]) => {
      const auth = Buffer.from(`${username}:${password}`).toString('base64');
      const json = JSON.stringify({ auths: { [BENCH_REGISTRY_HOST]: { username, password, auth } } });
      return { '.dockerconfigjson': Buffer.from(json).toString('base64') };
    });
  const args = { apiVersion: 'v1' as const, kind: 'Secret' as const, metadata: { name, namespace: a.namespace } };
  const typed = { ...args, type: 'kubernetes.io/dockerconfigjson', data: pulumi.secret(data) };
  return new k8s.core.v1.Secret(`${a.id}-${a.namespace}-${name}`, typed, { parent: app });
}

function declareDeployment(app: Component, a: App, secret: k8s.core.v1.Secret, login: Dyn): k8s.apps.v1.Deployment {
  const labels = { 'cdk8s.io/metadata.addr': a.deployment };
  const container = {
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
  };
  const podSpec = {
    automountServiceAccountToken: false,
    containers: [container],
    dnsPolicy: 'ClusterFirst',
    hostNetwork: false,
    imagePullSecrets: [{ name: `harbor-${a.project}` }],
    restartPolicy: 'Always',
    securityContext: { fsGroupChangePolicy: 'Always', runAsNonRoot: true },
    setHostnameAsFQDN: false,
    terminationGracePeriodSeconds: 30,
  };
  const spec = {
    minReadySeconds: 0,
    progressDeadlineSeconds: 600,
    replicas: 2,
    selector: { matchLabels: labels },
    strategy: { rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' }, type: 'RollingUpdate' },
    template: { metadata: { labels }, spec: podSpec },
  };
  const args = {
    apiVersion: 'apps/v1' as const,
    kind: 'Deployment' as const,
    metadata: { name: a.deployment, namespace: a.namespace },
  };
  return new k8s.apps.v1.Deployment(
    `${a.id}-${a.namespace}-${a.deployment}`,
    { ...args, spec },
    { parent: app, dependsOn: [secret, login] },
  );
}
