import { HarborPrivateAppError, parseImageReference, registryHostDifference } from '../../lib/core';
import { imageRepository, parseRegistryKey, registryKeyMatches } from '../../lib/lint/registry-keys';

describe('parseImageReference', () => {
  test.each([
    [
      'reg.harbor.com/k8s/coredns:1.2.6',
      { host: 'reg.harbor.com', path: 'k8s/coredns', tag: '1.2.6', digest: undefined },
    ],
    [
      'harbor.local:8443/team/sub/app:v1',
      { host: 'harbor.local:8443', path: 'team/sub/app', tag: 'v1', digest: undefined },
    ],
    ['localhost/k8s/app', { host: 'localhost', path: 'k8s/app', tag: undefined, digest: undefined }],
    ['127.0.0.1:5000/k8s/coredns', { host: '127.0.0.1:5000', path: 'k8s/coredns', tag: undefined, digest: undefined }],
    ['nginx', { host: 'docker.io', path: 'library/nginx', tag: undefined, digest: undefined }],
    ['nginx:1.25', { host: 'docker.io', path: 'library/nginx', tag: '1.25', digest: undefined }],
    ['bitnami/redis:7', { host: 'docker.io', path: 'bitnami/redis', tag: '7', digest: undefined }],
    [
      `reg.harbor.com/k8s/coredns@sha256:${'a'.repeat(64)}`,
      { host: 'reg.harbor.com', path: 'k8s/coredns', tag: undefined, digest: `sha256:${'a'.repeat(64)}` },
    ],
    [
      `reg.harbor.com/k8s/coredns:1.2.6@sha256:${'b'.repeat(64)}`,
      { host: 'reg.harbor.com', path: 'k8s/coredns', tag: '1.2.6', digest: `sha256:${'b'.repeat(64)}` },
    ],
  ])('%s', (image, expected) => {
    expect(parseImageReference(image)).toEqual(expected);
  });

  test.each([
    ['', 'is not an image reference'],
    [' reg.harbor.com/k8s/coredns', 'white space'],
    ['reg.harbor.com/K8s/coredns', 'repository path'],
    ['reg.harbor.com/k8s/coredns:', 'malformed tag'],
    ['reg.harbor.com/k8s/coredns@sha256:short', 'malformed digest'],
    ['reg.harbor.com//coredns', 'repository path'],
  ])('rejects %j naming the value and the fix', (image, problem) => {
    const e = (() => {
      try {
        parseImageReference(image, 'workload.containers[0].image');
      } catch (err) {
        return err;
      }
      return undefined;
    })();
    expect(e).toBeInstanceOf(HarborPrivateAppError);
    expect((e as Error).message).toContain('workload.containers[0].image');
    expect((e as Error).message).toContain(JSON.stringify(image));
    expect((e as Error).message).toContain(problem);
    expect((e as Error).message).toContain('Fix:');
  });
});

describe('registryHostDifference: kubelet sends a pull Secret keyed by the registry host only to that host, exactly', () => {
  test.each([
    ['reg.harbor.com', 'reg.harbor.com', undefined],
    ['harbor.local:8443', 'harbor.local:8443', undefined],
    ['Reg.Harbor.com', 'reg.harbor.com', 'case'],
    ['harbor.local', 'harbor.local:8443', 'port'],
    ['HARBOR.local:5000', 'harbor.local:8443', 'port'],
    ['[::1]:5000', '[::1]:8443', 'port'],
    ['[::1]:5000', '[::1]:5000', undefined],
    ['quay.io', 'reg.harbor.com', 'host'],
    ['harbor.local.example', 'harbor.local', 'host'],
  ])('%s against %s: %s', (host, registryHost, difference) => {
    expect(registryHostDifference(host, registryHost)).toBe(difference);
    // lib/lint's emulation of kubelet's keyring (globs, paths, any key) agrees for a key that is the registry host.
    const key = parseRegistryKey(registryHost)!;
    expect(registryKeyMatches(key, imageRepository(host, 'k8s/coredns'))).toBe(difference === undefined);
  });
});
