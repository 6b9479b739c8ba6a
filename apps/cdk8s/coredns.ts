import { Chart, ChartProps, Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import {
  HarborMember,
  HarborPrivateApp,
  HarborPrivateAppOptions,
  HarborRole,
  HarborWorkloadProps,
} from '../../lib/cdk8s';

/** What both engines take: the shared options and the cdk8s-plus workload. */
export type SharedAppProps = HarborPrivateAppOptions & { readonly workload?: HarborWorkloadProps };

/** The seed's Corefile (CoreDNS 1.2.6, as kubeadm shipped it). */
export const COREFILE = `.:53 {
    errors
    health
    kubernetes cluster.local in-addr.arpa ip6.arpa {
       pods insecure
       upstream
       fallthrough in-addr.arpa ip6.arpa
    }
    prometheus :9153
    proxy . /etc/resolv.conf
    cache 30
    loop
    reload
    loadbalance
}
`;

/** The seed's settings: project `k8s` on `reg.harbor.com`, Secret `registry-secret` in `kube-system`. */
export const SEED = {
  registryHost: 'reg.harbor.com',
  project: 'k8s',
  namespace: 'kube-system',
  pullSecretName: 'registry-secret',
  image: 'reg.harbor.com/k8s/coredns:1.2.6',
  /** The Harbor user the seed adds to the project; guest is the least role that pulls. */
  member: 'k8s-puller',
} as const;

/**
 * The HarborPrivateApp props of the seed's coredns. Shared by the cdk8s chart and the Pulumi program,
 * so both engines deploy the same thing (each adds its own: the chart the robot secret's store).
 */
export function corednsAppProps(scope: Construct): SharedAppProps {
  const config = new kplus.ConfigMap(scope, 'Corefile', {
    metadata: { name: 'coredns', namespace: SEED.namespace },
    data: { Corefile: COREFILE },
  });
  const serviceAccount = new kplus.ServiceAccount(scope, 'ServiceAccount', {
    metadata: { name: 'coredns', namespace: SEED.namespace },
    automountToken: true,
  });
  const role = new kplus.k8s.KubeClusterRole(scope, 'ClusterRole', {
    metadata: { name: 'system:coredns', labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults' } },
    rules: [
      { apiGroups: [''], resources: ['endpoints', 'services', 'pods', 'namespaces'], verbs: ['list', 'watch'] },
      { apiGroups: [''], resources: ['nodes'], verbs: ['get'] },
    ],
  });
  new kplus.k8s.KubeClusterRoleBinding(scope, 'ClusterRoleBinding', {
    metadata: { name: 'system:coredns', labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults' } },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role.name },
    subjects: [{ kind: 'ServiceAccount', name: serviceAccount.name, namespace: SEED.namespace }],
  });

  return {
    registryHost: SEED.registryHost,
    project: { name: SEED.project },
    members: [HarborMember.user(SEED.member, HarborRole.GUEST)],
    robot: { name: 'coredns-pull' },
    namespaces: [SEED.namespace],
    pullSecretName: SEED.pullSecretName,
    workload: {
      metadata: { name: 'coredns', namespace: SEED.namespace, labels: { 'k8s-app': 'kube-dns' } },
      podMetadata: { labels: { 'k8s-app': 'kube-dns' } },
      replicas: 2,
      serviceAccount,
      automountServiceAccountToken: true,
      dns: { policy: kplus.DnsPolicy.DEFAULT },
      securityContext: { ensureNonRoot: false },
      volumes: [],
      containers: [
        {
          name: 'coredns',
          image: SEED.image,
          imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
          args: ['-conf', '/etc/coredns/Corefile'],
          ports: [
            { name: 'dns', number: 53, protocol: kplus.Protocol.UDP },
            { name: 'dns-tcp', number: 53, protocol: kplus.Protocol.TCP },
            { name: 'metrics', number: 9153, protocol: kplus.Protocol.TCP },
          ],
          resources: {
            cpu: { request: kplus.Cpu.millis(100) },
            memory: { request: Size.mebibytes(70), limit: Size.mebibytes(170) },
          },
          securityContext: {
            ensureNonRoot: false,
            readOnlyRootFilesystem: true,
            allowPrivilegeEscalation: false,
            // cdk8s-plus-27's Capability enum has no ALL, and renders its values as CAP_NET_BIND_SERVICE, which
            // containerd would prefix with CAP_ again: write the names Kubernetes documents.
            capabilities: { add: ['NET_BIND_SERVICE' as kplus.Capability], drop: ['ALL' as kplus.Capability] },
          },
          liveness: kplus.Probe.fromHttpGet('/health', {
            port: 8080,
            initialDelaySeconds: Duration.seconds(60),
            timeoutSeconds: Duration.seconds(5),
            failureThreshold: 5,
          }),
          readiness: kplus.Probe.fromHttpGet('/health', { port: 8080, periodSeconds: Duration.seconds(10) }),
          volumeMounts: [
            {
              path: '/etc/coredns',
              readOnly: true,
              volume: kplus.Volume.fromConfigMap(scope, 'ConfigVolume', config, {
                name: 'config-volume',
                items: { Corefile: { path: 'Corefile' } },
              }),
            },
          ],
        },
      ],
    },
  };
}

/** The seed's coredns in kube-system, pulling `reg.harbor.com/k8s/coredns:1.2.6` from the private project `k8s`. */
export class CorednsChart extends Chart {
  public readonly app: HarborPrivateApp;

  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, props);
    this.app = new HarborPrivateApp(this, 'coredns', {
      ...corednsAppProps(this),
      // The robot's secret reaches kube-system through External Secrets; this app also emits the store.
      robotSecrets: { emitStore: true },
    });
    configureCoredns(this.app.workload!);
  }
}

/**
 * What the seed's coredns adds to the app's Deployment: the CriticalAddonsOnly toleration and the kube-dns
 * Service on 53/UDP, 53/TCP and 9153/TCP. Shared with the Pulumi program (apps/pulumi: `configureWorkload`).
 */
export function configureCoredns(deployment: kplus.Deployment): void {
  deployment.scheduling.tolerate(kplus.Node.tainted(kplus.NodeTaintQuery.exists('CriticalAddonsOnly')));
  deployment.exposeViaService({
    name: 'kube-dns',
    ports: [
      { name: 'dns', port: 53, protocol: kplus.Protocol.UDP },
      { name: 'dns-tcp', port: 53, protocol: kplus.Protocol.TCP },
      { name: 'metrics', port: 9153, protocol: kplus.Protocol.TCP },
    ],
  });
}
