/**
 * The HTTP core of the Harbor client: options and credentials, one logical call (attempts, timeouts, retries of
 * idempotent methods, request events, error mapping), paging of list endpoints and the checks of an answer's shape.
 * Every Harbor HTTP request of the library goes through {@link HarborHttp.call}; the per-resource modules
 * (`projects`, `members`, `robots`, `repositories`) build on it and {@link HarborClient} assembles them.
 *
 * Self-contained on purpose (node built-ins, `undici`, a few rule files of `lib/core`; no module-level state) because Pulumi
 * dynamic providers serialize it with `pulumi.runtime.serializeFunction`.
 *
 * @see HARBOR-FACTS.md (the team's notes on how Harbor behaves, kept with the reference docs beside the repository)
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, type Dispatcher } from 'undici';
import { classifyNetworkError, type NetworkFailure } from '../core/network-errors';
import { canonicalHarborUrl, resolveHarborEndpoint, type HarborEndpoint } from './endpoint';
import { HarborApiError, parseHarborError, redactSecrets, type HarborApiErrorInit } from './errors';
import { CONNECTION_TUNING, CONNECTION_TUNING_KEYS, connectionTuningProblem, type ConnectionTuningKey } from './tuning';
import {
  NOT_SENT_NETWORK_CODES,
  isIdempotent,
  isRetryableNetworkCode,
  isRetryableStatus,
  parseRetryAfter,
  retryDelayMs,
} from './retry';
import type { HarborClientOptions, HarborLookup, HarborRequestEvent } from './types';
import { harborTime, idFromLocation } from './wire';

const PAGE_SIZE = 100;
/** Safety bound against a server that never stops paging. */
const MAX_PAGES = 1_000;

export type Query = Readonly<Record<string, string | number | undefined>>;

export interface CallOptions {
  readonly query?: Query;
  readonly body?: unknown;
  /** The path addresses a project by name: send `X-Is-Resource-Name: true`. */
  readonly byName?: boolean;
  /** Statuses that count as success. */
  readonly ok: readonly number[];
  /**
   * A 404 carrying Harbor's own `NOT_FOUND` error body counts as success ("absent"). A bare 404 (e.g. from a proxy
   * or a wrong url) stays an error, so that a misconfigured url never looks like "already deleted".
   */
  readonly absentOk?: boolean;
  /**
   * The project the path names. Harbor answers a login that is not a system administrator 403, not 404, for a project
   * that does not exist (src/server/v2.0/handler/base.go `HasProjectPermission`: a missing project becomes project 0,
   * and the permission check fails); so a 403 is followed by `HEAD /projects?project_name=` (any login may ask), and
   * when that says the project is absent, the call is answered as Harbor answers an administrator: 404 `NOT_FOUND`.
   */
  readonly project?: string;
}

export interface CallResult {
  readonly status: number;
  readonly headers: { get(name: string): string | null };
  readonly text: string;
  readonly requestId?: string;
  readonly path: string;
  readonly method: string;
}

/**
 * Harbor's REST API v2.0 over HTTP Basic auth, without cookies: {@link call} and the helpers the per-resource modules
 * share. Not exported from the package: users reach Harbor through {@link HarborClient}.
 */
export class HarborHttp {
  /** Harbor's address, without credentials (`https://host[:port]`). */
  public readonly origin: string;
  /** Retries after the first attempt of an idempotent call. */
  public readonly maxRetries: number;
  /** Time limit of one attempt, in milliseconds. */
  public readonly timeoutMs: number;
  /** Backoff base, in milliseconds. */
  public readonly retryBaseDelayMs: number;
  /** Cap of one wait between retries, in milliseconds. */
  public readonly maxRetryDelayMs: number;

  private readonly endpoint: HarborEndpoint;
  private readonly caBundle?: string;
  private readonly onRequest?: (e: HarborRequestEvent) => void;
  // The two below are non-enumerable (set with defineProperty) so that logging or JSON-serialising the client never
  // shows them. `declare` keeps TypeScript from emitting enumerable class fields for them.
  /** The `Authorization` header value. */
  declare private readonly authorization: string;
  /** Values scrubbed from every error message and event: password, Authorization value, robot secrets seen. */
  declare private readonly secrets: string[];
  private agent?: Agent;

