import {
  dockerConfig,
  dockerConfigJson,
  dockerConfigJsonTemplate,
  robotFullName,
  robotPermission,
} from '../../lib/core';

describe('dockerconfigjson', () => {
  const password = `pw-${Math.random().toString(36).slice(2)}`;

  test('keys auths by the exact host[:port], with base64(username:password) in auth', () => {
    const doc = dockerConfig('harbor.local:8443', 'robot$k8s+coredns-pull', password);
    expect(Object.keys(doc.auths)).toEqual(['harbor.local:8443']);
    const entry = doc.auths['harbor.local:8443'];
    expect(entry.username).toBe('robot$k8s+coredns-pull');
    expect(entry.password).toBe(password);
    expect(Buffer.from(entry.auth, 'base64').toString('utf8')).toBe(`robot$k8s+coredns-pull:${password}`);
    expect(JSON.parse(dockerConfigJson('harbor.local:8443', 'robot$k8s+coredns-pull', password))).toEqual(doc);
  });

  test('the ESO template holds no credential and names the fetched keys', () => {
    const t = dockerConfigJsonTemplate(
      'reg.harbor.com',
      { literal: 'robot$k8s+coredns-pull' },
      { variable: 'password' },
    );
    expect(t).toBe(
      '{"auths":{"reg.harbor.com":{"username":"robot$k8s+coredns-pull","password":{{ .password | toJson }},' +
        '"auth":{{ printf "%s:%s" "robot$k8s+coredns-pull" .password | b64enc | toJson }}}}}',
    );
    const both = dockerConfigJsonTemplate('reg.harbor.com', { variable: 'username' }, { variable: 'password' });
    expect(both).toContain('"username":{{ .username | toJson }}');
    expect(both).toContain('printf "%s:%s" .username .password');
  });
});

describe('robot', () => {
  test('full name is <prefix><project>+<name>, prefix configurable', () => {
    expect(robotFullName('robot$', 'k8s', 'coredns-pull')).toBe('robot$k8s+coredns-pull');
    expect(robotFullName('bot_', 'k8s', 'x')).toBe('bot_k8s+x');
  });

  test('exactly one permission: pull, and push only when asked', () => {
    expect(robotPermission('k8s', false)).toEqual({
      kind: 'project',
      namespace: 'k8s',
      access: [{ resource: 'repository', action: 'pull' }],
    });
    expect(robotPermission('k8s', true).access.map((a) => a.action)).toEqual(['pull', 'push']);
  });
});
