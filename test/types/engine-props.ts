/**
 * Compile-time tests: each engine's props type rejects the other engine's props. `tsc` (npm test's pretest) checks
 * this file; each `@ts-expect-error` fails the build if the line below it ever compiles, i.e. if a prop of one engine
 * became accepted by the other. Nothing here runs.
 */
import type * as kplus from 'cdk8s-plus-27';
import type { HarborPrivateApp as Cdk8sHarborPrivateApp, HarborPrivateAppProps } from '../../lib/cdk8s';
import { HarborPrivateAppOptions, PullCredentials, SecretStoreRef } from '../../lib/core';
import type { HarborConnection, HarborPrivateAppArgs } from '../../lib/pulumi';

const shared: HarborPrivateAppOptions = {
  registryHost: 'reg.harbor.com',
  project: { name: 'k8s' },
  namespaces: ['kube-system'],
  robot: { name: 'pull', durationDays: 90 },
};

// What both engines honour is accepted by both.
export const cdk8sShared: HarborPrivateAppProps = shared;
export const pulumiShared: HarborPrivateAppArgs = shared;

// cdk8s: its own props compile.
export const cdk8sOwn: HarborPrivateAppProps = {
  ...shared,
  robot: { name: 'pull', rotation: { step: 1 } },
  robotSecrets: { store: SecretStoreRef.cluster('robots'), emitStore: true },
  robotNamePrefix: 'bot$',
  providerConfigName: 'harbor',
};

// Pulumi: its own args compile.
export const pulumiOwn = (connection: HarborConnection): HarborPrivateAppArgs => ({
  ...shared,
  robot: { name: 'pull', durationDays: 30, adopt: true, renewBeforeDays: 5, rotation: { everyDays: 20, trigger: 1 } },
  harborUrl: 'https://harbor.example.com',
  connection,
  preflight: { pull: false },
  configureWorkload: (workload: kplus.Deployment) => workload.exposeViaService({ ports: [{ port: 53 }] }),
  workloads: [{ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'migrate' }, spec: {} }],
});

// cdk8s rejects the Pulumi engine's props.
export const cdk8sRejects: HarborPrivateAppProps[] = [
  // @ts-expect-error rotation on demand is the Pulumi engine's
  { ...shared, robot: { rotation: { trigger: 'now' } } },
  // @ts-expect-error scheduled rotation is the Pulumi engine's
  { ...shared, robot: { rotation: { everyDays: 30 } } },
  // @ts-expect-error renewal at `pulumi up` is the Pulumi engine's
  { ...shared, robot: { durationDays: 30, renewBeforeDays: 5 } },
  // @ts-expect-error taking over an existing robot is the Pulumi engine's
  { ...shared, robot: { adopt: true } },
  // @ts-expect-error Harbor's URL is read by the Pulumi engine only (the YAML engine's is in the ProviderConfig)
  { ...shared, harborUrl: 'https://harbor.example.com' },
  // @ts-expect-error the Harbor connection is the Pulumi engine's
  { ...shared, connection: undefined as unknown as HarborConnection },
  // @ts-expect-error the preflight pull check runs at `pulumi up`
  { ...shared, preflight: { pull: false } },
  // @ts-expect-error the construct takes no delivery: the engines are peers
  { ...shared, delivery: {} },
  // @ts-expect-error the construct's Deployment is `app.workload`: tune it there
  { ...shared, configureWorkload: () => undefined },
  // @ts-expect-error the construct wires its workloads with addWorkload() / addWorkloadsIn()
  { ...shared, workloads: [] },
];

// Pulumi rejects the YAML engine's props.
export const pulumiRejects: HarborPrivateAppArgs[] = [
  // @ts-expect-error the blue/green step is the YAML engine's
  { ...shared, robot: { rotation: { step: 1 } } },
  // @ts-expect-error the robot secret's store is the YAML engine's (External Secrets)
  { ...shared, robotSecrets: { emitStore: true } },
  // @ts-expect-error the Pulumi engine reads the robot's login name from Harbor
  { ...shared, robotNamePrefix: 'bot$' },
  // @ts-expect-error the Crossplane ProviderConfig is the YAML engine's
  { ...shared, providerConfigName: 'harbor' },
  // @ts-expect-error a Harbor login in the program would be stored in the state: use `connection`
  { ...shared, harbor: { username: 'admin', password: 'x' } },
  // @ts-expect-error no cdk8s construct on Pulumi: configureWorkload gets the Deployment, workloads the other objects
  { ...shared, configure: (app: Cdk8sHarborPrivateApp) => app.addWorkload(app) },
  // @ts-expect-error configureWorkload gets the cdk8s-plus-27 Deployment, not the cdk8s construct
  { ...shared, configureWorkload: (app: Cdk8sHarborPrivateApp) => app.addWorkload(app) },
];

// The robot's credentials take no engine options: the store is the cdk8s construct's `robotSecrets`.
// @ts-expect-error fromRobot() takes no options
export const robotStore = PullCredentials.fromRobot({ emitStore: true });