  constructor(opts: HarborClientOptions) {
    if (typeof opts !== 'object' || opts === null)
      throw new TypeError('HarborClient needs options {url, username, password}.');
    this.endpoint = resolveHarborEndpoint(opts);
    if (typeof opts.username !== 'string' || opts.username === '') {
      throw new TypeError(
        'HarborClientOptions.username is empty: give a Harbor user name (or a robot\'s full name "robot$...").',
      );
    }
    if (opts.username.includes(':')) {
      // Not echoed: "user:password" passed as the user name would leak the password.
      throw new TypeError(
        'HarborClientOptions.username contains ":", which HTTP Basic auth cannot carry: give only the login name, and the password in password.',
      );
    }
    if (typeof opts.password !== 'string' || opts.password === '') {
      throw new TypeError("HarborClientOptions.password is empty: give the account's password or the robot's secret.");
    }
    const tuning = {} as Record<ConnectionTuningKey, number>;
    for (const key of CONNECTION_TUNING_KEYS) {
      const value = opts[key] ?? CONNECTION_TUNING[key].defaultValue;
      const problem = connectionTuningProblem(key, value);
      if (problem) throw new TypeError(`HarborClientOptions.${key} ${String(value)} ${problem}.`);
      tuning[key] = value;
    }
    const { maxRetries, timeoutMs, retryBaseDelayMs, maxRetryDelayMs } = tuning;
    this.origin = this.endpoint.origin;
    this.maxRetries = maxRetries;
    this.timeoutMs = timeoutMs;
    this.retryBaseDelayMs = retryBaseDelayMs;
    this.maxRetryDelayMs = maxRetryDelayMs;
    this.caBundle = opts.caBundle;
    this.onRequest = opts.onRequest;
    const token = Buffer.from(`${opts.username}:${opts.password}`, 'utf8').toString('base64');
    const secrets = [opts.password, token, encodeURIComponent(opts.password)];
    Object.defineProperty(this, 'authorization', { value: `Basic ${token}`, enumerable: false, writable: false });
    Object.defineProperty(this, 'secrets', { value: secrets, enumerable: false, writable: false });
  }

  /** Closes this client's connections. Optional: idle connections do not keep the process alive. */
  async close(): Promise<void> {
    const agent = this.agent;
    this.agent = undefined;
    if (agent) await agent.close();
  }

  private dispatcher(): Agent {
    if (!this.agent) {
      // rejectUnauthorized is explicit so that NODE_TLS_REJECT_UNAUTHORIZED=0 cannot turn verification off.
      this.agent = new Agent({
        connect:
          this.caBundle !== undefined ? { ca: this.caBundle, rejectUnauthorized: true } : { rejectUnauthorized: true },
      });
    }
    return this.agent;
  }

  /** Adds a robot secret to the values scrubbed from every later error message and event. */
  rememberSecret(secret: string): void {
    if (secret && !this.secrets.includes(secret)) this.secrets.push(secret);
  }

  private emit(e: HarborRequestEvent): void {
    if (!this.onRequest) return;
    const safe: HarborRequestEvent = {
      ...e,
      path: redactSecrets(e.path, this.secrets),
      ...(e.error !== undefined ? { error: redactSecrets(e.error, this.secrets) } : {}),
    };
    try {
      this.onRequest(safe);
    } catch {
      // A failing logger must not fail the call.
    }
  }

  /** The new object's id at the end of the answer's `Location` header; an error when there is none. */
  locationId(res: CallResult): number {
    const id = idFromLocation(res.headers.get('location'));
    if (id === undefined) {
      throw this.unexpected(
        res,
        'a Location header ending in the new id; the object was probably created: look it up by name',
      );
    }
    return id;
  }

  /** The answer's body parsed as JSON; an error naming the likely cause when it is not JSON. */
  json(res: CallResult): unknown {
    try {
      return JSON.parse(res.text);
    } catch {
      throw this.unexpected(res, 'a JSON body (is url pointing at Harbor, not at a proxy or login page?)');
    }
  }

  /** A {@link HarborApiError} naming Harbor's address, with every secret this client knows scrubbed from it. */
  fail(init: Omit<HarborApiErrorInit, 'origin' | 'secrets'>): HarborApiError {
    return new HarborApiError({ ...init, origin: this.origin, secrets: this.secrets });
  }

  /**
   * The answer of a read that may find nothing (`absentOk`) as a {@link HarborLookup}: `found` is `undefined` on 404,
   * else the body mapped by `map` (an error naming `expected` when it does not map), with Harbor's clock at the answer.
   */
  lookup<T>(res: CallResult, map: (raw: unknown) => T | undefined, expected: string): HarborLookup<T> {
    const harborTimeMs = harborTime(res.headers);
    const at = harborTimeMs !== undefined ? { harborTimeMs } : {};
    if (res.status === 404) return { found: undefined, ...at };
    const found = map(this.json(res));
    if (found === undefined) throw this.unexpected(res, expected);
    return { found, ...at };
  }

