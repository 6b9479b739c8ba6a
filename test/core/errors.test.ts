/**
 * Error rendering never echoes a credential: by field (a password, secret or token, `credentials`, `harbor`), by key
 * (objects shown in a message), and by position (user info in any string, the part after ":" of a login name).
 */
import { randomBytes } from 'node:crypto';
import { HarborPrivateAppError, redactUserInfo, showValue } from '../../lib/core';

const secret = `s${randomBytes(9).toString('hex')}`; // 19 characters, random per run
const shape = '<redacted: 19 characters>';

describe('by field: a credential-bearing field shows only the shape of its value', () => {
  test.each([
    ['credentials.password', secret, shape],
    ['harbor.password', secret, shape],
    ['robotSecret', secret, shape],
    ['harbor', secret, shape],
    ['harbor', `https://admin:${secret}@harbor.example.com`, '<redacted: 52 characters>'],
    [
      'credentials',
      { username: 'u', password: secret },
      `{"username":"<redacted: 1 character>","password":"${shape}"}`,
    ],
    ['harbor.password', 12345, '<redacted: number>'],
  ])('%s', (field, value, shown) => {
    expect(showValue(value, field)).toBe(shown);
    const e = new HarborPrivateAppError({ field, value, problem: 'p', fix: 'f' });
    expect(e.message).not.toContain(secret);
    expect(e.value).toBe(shown);
  });

  test('empty and missing values are shown as they are (nothing to hide)', () => {
    expect([showValue(undefined, 'harbor.password'), showValue('', 'harbor.password')]).toEqual(['undefined', '""']);
  });

  test('fields that only look alike are shown', () => {
    expect(showValue('token', 'credentials.passwordProperty')).toBe('"token"');
    expect(showValue('registry-secret', 'credentials.existingSecretName')).toBe('"registry-secret"');
  });
});

describe('by key: objects shown in a message hide their credential keys, at any depth', () => {
  test('password, secret, token, auth', () => {
    const value = { name: 'alice', password: secret, nested: { robotSecret: secret, x: { auth: secret, token: 7 } } };
    const shown = showValue(value, 'members[0]');
    expect(shown).not.toContain(secret);
    expect(shown.startsWith(`{"name":"alice","password":"${shape}","nested":{"robotSecret":"${shape}"`)).toBe(true);
    expect(showValue({ password: secret, nested: { auth: secret, token: 7 } }, 'x')).toBe(
      `{"password":"${shape}","nested":{"auth":"${shape}","token":"<redacted: number>"}}`,
    );
    expect(showValue({ n: { robotSecret: secret } }, 'x')).toBe(`{"n":{"robotSecret":"${shape}"}}`);
  });
});

describe('by position: user info is never echoed', () => {
  test.each([
    [`https://admin:${secret}@harbor.example.com/x`, 'https://***@harbor.example.com/x'],
    [`admin:${secret}@reg.harbor.com/k8s/coredns:1.2.6`, `<redacted: 25 characters>@reg.harbor.com/k8s/coredns:1.2.6`],
    [`see "admin:${secret}@10.0.0.5:5000"`, `see "<redacted: 25 characters>@10.0.0.5:5000"`],
  ])('%s', (text, redacted) => {
    expect(redactUserInfo(text)).toBe(redacted);
  });

  test.each([
    'alice@example.com',
    `coredns:1.2.6@sha256:${'a'.repeat(64)}`,
    `reg.harbor.com/k8s/coredns:1.2.6@sha256:${'b'.repeat(64)}`,
    '127.0.0.1:5000/k8s/x',
    'robot$k8s+ci',
  ])('%s is not user info and stays', (text) => {
    expect(redactUserInfo(text)).toBe(text);
  });

  test('a login name shows what precedes ":" and the shape of the rest', () => {
    expect(showValue(`robot$x+y:${secret}`, 'credentials.username')).toBe(`"robot$x+y:${shape}"`);
    expect(showValue(`admin:${secret}`, 'harbor.username')).toBe(`"admin:${shape}"`);
  });

  test('problem and fix texts are redacted too', () => {
    const e = new HarborPrivateAppError({
      field: 'x',
      value: 1,
      problem: `cannot reach admin:${secret}@reg.example.com/`,
      fix: `not "https://u:${secret}@h"`,
    });
    expect(e.message).not.toContain(secret);
    expect(e.fix).toBe('not "https://***@h"');
  });
});
