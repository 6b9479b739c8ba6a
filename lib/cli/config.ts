/**
 * The config file, `.harbor-private-app.yaml`: the facts about a repository that its manifests do not show, kept next
 * to them so that every run (a developer's, CI's) has them. Found as eslint and prettier find theirs: in the working
 * directory, else in the nearest directory above it; `--config FILE` names one, `--no-config` reads none.
 *
 * ```yaml
 * # .harbor-private-app.yaml
 * registries: [reg.harbor.com]            # as --registry (added to the flags)
 * assumeSecrets:                          # as --assume-secret: pull Secrets made outside these files
 *   - kube-system/registry-secret=reg.harbor.com
 *   - "*\/regcred=reg.harbor.com"          # in every namespace
 * imagePaths:                             # as --image-path: images of custom resources lint does not know
 *   - Workflow.argoproj.io:spec.templates[*].container.image
 * ```
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { isMap, isScalar, LineCounter, parseDocument } from 'yaml';

/** The file names looked for, in order. */
export const CONFIG_FILE_NAMES = ['.harbor-private-app.yaml', '.harbor-private-app.yml'] as const;

/** What a config file says. */
export interface ConfigFile {
  /** The path it was read from, as shown in messages (relative to the working directory when below it). */
  readonly file: string;
  readonly registries: readonly string[];
  readonly assumeSecrets: readonly string[];
  readonly imagePaths: readonly string[];
}

/** A config file that cannot be read: the message names the file, the line, the key and the fix. */
export class ConfigFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigFileError';
  }
}

const KEYS = ['registries', 'assumeSecrets', 'imagePaths'] as const;

/** The config file that applies in `cwd`: the first of {@link CONFIG_FILE_NAMES} there or in a directory above. */
export async function findConfigFile(cwd: string): Promise<string | undefined> {
  for (let dir = path.resolve(cwd); ;) {
    for (const name of CONFIG_FILE_NAMES) {
      const candidate = path.join(dir, name);
      const stat = await fs.stat(candidate).catch(() => undefined);
      if (stat?.isFile()) return candidate;
    }
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function shown(file: string, cwd: string): string {
  const rel = path.relative(cwd, file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

/**
 * Reads a config file.
 * @throws ConfigFileError naming the file, the line and the fix
 */
export async function readConfigFile(file: string, cwd: string): Promise<ConfigFile> {
  const name = shown(file, cwd);
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    throw new ConfigFileError(
      `${name}: the config file cannot be read (${typeof code === 'string' ? code : 'read error'}).`,
    );
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true, logLevel: 'error' });
  const error = doc.errors[0];
  if (error) {
    const pos = lines.linePos(error.pos[0]);
    throw new ConfigFileError(`${name}:${pos.line}:${pos.col}: the config file is not valid YAML (${error.code}).`);
  }
  const value: unknown = doc.toJS({ maxAliasCount: 100 });
  if (value === null || value === undefined) return { file: name, registries: [], assumeSecrets: [], imagePaths: [] };
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigFileError(`${name}: the config file must be a mapping with the keys ${KEYS.join(', ')}.`);
  }
  const record = value as Record<string, unknown>;
  const lineOf = (key: string): number => {
    if (isMap(doc.contents)) {
      for (const pair of doc.contents.items) {
        if (isScalar(pair.key) && pair.key.value === key && pair.key.range)
          return lines.linePos(pair.key.range[0]).line;
      }
    }
    return 1;
  };
  for (const key of Object.keys(record)) {
    if (!(KEYS as readonly string[]).includes(key)) {
      throw new ConfigFileError(
        `${name}:${lineOf(key)}: unknown key ${JSON.stringify(key)}. Fix: use ${KEYS.join(', ')}.`,
      );
    }
  }
  const list = (key: (typeof KEYS)[number]): string[] => {
    const v = record[key];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' || x === '')) {
      throw new ConfigFileError(
        `${name}:${lineOf(key)}: ${key} must be a list of non-empty strings. Fix: e.g. ${key}: [${example[key]}]`,
      );
    }
    return v as string[];
  };
  return {
    file: name,
    registries: list('registries'),
    assumeSecrets: list('assumeSecrets'),
    imagePaths: list('imagePaths'),
  };
}

const example: Record<(typeof KEYS)[number], string> = {
  registries: 'reg.harbor.com',
  assumeSecrets: 'kube-system/registry-secret=reg.harbor.com',
  imagePaths: "'Workflow.argoproj.io:spec.templates[*].container.image'",
};
