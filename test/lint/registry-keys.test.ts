import { dockerConfigJsonTemplate } from '../../lib/core/docker-config';
import { CheckedRegistries, RegistryFlagError } from '../../lib/lint/checked-registries';
import { readDockerConfig, readDockerConfigTemplate } from '../../lib/lint/docker-config-document';
import {
  hostGlob,
  imageRepository,
  matchingKeys,
  parseRegistryKey,
  registryKeyMatches,
  type RegistryKey,
} from '../../lib/lint/registry-keys';

const key = (raw: string): RegistryKey => {
  const k = parseRegistryKey(raw);
  if (!k) throw new Error(`test: ${raw} does not parse`);
  return k;
};
const repo = (image: string): { host: string; path: string } => {
  const slash = image.indexOf('/');
  return imageRepository(image.slice(0, slash), image.slice(slash + 1));
};

describe("a .dockerconfigjson key as kubelet's keyring reads it", () => {
  test.each([
    ['reg.harbor.com', { host: 'reg.harbor.com', hostname: 'reg.harbor.com', port: '', path: '' }],
    ['https://reg.harbor.com', { host: 'reg.harbor.com', port: '', path: '' }],
    [
      'http://reg.harbor.com:8080/',
      { host: 'reg.harbor.com:8080', hostname: 'reg.harbor.com', port: '8080', path: '' },
    ],
    ['https://index.docker.io/v1/', { host: 'index.docker.io', path: '' }],
    ['https://reg.harbor.com:8443/v2/', { host: 'reg.harbor.com:8443', port: '8443', path: '' }],
    ['reg.harbor.com/v2/k8s', { host: 'reg.harbor.com', path: '/k8s' }],
    ['reg.harbor.com/k8s', { host: 'reg.harbor.com', path: '/k8s' }],
    ['[::1]:5000', { host: '[::1]:5000', hostname: '::1', port: '5000' }],
    ['user@reg.harbor.com', { host: 'reg.harbor.com' }],
  ])('%s', (raw, expected) => {
    expect(parseRegistryKey(raw)).toMatchObject(expected);
  });

  test.each(['reg.harbor.com:https', 'reg harbor.com', 'reg.harbor.com/%zz'])(
    '%s is malformed: kubelet ignores the entry',
    (raw) => {
      expect(parseRegistryKey(raw)).toBeUndefined();
    },
  );

  test('only http(s) schemes are stripped: docker://host keeps "docker:" as its host and so never matches', () => {
    expect(registryKeyMatches(key('docker://reg.harbor.com'), repo('reg.harbor.com/k8s/coredns'))).toBe(false);
  });
});

describe("kubelet's URLsMatch", () => {
  test.each([
    // [key, image repository, covered]
    ['reg.harbor.com', 'reg.harbor.com/k8s/coredns', true],
    ['https://reg.harbor.com/v2/', 'reg.harbor.com/k8s/coredns', true],
    ['reg.harbor.com:443', 'reg.harbor.com/k8s/coredns', false],
    ['reg.harbor.com', 'reg.harbor.com:443/k8s/coredns', false],
    ['reg.harbor.com:8443', 'reg.harbor.com:8443/k8s/coredns', true],
    ['Reg.Harbor.com', 'reg.harbor.com/k8s/coredns', false],
    ['reg.harbor.com/k8s', 'reg.harbor.com/k8s/coredns', true],
    ['reg.harbor.com/k8s', 'reg.harbor.com/k8s-staging/coredns', true], // a string prefix, as kubelet compares
    ['reg.harbor.com/other', 'reg.harbor.com/k8s/coredns', false],
    ['*.harbor.com', 'reg.harbor.com/k8s/coredns', true],
    ['*.harbor.com', 'harbor.com/k8s/coredns', false],
    ['*.com', 'reg.harbor.com/k8s/coredns', false], // a glob part never spans a dot
    ['reg.*.com', 'reg.harbor.com/k8s/coredns', true],
    ['r?g.harbor.com', 'reg.harbor.com/k8s/coredns', false], // Go's URL parser reads "?" as a query: host "r"
    ['[q-s]e[a-z].harbor.com', 'reg.harbor.com/k8s/coredns', true],
    ['[q-s]eg.harbor.com', 'reg.harbor.com/k8s/coredns', true],
    ['[^r]eg.harbor.com', 'reg.harbor.com/k8s/coredns', false],
    ['*.harbor.com:8443', 'reg.harbor.com/k8s/coredns', false],
    ['[::1]:5000', '[::1]:5000/k8s/coredns', true],
  ])('%s covers %s: %s', (k, image, covered) => {
    expect(registryKeyMatches(key(k), repo(image))).toBe(covered);
  });

  test('Docker Hub images fall back to a key for index.docker.io; index.docker.io in an image is docker.io', () => {
    const entries = [{ key: key('https://index.docker.io/v1/') }];
    expect(matchingKeys(entries, repo('docker.io/library/nginx'))).toEqual(entries);
    expect(repo('index.docker.io/nginx')).toEqual({ host: 'docker.io', path: 'library/nginx' });
    expect(matchingKeys(entries, repo('quay.io/library/nginx'))).toEqual([]);
    expect(matchingKeys([{ key: key('docker.io') }], repo('docker.io/library/nginx'))).toHaveLength(1);
  });

  test('a malformed glob matches nothing', () => {
    expect(hostGlob('[a-')).toBeNull();
    expect(hostGlob('\\')).toBeNull();
    expect(registryKeyMatches(key('[z-a].harbor.com'), repo('a.harbor.com/x/y'))).toBe(false);
  });
});

