import { findCredentials } from './credentials';

describe('findCredentials (the no-credential check can fail)', () => {
  test('flags Secret data and literal docker auth, accepts templates', () => {
    const literal = JSON.stringify({
      auths: { 'reg.harbor.com': { username: 'u', password: 'placeholder-not-a-secret', auth: 'cGxhY2Vob2xkZXI=' } },
    });
    const template =
      '{"auths":{"reg.harbor.com":{"username":"robot$k8s+x","password":{{ .password | toJson }},"auth":{{ printf "%s:%s" "robot$k8s+x" .password | b64enc | toJson }}}}}';
    expect(findCredentials([{ kind: 'Secret', metadata: { name: 's', namespace: 'n' }, data: { x: 'eA==' } }])).toEqual(
      ['Secret/n/s: Secret with data'],
    );
    expect(
      findCredentials([{ kind: 'Secret', metadata: { name: 's' }, type: 'kubernetes.io/dockerconfigjson' }]),
    ).toEqual([]);
    expect(findCredentials([{ kind: 'ConfigMap', metadata: { name: 'c' }, data: { cfg: literal } }])).toEqual([
      'ConfigMap//c: data.cfg: literal password for reg.harbor.com',
    ]);
    expect(findCredentials([{ kind: 'ExternalSecret', metadata: { name: 'e' }, spec: { t: template } }])).toEqual([]);
  });
});
