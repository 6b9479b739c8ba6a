/**
 * Validation of where the Harbor client connects: the URL, the plain-HTTP policy and the CA bundle.
 */
import { httpsFormOf, isLoopbackHost, parseHarborUrl, plainHttpProblem } from '../core/harbor-url';
import { showValue } from '../core/errors';
import { describeNotPemCertificate, holdsPemCertificate } from '../core/pem';

/** A validated Harbor endpoint. */
export interface HarborEndpoint {
  /** `https://host[:port]` or `http://host[:port]`, plus any base path, without trailing slash. */
  readonly origin: string;
  /** Where connections go: `https://host[:port]`, without the base path. */
  readonly server: string;
  /** The path of the API on `server`: any base path + `/api/v2.0`. */
  readonly apiPath: string;
  /** True for `https:`. */
  readonly tls: boolean;
}

/** True for 127.0.0.0/8, ::1 (also IPv4-mapped) and `localhost` / `*.localhost` (the rule lives in lib/core). */
export { isLoopbackHost };

/** One check of {@link endpointCheck} that failed: the option at fault, what is wrong and the client's fix. */
interface EndpointFailure {
  readonly option: 'url' | 'caBundle';
  /** What is wrong, without the option's name (e.g. `"..." is not a valid URL`). */
  readonly problem: string;
  /** Shown before `problem` in the client's message only (callers that show the value themselves leave it out). */
  readonly subject?: string;
  /** The fix for a HarborClient caller (its options' names), if any. */
  readonly fix?: string;
  /** TypeError for a value of the wrong form, Error for a combination the client refuses. */
  readonly type: 'TypeError' | 'Error';
  /** For a plain-HTTP URL to a non-loopback host: the `https://` form to suggest. */
  readonly httpsForm?: string;
  /** A CA bundle given with a plain `http://` URL (the URL is the one to change, or the bundle to drop). */
  readonly caBundleWithPlainHttp?: boolean;
}

/** The checks of the `url`, `allowPlainHttp` and `caBundle` options, in order: the first failure, or the endpoint. */
function endpointCheck(opts: {
  readonly url: string;
  readonly allowPlainHttp?: boolean;
  readonly caBundle?: string;
}): HarborEndpoint | EndpointFailure {
  if (typeof opts.url !== 'string' || opts.url.trim() === '') {
    return {
      option: 'url',
      problem: 'is empty',
      fix: 'give Harbor\'s address, e.g. "https://reg.example.com"',
      type: 'TypeError',
    };
  }
  const parsed = parseHarborUrl(opts.url);
  if (parsed.fault === 'not-a-url') {
    const shown = opts.url.includes('@') ? '(not shown: it contains "@", maybe credentials)' : `"${opts.url}"`;
    return {
      option: 'url',
      problem: `${shown} is not a valid URL`,
      fix: 'use e.g. "https://reg.example.com"',
      type: 'TypeError',
    };
  }
  if (parsed.fault !== undefined) {
    const u = parsed.url;
    if (parsed.fault === 'user-info') {
      // Never echo the credentials; they belong in username/password.
      return {
        option: 'url',
        problem: `"${u.protocol}//***@${u.host}${u.pathname}" carries credentials`,
        fix: 'remove them from the URL and pass username and password instead',
        type: 'TypeError',
      };
    }
    if (parsed.fault === 'not-http') {
      return {
        option: 'url',
        problem: `"${u.href}" must start with https:// (got protocol ${u.protocol})`,
        type: 'TypeError',
      };
    }
    return {
      option: 'url',
      problem: `"${u.href}" must not carry a query or fragment`,
      fix: `give only Harbor's base address, e.g. "${u.origin}"`,
      type: 'TypeError',
    };
  }
  const u = parsed.url;
  const tls = u.tls;
  const plainHttp = opts.allowPlainHttp ? undefined : plainHttpProblem(u);
  if (plainHttp) {
    return {
      option: 'url',
      subject: `"${u.origin}"`,
      problem: plainHttp,
      fix: `use "https://${u.host}" (with caBundle for a private CA), or set allowPlainHttp: true if you really mean it`,
      type: 'Error',
      httpsForm: httpsFormOf(u),
    };
  }
  if (opts.caBundle !== undefined) {
    if (!holdsPemCertificate(opts.caBundle)) {
      const given =
        typeof opts.caBundle === 'string'
          ? describeNotPemCertificate(opts.caBundle)
          : { shown: `<${typeof opts.caBundle}>`, problem: 'holds no PEM certificate' };
      return {
        option: 'caBundle',
        subject: showValue(given.shown, 'caBundle'),
        problem: given.problem,
        fix: 'pass the CA certificate text ("-----BEGIN CERTIFICATE-----..."; from a file: fs.readFileSync(path, "utf8")), not a file path or a key',
        type: 'TypeError',
      };
    }
    if (!tls) {
      return {
        option: 'caBundle',
        problem: `is set but url "${u.origin}" is plain http://, so it would be ignored`,
        fix: `use "https://${u.host}" or drop caBundle`,
        type: 'Error',
        caBundleWithPlainHttp: true,
      };
    }
  }
  return {
    origin: u.base,
    server: u.origin,
    apiPath: `${u.base.slice(u.origin.length)}/api/v2.0`,
    tls,
  };
}

