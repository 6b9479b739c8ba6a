import { dockerConfigJson, dockerConfigJsonTemplate } from '../../lib/core';
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

  // Checked once against Go's own text/template (go 1.19, with toJson/b64enc as sprig defines them): the same names
  // render to the same document there, and the unescaped "robot{{k8s+x" fails with "bad character U+002B '+'".
  test.each(['robot{{k8s+x', 'a}}b', 'q"\\{{{x}}}', '{{-x-}}', 'robot$k8s+{{ .password }}', 'ü\u2028\t"'])(
    'a login name with template syntax in it (%j) is escaped: the template parses and renders it as itself',
    (username) => {
      const t = dockerConfigJsonTemplate('reg.harbor.com:8443', { literal: username }, { variable: 'password' });
      expect(renderGoTemplate(t, { password: 'p"w' })).toBe(dockerConfigJson('reg.harbor.com:8443', username, 'p"w'));
    },
  );

  test('without the escaping the template would not parse (what External Secrets reported for robotNamePrefix "robot{{")', () => {
    expect(() =>
      renderGoTemplate('{"username":"robot{{k8s+x","password":{{ .password | toJson }}}', { password: 'p' }),
    ).toThrow(/unclosed action|unsupported syntax/);
  });

  test('a "}}" inside a quoted string does not end the action (as in Go\'s lexer)', () => {
    expect(renderGoTemplate('{{ printf "%s" "a}}b" }}!', {})).toBe('a}}b!');
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
