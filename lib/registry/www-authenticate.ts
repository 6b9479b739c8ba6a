/**
 * The challenge a registry sends with `401` on `GET /v2/` (RFC 7235 `WWW-Authenticate`), e.g. Harbor's
 * `Bearer realm="https://reg.harbor.com/service/token",service="harbor-registry"`.
 */

/** A parsed challenge. */
export interface AuthChallenge {
  /** The scheme, lower case: `bearer` or `basic`. */
  readonly scheme: string;
  /** Its parameters, names in lower case (`realm`, `service`, `scope`). */
  readonly params: Readonly<Record<string, string>>;
}

const PARAM = /\s*([A-Za-z0-9!#$%&'*+.^_`|~-]+)\s*=\s*("((?:[^"\\]|\\.)*)"|[^,\s]*)\s*(?:,|$)/y;

/**
 * Parses the first challenge of a `WWW-Authenticate` value; `undefined` when there is none. Quoted values are
 * unescaped; parameters after a second scheme are ignored.
 */
export function parseAuthChallenge(header: string | null | undefined): AuthChallenge | undefined {
  if (!header) return undefined;
  const m = /^\s*([A-Za-z][A-Za-z0-9!#$%&'*+.^_`|~-]*)(?:\s+|$)/.exec(header);
  if (!m) return undefined;
  const params: Record<string, string> = {};
  PARAM.lastIndex = m[0].length;
  for (let p = PARAM.exec(header); p; p = PARAM.exec(header)) {
    const name = p[1].toLowerCase();
    if (!(name in params)) params[name] = p[3] !== undefined ? p[3].replace(/\\(.)/g, '$1') : p[2];
    if (PARAM.lastIndex >= header.length) break;
  }
  return { scheme: m[1].toLowerCase(), params };
}
