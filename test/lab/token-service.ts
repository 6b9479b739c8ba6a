/**
 * A Harbor-like registry token service (`GET /service/token`) for the lab.
 *
 * Behaves like Harbor's (src/core/service/token/token.go `Get`, creator.go `generalCreator.Create`): an unknown
 * `service` is 400; HTTP Basic is optional, and wrong credentials make the caller anonymous (Harbor's security
 * middleware, src/server/middleware/security); an anonymous caller asking no `scope` (a `docker login` with a bad
 * password) gets 401; otherwise each `scope=repository:<project>/<repo>:<actions>` is granted EVERY action `authorize`
 * allows on the repository's project (its first path segment), whatever was asked (`repositoryFilter`), and
 * `registry:catalog:*` the asked actions for a system administrator only (`registryFilter`). Tokens are RS256 JWTs
 * whose protected header carries `x5c: [<certificate DER, base64>]`, which is what CNCF distribution's `auth: token`
 * verifies against its `rootcertbundle`.
 *
 * @see HARBOR-FACTS.md (the team's notes on Harbor) "How a pull authenticates"
 */
import { randomBytes, sign } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LabPki } from './pki';

/**
 * An action on a repository that the lab's token service can grant (Harbor's `actionScopeMap`: pull, push, delete,
 * scanner-pull).
 */
export type RepositoryAction = 'pull' | 'push' | 'delete' | 'scanner-pull';

/** Decides which actions a caller has on a project (wrong or missing credentials: what anonymous has). */
export type Authorizer = (
  username: string | undefined,
  password: string | undefined,
  project: string,
) => readonly RepositoryAction[];

/** Options for {@link createTokenHandler}. */
export interface TokenHandlerOptions {
  /** `iss` claim; must equal the registry's `auth.token.issuer`. */
  readonly issuer: string;
  /** `aud` claim; must equal the registry's `auth.token.service` (Harbor: `harbor-registry`). */
  readonly service: string;
  /** Signing key and certificate (see {@link createPki}). */
  readonly pki: Pick<LabPki, 'keyPem' | 'certDerBase64'>;
  /** Which actions `username`/`password` (both undefined when anonymous) have on `project`. */
  readonly authorize: Authorizer;
  /**
   * Whether the credentials log in. When given, the token's `sub` is the user name only for credentials that do, and
   * `''` otherwise, as Harbor's token service fills `sub` from the authenticated security context; and a caller whose
   * credentials do not log in, asking no scope, gets 401.
   * @default - credentials sent count as a login: `sub` is the user name sent, whatever the password
   */
  readonly authenticate?: (username: string, password: string) => boolean;
  /**
   * Whether the credentials are a Harbor system administrator's (granted the `registry:catalog` scope).
   * @default - nobody
   */
  readonly isSystemAdmin?: (username: string, password: string) => boolean;
  /**
   * Token lifetime in seconds.
   * @default 1800 (Harbor's default `token_expiration`, 30 minutes)
   */
  readonly expiresInSeconds?: number;
  /**
   * Path the handler answers on.
   * @default '/service/token'
   */
  readonly path?: string;
}

/** One entry of a token's `access` claim. */
export interface AccessEntry {
  readonly type: string;
  readonly name: string;
  readonly actions: string[];
}

/** The claims of a token made by {@link createTokenHandler}. */
export interface TokenClaims {
  readonly iss: string;
  readonly aud: string;
  readonly sub: string;
  readonly iat: number;
  readonly nbf: number;
  readonly exp: number;
  readonly jti: string;
  readonly access: AccessEntry[];
}

/** A requested scope, parsed. */
export interface RequestedScope {
  readonly type: string;
  readonly name: string;
  readonly actions: string[];
}

/** Handles one request; returns false (and does nothing) when the path is not the token path. */
export type TokenHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

/**
 * Parses `scope` query values. Each value may hold several space-separated scopes; a scope is
 * `<type>:<name>:<actions>` where the name may itself contain `:` (a registry host with a port), so the type is
 * split at the first `:` and the actions at the last.
 */
export function parseScopes(values: readonly string[]): RequestedScope[] {
  const scopes: RequestedScope[] = [];
  for (const value of values) {
    for (const part of value.split(' ')) {
      const first = part.indexOf(':');
      const last = part.lastIndexOf(':');
      if (first <= 0 || last <= first) continue;
      const type = part.slice(0, first);
      const name = part.slice(first + 1, last);
      const actions = part
        .slice(last + 1)
        .split(',')
        .filter((a) => a.length > 0);
      if (name.length === 0) continue;
      scopes.push({ type, name, actions });
    }
  }
  return scopes;
}