  /** The error for an answer that is not in the shape `expected` describes. */
  unexpected(res: CallResult, expected: string): HarborApiError {
    return new HarborApiError({
      method: res.method,
      path: res.path,
      origin: this.origin,
      status: res.status,
      code: 'UNEXPECTED_RESPONSE',
      harborMessage: `expected ${expected}`,
      requestId: res.requestId,
      hint: 'Harbor answered in an unexpected shape: check that url points at Harbor v2.2 or newer',
      retryable: false,
      secrets: this.secrets,
    });
  }

  /**
   * GETs every page (page_size 100) of a list endpoint and maps each item, dropping none silently. `project`: the
   * project the path names by name (sent with `X-Is-Resource-Name`).
   */
  async listAll<T>(
    path: string,
    query: Query,
    project: string | undefined,
    map: (raw: unknown) => T | undefined,
    what: string,
  ): Promise<T[]> {
    return (await this.listPages(path, query, project, map, what)).items;
  }

  /** {@link listAll}, also returning the last page's response (for its headers). */
  async listPages<T>(
    path: string,
    query: Query,
    project: string | undefined,
    map: (raw: unknown) => T | undefined,
    what: string,
  ): Promise<{ items: T[]; last: CallResult }> {
    const out: T[] = [];
    for (let page = 1; page <= MAX_PAGES; page++) {
      const res = await this.call('GET', path, {
        query: { ...query, page, page_size: PAGE_SIZE },
        byName: project !== undefined,
        project,
        ok: [200],
      });
      const items = this.json(res);
      if (!Array.isArray(items)) throw this.unexpected(res, `a JSON array of ${what}`);
      for (const item of items) {
        const mapped = map(item);
        if (mapped === undefined) throw this.unexpected(res, `${what} with their id and name fields`);
        out.push(mapped);
      }
      const link = res.headers.get('link');
      const total = Number(res.headers.get('x-total-count') ?? NaN);
      const more =
        link !== null && link.trim() !== ''
          ? /rel="?next"?/.test(link)
          : Number.isFinite(total)
            ? out.length < total
            : items.length === PAGE_SIZE;
      // A short page is the last one, whatever the headers say (Harbor's member X-Total-Count ignores entityname).
      if (!more || items.length < PAGE_SIZE) return { items: out, last: res };
    }
    throw new HarborApiError({
      method: 'GET',
      path,
      origin: this.origin,
      code: 'TOO_MANY_PAGES',
      harborMessage: `more than ${MAX_PAGES} pages of ${what}`,
      retryable: false,
      hint: 'Harbor kept announcing a next page: check the Link and X-Total-Count headers of a proxy in between',
      secrets: this.secrets,
    });
  }

