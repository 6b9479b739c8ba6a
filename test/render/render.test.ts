/**
 * lib/render, the engine-neutral renderer both engines call: the app's own objects for each credential kind, the rule
 * that wires a pod-bearing manifest, and its purity (no cdk8s in the renderer of manifests).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  EngineOptions,
  HarborPrivateAppError,
  PullCredentials,
  SecretStoreRef,
  SecretValue,
  resolveHarborPrivateApp,
} from '../../lib/core';
import { renderAppObjects } from '../../lib/render/app-objects';
import type { KubernetesManifest } from '../../lib/render/manifest';
import { appendPullSecret, wirePodManifest } from '../../lib/render/pod-wiring';

const base: EngineOptions = { registryHost: 'reg.harbor.com:8443', project: { name: 'k8s' }, namespaces: ['a', 'b'] };
const config = (extra: Partial<EngineOptions> = {}) => resolveHarborPrivateApp('app', { ...base, ...extra });
const robotHook = (ns: string): KubernetesManifest => ({ apiVersion: 'x/v1', kind: 'Robot', metadata: { name: ns } });

describe('renderAppObjects: the pull Secret per namespace by credential kind, and the ServiceAccounts', () => {
  test("robot: the engine's hook, once per namespace, in the namespaces' order", () => {
    const asked: string[] = [];
    const { pullSecrets, serviceAccounts } = renderAppObjects(config(), {
      robotPullSecret: (ns) => (asked.push(ns), robotHook(ns)),
    });
    expect(asked).toEqual(['a', 'b']);
    expect(pullSecrets).toEqual([robotHook('a'), robotHook('b')]);
    expect(serviceAccounts).toEqual([]);
  });

  test('literal: a dockerconfigjson Secret keyed by the registry host, port included', () => {
    const password = `pw-${Date.now().toString(36)}`;
    const { pullSecrets } = renderAppObjects(
      config({
        robot: undefined,
        credentials: PullCredentials.fromLiteralUnsafeForLocalClustersOnly({
          username: 'robot$k8s+ci',
          password: SecretValue.unsafePlainText(password),
        }),
      }),
      { robotPullSecret: robotHook },
    );
    expect(pullSecrets.map((s) => [s.kind, s.metadata, s.type])).toEqual([
      ['Secret', { name: 'harbor-k8s', namespace: 'a' }, 'kubernetes.io/dockerconfigjson'],
      ['Secret', { name: 'harbor-k8s', namespace: 'b' }, 'kubernetes.io/dockerconfigjson'],
    ]);
    const json = JSON.parse(
      Buffer.from((pullSecrets[0].data as Record<string, string>)['.dockerconfigjson'], 'base64').toString('utf8'),
    );
    expect(Object.keys(json.auths)).toEqual(['reg.harbor.com:8443']);
    expect(json.auths['reg.harbor.com:8443'].password).toBe(password);
  });

  test("externalStore: the ExternalSecret that builds it from the store's key", () => {
    const { pullSecrets } = renderAppObjects(
      config({
        robot: undefined,
        credentials: PullCredentials.fromExternalStore({
          store: SecretStoreRef.namespaced('vault'),
          key: 'harbor/k8s',
          usernameProperty: 'user',
        }),
      }),
      { robotPullSecret: robotHook },
    );
    expect(pullSecrets).toHaveLength(2);
    expect(pullSecrets[1]).toMatchObject({
      apiVersion: 'external-secrets.io/v1',
      kind: 'ExternalSecret',
      metadata: { name: 'harbor-k8s', namespace: 'b' },
      spec: {
        secretStoreRef: { kind: 'SecretStore', name: 'vault' },
        refreshInterval: '1h',
        target: { name: 'harbor-k8s', template: { type: 'kubernetes.io/dockerconfigjson' } },
        data: [
          { secretKey: 'username', remoteRef: { key: 'harbor/k8s', property: 'user' } },
          { secretKey: 'password', remoteRef: { key: 'harbor/k8s', property: 'password' } },
        ],
      },
    });
  });

  test('an existing Secret: none (it is the user’s own); the ServiceAccounts carry its name', () => {
    const { pullSecrets, serviceAccounts } = renderAppObjects(
      config({ robot: undefined, credentials: PullCredentials.fromExistingSecret('regcred'), serviceAccounts: ['x'] }),
      { robotPullSecret: robotHook },
    );
    expect(pullSecrets).toEqual([]);
    expect(serviceAccounts).toEqual(
      ['a', 'b'].map((namespace) => ({
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: { name: 'x', namespace },
        imagePullSecrets: [{ name: 'regcred' }],
      })),
    );
  });
});

describe('appendPullSecret: after those listed, once', () => {
  test.each<[string, unknown, unknown[] | undefined]>([
    ['no list: a list of one', undefined, [{ name: 's' }]],
    ['an empty list', [], [{ name: 's' }]],
    ['after the listed ones', [{ name: 'a' }, { name: 'b' }], [{ name: 'a' }, { name: 'b' }, { name: 's' }]],
    ['listed already: nothing to change', [{ name: 'a' }, { name: 's' }], undefined],
    ['entries that are no reference are kept', [{}, 'x'], [{}, 'x', { name: 's' }]],
  ])('%s', (_what, listed, expected) => {
    expect(appendPullSecret(listed, 's')).toEqual(expected);
  });
});

describe('wirePodManifest', () => {
  const pod: KubernetesManifest = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'b' },
    spec: { containers: [{ name: 'c', image: 'reg.harbor.com:8443/k8s/app:1' }], imagePullSecrets: [{ name: 'm' }] },
  };

  test('a copy with the pull Secret appended; the object given is not changed', () => {
    const before = JSON.stringify(pod);
    const wired = wirePodManifest(config(), pod, 'workloads[0]');
    expect(JSON.stringify(pod)).toBe(before);
    expect(wired).toEqual({
      ...pod,
      spec: { ...(pod.spec as object), imagePullSecrets: [{ name: 'm' }, { name: 'harbor-k8s' }] },
    });
    expect(wirePodManifest(config(), wired, 'workloads[0]')).toEqual(wired);
  });

  test.each<[string, KubernetesManifest, string]>([
    [
      'a namespace of none of the app',
      { ...pod, metadata: { name: 'p', namespace: 'c' } },
      'workloads[0].metadata.namespace',
    ],
    [
      'the registry without its port',
      { ...pod, spec: { containers: [{ name: 'c', image: 'reg.harbor.com/k8s/app:1' }] } },
      'workloads[0].spec.containers[0].image',
    ],
    ['a kind that runs no pods', { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' } }, 'workloads[0]'],
  ])('refuses %s', (_what, manifest, field) => {
    let error: unknown;
    try {
      wirePodManifest(config(), manifest, 'workloads[0]');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(HarborPrivateAppError);
    expect((error as HarborPrivateAppError).field).toBe(field);
  });
});

test('the renderer of manifests imports no cdk8s (the workload file only the types of cdk8s-plus-27)', () => {
  const dir = join(__dirname, '..', '..', 'lib', 'render');
  for (const file of readdirSync(dir)) {
    const text = readFileSync(join(dir, file), 'utf8');
    const imports = [...text.matchAll(/^import (type )?[^;]*? from '([^']+)';$/gm)].map((m) => [m[1] ?? '', m[2]]);
    const frameworks = imports.filter(([, from]) => /^(cdk8s|constructs|@pulumi)/.test(from));
    expect([file, frameworks]).toEqual([
      file,
      file === 'workload.ts'
        ? [
            ['type ', 'cdk8s-plus-27'],
            ['type ', 'constructs'],
          ]
        : [],
    ]);
  }
});
