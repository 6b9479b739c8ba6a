import { App, Chart } from 'cdk8s';
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { configureCoredns, corednsAppProps } from '../cdk8s/coredns';
import { HarborConnection, HarborPrivateApp, kubernetesResources } from '../../lib/pulumi';

/** What the seed's coredns needs besides its props: the Harbor connection and, optionally, a Kubernetes provider. */
export interface CorednsStackArgs {
  /**
   * Where Harbor is and which stack configuration keys hold its login.
   * @default HarborConnection.fromConfig()
   */
  readonly connection?: HarborConnection;
  /**
   * The Kubernetes provider.
   * @default - the default provider
   */
  readonly provider?: k8s.Provider;
}

/** The seed's coredns deployed by Pulumi. */
export interface CorednsStack {
  /** Harbor project, member, robot, pull Secret and the coredns Deployment and Service. */
  readonly app: HarborPrivateApp;
  /** The Corefile ConfigMap, the ServiceAccount and its RBAC (what corednsAppProps declares beside the app). */
  readonly base: readonly pulumi.CustomResource[];
}

/**
 * The seed's coredns with the same props as the cdk8s app (`corednsAppProps`), so both engines deploy the same
 * objects: the cdk8s-plus objects corednsAppProps declares on its scope (a scratch chart here) become Pulumi
 * resources, and HarborPrivateApp creates the Harbor objects through Harbor's API and the rest.
 */
export function corednsStack(args: CorednsStackArgs = {}): CorednsStack {
  const scratch = new Chart(new App(), 'coredns', { disableResourceNameHashes: true });
  const props = corednsAppProps(scratch);
  const base = kubernetesResources('coredns-base', scratch.toJson(), args.provider ? { provider: args.provider } : {});
  const app = new HarborPrivateApp(
    'coredns',
    { ...props, connection: args.connection, provider: args.provider, configureWorkload: configureCoredns },
    { dependsOn: [...base] },
  );
  return { app, base };
}
