/**
 * `npm run contracts`: extracts the upstream contracts the tests check against into project-owned, compact files
 * under `test/contracts/`, from the reference copies in `../shared` (next to the repository):
 *
 * - `harbor-api.json`: the part of Harbor's REST API v2.0 swagger the project calls (lib/harbor) or serves (the lab's
 *   emulator), as a Swagger 2.0 document: whole path families ({@link HARBOR_PATH_FAMILIES}) with the parameters,
 *   responses and definitions they reference, transitively;
 * - `crds/<source>.json`: the CustomResourceDefinitions of the kinds the cdk8s construct emits ({@link CRD_KINDS}),
 *   with the `openAPIV3Schema` of the versions it emits; other versions keep only their name and flags.
 *
 * Names, types, formats, enums, patterns, bounds, required fields, defaults, nullability, `x-kubernetes-*` markers and
 * CEL rules (`x-kubernetes-validations`, messages included: the API server returns them) are kept; descriptions,
 * summaries, titles, examples, tags and printer columns are dropped. Output is deterministic: object keys sorted,
 * arrays in upstream order, 2-space JSON with a final newline, so a rerun gives byte-identical files. Each file
 * starts with an `x-contract` field naming its source and version (from `../shared/<area>/SOURCE.md`).
 *
 * It also writes `lib/harbor/robot-access.ts` ({@link ROBOT_ACCESS_MODULE}): the `resource:action` pairs Harbor accepts in
 * a robot's permissions, which the library checks before any request (so they ship in `lib/`), extracted from Harbor's
 * Go source (`src/common/rbac/const.go` at {@link HARBOR_RBAC_TAG}) in a git directory of goharbor/harbor named by the
 * environment variable `HARBOR_GIT_DIR`; without it that module is kept as committed.
 *
 * The tests read only the committed files; `test/contracts/contracts.test.ts` regenerates them in memory when
 * `../shared` (and, for the robot permissions, `HARBOR_GIT_DIR`) exists and fails when they are stale.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as YAML from 'yaml';

/** The repository's root. */
const REPO_ROOT = path.resolve(__dirname, '..');

/** Where the reference copies of the upstream contracts live: `../shared`, next to the repository. */
export const SHARED_DIR = path.resolve(REPO_ROOT, '..', 'shared');

/** Where the contract files are written. */
export const CONTRACTS_DIR = path.join(REPO_ROOT, 'test', 'contracts');

/** What writes the contracts, as named in each file's header. */
const GENERATOR = 'scripts/contracts.ts (npm run contracts)';

/**
 * Harbor API path families kept whole (every operation of every matching path template). Whole families, not only
 * today's calls: new client calls and emulator routes under them need no regeneration.
 */
export const HARBOR_PATH_FAMILIES: readonly RegExp[] = [
  /^\/projects(\/|$)/, // projects, members, project metadata, repositories, artifacts, tags...
  /^\/robots(\/|$)/, // robot accounts (system and project level)
  /^\/repositories$/, // repositories across projects
  /^\/users\/current(\/|$)/, // the caller's identity and permissions (the emulator serves /users/current)
  /^\/quotas(\/|$)/, // project storage quotas (the Pulumi engine changes them)
  /^\/users\/\{user_id\}\/password$/, // a user's password (the lab rotates the admin's, as Harbor's UI does)
];

/** Top-level fields of the swagger kept as they are. */
const SWAGGER_TOP_LEVEL = ['swagger', 'basePath', 'consumes', 'produces', 'securityDefinitions', 'security'];

/** One kind the cdk8s construct emits, and the versions whose schema the tests need. */
export interface CrdSelection {
  /** Folder under `../shared/crds`, also the contract's file name (`crds/<source>.json`). */
  readonly source: string;
  readonly group: string;
  readonly kind: string;
  /** Versions whose `openAPIV3Schema` is kept; the others keep name, served and storage only. */
  readonly versions: readonly string[];
}