  /** One logical call: attempts, retries of idempotent methods, event reporting, error mapping. */
  async call(method: string, path: string, opts: CallOptions): Promise<CallResult> {
    const search = new URLSearchParams();
    for (const [k, v] of Object.entries(opts.query ?? {})) {
      if (v !== undefined) search.set(k, String(v));
    }
    const qs = search.toString();
    const fullPath = qs ? `${path}?${qs}` : path;
    const idempotent = isIdempotent(method);
    const maxAttempts = idempotent ? this.maxRetries + 1 : 1;
    const body = opts.body === undefined ? undefined : JSON.stringify(opts.body);

    for (let attempt = 1; ; attempt++) {
      const sentRequestId = randomUUID();
      const headers: Record<string, string> = {
        authorization: this.authorization,
        accept: 'application/json',
        'user-agent': 'harbor-private-app',
        'x-request-id': sentRequestId,
      };
      if (body !== undefined) headers['content-type'] = 'application/json';
      if (opts.byName) headers['x-is-resource-name'] = 'true';
      const started = Date.now();

      let status: number;
      let resHeaders: CallResult['headers'];
      let text: string;
      try {
        ({
          status,
          headers: resHeaders,
          text,
        } = await this.send(method as Dispatcher.HttpMethod, fullPath, headers, body));
      } catch (e) {
        const classified = classifyNetworkError(e);
        const failure: NetworkFailure = {
          ...classified,
          message:
            classified.message ??
            (classified.code === 'TIMEOUT'
              ? `no complete answer within timeoutMs (${this.timeoutMs} ms)`
              : 'the request failed before Harbor answered'),
        };
        const transient = !failure.tls && isRetryableNetworkCode(failure.code);
        const willRetry = idempotent && transient && attempt < maxAttempts;
        const delay = willRetry
          ? retryDelayMs({ attempt, baseDelayMs: this.retryBaseDelayMs, maxDelayMs: this.maxRetryDelayMs })
          : undefined;
        this.emit({
          method,
          path: fullPath,
          attempt,
          error: `${failure.code}: ${failure.message}`,
          durationMs: Date.now() - started,
          retryInMs: delay,
        });
        if (willRetry) {
          await sleep(delay ?? 0);
          continue;
        }
        const notSent = NOT_SENT_NETWORK_CODES.includes(failure.code);
        throw new HarborApiError({
          method,
          path: fullPath,
          origin: this.origin,
          code: failure.code,
          harborMessage: failure.message,
          requestId: sentRequestId,
          attempts: attempt,
          retryable: idempotent ? transient : notSent,
          hint: this.networkHint(failure, idempotent, notSent),
          secrets: this.secrets,
        });
      }

      const requestId = resHeaders.get('x-request-id') ?? sentRequestId;
      if (status === 403 && opts.project !== undefined && (await this.projectAbsent(opts.project))) {
        this.emit({ method, path: fullPath, status, attempt, error: 'FORBIDDEN', durationMs: Date.now() - started });
        const harborMessage = `project ${opts.project} not found (Harbor answers 403 for a project that does not exist to a login that is not a system administrator; HEAD /projects?project_name=${opts.project} answered 404)`;
        if (opts.absentOk) return { status: 404, headers: resHeaders, text, requestId, path: fullPath, method };
        throw new HarborApiError({
          method,
          path: fullPath,
          origin: this.origin,
          status: 404,
          code: 'NOT_FOUND',
          harborMessage,
          requestId,
          attempts: attempt,
          retryable: false,
          secrets: this.secrets,
        });
      }
      // The error body is parsed only when the status is not a success: a successful answer's JSON is parsed once,
      // by its reader.
      const harborError = opts.ok.includes(status) ? {} : parseHarborError(text);
      const absent =
        opts.absentOk === true && status === 404 && (harborError.code ?? '').split(',').includes('NOT_FOUND');
      if (opts.ok.includes(status) || absent) {
        this.emit({ method, path: fullPath, status, attempt, durationMs: Date.now() - started });
        return { status, headers: resHeaders, text, requestId, path: fullPath, method };
      }

      const willRetry = idempotent && isRetryableStatus(status) && attempt < maxAttempts;
      const delay = willRetry
        ? retryDelayMs({
            attempt,
            baseDelayMs: this.retryBaseDelayMs,
            maxDelayMs: this.maxRetryDelayMs,
            retryAfterMs: parseRetryAfter(resHeaders.get('retry-after')),
          })
        : undefined;
      this.emit({
        method,
        path: fullPath,
        status,
        attempt,
        error: harborError.code ?? `HTTP ${status}`,
        durationMs: Date.now() - started,
        retryInMs: delay,
      });
      if (willRetry) {
        await sleep(delay ?? 0);
        continue;
      }
      throw new HarborApiError({
        method,
        path: fullPath,
        origin: this.origin,
        status,
        code: harborError.code,
        harborMessage: harborError.message,
        requestId,
        attempts: attempt,
        retryable: idempotent && isRetryableStatus(status),
        retryAfterMs: parseRetryAfter(resHeaders.get('retry-after')),
        hint:
          status >= 300 && status < 400 && resHeaders.get('location')
            ? redirectHint(resHeaders.get('location')!, this.endpoint)
            : status === 404 && !harborError.code
              ? "a 404 without Harbor's error body: check that url points at Harbor itself (not a proxy path or another server)"
              : undefined,
        secrets: this.secrets,
      });
    }
  }

