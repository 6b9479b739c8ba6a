import { ApiObject, App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { BenchLayout, BENCH_REGISTRY_HOST, benchApp } from './fixtures';

/**
 * The baseline: the Kubernetes objects HarborPrivateApp emits for the bench apps, written by hand with raw
 * cdk8s `ApiObject`s and a cdk8s-plus `Deployment`, as a user of plain cdk8s would: no construct logic, no
 * validation, no defaults resolution, names spelled out. The construct tree mirrors the construct's
 * (`<chart>/<app id>/Workload`); the pods are selected by cdk8s-plus' address label with the Deployment's name as
 * its value, as the construct selects them. The bench checks that both sides synthesize identical YAML.
 *
 * It imports nothing from lib/ on purpose.
 */
export function declareBaselineApps(app: App, n: number, layout: BenchLayout): void {
  const shared = layout === 'one-chart' ? new Chart(app, 'bench') : undefined;
  for (let i = 0; i < n; i++) {
    const a = benchApp(i);
    const chart = shared ?? new Chart(app, a.id);
    const scope = new Construct(chart, a.id);
    const providerConfigRef = { name: 'default' };
    const robot = `${a.id}-pull`;
    const robotFullName = `robot$${a.project}+${robot}`;
    const connectionSecret = `${a.project}-${robot}-robot`;
    const pullSecret = `harbor-${a.project}`;

    new ApiObject(scope, 'Project', {
      apiVersion: 'project.harbor.crossplane.io/v1alpha1',
      kind: 'Project',
      metadata: { name: a.project },
      spec: {
        providerConfigRef,
        forProvider: { name: a.project, public: false, vulnerabilityScanning: true, forceDestroy: false },
      },
    });
    new ApiObject(scope, 'Member0', {
      apiVersion: 'project.harbor.crossplane.io/v1alpha1',
      kind: 'MemberUser',
      metadata: { name: `${a.project}-user-${a.member}` },
      spec: {
        providerConfigRef,
        forProvider: { projectIdRef: { name: a.project }, userName: a.member, role: 'guest' },
      },
    });
    new ApiObject(scope, 'Robot', {
      apiVersion: 'robotaccount.harbor.crossplane.io/v1alpha1',
      kind: 'RobotAccount',
      metadata: { name: `${a.project}-${robot}` },
      spec: {
        providerConfigRef,
        forProvider: {
          name: robot,
          description: `Pull secret of ${a.id}, managed by harbor-private-app`,
          level: 'project',
          duration: -1,
          permissions: [
            { kind: 'project', namespace: a.project, access: [{ action: 'pull', resource: 'repository' }] },
          ],
        },
        writeConnectionSecretToRef: { name: connectionSecret, namespace: 'harbor-robots' },
      },
    });
    new ApiObject(scope, `PullSecret-${a.namespace}`, {
      apiVersion: 'external-secrets.io/v1',
      kind: 'ExternalSecret',
      metadata: { name: pullSecret, namespace: a.namespace },
      spec: {
        refreshInterval: '1h',
        secretStoreRef: { kind: 'ClusterSecretStore', name: 'harbor-robot-secrets' },
        target: {
          name: pullSecret,
          creationPolicy: 'Owner',
          template: {
            type: 'kubernetes.io/dockerconfigjson',
            engineVersion: 'v2',
            data: {
              '.dockerconfigjson':
                `{"auths":{"${BENCH_REGISTRY_HOST}":{"username":"${robotFullName}","password":{{ .password | toJson }},` +
                `"auth":{{ printf "%s:%s" "${robotFullName}" .password | b64enc | toJson }}}}}`,
            },
          },
        },
        data: [{ secretKey: 'password', remoteRef: { key: connectionSecret, property: 'attribute.secret' } }],
      },
    });
    const deployment = new kplus.Deployment(scope, 'Workload', {
      metadata: { name: a.deployment, namespace: a.namespace },
      containers: [{ image: a.image }],
      dockerRegistryAuth: kplus.Secret.fromSecretName(scope, 'PullSecretRef', pullSecret),
      select: false,
    });
    // The pods are selected by the address label with the Deployment's own name as its value, as the construct does.
    deployment.podMetadata.addLabel(kplus.Pod.ADDRESS_LABEL, a.deployment);
    deployment.select(kplus.LabelSelector.of({ labels: { [kplus.Pod.ADDRESS_LABEL]: a.deployment } }));
  }
}
