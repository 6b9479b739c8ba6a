import { HarborPrivateAppError } from './errors';

const REDACTED = '<redacted>';

/**
 * A password or token. It never prints itself: `toString()`, `JSON.stringify()` and
 * `util.inspect()` all show `<redacted>`, so a SecretValue cannot leak into a log line or an error.
 * Read it with `unsafeUnwrap()` only where the credential must really be written.
 */
export class SecretValue {
  /** A literal secret. The name is a warning: a literal in source code ends up in git. */
  public static unsafePlainText(value: string): SecretValue {
    return new SecretValue(value, 'unsafePlainText');
  }

  /**
   * The value of an environment variable, read now (at synthesis or program start).
   * @throws HarborPrivateAppError when the variable is unset or empty.
   */
  public static fromEnv(variable: string): SecretValue {
    const value = process.env[variable];
    if (!value) {
      throw new HarborPrivateAppError({
        field: 'SecretValue.fromEnv',
        value: variable,
        problem: 'names an environment variable that is unset or empty',
        fix: `export ${variable} before running, or pass the secret another way`,
      });
    }
    return new SecretValue(value, `env:${variable}`);
  }

  private readonly value: string;
  /** Where the value came from (for messages); never the value itself. */
  public readonly source: string;

  private constructor(value: string, source: string) {
    if (typeof value !== 'string' || value.length === 0) {
      throw new HarborPrivateAppError({
        field: 'SecretValue',
        value: '',
        problem: 'is empty',
        fix: 'give a non-empty secret',
      });
    }
    this.value = value;
    this.source = source;
    Object.defineProperty(this, 'value', { enumerable: false });
  }

  /** The secret itself. Call only where it must be written (a Secret's data, an HTTP header). */
  public unsafeUnwrap(): string {
    return this.value;
  }

  /** Always `<redacted>`: a SecretValue never prints itself. */
  public toString(): string {
    return REDACTED;
  }

  /** Always `<redacted>`: `JSON.stringify` never shows the secret. */
  public toJSON(): string {
    return REDACTED;
  }

  public [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `SecretValue(${REDACTED}, from ${this.source})`;
  }
}
