import { inspect } from 'node:util';
import { HarborPrivateAppError, SecretValue } from '../../lib/core';

describe('SecretValue', () => {
  const raw = `s3cret-${Math.random().toString(36).slice(2)}`;

  test('never prints itself', () => {
    const s = SecretValue.unsafePlainText(raw);
    expect(String(s)).toBe('<redacted>');
    expect(`${s}`).not.toContain(raw);
    expect(JSON.stringify({ s })).not.toContain(raw);
    expect(inspect(s)).not.toContain(raw);
    expect(inspect({ nested: s }, { depth: 5 })).not.toContain(raw);
    expect(s.unsafeUnwrap()).toBe(raw);
  });

  test('fromEnv reads the variable now and names it when unset', () => {
    process.env.HPA_TEST_SECRET = raw;
    expect(SecretValue.fromEnv('HPA_TEST_SECRET').unsafeUnwrap()).toBe(raw);
    delete process.env.HPA_TEST_SECRET;
    expect(() => SecretValue.fromEnv('HPA_TEST_SECRET')).toThrow(HarborPrivateAppError);
    expect(() => SecretValue.fromEnv('HPA_TEST_SECRET')).toThrow(
      /HPA_TEST_SECRET.*unset or empty.*Fix: export HPA_TEST_SECRET/,
    );
  });

  test('rejects an empty secret', () => {
    expect(() => SecretValue.unsafePlainText('')).toThrow(/SecretValue = "": is empty/);
  });
});
