// Mirror of the README's cdk8s program (test/readme/readme.test.ts keeps the two equal, then runs this file).
import { App, Chart, ChartProps } from 'cdk8s';
import { Deployment } from 'cdk8s-plus-33';
import { Construct } from 'constructs';
import { HarborMember, HarborPrivateApp, HarborRole } from '../../../lib/cdk8s';

export class MyChart extends Chart {
  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, props);
    const harbor = new HarborPrivateApp(this, 'coredns', {
      registryHost: 'reg.harbor.com', // host[:port] exactly as in image references
      project: { name: 'k8s' }, // private by default
      members: [HarborMember.user('k8s-puller', HarborRole.GUEST)],
      robot: { name: 'coredns-pull' }, // pull-only, never expires (durationDays: -1)
      namespaces: ['kube-system'],
      pullSecretName: 'registry-secret',
      robotSecrets: { emitStore: true }, // also emit the store the ExternalSecret reads
    });
    // Any workload: of your cdk8s-plus-NN, a KubeDeployment of ./imports/k8s, an Include of existing YAML...
    const coredns = new Deployment(this, 'Deployment', {
      metadata: { name: 'coredns', namespace: 'kube-system' },
      containers: [{ image: 'reg.harbor.com/k8s/coredns:1.2.6' }],
    });
    harbor.addWorkload(coredns); // imagePullSecrets through a JSON patch; its images checked now and at synthesis
  }
}

const app = new App();
new MyChart(app, 'coredns');
app.synth();
