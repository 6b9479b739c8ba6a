import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';

/** External Secrets Operator API version this construct emits (checked against ESO's CRDs by the tests). */
export const ESO_API_VERSION = 'external-secrets.io/v1';

export interface ExternalSecretSpec {
  readonly refreshInterval: string;
  readonly secretStoreRef: { readonly kind: 'ClusterSecretStore' | 'SecretStore'; readonly name: string };
  readonly target: {
    readonly name: string;
    readonly creationPolicy: 'Owner';
    readonly template: {
      readonly type: 'kubernetes.io/dockerconfigjson';
      readonly engineVersion: 'v2';
      readonly metadata?: { readonly labels?: Record<string, string> };
      readonly data: { readonly '.dockerconfigjson': string };
    };
  };
  readonly data: ReadonlyArray<{
    readonly secretKey: string;
    readonly remoteRef: { readonly key: string; readonly property: string };
  }>;
}

/** Emits an `ExternalSecret` that produces a `kubernetes.io/dockerconfigjson` Secret. */
export function externalSecret(
  scope: Construct,
  id: string,
  name: string,
  namespace: string,
  spec: ExternalSecretSpec,
  labels?: Record<string, string>,
): ApiObject {
  return new ApiObject(scope, id, {
    apiVersion: ESO_API_VERSION,
    kind: 'ExternalSecret',
    metadata: { name, namespace, labels },
    spec,
  });
}

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
