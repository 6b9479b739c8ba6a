/**
 * The error every validation rule of harbor-private-app throws: it names the field, the value received
 * and how to fix it, and it is thrown before any object is rendered or any API call is made.
 */
export class HarborPrivateAppError extends Error {
  /** The prop path, e.g. `project.name` or `workload.containers[0].image`. */
  public readonly field: string;
  /** The offending value, rendered for humans (never a credential). */
  public readonly value: string;
  /** What to do about it. */
  public readonly fix: string;

  constructor(opts: { scope?: string; field: string; value: unknown; problem: string; fix: string }) {
    const shown = showValue(opts.value);
    const where = opts.scope ? `${opts.scope}: ` : '';
    super(`${where}${opts.field} = ${shown}: ${redactUrlCredentials(opts.problem)}. Fix: ${opts.fix}`);
    this.name = 'HarborPrivateAppError';
    this.field = opts.field;
    this.value = shown;
    this.fix = opts.fix;
  }
}

const URL_USER_INFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#"'<>]*@/gi;

/**
 * Replaces the user info of every URL in `text` (`https://user:password@host` becomes `https://***@host`), so a URL
 * given with credentials is never echoed with them.
 */
export function redactUrlCredentials(text: string): string {
  return text.replace(URL_USER_INFO, '$1***@');
}

/**
 * Renders a value for an error message: strings quoted, objects as JSON, long values cut, and the user info of any
 * URL in it replaced by `***` (a URL with `user:password@` never shows its password).
 */
export function showValue(value: unknown): string {
  let text: string;
  if (value === undefined) text = 'undefined';
  else if (typeof value === 'string') text = JSON.stringify(redactUrlCredentials(value));
  else {
    try {
      text = redactUrlCredentials(JSON.stringify(value) ?? `<${typeof value}>`);
    } catch {
      text = redactUrlCredentials(typeof value === 'bigint' ? value.toString() : Object.prototype.toString.call(value));
    }
  }
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