/** Reads HTTP Basic credentials; `undefined` fields when absent or malformed. Never logs them. */
export function parseBasicAuth(header: string | undefined): { username?: string; password?: string } {
  if (!header) return {};
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!match) return {};
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return { username: decoded, password: '' };
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

function base64url(input: Buffer | string): string {
  return Buffer.from(input).toString('base64url');
}

/** Signs `claims` as an RS256 JWT with `x5c` in its protected header. */
export function signToken(claims: TokenClaims, pki: Pick<LabPki, 'keyPem' | 'certDerBase64'>): string {
  const header = { typ: 'JWT', alg: 'RS256', x5c: [pki.certDerBase64] };
  const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
  const signature = sign('sha256', Buffer.from(signingInput), pki.keyPem);
  return `${signingInput}.${base64url(signature)}`;
}

/**
 * The access granted for the requested scopes (src/core/service/token/creator.go `repositoryFilter`, `registryFilter`,
 * authutils.go `filterAccess`): for a repository, every action `authorize` allows on its project, whatever was asked;
 * for `registry:catalog`, the asked actions for a system administrator (`admin`); for any other scope, nothing.
 */
export function grantAccess(
  scopes: readonly RequestedScope[],
  username: string | undefined,
  password: string | undefined,
  authorize: Authorizer,
  admin = false,
): AccessEntry[] {
  const cache = new Map<string, readonly RepositoryAction[]>();
  return scopes.map((scope) => {
    if (scope.type === 'registry')
      return {
        type: scope.type,
        name: scope.name,
        actions: scope.name === 'catalog' && admin ? [...scope.actions] : [],
      };
    if (scope.type !== 'repository') return { type: scope.type, name: scope.name, actions: [] };
    const slash = scope.name.indexOf('/');
    const project = slash > 0 ? scope.name.slice(0, slash) : '';
    let allowed: readonly RepositoryAction[] = [];
    if (project) {
      if (!cache.has(project)) cache.set(project, authorize(username, password, project));
      allowed = cache.get(project) ?? [];
    }
    return { type: scope.type, name: scope.name, actions: [...new Set(allowed)] };
  });
}

/** Creates the `/service/token` handler. */
export function createTokenHandler(opts: TokenHandlerOptions): TokenHandler {
  const path = opts.path ?? '/service/token';
  const expiresIn = opts.expiresInSeconds ?? 1800;
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://lab.invalid');
    if (url.pathname !== path) return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { 'Content-Type': 'application/json', Allow: 'GET' });
      res.end(
        JSON.stringify({
          errors: [{ code: 'METHOD_NOT_ALLOWED', message: `${req.method} is not allowed on ${path}; use GET.` }],
        }),
      );
      return true;
    }
    const service = url.searchParams.get('service') ?? '';
    if (service !== opts.service) {
      res.writeHead(400, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(`Unable to handle service: ${service}`);
      return true;
    }
    const { username, password } = parseBasicAuth(req.headers.authorization);
    const scopes = parseScopes(url.searchParams.getAll('scope'));
    const loggedIn = username !== undefined && (opts.authenticate ? opts.authenticate(username, password ?? '') : true);
    if (!loggedIn && scopes.length === 0) {
      // creator.go: "for docker login": an unauthenticated caller without a scope is refused.
      res.writeHead(401);
      res.end();
      return true;
    }
    let access: AccessEntry[];
    try {
      const admin = loggedIn && username !== undefined && opts.isSystemAdmin?.(username, password ?? '') === true;
      access = grantAccess(scopes, username, password, opts.authorize, admin);
    } catch {
      // An authorizer failure is an internal error; the message never echoes the credentials.
      res.writeHead(500, { 'Content-Type': 'application/json' });
      res.end(
        JSON.stringify({
          errors: [{ code: 'UNKNOWN', message: 'the lab token service could not authorize the request' }],
        }),
      );
      return true;
    }
    const now = Math.floor(Date.now() / 1000);
    const claims: TokenClaims = {
      iss: opts.issuer,
      aud: opts.service,
      sub: loggedIn ? (username ?? '') : '',
      iat: now,
      nbf: now,
      exp: now + expiresIn,
      jti: randomBytes(16).toString('hex'),
      access,
    };
    const token = signToken(claims, opts.pki);
    const body = JSON.stringify({
      token,
      access_token: token,
      expires_in: expiresIn,
      issued_at: new Date(now * 1000).toISOString(),
    });
    res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
    res.end(req.method === 'HEAD' ? undefined : body);
    return true;
  };
}
