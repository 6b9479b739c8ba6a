import { dockerConfigJsonTemplate, type TemplateValue } from '../core/docker-config';
import type { SecretStoreRef } from '../core/credentials';
import type { KubernetesManifest } from './manifest';

/** External Secrets Operator API version the package writes (checked against ESO's CRDs by the tests). */
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

/** The `ExternalSecret` that builds a `kubernetes.io/dockerconfigjson` pull Secret from `source`. */
export function pullSecretExternalSecret(source: PullSecretSource): KubernetesManifest {
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
  return {
    apiVersion: ESO_API_VERSION,
    kind: 'ExternalSecret',
    metadata: { name: source.name, namespace: source.namespace },
    spec,
  };
}
