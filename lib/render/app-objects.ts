/**
 * The engine-neutral renderer of an app's own Kubernetes objects: from the resolved props to plain manifests, the same
 * for both engines (the cdk8s construct turns each into an `ApiObject`, the Pulumi component into a resource). Pure:
 * no cdk8s, no Pulumi. Only the robot's pull Secret differs between the engines, so the caller passes it as a hook.
 */
import { dockerConfigJson } from '../core/docker-config';
import type { ResolvedHarborPrivateApp } from '../core/resolve';
import { pullSecretExternalSecret } from './external-secret';
import type { KubernetesManifest } from './manifest';

/** What an engine supplies to the renderer. */
export interface RenderHooks {
  /**
   * The object that provides the robot's pull Secret (`config.pullSecretName`, type `kubernetes.io/dockerconfigjson`)
   * in `namespace`, with `PullCredentials.fromRobot()`: the engine's own delivery of the robot's secret (cdk8s: an
   * External Secrets `ExternalSecret`; Pulumi: a Secret it fills from Harbor's answer).
   */
  readonly robotPullSecret: (namespace: string) => KubernetesManifest;
}

/** An app's own Kubernetes objects, in the order both engines declare them. */
export interface RenderedAppObjects {
  /** The object that provides the pull Secret in each namespace, in the namespaces' order (none for an existing one). */
  readonly pullSecrets: readonly KubernetesManifest[];
  /** The ServiceAccounts that carry the pull Secret, namespace by namespace. */
  readonly serviceAccounts: readonly KubernetesManifest[];
}

/** The pull Secrets and ServiceAccounts of an app. */
export function renderAppObjects(config: ResolvedHarborPrivateApp, hooks: RenderHooks): RenderedAppObjects {
  return {
    pullSecrets: config.namespaces
      .map((ns) => pullSecretManifest(config, ns, hooks))
      .filter((m): m is KubernetesManifest => m !== undefined),
    serviceAccounts: config.namespaces.flatMap((ns) =>
      config.serviceAccounts.map((sa) => serviceAccountManifest(config, ns, sa)),
    ),
  };
}

/**
 * The object that provides the pull Secret in `namespace`, by credential kind: literal, a Secret with its data
 * (base64); externalStore, the `ExternalSecret` that builds it from the store; robot, the engine's hook; an existing
 * Secret, none (it is the user's own).
 */
export function pullSecretManifest(
  config: ResolvedHarborPrivateApp,
  namespace: string,
  hooks: RenderHooks,
): KubernetesManifest | undefined {
  const creds = config.credentials;
  switch (creds.kind) {
    case 'existingSecret':
      return undefined;
    case 'literal': {
      const json = dockerConfigJson(
        config.registryHost,
        creds.literal!.username,
        creds.literal!.password.unsafeUnwrap(),
      );
      return {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: config.pullSecretName, namespace },
        type: 'kubernetes.io/dockerconfigjson',
        data: { '.dockerconfigjson': Buffer.from(json, 'utf8').toString('base64') },
      };
    }
    case 'robot':
      return hooks.robotPullSecret(namespace);
    case 'externalStore': {
      const ext = creds.externalStore!;
      return pullSecretExternalSecret({
        name: config.pullSecretName,
        namespace,
        registryHost: config.registryHost,
        store: ext.store,
        refreshInterval: ext.refreshInterval ?? '1h',
        username: { variable: 'username' },
        data: [
          { secretKey: 'username', remoteRef: { key: ext.key, property: ext.usernameProperty ?? 'username' } },
          { secretKey: 'password', remoteRef: { key: ext.key, property: ext.passwordProperty ?? 'password' } },
        ],
      });
    }
  }
}

/** A ServiceAccount of the app, which carries the pull Secret in `imagePullSecrets`. */
export function serviceAccountManifest(
  config: ResolvedHarborPrivateApp,
  namespace: string,
  name: string,
): KubernetesManifest {
  return {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name, namespace },
    imagePullSecrets: [{ name: config.pullSecretName }],
  };
}
