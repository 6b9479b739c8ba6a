import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { ESO_API_VERSION } from '../render/external-secret';

export interface KubernetesClusterSecretStoreSpec {
  /** The namespaces whose ExternalSecrets may use the store. */
  readonly conditions: ReadonlyArray<{ readonly namespaces: readonly string[] }>;
  readonly provider: {
    readonly kubernetes: {
      readonly remoteNamespace: string;
      readonly server: {
        readonly caProvider: {
          readonly type: 'ConfigMap';
          readonly name: string;
          readonly key: string;
          readonly namespace: string;
        };
      };
      readonly auth: { readonly serviceAccount: { readonly name: string; readonly namespace: string } };
    };
  };
}

/** Emits a `ClusterSecretStore` on ESO's `kubernetes` provider. */
export function clusterSecretStore(
  scope: Construct,
  id: string,
  name: string,
  spec: KubernetesClusterSecretStoreSpec,
): ApiObject {
  return new ApiObject(scope, id, {
    apiVersion: ESO_API_VERSION,
    kind: 'ClusterSecretStore',
    metadata: { name },
    spec,
  });
}