/** The custom resources the construct emits (lib/cdk8s/crossplane.ts, lib/cdk8s/external-secrets.ts). */
export const CRD_KINDS: readonly CrdSelection[] = [
  { source: 'provider-harbor', group: 'project.harbor.crossplane.io', kind: 'Project', versions: ['v1alpha1'] },
  { source: 'provider-harbor', group: 'project.harbor.crossplane.io', kind: 'MemberUser', versions: ['v1alpha1'] },
  { source: 'provider-harbor', group: 'project.harbor.crossplane.io', kind: 'MemberGroup', versions: ['v1alpha1'] },
  {
    source: 'provider-harbor',
    group: 'robotaccount.harbor.crossplane.io',
    kind: 'RobotAccount',
    versions: ['v1alpha1'],
  },
  { source: 'external-secrets', group: 'external-secrets.io', kind: 'ExternalSecret', versions: ['v1'] },
  { source: 'external-secrets', group: 'external-secrets.io', kind: 'ClusterSecretStore', versions: ['v1'] },
];

/** Keys that only document: dropped wherever they describe a schema, parameter, response or operation. */
const PROSE = new Set(['description', 'summary', 'title', 'example', 'examples', 'x-example', 'tags', 'externalDocs']);

/**
 * Keys whose value, when an object, maps names (properties, paths, status codes...) to nodes: the names are never
 * dropped, whatever they are (Harbor's robot has a `description` property).
 */
const NAME_MAPS = new Set([
  'properties',
  'patternProperties',
  'definitions',
  'paths',
  'parameters',
  'responses',
  'headers',
]);

/** Keys whose value is a node (or a list of nodes) to strip recursively. */
const NODES = new Set([
  'items',
  'additionalProperties',
  'not',
  'schema',
  'allOf',
  'anyOf',
  'oneOf',
  'parameters',
  'get',
  'put',
  'post',
  'delete',
  'patch',
  'head',
  'options',
]);

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type JsonObject = { [k: string]: Json };

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `v` with every object's keys sorted (arrays keep their order). */
function canonical(v: Json): Json {
  if (Array.isArray(v)) return v.map(canonical);
  if (!isObject(v)) return v;
  const out: JsonObject = {};
  for (const k of Object.keys(v).sort()) out[k] = canonical(v[k]);
  return out;
}

/** A schema, parameter, response, operation or path item without its prose (see {@link PROSE}). */
export function stripProse(node: Json): Json {
  if (Array.isArray(node)) return node.map(stripProse);
  if (!isObject(node)) return node;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(node)) {
    if (PROSE.has(k)) continue;
    if (NAME_MAPS.has(k) && isObject(v)) {
      out[k] = Object.fromEntries(Object.entries(v).map(([name, x]) => [name, stripProse(x)]));
    } else if (NODES.has(k)) {
      out[k] = stripProse(v);
    } else {
      out[k] = v; // a value (type, enum, default, pattern, required, x-kubernetes-validations...): kept as is
    }
  }
  return out;
}

/** One file of `test/contracts/`. */
export interface ContractFile {
  /** Path below `test/contracts/`, with `/` separators. */
  readonly path: string;
  /** The file's exact content. */
  readonly text: string;
  /** The upstream files it was extracted from, relative to the repository root (e.g. `../shared/harbor/swagger.yaml`). */
  readonly sources: readonly string[];
}

/** Widest line {@link render} writes on one line. */
const LINE_WIDTH = 120;

/**
 * `doc` as JSON, keys sorted (its `x-contract` header first): a value whose compact form fits on the rest of its line stays on one line, any other
 * object or array is laid out one entry per line, indented by one space. Compact enough to commit, readable in a diff.
 */