  /**
   * One attempt, over this client's connection pool, with undici's dispatch API (its lowest public level: no streams,
   * no Response or Headers objects per call; about half the CPU of undici's `request()` and a quarter of `fetch()`, and
   * a refresh reads every resource): the answer's status, headers and body, or the network error. Ends with a
   * `TimeoutError` when the attempt is not answered within `timeoutMs`. Follows no redirect (a 3xx is answered).
   */
  private send(
    method: Dispatcher.HttpMethod,
    path: string,
    headers: Record<string, string>,
    body: string | undefined,
  ): Promise<Pick<CallResult, 'status' | 'headers' | 'text'>> {
    return new Promise((resolve, reject) => {
      let status = 0;
      let rawHeaders: Buffer[] = [];
      const chunks: Buffer[] = [];
      let abort: ((err?: Error) => void) | undefined;
      let timedOut: Error | undefined;
      const timer = setTimeout(() => {
        timedOut = new DOMException(`no complete answer within ${this.timeoutMs} ms`, 'TimeoutError');
        reject(timedOut);
        abort?.(timedOut);
      }, this.timeoutMs);
      timer.unref();
      this.dispatcher().dispatch(
        { origin: this.endpoint.server, path: `${this.endpoint.apiPath}${path}`, method, headers, body },
        {
          onConnect: (a) => {
            abort = a;
            if (timedOut) a(timedOut);
          },
          onHeaders: (statusCode, raw) => {
            // 1xx answers come before the final one.
            if (statusCode >= 200) {
              status = statusCode;
              rawHeaders = raw;
            }
            return true;
          },
          onData: (chunk) => {
            chunks.push(chunk);
            return true;
          },
          onComplete: () => {
            clearTimeout(timer);
            resolve({ status, headers: headerReader(rawHeaders), text: Buffer.concat(chunks).toString('utf8') });
          },
          onError: (err) => {
            clearTimeout(timer);
            reject(err);
          },
        },
      );
    });
  }

  /**
   * True when Harbor says no project of this name exists (`HEAD /projects?project_name=`, 404), which any logged-in
   * user may ask; false when it exists or the question fails (the caller's own answer then stands).
   */
  private async projectAbsent(name: string): Promise<boolean> {
    try {
      return (await this.call('HEAD', '/projects', { query: { project_name: name }, ok: [200, 404] })).status === 404;
    } catch {
      return false;
    }
  }

  private networkHint(failure: NetworkFailure, idempotent: boolean, notSent: boolean): string {
    if (failure.tls) {
      if (/WRONG_VERSION|EPROTO/.test(failure.code)) {
        return `TLS handshake with ${this.origin} failed: check that the port speaks https (or use http:// for a plain-HTTP loopback lab)`;
      }
      return `TLS verification of ${this.origin} failed (${failure.code}): pass caBundle with the PEM of the CA that signed Harbor's certificate (on Pulumi, the connection's CA bundle key, harborCaBundle by default), and check that the certificate names this host; verification cannot be turned off`;
    }
    if (notSent) {
      return `Harbor at ${this.origin} could not be reached (${failure.code}); the request was not sent: check url and that Harbor is running`;
    }
    if (!idempotent) {
      return `the connection failed or timed out after the request was sent (${failure.code}); this write is not retried automatically and it may have been applied: look for the object in Harbor before trying again`;
    }
    return `the connection failed or timed out (${failure.code}): check that Harbor is reachable, raise timeoutMs for a slow Harbor, then try again`;
  }
}

/** An answer's raw headers (name, value, ...) read by name, case aside; a repeated header's values joined with ", ". */
function headerReader(raw: readonly Buffer[]): CallResult['headers'] {
  const byName = new Map<string, string>();
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i].toString('latin1').toLowerCase();
    const value = raw[i + 1].toString('utf8');
    const seen = byName.get(name);
    byName.set(name, seen === undefined ? value : `${seen}, ${value}`);
  }
  return { get: (name: string): string | null => byName.get(name.toLowerCase()) ?? null };
}

/**
 * The hint for a redirect: the Harbor base URL the `Location` points at (its path up to `/api/v2.0`, as the one URL
 * parser reads it), or, when that is this same address or no URL, what the redirect likely is.
 */
function redirectHint(location: string, endpoint: HarborEndpoint): string {
  // A path-absolute Location is on this server (the base path is part of the path).
  const absolute = location.startsWith('/') ? `${endpoint.server}${location}` : location;
  // Harbor's API elsewhere (`.../api/v2.0/...`), or another address's root: that base is the url to use.
  const api = /\/api\/v2\.0(?:[/?]|$)/.exec(absolute);
  const root = /^[a-z]+:\/\/[^/]+\/?$/i.test(absolute);
  const base = api || root ? canonicalHarborUrl(api ? absolute.slice(0, api.index) : absolute) : undefined;
  if (base !== undefined && base !== endpoint.origin) {
    return `Harbor redirected to another address: use ${base} as url (Location: ${location})`;
  }
  return `the answer is a redirect to ${location}, not an API answer: check that url is Harbor's base address (not a page of a proxy or of a login service)`;
}
