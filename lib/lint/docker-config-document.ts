/**
 * Reads the registry entries of a `.dockerconfigjson` or `.dockercfg` document, literal or an External Secrets
 * template, keeping the keys and user names only: passwords and `auth` values are never kept or shown.
 */
import { parseRegistryKey, type RegistryKey } from './registry-keys';

/** One registry entry of a docker config document. */
export interface DockerConfigEntry {
  /** The key as written (`reg.harbor.com`, `https://index.docker.io/v1/`). */
  readonly rawKey: string;
  /** The key as kubelet reads it; `undefined` when kubelet would ignore it as malformed. */
  readonly key?: RegistryKey;
  /**
   * The user name of the entry (`username`, else the part of `auth` before `:`), when it is a fixed string; a
   * robot's name is no credential. `undefined` when absent or templated.
   */
  readonly username?: string;
}

/** What a docker config document says, or why it cannot be read. */
export type DockerConfigContent =
  | { readonly state: 'entries'; readonly entries: readonly DockerConfigEntry[] }
  | { readonly state: 'unreadable'; readonly problem: string }
  | { readonly state: 'unknown'; readonly reason: string };

/** Which of the two formats kubelet reads. */
export type DockerConfigFormat = '.dockerconfigjson' | '.dockercfg';

/** What a template action inside a JSON string becomes: a value no real registry key or user name holds. */
const TEMPLATED = '\u0000template\u0000';
/** {@link TEMPLATED} as JSON source text (raw control characters are not allowed in a JSON string). */
const TEMPLATED_JSON = JSON.stringify(TEMPLATED).slice(1, -1);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function fixedString(v: unknown): string | undefined {
  return typeof v === 'string' && !v.includes(TEMPLATED) ? v : undefined;
}

function userFromAuth(auth: unknown): string | undefined {
  const text = fixedString(auth);
  if (text === undefined || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return undefined;
  const decoded = Buffer.from(text, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon > 0 ? decoded.slice(0, colon) : undefined;
}

function entriesOf(doc: unknown, format: DockerConfigFormat): DockerConfigContent {
  if (!isRecord(doc)) return { state: 'unreadable', problem: `its ${format} is not a JSON object` };
  const auths = format === '.dockerconfigjson' ? doc.auths : doc;
  if (!isRecord(auths)) return { state: 'unreadable', problem: `its ${format} has no "auths" object` };
  const entries: DockerConfigEntry[] = [];
  for (const [rawKey, value] of Object.entries(auths)) {
    if (rawKey.includes(TEMPLATED)) {
      return { state: 'unknown', reason: `the registry host of its ${format} comes from a template expression` };
    }
    const key = parseRegistryKey(rawKey);
    const entry = isRecord(value) ? value : {};
    const username = fixedString(entry.username) || userFromAuth(entry.auth);
    entries.push({ rawKey, ...(key ? { key } : {}), ...(username ? { username } : {}) });
  }
  return { state: 'entries', entries };
}

/** Reads a literal document (a Secret's decoded data). Never echoes the document in a problem. */
export function readDockerConfig(text: string, format: DockerConfigFormat): DockerConfigContent {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return { state: 'unreadable', problem: `its ${format} is not valid JSON (kubelet fails every pull that uses it)` };
  }
  return entriesOf(doc, format);
}

/**
 * Reads an External Secrets template (Go template syntax) of a docker config document: each `{{ ... }}` action is
 * replaced by a placeholder (inside a JSON string) or by `0` (as a JSON value), and the result is read as JSON. A
 * registry key that is itself templated, or a template that is no JSON once its actions are replaced (loops,
 * conditionals), gives `unknown`: the hosts are only known once the template runs.
 */
export function readDockerConfigTemplate(template: string, format: DockerConfigFormat): DockerConfigContent {
  let out = '';
  let inString = false;
  for (let i = 0; i < template.length;) {
    if (template.startsWith('{{', i)) {
      const end = template.indexOf('}}', i + 2);
      if (end < 0) return { state: 'unknown', reason: `its ${format} template has an unclosed "{{"` };
      out += inString ? TEMPLATED_JSON : '0';
      i = end + 2;
      continue;
    }
    const c = template[i];
    if (inString && c === '\\') {
      out += template.slice(i, i + 2);
      i += 2;
      continue;
    }
    if (c === '"') inString = !inString;
    out += c;
    i++;
  }
  let doc: unknown;
  try {
    doc = JSON.parse(out);
  } catch {
    return { state: 'unknown', reason: `its ${format} template is not JSON with its template actions left out` };
  }
  return entriesOf(doc, format);
}