export function render(doc: Json): string {
  const lines: string[] = [];
  const emit = (v: Json, indent: string, prefix: string, suffix: string): void => {
    const flat = JSON.stringify(v);
    if (
      indent.length + prefix.length + flat.length + suffix.length <= LINE_WIDTH ||
      !(v !== null && typeof v === 'object')
    ) {
      lines.push(`${indent}${prefix}${flat}${suffix}`);
      return;
    }
    const entries: Array<[string, Json]> = Array.isArray(v)
      ? v.map((x) => ['', x])
      : Object.entries(v).map(([k, x]) => [`${JSON.stringify(k)}: `, x]);
    const [open, close] = Array.isArray(v) ? ['[', ']'] : ['{', '}'];
    lines.push(`${indent}${prefix}${open}`);
    entries.forEach(([p, x], i) => emit(x, `${indent} `, p, i < entries.length - 1 ? ',' : ''));
    lines.push(`${indent}${close}${suffix}`);
  };
  const sorted = canonical(doc);
  // The header first, then the rest in key order.
  emit(
    isObject(sorted) && 'x-contract' in sorted ? { 'x-contract': sorted['x-contract'], ...sorted } : sorted,
    '',
    '',
    '',
  );
  return `${lines.join('\n')}\n`;
}

/** `../shared/...` as named in the headers: relative to the repository root, `/` separators. */
function relativeName(sharedDir: string, file: string): string {
  return `../shared/${path.relative(sharedDir, file).split(path.sep).join('/')}`;
}

function readSource(sharedDir: string, area: string): string {
  const file = path.join(sharedDir, area, 'SOURCE.md');
  if (!fs.existsSync(file))
    throw new Error(`${relativeName(sharedDir, file)} is missing: it names the upstream version of the contracts.`);
  return fs.readFileSync(file, 'utf8');
}

// ---------------------------------------------------------------------------------------------------------------------
// Harbor

/** `#/<section>/<name>` references in `v`. */
function refsIn(v: Json, out: Set<string> = new Set()): Set<string> {
  if (Array.isArray(v)) v.forEach((x) => refsIn(x, out));
  else if (isObject(v))
    for (const [k, x] of Object.entries(v)) {
      if (k === '$ref' && typeof x === 'string') out.add(x);
      else refsIn(x, out);
    }
  return out;
}

