import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { dockerConfigJsonTemplate, type TemplateValue } from '../core/docker-config';
import type { SecretStoreRef } from '../core/credentials';

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

/** What differs between the `ExternalSecret`s that build an app's pull Secret. */
export interface PullSecretSource {
  /** The pull Secret's name. */
  readonly name: string;
  readonly namespace: string;
  /** The registry host the `.dockerconfigjson` is for. */
  readonly registryHost: string;
  /** The store the values come from. */
  readonly store: Pick<SecretStoreRef, 'kind' | 'name'>;
  readonly refreshInterval: string;
  /** The user name: a literal, or a template variable that `data` fills. The password is always `.password`. */
  readonly username: TemplateValue;
  /** The values read from the store (`password`, and `username` when it is a variable). */
  readonly data: ExternalSecretSpec['data'];
}

/** Emits the `ExternalSecret` that builds a `kubernetes.io/dockerconfigjson` pull Secret from `source`. */
export function pullSecretExternalSecret(scope: Construct, id: string, source: PullSecretSource): ApiObject {
  const spec: ExternalSecretSpec = {
    refreshInterval: source.refreshInterval,
    secretStoreRef: { kind: source.store.kind, name: source.store.name },
    target: {
      name: source.name,
      creationPolicy: 'Owner',
      template: {
        type: 'kubernetes.io/dockerconfigjson',
        engineVersion: 'v2',
        data: {
          '.dockerconfigjson': dockerConfigJsonTemplate(source.registryHost, source.username, { variable: 'password' }),
        },
      },
    },
    data: source.data,
  };
  return new ApiObject(scope, id, {
    apiVersion: ESO_API_VERSION,
    kind: 'ExternalSecret',
    metadata: { name: source.name, namespace: source.namespace },
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
