import { describeNotPemCertificate, holdsPemCertificate } from '../../lib/core/pem';

describe('a CA bundle that holds no PEM certificate is described, never echoed', () => {
  test.each([
    ['/etc/ssl/harbor-ca.crt', '/etc/ssl/harbor-ca.crt', /^is a file path, not PEM text/, '/etc/ssl/harbor-ca.crt'],
    ['./certs/ca.pem', './certs/ca.pem', /^is a file path/, './certs/ca.pem'],
    ['~/ca.pem', '~/ca.pem', /^is a file path/, '~/ca.pem'],
    ['C:\\certs\\ca.crt', 'C:\\certs\\ca.crt', /^is a file path/, 'C:\\certs\\ca.crt'],
    ['harbor-ca.pem', 'harbor-ca.pem', /^is a file path/, 'harbor-ca.pem'],
    ['  /etc/ssl/ca.pem\n', '  /etc/ssl/ca.pem\n', /^is a file path/, '/etc/ssl/ca.pem'],
  ])('%j is a file path, shown as given', (text, shown, problem, path) => {
    const d = describeNotPemCertificate(text);
    expect(d).toEqual({ shown, problem: expect.stringMatching(problem), path });
  });

  test('a cut-off certificate, a key and other text are shown by their shape only', () => {
    const body = 'MIIB'.padEnd(300, 'A');
    const cut = `-----BEGIN CERTIFICATE-----\n${body}`;
    expect(describeNotPemCertificate(cut)).toEqual({
      shown: `<cut-off PEM certificate, ${cut.length} characters>`,
      problem: expect.stringMatching(/^holds no whole PEM certificate: .* cut off/),
    });
    const key = `-----BEGIN EC PRIVATE KEY-----\n${body}\n-----END EC PRIVATE KEY-----`;
    expect(describeNotPemCertificate(key)).toEqual({
      shown: `<PEM EC PRIVATE KEY block, ${key.length} characters>`,
      problem: "holds no PEM certificate: it is a PEM EC PRIVATE KEY block, not the CA's certificate",
    });
    expect(describeNotPemCertificate(body)).toEqual({
      shown: '<text of 300 characters>',
      problem: 'holds no PEM certificate',
    });
    expect(describeNotPemCertificate('x')).toEqual({
      shown: '<text of 1 character>',
      problem: 'holds no PEM certificate',
    });
    // A password pasted in the wrong key is not a path: its shape only.
    expect(describeNotPemCertificate('S3cret-Passw0rd').shown).toBe('<text of 15 characters>');
    for (const text of [cut, key, body]) expect(holdsPemCertificate(text)).toBe(false);
  });
});