function harborVersion(sourceMd: string): { upstream: string; version: string } {
  const repo = /^Repository: (\S+).*?\btag (\S+?)[\s,(]/m.exec(sourceMd);
  const file = /^Path: (\S+).*?\bcommit ([0-9a-f]{7,40})/m.exec(sourceMd);
  if (!repo || !file)
    throw new Error(
      '../shared/harbor/SOURCE.md: expected "Repository: <owner/name> ... tag <tag>" and "Path: <path> ... commit <sha>" lines',
    );
  return { upstream: `${repo[1]} ${file[1]}`, version: `${repo[2]} (commit ${file[2]})` };
}

/** `harbor-api.json`: the kept path families of Harbor's swagger and everything they reference. */
export function harborContract(sharedDir: string): ContractFile {
  const file = path.join(sharedDir, 'harbor', 'swagger.yaml');
  if (!fs.existsSync(file))
    throw new Error(`${relativeName(sharedDir, file)} is missing: it is Harbor's API contract.`);
  const { upstream, version } = harborVersion(readSource(sharedDir, 'harbor'));
  const doc = YAML.parse(fs.readFileSync(file, 'utf8'), { uniqueKeys: false }) as JsonObject;
  if (doc.swagger !== '2.0' || !isObject(doc.paths))
    throw new Error(`${relativeName(sharedDir, file)}: expected a Swagger 2.0 document with paths`);

  const paths: JsonObject = {};
  for (const [template, item] of Object.entries(doc.paths))
    if (HARBOR_PATH_FAMILIES.some((re) => re.test(template))) paths[template] = stripProse(item);
  if (Object.keys(paths).length === 0)
    throw new Error(`${relativeName(sharedDir, file)}: no path of the kept families`);

  const sections: Record<string, JsonObject> = { definitions: {}, parameters: {}, responses: {} };
  const pending = [...refsIn(paths)];
  for (let ref = pending.pop(); ref !== undefined; ref = pending.pop()) {
    const m = /^#\/(definitions|parameters|responses)\/(.+)$/.exec(ref);
    if (!m) throw new Error(`${relativeName(sharedDir, file)}: unsupported reference ${ref}`);
    const [, section, name] = m;
    if (name in sections[section]) continue;
    const table = doc[section];
    const target = isObject(table) ? table[name] : undefined;
    if (target === undefined) throw new Error(`${relativeName(sharedDir, file)}: reference ${ref} does not resolve`);
    const stripped = stripProse(target);
    sections[section][name] = stripped;
    pending.push(...refsIn(stripped));
  }

  const out: JsonObject = {
    'x-contract': {
      source: relativeName(sharedDir, file),
      upstream,
      version,
      generator: GENERATOR,
      kept: `paths matching ${HARBOR_PATH_FAMILIES.map(String).join(' ')} and what they reference; prose dropped`,
    },
    paths,
  };
  for (const k of SWAGGER_TOP_LEVEL) if (doc[k] !== undefined) out[k] = doc[k];
  for (const [k, v] of Object.entries(sections)) if (Object.keys(v).length > 0) out[k] = v;
  return { path: 'harbor-api.json', text: render(out), sources: [relativeName(sharedDir, file)] };
}

// ---------------------------------------------------------------------------------------------------------------------
// CRDs

/** The row of `../shared/crds/SOURCE.md`'s table for `folder`: upstream repository, path and version. */
function crdVersion(sourceMd: string, folder: string): { upstream: string; version: string } {
  for (const line of sourceMd.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    // | folder/ | owner/name (what) | path/ | commit (tag, date) |
    if (cells.length >= 6 && cells[1].replace(/\/$/, '') === folder) {
      const repo = cells[2].split(/\s/)[0];
      return { upstream: `${repo} ${cells[3]}`, version: cells[4] };
    }
  }
  throw new Error(
    `../shared/crds/SOURCE.md: no table row for ${folder}/ (| ${folder}/ | repository | path | version |)`,
  );
}

/** Group and kind of a CRD file, read from its header (the part before `spec.versions`) when that parses alone. */
function crdHeader(text: string): { group?: string; kind?: string } {
  const versions = /^ {2}versions:/m.exec(text);
  let head: unknown;
  try {
    head = YAML.parse(versions ? text.slice(0, versions.index) : text);
  } catch {
    return {};
  }
  if (!isObject(head) || !isObject(head.spec) || !isObject(head.spec.names)) return {};
  const { group } = head.spec;
  const { kind } = head.spec.names;
  return { group: typeof group === 'string' ? group : undefined, kind: typeof kind === 'string' ? kind : undefined };
}

/** A CRD reduced to what validation needs: names, scope, versions and flags, the selected versions' schemas. */
function reduceCrd(crd: JsonObject, sel: CrdSelection, where: string): JsonObject {
  const spec = crd.spec as JsonObject;
  const versions = (Array.isArray(spec.versions) ? spec.versions : []).filter(
    (v): v is JsonObject & { name: string } => isObject(v) && typeof v.name === 'string',
  );
  for (const v of sel.versions)
    if (!versions.some((x) => x.name === v))
      throw new Error(`${where}: ${sel.kind} has no version ${v} (has ${versions.map((x) => x.name).join(', ')})`);
  return {
    apiVersion: crd.apiVersion,
    kind: crd.kind,
    metadata: { name: (crd.metadata as JsonObject).name },
    spec: {
      group: spec.group,
      names: spec.names,
      scope: spec.scope,
      versions: versions.map((v) => {
        const kept: JsonObject = { name: v.name, served: v.served, storage: v.storage };
        for (const k of ['deprecated', 'deprecationWarning']) if (v[k] !== undefined) kept[k] = v[k];
        const schema = isObject(v.schema) ? v.schema.openAPIV3Schema : undefined;
        if (sel.versions.includes(v.name)) {
          if (!isObject(schema)) throw new Error(`${where}: ${sel.kind} ${v.name} has no openAPIV3Schema`);
          kept.schema = { openAPIV3Schema: stripProse(schema) };
        }
        return kept;
      }),
    },
  };
}

/** `crds/<source>.json` for each source folder: the selected kinds' CRDs, reduced. */
export function crdContracts(sharedDir: string): ContractFile[] {
  const crdsDir = path.join(sharedDir, 'crds');
  const sourceMd = readSource(sharedDir, 'crds');
  const out: ContractFile[] = [];
  for (const source of [...new Set(CRD_KINDS.map((k) => k.source))].sort()) {
    const dir = path.join(crdsDir, source);
    if (!fs.existsSync(dir))
      throw new Error(`${relativeName(sharedDir, dir)} is missing: it holds the ${source} CRDs.`);
    const wanted = CRD_KINDS.filter((k) => k.source === source);
    const found = new Map<CrdSelection, { crd: JsonObject; file: string }>();
    for (const name of fs.readdirSync(dir).sort()) {
      if (!/\.ya?ml$/.test(name)) continue;
      const file = path.join(dir, name);
      const text = fs.readFileSync(file, 'utf8');
      const head = crdHeader(text);
      // Parse whole only the files whose header names a wanted kind (or whose header does not parse alone).
      if (head.kind !== undefined && !wanted.some((w) => w.group === head.group && w.kind === head.kind)) continue;
      for (const doc of YAML.parseAllDocuments(text)) {
        const crd = doc.toJS() as unknown;
        if (!isObject(crd) || crd.kind !== 'CustomResourceDefinition' || !isObject(crd.spec)) continue;
        const { group, names } = crd.spec;
        const sel = wanted.find((w) => w.group === group && isObject(names) && w.kind === names.kind);
        if (!sel) continue;
        const prev = found.get(sel);
        if (prev) throw new Error(`${sel.group}/${sel.kind} is defined twice: in ${prev.file} and ${name}`);
        found.set(sel, { crd, file: name });
      }
    }
    const missing = wanted.filter((w) => !found.has(w)).map((w) => `${w.group}/${w.kind}`);
    if (missing.length > 0)
      throw new Error(`${relativeName(sharedDir, dir)}: no CustomResourceDefinition for ${missing.join(', ')}`);
    const { upstream, version } = crdVersion(sourceMd, source);
    const files = wanted.map((w) => found.get(w)!.file);
    const doc: JsonObject = {
      'x-contract': {
        source: `${relativeName(sharedDir, dir)}/`,
        files: [...files].sort(),
        upstream,
        version,
        generator: GENERATOR,
        kept: `kinds ${wanted.map((w) => `${w.kind} (${w.versions.join(', ')})`).join(', ')}; other versions keep their flags only; prose dropped`,
      },
      crds: wanted.map((w) => reduceCrd(found.get(w)!.crd, w, `${relativeName(sharedDir, dir)}/${found.get(w)!.file}`)),
    };
    out.push({
      path: `crds/${source}.json`,
      text: render(doc),
      sources: [...files].sort().map((f) => `${relativeName(sharedDir, dir)}/${f}`),
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------------
// Harbor's robot permissions (shipped in lib/: the library checks a robot's permissions before any request)

/** The environment variable naming a git directory of goharbor/harbor (a bare mirror, or a clone's `.git`). */
export const HARBOR_GIT_DIR_ENV = 'HARBOR_GIT_DIR';

/**
 * The Harbor release whose robot permissions are extracted: the one the swagger contract is taken from
 * (`../shared/harbor/SOURCE.md`).
 */
export const HARBOR_RBAC_TAG = 'v2.15.2';

/** Harbor's Go file that lists the permissions a robot may be given. */
export const HARBOR_RBAC_FILE = 'src/common/rbac/const.go';

/** Where the robot permissions are written, relative to the repository root. */
export const ROBOT_ACCESS_MODULE = 'lib/harbor/robot-access.ts';

/** The `resource:action` pairs Harbor accepts in a robot's permissions, by scope, each resource's actions sorted. */
export interface RobotAccessTable {
  readonly project: Readonly<Record<string, readonly string[]>>;
  readonly system: Readonly<Record<string, readonly string[]>>;
}

/** The text between the `{` at `open` and its matching `}` (Go source without braces in strings there). */
function braceBody(src: string, open: number, where: string): string {
  if (src[open] !== '{') throw new Error(`${where}: expected "{"`);
  let depth = 0;
  for (let i = open; i < src.length; i++) {
    if (src[i] === '{') depth++;
    else if (src[i] === '}' && --depth === 0) return src.slice(open + 1, i);
  }
  throw new Error(`${where}: unbalanced braces`);
}

/**
 * Harbor's robot permissions, read from `src/common/rbac/const.go`: what its robot API's `validate`
 * (src/server/v2.0/handler/robot.go) checks every `{resource, action}` against, `rbac.GetPermissionProvider()
 * .GetPermissions(scope)`: `PoliciesMap[scope]` plus what `NolimitProvider` (the provider it returns) appends.
 * @throws Error naming what it could not find: Harbor changed the file's structure, and the extraction must follow
 */
export function parseRobotAccess(goSource: string, where = HARBOR_RBAC_FILE): RobotAccessTable {
  const idents = new Map<string, string>();
  for (const m of goSource.matchAll(/\b((?:Resource|Action)\w*)\s*=\s*(?:Resource|Action)\("([^"]*)"\)/g))
    idents.set(m[1], m[2]);
  const value = (ident: string): string => {
    const v = idents.get(ident);
    if (v === undefined) throw new Error(`${where}: ${ident} is not a Resource or Action constant of the file`);
    return v;
  };
  const policies = (body: string): Array<[string, string]> =>
    [...body.matchAll(/\{\s*Resource:\s*(\w+),\s*Action:\s*(\w+)\s*[,}]/g)].map((m): [string, string] => [
      value(m[1]),
      value(m[2]),
    ]);
  /** The body of the block whose `{` ends the first match of `re`. */
  const block = (src: string, re: RegExp, what: string): string => {
    const m = re.exec(src);
    if (!m) throw new Error(`${where}: no ${what}`);
    return braceBody(src, m.index + m[0].length - 1, `${where} ${what}`);
  };

  const provider = block(
    goSource,
    /func GetPermissionProvider\(\) RobotPermissionProvider \{/,
    'GetPermissionProvider()',
  );
  if (!/^\s*(?:\/\/[^\n]*\n\s*)*return &NolimitProvider\{\}\s*$/.test(provider))
    throw new Error(`${where}: GetPermissionProvider no longer returns &NolimitProvider{}`);
  const mapBody = block(goSource, /PoliciesMap\s*=\s*map\[scope\]\[\]\*types\.Policy\{/, 'PoliciesMap');
  const nolimitBody = block(
    goSource,
    /func \(\w+ \*NolimitProvider\) GetPermissions\(\w+ scope\) \[\]\*types\.Policy \{/,
    'NolimitProvider.GetPermissions',
  );

  const table = (scope: 'System' | 'Project'): Record<string, string[]> => {
    const base = policies(block(mapBody, new RegExp(`\\bScope${scope}:\\s*\\{`), `PoliciesMap[Scope${scope}]`));
    const extraBody = block(
      nolimitBody,
      new RegExp(`if \\w+ == Scope${scope} \\{`),
      `NolimitProvider Scope${scope} branch`,
    );
    if (!new RegExp(`BaseProvider\\.GetPermissions\\(Scope${scope}\\)`).test(extraBody))
      throw new Error(`${where}: NolimitProvider's Scope${scope} branch no longer starts from PoliciesMap`);
    const out: Record<string, Set<string>> = {};
    for (const [resource, action] of [...base, ...policies(extraBody)]) (out[resource] ??= new Set()).add(action);
    if (Object.keys(out).length === 0) throw new Error(`${where}: no permission found for Scope${scope}`);
    return Object.fromEntries(
      Object.keys(out)
        .sort()
        .map((r) => [r, [...out[r]].sort()]),
    );
  };
  return { project: table('Project'), system: table('System') };
}

/** Where {@link robotAccessModule} says the pairs come from. */
export interface RobotAccessOrigin {
  /** `goharbor/harbor src/common/rbac/const.go`. */
  readonly upstream: string;
  /** `v2.15.2 (commit <sha>)`. */
  readonly version: string;
}

/** One scope's table as TypeScript source lines, one resource per line. */
function tableLines(table: Readonly<Record<string, readonly string[]>>): string[] {
  return Object.entries(table).map(([resource, actions]) => {
    const key = /^[A-Za-z_$][\w$]*$/.test(resource) ? resource : `'${resource}'`;
    return `    ${key}: [${actions.map((a) => `'${a}'`).join(', ')}],`;
  });
}

/**
 * The TypeScript module shipped as {@link ROBOT_ACCESS_MODULE}: the pairs as data, and where they come from. Written
 * as prettier writes it (the lint checks it), one resource per line, so a Harbor upgrade reads as a short diff.
 */
export function robotAccessModule(access: RobotAccessTable, origin: RobotAccessOrigin): string {
  return [
    '/**',
    " * The `resource:action` pairs Harbor accepts in a robot account's permissions, by scope: what Harbor's robot API",
    ' * (`validate` in src/server/v2.0/handler/robot.go) checks each access entry against, answering 400',
    ' * "bad request permission: <resource>:<action>" for any other: `PoliciesMap` and the additions of',
    ' * `NolimitProvider` in src/common/rbac/const.go.',
    ' *',
    ` * GENERATED by ${GENERATOR} from ${origin.upstream}`,
    ` * at ${origin.version}; do not edit.`,
    ` * Regenerate with \`${HARBOR_GIT_DIR_ENV}=<a git directory of goharbor/harbor> npm run contracts\`.`,
    ' */',
    '',
    '/** Where {@link HARBOR_ROBOT_ACCESS} comes from. */',
    'export const HARBOR_ROBOT_ACCESS_ORIGIN = {',
    `  upstream: '${origin.upstream}',`,
    `  version: '${origin.version}',`,
    '} as const;',
    '',
    '/** The actions Harbor accepts for each resource in a robot permission of `kind` `project` or `system`. */',
    'export const HARBOR_ROBOT_ACCESS: {',
    '  readonly project: Readonly<Record<string, readonly string[]>>;',
    '  readonly system: Readonly<Record<string, readonly string[]>>;',
    '} = {',
    '  project: {',
    ...tableLines(access.project),
    '  },',
    '  system: {',
    ...tableLines(access.system),
    '  },',
    '};',
    '',
  ].join('\n');
}

/** Runs git on a git directory; its output, or an error naming the command. */
function git(gitDir: string, args: string[]): string {
  try {
    return execFileSync('git', [`--git-dir=${gitDir}`, ...args], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (e) {
    const stderr = (e as { stderr?: unknown }).stderr;
    throw new Error(`git ${args.join(' ')} failed in ${HARBOR_GIT_DIR_ENV}: ${String(stderr ?? e).trim()}`, {
      cause: e,
    });
  }
}

/**
 * {@link ROBOT_ACCESS_MODULE}, extracted from {@link HARBOR_RBAC_FILE} at {@link HARBOR_RBAC_TAG} in a git directory
 * of goharbor/harbor (what the `fetch` of github:goharbor/harbor gives, or a clone's `.git`).
 */
export function robotAccessContract(gitDir: string, tag: string = HARBOR_RBAC_TAG): ContractFile {
  if (!fs.existsSync(gitDir))
    throw new Error(
      `${HARBOR_GIT_DIR_ENV} names a directory that does not exist; give a git directory of goharbor/harbor.`,
    );
  const commit = git(gitDir, ['rev-parse', '--verify', `${tag}^{commit}`]).trim();
  const source = git(gitDir, ['show', `${commit}:${HARBOR_RBAC_FILE}`]);
  const access = parseRobotAccess(source, `goharbor/harbor ${tag}:${HARBOR_RBAC_FILE}`);
  const text = robotAccessModule(access, {
    upstream: `goharbor/harbor ${HARBOR_RBAC_FILE}`,
    version: `${tag} (commit ${commit})`,
  });
  return { path: ROBOT_ACCESS_MODULE, text, sources: [`goharbor/harbor ${tag}:${HARBOR_RBAC_FILE}`] };
}

// ---------------------------------------------------------------------------------------------------------------------
// Entry points

/**
 * Every contract file, built in memory from `sharedDir`.
 * @throws Error naming the folder when `sharedDir` is missing, or naming the file and what is wrong in it
 * @default sharedDir SHARED_DIR
 */
export function buildContracts(sharedDir: string = SHARED_DIR): ContractFile[] {
  if (!fs.existsSync(sharedDir) || !fs.statSync(sharedDir).isDirectory())
    throw new Error(
      `${path.relative(REPO_ROOT, sharedDir) || sharedDir} is missing: npm run contracts reads the upstream reference copies (harbor/swagger.yaml, crds/) from the shared/ folder next to the repository.`,
    );
  return [harborContract(sharedDir), ...crdContracts(sharedDir)];
}

/** The contract files committed under `test/contracts/`, by path below it. */
export function committedContracts(dir: string = CONTRACTS_DIR): Map<string, string> {
  const out = new Map<string, string>();
  if (!fs.existsSync(dir)) return out;
  for (const rel of fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort()) {
    if (rel.endsWith('.json')) out.set(rel.split(path.sep).join('/'), fs.readFileSync(path.join(dir, rel), 'utf8'));
  }
  return out;
}

function size(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`.padStart(10);
}

/** Writes the contracts, removes contract files it no longer writes, and prints the sizes. */
function main(): void {
  const files = buildContracts();
  const written = new Set(files.map((f) => f.path));
  for (const stale of committedContracts().keys()) if (!written.has(stale)) fs.rmSync(path.join(CONTRACTS_DIR, stale));
  for (const f of files) {
    const target = path.join(CONTRACTS_DIR, f.path);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    const before = fs.existsSync(target) ? fs.readFileSync(target, 'utf8') : undefined;
    fs.writeFileSync(target, f.text);
    const upstream = f.sources.reduce((n, s) => n + fs.statSync(path.resolve(REPO_ROOT, s)).size, 0);
    const state = before === undefined ? 'new' : before === f.text ? 'unchanged' : 'updated';
    console.log(
      `test/contracts/${f.path.padEnd(28)} ${size(Buffer.byteLength(f.text))}  from ${size(upstream)} upstream (${f.sources.length} file(s))  ${state}`,
    );
  }
}

/**
 * Writes {@link ROBOT_ACCESS_MODULE} from the git directory named by {@link HARBOR_GIT_DIR_ENV}; without it, keeps the
 * committed module and says how to regenerate it.
 */
function mainRobotAccess(): void {
  const gitDir = process.env[HARBOR_GIT_DIR_ENV];
  if (!gitDir) {
    console.log(
      `${ROBOT_ACCESS_MODULE.padEnd(43)} kept: set ${HARBOR_GIT_DIR_ENV} to a git directory of goharbor/harbor to regenerate it`,
    );
    return;
  }
  const f = robotAccessContract(gitDir);
  const target = path.join(REPO_ROOT, f.path);
  const before = fs.existsSync(target) ? fs.readFileSync(target, 'utf8') : undefined;
  fs.writeFileSync(target, f.text);
  const state = before === undefined ? 'new' : before === f.text ? 'unchanged' : 'updated';
  console.log(`${f.path.padEnd(43)} ${size(Buffer.byteLength(f.text))}  from ${f.sources[0]}  ${state}`);
}

if (require.main === module) {
  // Each part on its own: a missing ../shared does not keep the robot permissions from being written, nor the reverse.
  for (const part of [main, mainRobotAccess]) {
    try {
      part();
    } catch (e) {
      console.error(`npm run contracts: ${e instanceof Error ? e.message : String(e)}`);
      process.exitCode = 1;
    }
  }
}