/**
 * Checks the `url`, `allowPlainHttp` and `caBundle` options and computes the API base.
 *
 * @throws Error naming the option, the value received and the fix: not http(s), credentials or query in the URL,
 * `http://` to a non-loopback host without `allowPlainHttp`, a `caBundle` that holds no PEM certificate or is given
 * for an `http://` URL.
 */
export function resolveHarborEndpoint(opts: {
  readonly url: string;
  readonly allowPlainHttp?: boolean;
  readonly caBundle?: string;
}): HarborEndpoint {
  const checked = endpointCheck(opts);
  if (!('option' in checked)) return checked;
  const subject = checked.subject !== undefined ? `${checked.subject} ` : '';
  const message = `HarborClientOptions.${checked.option} ${subject}${checked.problem}${checked.fix ? `: ${checked.fix}` : ''}.`;
  throw checked.type === 'TypeError' ? new TypeError(message) : new Error(message);
}

/** Why a connection's Harbor URL and CA bundle cannot be used, for callers that name the fields themselves. */
export interface HarborEndpointProblem {
  /**
   * The field at fault: the URL, or the CA bundle (one that holds no PEM certificate; one given with a plain
   * `http://` URL is reported on the URL, as the URL is what to change).
   */
  readonly field: 'url' | 'caBundle';
  /** What is wrong, without the field's name and without the client's fix (e.g. `"..." is not a valid URL`). */
  readonly problem: string;
  /** For a plain-HTTP URL to a non-loopback host: the `https://` form to suggest. */
  readonly httpsForm?: string;
}

/**
 * The checks of {@link resolveHarborEndpoint} for a connection that has no `allowPlainHttp` switch (the Pulumi
 * engine's), the same checks in the same order; undefined when the URL and the CA bundle can be used.
 * @internal
 */
export function harborEndpointProblem(url: string, caBundle?: string): HarborEndpointProblem | undefined {
  const checked = endpointCheck({ url, caBundle });
  if (!('option' in checked)) return undefined;
  if (checked.caBundleWithPlainHttp) {
    return { field: 'url', problem: `"${url}" is plain http://, so the CA bundle given with it would be ignored` };
  }
  return {
    field: checked.option,
    problem: checked.problem,
    ...(checked.httpsForm !== undefined ? { httpsForm: checked.httpsForm } : {}),
  };
}

/**
 * Harbor's address in one canonical form, so that two spellings of the same address compare equal: scheme and host
 * in lower case, the scheme's default port dropped (`:443` for https, `:80` for http), no trailing `/`, no
 * `/api/v2.0`. `https://Reg.Harbor.com:443/api/v2.0/` becomes `https://reg.harbor.com`. Another scheme, host or port
 * (http -> https, an IP address for a DNS name) stays another address: whether it reaches the same Harbor is for
 * Harbor to answer.
 *
 * @returns the canonical URL, or `undefined` for anything that is not an http(s) URL without user info, query or
 * fragment (such as a value Pulumi does not know yet during a preview).
 * @internal
 */
export function canonicalHarborUrl(url: unknown): string | undefined {
  if (typeof url !== 'string') return undefined;
  const parsed = parseHarborUrl(url);
  return parsed.fault === undefined ? parsed.url.base : undefined;
}
