// Mirror of the README's Pulumi program (test/readme/readme.test.ts keeps the two equal, then runs this file).
import { HarborMember, HarborPrivateApp, HarborRole } from '../../../lib/pulumi';

// The Harbor login is the stack configuration's (harborUrl, harborUsername, harborPassword): see "Operating it".
const app = new HarborPrivateApp('coredns', {
  registryHost: 'reg.harbor.com',
  project: { name: 'k8s' },
  members: [HarborMember.user('k8s-puller', HarborRole.GUEST)],
  robot: { name: 'coredns-pull' },
  namespaces: ['kube-system'],
  pullSecretName: 'registry-secret',
  workload: {
    metadata: { name: 'coredns' },
    containers: [{ image: 'reg.harbor.com/k8s/coredns:1.2.6', ports: [{ number: 53 }] }],
  },
  // connection: HarborConnection.fromConfig('harborStaging'),  // another Harbor: keys harborStagingUrl, ...
  // provider: myK8sProvider,                                    // optional, for the Kubernetes objects
  configure: (cdk8sApp) => cdk8sApp.workload!.exposeViaService({ ports: [{ port: 53 }] }), // optional: more objects
});
export const robotFullName = app.robotFullName; // e.g. robot$k8s+coredns-pull, as Harbor returned it
export const robotSecret = app.robotSecret; // a secret output
