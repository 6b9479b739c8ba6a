/**
 * `harbor-private-app lint` without the command line: reads manifests, checks every container of every workload
 * whose image is on a checked registry, and reports findings and notes.
 */
import { CheckedRegistries } from './checked-registries';
import { ContainerChecker, type ImageCheck } from './check';
import type { DeclaredSecret } from './declared-secrets';
import type { DockerConfigEntry } from './docker-config-document';
import type { Finding, InputError, Note, Report } from './findings';
import { ManifestInventory } from './inventory';
import { parseManifestFile, type ManifestObject } from './manifests';
import { describeSecret } from './pull-secrets';
import type { ManifestSource } from './sources';
import { parseImagePath } from './workloads';

/** Options of {@link lintManifests}. */
export interface LintOptions {
  /**
   * The registries to check (`host` or `host:port`, as `--registry` takes them).
   * @default - every host a pull Secret of the input names
   */
  readonly registries?: readonly string[];
  /**
   * The namespace of objects that name none (as `kubectl apply -n` would place them).
   * @default 'default'
   */
  readonly defaultNamespace?: string;
  /**
   * Pull Secrets that exist outside the input (`--assume-secret`, the config file's `assumeSecrets`): they are found
   * as if the input held them, and their hosts are checked registries.
   * @default - none
   */
  readonly declaredSecrets?: readonly DeclaredSecret[];
  /**
   * Image fields of kinds lint does not know, as `KIND[.GROUP]:JSONPATH` (`--image-path`, the config file's
   * `imagePaths`): checked like containers.
   * @default - none
   */
  readonly imagePaths?: readonly string[];
  /**
   * The config file the run's facts come from, named in the summary.
   * @default - none
   */
  readonly configFile?: string;
}

/** A lint report (with, for preflight, the per-container checks behind it). */
export interface LintResult extends Report {
  /**
   * Every checked container (image on a checked registry), with the credentials kubelet would use.
   * @internal
   */
  readonly checks: readonly ImageCheck[];
}

/**
 * Lints objects already parsed.
 * @throws RegistryFlagError when a `registries` value is not a registry host; ObjectPathError for a bad `imagePaths` value
 */
export function lintManifests(
  objects: readonly ManifestObject[],
  options: LintOptions = {},
  files = new Set(objects.map((o) => o.file)).size,
  errors: readonly InputError[] = [],
): LintResult {
  const defaultNamespace = options.defaultNamespace ?? 'default';
  const imagePaths = (options.imagePaths ?? []).map(parseImagePath);
  const inventory = ManifestInventory.from(objects, defaultNamespace, options.declaredSecrets ?? [], imagePaths);
  const registries =
    options.registries && options.registries.length > 0
      ? CheckedRegistries.fromFlags(options.registries)
      : CheckedRegistries.fromEntries(entriesOf(inventory));
  const checker = new ContainerChecker(inventory, registries);
  const checks: ImageCheck[] = [];
  const findings: Finding[] = [];
  const notes: Note[] = [];
  const noted = new Set<string>();
  let containers = 0;
  for (const workload of inventory.workloads) {
    for (const container of workload.containers) {
      containers++;
      const check = checker.check(workload, container);
      if (!check) continue;
      checks.push(check);
      if (check.finding) findings.push(check.finding);
      for (const c of check.credentials) {
        if (!c.uncertain) continue;
        const what = `${describeSecret(c.secret)} in ${c.secret.namespace}`;
        const id = `${c.secret.file ?? ''}:${c.secret.line ?? ''}:${what}:${c.uncertain}`;
        if (noted.has(id)) continue;
        noted.add(id);
        notes.push({
          ...(c.secret.file ? { file: c.secret.file } : {}),
          ...(c.secret.line ? { line: c.secret.line } : {}),
          message: `${what}: ${c.uncertain}; the images that use it were counted as covered`,
        });
      }
    }
  }
  const unchecked = inventory.unchecked;
  if (unchecked.length > 0) {
    const shown = unchecked.slice(0, 10).map((u) => `${u.kind} ${u.namespace}/${u.name} (${u.file}:${u.line})`);
    const more = unchecked.length > shown.length ? ` and ${unchecked.length - shown.length} more` : '';
    const kinds = [...new Set(unchecked.map((u) => `${u.kind}.${u.apiVersion.split('/')[0]}`))].slice(0, 3);
    notes.push({
      message:
        `${unchecked.length} object(s) of kinds lint does not know have image fields that were not checked: ${shown.join(', ')}${more}. ` +
        `If their controller pulls those images into pods, name the fields: --image-path ${kinds[0]}:<path to the image> (or imagePaths in .harbor-private-app.yaml)`,
    });
  }
  if (registries.empty && containers > 0) {
    notes.push({
      message: `no registry was checked: the input holds no pull Secret and no --registry was given, so ${containers} container image(s) went unchecked. Give --registry <your registry host> to check them, and declare the pull Secrets made outside these files with --assume-secret NAMESPACE/NAME=HOST (or in .harbor-private-app.yaml)`,
    });
  }
  return {
    command: 'lint',
    findings,
    errors,
    notes,
    checks,
    summary: {
      files,
      objects: objects.length,
      workloads: inventory.workloads.length,
      containers,
      checked: checks.length,
      registries: registries.names,
      registriesFrom: registries.origin,
      declaredSecrets: options.declaredSecrets?.length ?? 0,
      uncheckedObjects: unchecked.map((u) => ({
        kind: u.kind,
        namespace: u.namespace,
        name: u.name,
        file: u.file,
        line: u.line,
        images: u.images.length,
      })),
      ...(options.configFile ? { config: options.configFile } : {}),
    },
  };
}

/**
 * Parses and lints sources. A document that cannot be parsed is an error of the report (with its file, line and
 * column); the rest is still checked. `inputErrors` are those of reading the sources (readManifestSources).
 * @throws RegistryFlagError for a bad `registries` value
 */
export function lintSources(
  sources: readonly ManifestSource[],
  options: LintOptions = {},
  inputErrors: readonly InputError[] = [],
): LintResult {
  const objects: ManifestObject[] = [];
  const errors: InputError[] = [...inputErrors];
  const locatedKeys = (options.imagePaths ?? []).flatMap((p) => {
    const last = parseImagePath(p).segments.at(-1);
    return typeof last === 'string' ? [last] : [];
  });
  for (const s of sources) {
    const parsed = parseManifestFile(s.text, s.file, { locatedKeys });
    for (const o of parsed.objects) objects.push(o);
    for (const e of parsed.errors) {
      errors.push({ code: e.code, file: e.file, line: e.line, column: e.column, problem: e.problem, fix: e.fix });
    }
  }
  return lintManifests(objects, options, sources.length, errors);
}

function* entriesOf(inventory: ManifestInventory): Generator<DockerConfigEntry> {
  for (const s of [...inventory.secrets, ...inventory.spreadSecrets]) {
    if (s.content.state === 'entries') yield* s.content.entries;
  }
}
