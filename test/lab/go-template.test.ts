import { dockerConfigJsonTemplate } from '../../lib/core';
import { renderGoTemplate } from './go-template';

describe('renderGoTemplate (the subset ESO runs on our templates)', () => {
  test('renders our dockerconfigjson template to the document kubelet reads', () => {
    const password = 'pw"with\\quotes';
    const t = dockerConfigJsonTemplate('127.0.0.1:5000', { literal: 'robot$k8s+x' }, { variable: 'password' });
    const doc = JSON.parse(renderGoTemplate(t, { password }));
    expect(doc).toEqual({
      auths: {
        '127.0.0.1:5000': {
          username: 'robot$k8s+x',
          password,
          auth: Buffer.from(`robot$k8s+x:${password}`).toString('base64'),
        },
      },
    });
  });

  test('pipelines, literals and fields', () => {
    expect(renderGoTemplate('a{{ .x }}b{{ "q" | quote }}', { x: '1' })).toBe('a1b"q"');
    expect(renderGoTemplate('{{ printf "%s-%s" .a "b" | b64enc }}', { a: 'z' })).toBe(
      Buffer.from('z-b').toString('base64'),
    );
  });

  test.each([
    ['{{ .missing }}', /no entry for key "missing"/],
    ['{{ .x | upper }}', /"upper" is not supported/],
    ['{{ printf "%d" .x }}', /verb %d/],
    ['{{ .x ', /unclosed/],
    ['{{ $x := 1 }}', /unsupported syntax/],
  ])('rejects %s', (t, err) => {
    expect(() => renderGoTemplate(t, { x: '1' })).toThrow(err);
  });
});
