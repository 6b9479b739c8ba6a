// Mirror of the README's cdk8s program (test/readme/readme.test.ts keeps the two equal, then runs this file).
import { App, Chart } from 'cdk8s';
import { HarborMember, HarborPrivateApp, HarborRole, PullCredentials } from '../../../lib/cdk8s';

const app = new App();
const chart = new Chart(app, 'coredns');
new HarborPrivateApp(chart, 'coredns', {
  registryHost: 'reg.harbor.com', // host[:port] exactly as in image references
  project: { name: 'k8s' }, // private by default
  members: [HarborMember.user('k8s-puller', HarborRole.GUEST)],
  robot: { name: 'coredns-pull' }, // pull-only, never expires (durationDays: -1)
  namespaces: ['kube-system'],
  pullSecretName: 'registry-secret',
  credentials: PullCredentials.fromRobot({ emitStore: true }), // also emit the store the ExternalSecret reads
  workload: {
    // a cdk8s-plus-27 Deployment
    metadata: { name: 'coredns' },
    containers: [{ image: 'reg.harbor.com/k8s/coredns:1.2.6' }],
  },
});
app.synth();
