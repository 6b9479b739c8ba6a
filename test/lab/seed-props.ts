import { SEED, SharedAppProps } from '../../apps/cdk8s/coredns';
import { HarborMember, HarborRole } from '../../lib/cdk8s';

/**
 * The seed's HarborPrivateApp props with the lab's registry host in place of reg.harbor.com: project `k8s`, the
 * guest member, robot `coredns-pull`, Secret `registry-secret` in `kube-system`, and coredns `<host>/k8s/coredns:1.2.6`.
 * Shared by the cdk8s and Pulumi stories, so both engines replay the same seed.
 */
export function labSeedProps(registryHost: string): SharedAppProps & { readonly image: string } {
  const image = `${registryHost}/${SEED.project}/coredns:1.2.6`;
  return {
    image,
    registryHost,
    project: { name: SEED.project },
    members: [HarborMember.user(SEED.member, HarborRole.GUEST)],
    robot: { name: 'coredns-pull' },
    namespaces: [SEED.namespace],
    pullSecretName: SEED.pullSecretName,
    workload: { metadata: { name: 'coredns' }, containers: [{ image }] },
  };
}
