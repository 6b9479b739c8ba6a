import { Chart, ChartProps } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { HarborGroupType, HarborMember, HarborPrivateApp, HarborRole, SecretStoreRef } from '../../lib/cdk8s';

/** One tenant: a team, its Harbor project, and the namespaces its workloads run in. */
export interface Tenant {
  readonly team: string;
  readonly project: string;
  readonly namespaces: string[];
  readonly image: string;
}

/** The seed's closing point: tenants x namespaces x projects, each namespace pulling only its own project. */
export const TENANTS: readonly Tenant[] = [
  {
    team: 'payments',
    project: 'payments',
    namespaces: ['payments-prod', 'payments-staging'],
    image: 'reg.harbor.com/payments/api:2.3.1',
  },
  { team: 'search', project: 'search', namespaces: ['search'], image: 'reg.harbor.com/search/indexer:0.9.0' },
  {
    team: 'platform',
    project: 'platform-tools',
    namespaces: ['observability'],
    image: 'reg.harbor.com/platform-tools/exporter:1.4.0',
  },
];

/**
 * Several teams, each with a private project, its developers as a group (developer role: push and pull),
 * a pull-only robot, and the pull Secret in each of the team's namespaces, delivered through a store of
 * the team's own.
 */
export class TenantsChart extends Chart {
  public readonly apps: HarborPrivateApp[];

  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, props);
    this.apps = TENANTS.map((t) => {
      const app = new HarborPrivateApp(this, t.team, {
        registryHost: 'reg.harbor.com',
        project: { name: t.project, storageQuotaGb: 50 },
        members: [HarborMember.group(`${t.team}-developers`, HarborRole.DEVELOPER, { type: HarborGroupType.OIDC })],
        robot: { name: `${t.team}-pull`, durationDays: 180 },
        namespaces: t.namespaces,
        pullSecretName: 'harbor-pull',
        // Each tenant's robot secret lives in its own namespace, read by its own store, which only the
        // tenant's namespaces may use: one tenant cannot read another's pull credentials.
        robotSecrets: {
          store: SecretStoreRef.cluster(`harbor-robots-${t.team}`),
          connectionSecretNamespace: `harbor-robots-${t.team}`,
          emitStore: true,
        },
        serviceAccounts: ['default'],
      });
      for (const ns of t.namespaces) {
        // Each team wires its own cdk8s-plus workload; pods use the namespace's default ServiceAccount,
        // which carries the pull Secret, and the app also sets imagePullSecrets on the pod.
        const deployment = new kplus.Deployment(this, `${t.team}-${ns}`, {
          metadata: { name: t.image.split('/').pop()!.split(':')[0], namespace: ns },
          containers: [{ image: t.image, portNumber: 8080, securityContext: { user: 10001, group: 10001 } }],
        });
        app.addWorkload(deployment);
      }
      return app;
    });
  }
}