describe('docker config documents: keys and user names only', () => {
  test("reads the template this project's ExternalSecrets carry (lib/core dockerConfigJsonTemplate)", () => {
    const template = dockerConfigJsonTemplate(
      'reg.harbor.com:8443',
      { literal: 'robot$k8s+pull' },
      { variable: 'password' },
    );
    expect(readDockerConfigTemplate(template, '.dockerconfigjson')).toEqual({
      state: 'entries',
      entries: [{ rawKey: 'reg.harbor.com:8443', key: key('reg.harbor.com:8443'), username: 'robot$k8s+pull' }],
    });
    const fromStore = dockerConfigJsonTemplate('reg.harbor.com', { variable: 'username' }, { variable: 'password' });
    expect(readDockerConfigTemplate(fromStore, '.dockerconfigjson')).toEqual({
      state: 'entries',
      entries: [{ rawKey: 'reg.harbor.com', key: key('reg.harbor.com') }],
    });
  });

  test('a templated host, or a template that is no JSON, is unknown', () => {
    expect(readDockerConfigTemplate('{"auths":{"{{ .host }}":{"auth":"x"}}}', '.dockerconfigjson').state).toBe(
      'unknown',
    );
    expect(readDockerConfigTemplate('{{ range .x }}{{ end }}', '.dockerconfigjson').state).toBe('unknown');
    expect(readDockerConfigTemplate('{"auths":{"a": {{ .x ', '.dockerconfigjson').state).toBe('unknown');
  });

  test('a literal document: the user name from username or auth; never the password', () => {
    const auth = Buffer.from('robot$k8s+ci:not-a-real-secret').toString('base64');
    const read = readDockerConfig(JSON.stringify({ auths: { 'reg.harbor.com': { auth } } }), '.dockerconfigjson');
    expect(read).toEqual({
      state: 'entries',
      entries: [{ rawKey: 'reg.harbor.com', key: key('reg.harbor.com'), username: 'robot$k8s+ci' }],
    });
    expect(JSON.stringify(read)).not.toContain('not-a-real-secret');
    expect(readDockerConfig('{"reg.harbor.com":{"auth":"x"}}', '.dockercfg').state).toBe('entries');
    expect(readDockerConfig('{"nope": 1}', '.dockerconfigjson')).toEqual({
      state: 'unreadable',
      problem: 'its .dockerconfigjson has no "auths" object',
    });
    expect(readDockerConfig('not-a-real-secret', '.dockerconfigjson')).toEqual({
      state: 'unreadable',
      problem: 'its .dockerconfigjson is not valid JSON (kubelet fails every pull that uses it)',
    });
  });
});

describe('which registries are checked', () => {
  test('--registry host covers every port of it; host:port only that port; case and scheme do not matter', () => {
    const bare = CheckedRegistries.fromFlags(['https://Reg.Harbor.com/']);
    expect(['reg.harbor.com', 'reg.harbor.com:8443', 'REG.harbor.com'].map((h) => bare.covers(h))).toEqual([
      true,
      true,
      true,
    ]);
    expect(bare.covers('harbor.com')).toBe(false);
    const port = CheckedRegistries.fromFlags(['reg.harbor.com:8443']);
    expect(['reg.harbor.com', 'reg.harbor.com:8443'].map((h) => port.covers(h))).toEqual([false, true]);
  });

  test('from Secrets: host names of every key, any port (so a port mismatch is checked, and found), globs kept', () => {
    const regs = CheckedRegistries.fromEntries([
      { rawKey: 'reg.harbor.com:443', key: key('reg.harbor.com:443') },
      { rawKey: '*.corp.example', key: key('*.corp.example') },
      { rawKey: 'https://index.docker.io/v1/', key: key('https://index.docker.io/v1/') },
    ]);
    expect(regs.names).toEqual(['*.corp.example', 'docker.io', 'reg.harbor.com']);
    expect(['reg.harbor.com', 'a.corp.example', 'docker.io', 'quay.io'].map((h) => regs.covers(h))).toEqual([
      true,
      true,
      true,
      false,
    ]);
  });

  test.each(['reg.harbor.com/k8s', 'reg harbor', 'reg.harbor.com:port'])('--registry %s is refused', (v) => {
    expect(() => CheckedRegistries.fromFlags([v])).toThrow(RegistryFlagError);
  });
});
