/**
 * Validates the Kubernetes objects this project emits against the schemas the API server would apply:
 *
 * - built-in kinds (core, apps, rbac...) with `kubernetes-models` 4 (`new Kind(obj).validate()`);
 * - custom resources against the project's CRD contracts (`test/contracts/crds/*.json`: the Crossplane
 *   provider-harbor and External Secrets CRDs of the kinds the construct emits, written by `npm run contracts`):
 *   the served version's openAPIV3Schema (ajv 8), Kubernetes pruning of unknown fields reported as errors,
 *   server-side defaults applied to a clone, then the CRD's CEL `x-kubernetes-validations` rules
 *   (evaluated by `@bufbuild/cel`, see `./cel`; transition rules, which read `oldSelf`, on updates only:
 *   {@link validateUpdate}), the resource's scope and the version's `served` flag.
 *
 * Every object that no path can check is a problem, never a silent pass.
 */
import * as fs from 'fs';
import * as path from 'path';
import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { CelEvalError, CelSyntaxError, compileCel } from './cel';

/** Where the project's CRD contracts live: `test/contracts/crds` (written by `npm run contracts`). */
export const CONTRACT_CRDS_DIR = path.resolve(__dirname, '..', 'contracts', 'crds');

/** Which path checked an object. */
export type Checker = 'kubernetes-models' | 'crd' | 'none';

/** The outcome of checking one object. */
export interface ObjectCheck {
  /** `Kind/name`, with ` (namespace ns)` for namespaced objects. */
  readonly id: string;
  /** `apiVersion` of the object as given. */
  readonly apiVersion: string;
  /** `kind` of the object as given. */
  readonly kind: string;
  /** The path that checked it (`none` when no schema knows the kind: that is a problem too). */
  readonly checker: Checker;
  /** How many CEL rules were evaluated on it (CRD path only). */
  readonly celRulesEvaluated: number;
  /** Human-readable problems, `Kind/name: path message`; empty when the object is valid. */
  readonly problems: readonly string[];
}

/** The outcome of checking several objects. */
export interface ChecksSummary {
  /** All problems, in object order. */
  readonly problems: readonly string[];
  /** One entry per object. */
  readonly checks: readonly ObjectCheck[];
  /** `apiVersion/kind` -> number of objects, per checker. */
  readonly kindsByChecker: Readonly<Record<Checker, Readonly<Record<string, number>>>>;
  /** CEL rules evaluated over all objects. */
  readonly celRulesEvaluated: number;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type JsonObject = { [k: string]: Json };
type Schema = { [k: string]: unknown };

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

// ---------------------------------------------------------------------------------------------------------
// Paths and messages

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

function childPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  if (IDENT.test(key)) return parent ? `${parent}.${key}` : key;
  return `${parent}[${JSON.stringify(key)}]`;
}

/** Turns an ajv JSON pointer into `spec.a[0]["x.y"]`, walking the data to tell list indexes from map keys. */
function pointerToPath(pointer: string, data: unknown): string {
  if (!pointer) return '';
  let out = '';
  let cur: unknown = data;
  for (const raw of pointer.split('/').slice(1)) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(cur) && /^\d+$/.test(seg)) {
      out = childPath(out, Number(seg));
      cur = cur[Number(seg)];
    } else {
      out = childPath(out, seg);
      cur = isObject(cur) ? cur[seg] : undefined;
    }
  }
  return out;
}

function valueAt(pointer: string, data: unknown): unknown {
  let cur: unknown = data;
  for (const raw of pointer.split('/').slice(1)) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    cur = Array.isArray(cur) ? cur[Number(seg)] : isObject(cur) ? cur[seg] : undefined;
  }
  return cur;
}

const SENSITIVE = /password|secret|token|credential|dockerconfig|auth|\.data|^data|stringData/i;

/** A value for an error message; never one of a Secret or under a field that may hold a credential. */
function shown(kind: string, where: string, value: unknown): string {
  if (kind === 'Secret' || SENSITIVE.test(where)) return '(value not shown)';
  const text = JSON.stringify(value);
  if (text === undefined) return 'undefined';
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function formatAjvError(kind: string, err: ErrorObject, data: unknown): string {
  const base = pointerToPath(err.instancePath, data);
  const value = valueAt(err.instancePath, data);
  const p = err.params as Record<string, unknown>;
  switch (err.keyword) {
    case 'additionalProperties':
      return `${childPath(base, String(p.additionalProperty))}: unknown field (not in the schema; the API server would drop it). Check its spelling and nesting`;
    case 'required':
      return `${childPath(base, String(p.missingProperty))}: is required`;
    case 'enum':
      return `${base || '(root)'}: must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}, got ${shown(kind, base, value)}`;
    case 'type':
      return `${base || '(root)'}: must be ${String(p.type)}, got ${shown(kind, base, value)}`;
    default:
      return `${base || '(root)'}: ${err.message ?? err.keyword}${['pattern', 'format', 'const'].includes(err.keyword) ? `, got ${shown(kind, base, value)}` : ''}`;
  }
}

function objectId(obj: unknown): { id: string; apiVersion: string; kind: string } {
  const o = isObject(obj) ? obj : {};
  const apiVersion = typeof o.apiVersion === 'string' ? o.apiVersion : '<no apiVersion>';
  const kind = typeof o.kind === 'string' ? o.kind : '<no kind>';
  const meta = isObject(o.metadata) ? o.metadata : {};
  const name = typeof meta.name === 'string' ? meta.name : '<no name>';
  const ns = typeof meta.namespace === 'string' ? ` (namespace ${meta.namespace})` : '';
  return { id: `${kind}/${name}${ns}`, apiVersion, kind };
}

// ---------------------------------------------------------------------------------------------------------
// Metadata and scope (both paths)

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * Built-in kinds that are cluster-scoped (every other built-in kind is namespaced).
 * @see https://kubernetes.io/docs/reference/using-api/api-concepts/ (`kubectl api-resources --namespaced=false`)
 */
const CLUSTER_SCOPED_BUILTINS = new Set([
  'Namespace',
  'Node',
  'PersistentVolume',
  'ComponentStatus',
  'ClusterRole',
  'ClusterRoleBinding',
  'StorageClass',
  'CSIDriver',
  'CSINode',
  'VolumeAttachment',
  'VolumeAttributesClass',
  'CustomResourceDefinition',
  'APIService',
  'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
  'MutatingAdmissionPolicy',
  'MutatingAdmissionPolicyBinding',
  'PriorityClass',
  'RuntimeClass',
  'IngressClass',
  'IPAddress',
  'ServiceCIDR',
  'CertificateSigningRequest',
  'ClusterTrustBundle',
  'FlowSchema',
  'PriorityLevelConfiguration',
  'TokenReview',
  'SelfSubjectReview',
  'SubjectAccessReview',
  'SelfSubjectAccessReview',
  'SelfSubjectRulesReview',
  'DeviceClass',
  'ResourceSlice',
]);

/**
 * `metadata.name` must be a non-empty string (`kubectl apply` needs it) and `metadata.namespace` a DNS label;
 * a namespaced object must name its namespace (the output is applied with `kubectl apply -f`, which would
 * otherwise put it in the context's namespace) and a cluster-scoped one must not have one.
 */
function checkMetadata(obj: JsonObject, scope: 'Cluster' | 'Namespaced', dnsSubdomainName: boolean): string[] {
  const problems: string[] = [];
  const meta = obj.metadata;
  if (!isObject(meta)) return ['metadata: is required (an object with at least a name)'];
  if (typeof meta.name !== 'string' || meta.name === '') {
    problems.push(`metadata.name: must be a non-empty string, got ${JSON.stringify(meta.name)}`);
  } else if (dnsSubdomainName && (meta.name.length > 253 || !DNS_SUBDOMAIN.test(meta.name))) {
    problems.push(
      `metadata.name: must be a DNS-1123 subdomain (lowercase letters, digits, '-' and '.', at most 253), got ${JSON.stringify(meta.name)}`,
    );
  }
  if (
    meta.namespace !== undefined &&
    (typeof meta.namespace !== 'string' || meta.namespace.length > 63 || !DNS_LABEL.test(meta.namespace))
  ) {
    problems.push(`metadata.namespace: must be a DNS-1123 label, got ${JSON.stringify(meta.namespace)}`);
  }
  for (const field of ['labels', 'annotations']) {
    const m = meta[field];
    if (m === undefined) continue;
    if (!isObject(m)) problems.push(`metadata.${field}: must be a map of strings`);
    else
      for (const [k, v] of Object.entries(m))
        if (typeof v !== 'string')
          problems.push(`${childPath(`metadata.${field}`, k)}: must be a string, got ${JSON.stringify(v)}`);
  }
  if (scope === 'Namespaced' && meta.namespace === undefined) {
    problems.push(`metadata.namespace: is required, ${String(obj.kind)} is namespaced. Set metadata.namespace`);
  }
  if (scope === 'Cluster' && meta.namespace !== undefined) {
    problems.push(
      `metadata.namespace: must be absent, ${String(obj.kind)} is cluster-scoped (got ${JSON.stringify(meta.namespace)})`,
    );
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------------------
// Built-in kinds: kubernetes-models

type ModelCtor = { new (data: unknown): { validate(): void }; apiVersion?: string; kind?: string };
const MODELS = new Map<string, ModelCtor | undefined>();

/** The kubernetes-models class of `apiVersion`/`kind`, or undefined when kubernetes-models has no such kind. */
function builtinModel(apiVersion: string, kind: string): ModelCtor | undefined {
  const key = `${apiVersion}/${kind}`;
  if (MODELS.has(key)) return MODELS.get(key);
  let ctor: ModelCtor | undefined;
  if (/^([a-z0-9.-]+\/)?v\d+((alpha|beta)\d+)?$/.test(apiVersion) && /^[A-Z][A-Za-z0-9]*$/.test(kind)) {
    try {
      const mod = require(`kubernetes-models/${apiVersion}/${kind}`) as Record<string, ModelCtor>;
      const c = mod[kind];
      // Only real kinds carry apiVersion/kind statics (Container, PodSpec... do not).
      if (c && c.apiVersion === apiVersion && c.kind === kind) ctor = c;
    } catch {
      ctor = undefined;
    }
  }
  MODELS.set(key, ctor);
  return ctor;
}

function validateBuiltin(obj: JsonObject, ctor: ModelCtor): string[] {
  const problems: string[] = [];
  try {
    new ctor(obj).validate();
  } catch (e) {
    const errors = (e as { errors?: ErrorObject[] }).errors;
    if (Array.isArray(errors)) problems.push(...errors.map((err) => formatAjvError(String(obj.kind), err, obj)));
    else problems.push(`(root): kubernetes-models rejected it: ${(e as Error).message}`);
  }
  const scope = CLUSTER_SCOPED_BUILTINS.has(String(obj.kind)) ? 'Cluster' : 'Namespaced';
  problems.push(...checkMetadata(obj, scope, false));
  return problems;
}

// ---------------------------------------------------------------------------------------------------------
// CRDs

/** The parts of a CustomResourceDefinition this validator reads. */
export interface CrdDocument {
  readonly kind: 'CustomResourceDefinition';
  readonly metadata?: { readonly name?: string };
  readonly spec: {
    readonly group: string;
    readonly scope: 'Cluster' | 'Namespaced';
    readonly names: { readonly kind: string };
    readonly versions: ReadonlyArray<{
      readonly name: string;
      readonly served: boolean;
      readonly schema?: { readonly openAPIV3Schema?: Schema };
    }>;
  };
}

/** Formats the API server validates and ajv-formats implements the same way; other formats are ignored, as Kubernetes ignores unknown ones. */
const CHECKED_FORMATS = ['byte', 'date-time', 'date', 'email', 'hostname', 'ipv4', 'ipv6', 'uuid', 'uri'] as const;

/** `metadata` of a custom resource: ObjectMeta, whose fields the CRD does not list (so not closed). */
const OBJECT_META_SCHEMA: Schema = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    generateName: { type: 'string' },
    namespace: { type: 'string' },
    labels: { type: 'object', additionalProperties: { type: 'string' } },
    annotations: { type: 'object', additionalProperties: { type: 'string' } },
  },
};

const SUBSCHEMA_MAPS = ['properties', 'patternProperties', 'definitions'];
const SUBSCHEMA_ONE = ['items', 'additionalProperties', 'not'];
const SUBSCHEMA_LISTS = ['allOf', 'anyOf', 'oneOf'];

/**
 * Rewrites a Kubernetes structural schema for ajv: drops `x-kubernetes-*` and documentation keywords, turns
 * `x-kubernetes-int-or-string` into `type: [integer, string]`, closes every object schema that is not
 * `x-kubernetes-preserve-unknown-fields` (the API server prunes undeclared fields: here they are errors),
 * and treats the root `metadata` (and an embedded resource's) as ObjectMeta.
 */
function toAjvSchema(s: Schema, atRoot: boolean): Schema {
  const out: Schema = {};
  for (const [k, v] of Object.entries(s)) {
    if (k.startsWith('x-kubernetes-') || k === 'description' || k === 'example' || k === 'externalDocs') continue;
    if (k === 'format' && !(CHECKED_FORMATS as readonly string[]).includes(String(v))) continue;
    if (SUBSCHEMA_MAPS.includes(k) && isObject(v)) {
      out[k] = Object.fromEntries(
        Object.entries(v).map(([pk, pv]) => [
          pk,
          k === 'properties' && pk === 'metadata' && (atRoot || s['x-kubernetes-embedded-resource'] === true)
            ? OBJECT_META_SCHEMA
            : toAjvSchema(pv as Schema, false),
        ]),
      );
    } else if (SUBSCHEMA_ONE.includes(k) && isObject(v)) {
      out[k] = toAjvSchema(v, false);
    } else if (SUBSCHEMA_LISTS.includes(k) && Array.isArray(v)) {
      out[k] = v.map((x) => toAjvSchema(x as Schema, false));
    } else {
      out[k] = v;
    }
  }
  if (s['x-kubernetes-int-or-string'] === true) {
    delete out.type;
    const anyOf = out.anyOf as Schema[] | undefined;
    if (anyOf && anyOf.every((a) => Object.keys(a).length === 1 && (a.type === 'integer' || a.type === 'string')))
      delete out.anyOf;
    out.type = ['integer', 'string'];
  }
  if (atRoot || s['x-kubernetes-embedded-resource'] === true) {
    const props = { ...((out.properties as Schema | undefined) ?? {}) };
    props.apiVersion ??= { type: 'string' };
    props.kind ??= { type: 'string' };
    props.metadata ??= OBJECT_META_SCHEMA;
    out.properties = props;
  }
  const objectLike = s.type === 'object' || (s.type === undefined && s.properties !== undefined);
  if (objectLike && s.additionalProperties === undefined && s['x-kubernetes-preserve-unknown-fields'] !== true) {
    out.additionalProperties = false;
  }
  return out;
}

/** One served version of a CRD: its schema as written (for CEL) and rewritten for ajv. */
interface PreparedVersion {
  readonly schema: Schema;
  readonly ajvSchema: Schema;
  /** Validators by data shape. */
  readonly validators: Map<string, ValidateFunction>;
}

/** Which fields an object has, recursively (lists merge their items' shapes): all a pruned schema needs. */
interface Shape {
  o?: Record<string, Shape>;
  a?: Shape;
}

function shapeOf(data: unknown, into: Shape = {}): Shape {
  if (Array.isArray(data)) {
    into.a ??= {};
    for (const item of data) shapeOf(item, into.a);
  } else if (isObject(data)) {
    into.o ??= {};
    for (const [k, v] of Object.entries(data)) into.o[k] = shapeOf(v, into.o[k] ?? {});
  }
  return into;
}

/**
 * The part of an ajv schema that can matter for data of `shape`: properties the data has, and those
 * with a default (which the API server would add); `required`, `additionalProperties: false` and every
 * other keyword are kept, so the result validates such data exactly as the whole schema does. The
 * External Secrets store schemas describe ~40 providers: compiling only the one used is ~50x faster.
 */
function pruneToShape(s: Schema, shape: Shape | undefined): Schema {
  const out: Schema = { ...s };
  if (isObject(s.properties)) {
    const kept: Record<string, Schema> = {};
    for (const [k, sub] of Object.entries(s.properties as Record<string, Schema>)) {
      const sh = shape?.o?.[k];
      if (sh) kept[k] = pruneToShape(sub, sh);
      else if (sub.default !== undefined) kept[k] = sub;
    }
    out.properties = kept;
  }
  if (isObject(s.additionalProperties)) {
    const values: Shape = {};
    for (const v of Object.values(shape?.o ?? {})) mergeShape(values, v);
    out.additionalProperties = pruneToShape(s.additionalProperties, values);
  }
  if (isObject(s.items)) out.items = pruneToShape(s.items, shape?.a);
  return out;
}

function mergeShape(into: Shape, from: Shape): void {
  if (from.a) mergeShape((into.a ??= {}), from.a);
  if (from.o) {
    into.o ??= {};
    for (const [k, v] of Object.entries(from.o)) mergeShape((into.o[k] ??= {}), v);
  }
}

/** Options of a {@link CrdRegistry}. */
export interface CrdRegistryOptions {
  /**
   * Compile, per data shape, only the part of a schema the data can reach (same verdicts, much faster
   * on the External Secrets store CRDs). `false` compiles whole schemas (one validator per version).
   * @default true
   */
  readonly pruneSchemas?: boolean;
}

/** A CRD as the registry sees it: group, kind, scope and versions, each version's schema read on first use. */
export interface CrdEntry {
  readonly group: string;
  readonly kind: string;
  readonly scope: 'Cluster' | 'Namespaced';
  /** Every version with its `served` flag. */
  readonly versions: ReadonlyArray<{ readonly name: string; readonly served: boolean }>;
  /** The `openAPIV3Schema` of a version (undefined when it has none). */
  readonly schemaOf: (version: string) => Schema | undefined;
}

function isCrd(js: unknown): js is CrdDocument {
  if (!isObject(js) || js.kind !== 'CustomResourceDefinition' || !isObject(js.spec)) return false;
  const spec = js.spec;
  return (
    typeof spec.group === 'string' &&
    isObject(spec.names) &&
    typeof spec.names.kind === 'string' &&
    (spec.scope === 'Cluster' || spec.scope === 'Namespaced') &&
    Array.isArray(spec.versions) &&
    spec.versions.every((v) => isObject(v) && typeof v.name === 'string' && typeof v.served === 'boolean')
  );
}

function entryOf(doc: CrdDocument): CrdEntry {
  return {
    group: doc.spec.group,
    kind: doc.spec.names.kind,
    scope: doc.spec.scope,
    versions: doc.spec.versions.map((v) => ({ name: v.name, served: v.served })),
    schemaOf: (version) => doc.spec.versions.find((v) => v.name === version)?.schema?.openAPIV3Schema,
  };
}

/**
 * Reads the CRDs of one contract file (`{ "x-contract": {...}, "crds": [CustomResourceDefinition...] }`).
 * @throws Error naming the file when it is not such a file
 */
export function readContractFile(file: string): CrdEntry[] {
  let doc: unknown;
  try {
    doc = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`CRD contract ${file} is not valid JSON: ${(e as Error).message}. Run npm run contracts`, {
      cause: e,
    });
  }
  const crds: unknown[] | undefined = isObject(doc) && Array.isArray(doc.crds) ? doc.crds : undefined;
  if (!crds || !crds.every(isCrd))
    throw new Error(
      `CRD contract ${file} is not a {"crds": [CustomResourceDefinition...]} document. Run npm run contracts`,
    );
  return crds.map(entryOf);
}

/**
 * CRDs indexed by group/version/kind, each version parsed and compiled on first use and cached.
 * Build one with {@link CrdRegistry.fromDirectory} or from parsed CRD documents.
 */
export class CrdRegistry {
  /**
   * Indexes every CustomResourceDefinition of the contract files (`*.json`) in `dir`.
   * @throws Error when `dir` does not exist or holds no CRD: a schema check is never skipped
   */
  public static fromDirectory(dir: string, options: CrdRegistryOptions = {}): CrdRegistry {
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
      throw new Error(
        `CRD folder ${dir} is missing: the schema checks need the CRD contracts (provider-harbor.json, external-secrets.json) there. Restore test/contracts/crds from git, or run npm run contracts`,
      );
    }
    const entries = fs
      .readdirSync(dir)
      .filter((name) => name.endsWith('.json'))
      .sort()
      .flatMap((name) => readContractFile(path.join(dir, name)));
    if (entries.length === 0)
      throw new Error(`CRD folder ${dir} holds no CustomResourceDefinition: the schema checks need them.`);
    return new CrdRegistry(entries, dir, options);
  }

  private readonly byGroupKind = new Map<string, CrdEntry>();
  private readonly groups = new Set<string>();
  private readonly prepared = new Map<string, PreparedVersion>();
  private readonly ajv: Ajv;

  /**
   * @param crds parsed CustomResourceDefinition documents (or entries)
   * @param source where they come from, for messages
   */
  constructor(
    crds: ReadonlyArray<CrdDocument | CrdEntry>,
    public readonly source: string = '<in memory>',
    private readonly options: CrdRegistryOptions = {},
  ) {
    for (const c of crds) {
      const entry: CrdEntry = 'schemaOf' in c ? c : entryOf(c);
      this.byGroupKind.set(`${entry.group}/${entry.kind}`, entry);
      this.groups.add(entry.group);
    }
    this.ajv = new Ajv({ strict: false, allErrors: true, useDefaults: true, logger: false });
    addFormats(this.ajv, [...CHECKED_FORMATS]);
  }

  /** The `group/Kind` pairs known, sorted. */
  public get kinds(): string[] {
    return [...this.byGroupKind.keys()].sort();
  }

  /** Whether any CRD defines `group`. */
  public hasGroup(group: string): boolean {
    return this.groups.has(group);
  }

  /**
   * Checks a custom resource: schema of its served version (unknown fields, types, enums, patterns,
   * required...), server-side defaults then CEL rules on a clone, scope, and metadata.
   * @param old the object as stored before this change, for an update: transition rules (those that read
   *   `oldSelf`) are evaluated wherever the old object has a value at the rule's place, as the API server does
   * @default old - a create: transition rules are not evaluated
   */
  public check(obj: JsonObject, old?: JsonObject): { problems: string[]; celRulesEvaluated: number } {
    const apiVersion = String(obj.apiVersion);
    const kind = String(obj.kind);
    const [group, version] = apiVersion.includes('/') ? apiVersion.split('/', 2) : ['', apiVersion];
    const entry = this.byGroupKind.get(`${group}/${kind}`);
    if (!entry) {
      const known = this.kinds.filter((k) => k.startsWith(`${group}/`)).map((k) => k.slice(group.length + 1));
      return {
        problems: [
          `(root): no CRD defines kind ${kind} in group ${group} (known there: ${known.join(', ') || 'none'}; CRDs from ${this.source})`,
        ],
        celRulesEvaluated: 0,
      };
    }
    const v = entry.versions.find((x) => x.name === version);
    if (!v) {
      return {
        problems: [
          `apiVersion: ${apiVersion} is not a version of ${kind} (versions: ${entry.versions.map((x) => x.name).join(', ')})`,
        ],
        celRulesEvaluated: 0,
      };
    }
    if (!v.served) {
      const served = entry.versions.filter((x) => x.served).map((x) => `${group}/${x.name}`);
      return {
        problems: [
          `apiVersion: ${apiVersion} is not served for ${kind}; use ${served.join(' or ') || '(none served)'}`,
        ],
        celRulesEvaluated: 0,
      };
    }
    const compiled = this.compile(entry, v.name, obj);
    const clone = structuredClone<JsonObject>(obj);
    const problems: string[] = [];
    if (!compiled.validate(clone)) {
      problems.push(...(compiled.validate.errors ?? []).map((e) => formatAjvError(kind, e, clone)));
    }
    let oldClone: JsonObject | undefined;
    if (old) {
      // The stored object went through the same defaulting when it was written.
      oldClone = structuredClone<JsonObject>(old);
      this.compile(entry, v.name, old).validate(oldClone);
    }
    const cel = { evaluated: 0 };
    runCel(compiled.schema, clone, oldClone, '', problems, cel);
    problems.push(...checkMetadata(obj, entry.scope, true));
    return { problems: dedupe(problems), celRulesEvaluated: cel.evaluated };
  }

  /** The version's schemas, rewritten once, and the validator for data of this shape, compiled once. */
  private compile(entry: CrdEntry, version: string, data: unknown): { validate: ValidateFunction; schema: Schema } {
    const key = `${entry.group}/${version}/${entry.kind}`;
    let v = this.prepared.get(key);
    if (!v) {
      const schema = entry.schemaOf(version);
      if (!schema)
        throw new Error(
          `CRD ${entry.kind}.${entry.group} version ${version} has no openAPIV3Schema (in ${this.source}): it cannot be validated. The contracts keep the schema of the versions listed in scripts/contracts.ts (CRD_KINDS): add this one there and run npm run contracts`,
        );
      v = { schema, ajvSchema: toAjvSchema(schema, true), validators: new Map() };
      this.prepared.set(key, v);
    }
    const prune = this.options.pruneSchemas !== false;
    const shape = prune ? shapeOf(data) : {};
    const shapeKey = JSON.stringify(shape);
    let validate = v.validators.get(shapeKey);
    if (!validate) {
      validate = this.ajv.compile(prune ? pruneToShape(v.ajvSchema, shape) : v.ajvSchema);
      v.validators.set(shapeKey, validate);
    }
    return { validate, schema: v.schema };
  }
}

function dedupe(xs: string[]): string[] {
  return [...new Set(xs)];
}

/** One `x-kubernetes-validations` entry. */
interface CelRule {
  readonly rule?: string;
  readonly message?: string;
  readonly messageExpression?: string;
  readonly fieldPath?: string;
  readonly optionalOldSelf?: boolean;
}

/** The item of `old` (a `x-kubernetes-list-type: map` list) with the same map keys as `item`, if any. */
function correlatedItem(schema: Schema, item: unknown, old: unknown): unknown {
  const keys = schema['x-kubernetes-list-map-keys'];
  if (schema['x-kubernetes-list-type'] !== 'map' || !Array.isArray(keys) || !Array.isArray(old) || !isObject(item))
    return undefined;
  return old.find((o) => isObject(o) && keys.every((k: string) => o[k] === item[k]));
}

/**
 * Evaluates `x-kubernetes-validations` wherever the data is present, walking the schema, the (defaulted)
 * data and, on an update, the old data at the same place (object fields, map values and the items of
 * `x-kubernetes-list-type: map` lists, as the API server correlates them) through properties,
 * additionalProperties and items.
 */
function runCel(
  schema: Schema,
  data: unknown,
  old: unknown,
  at: string,
  problems: string[],
  counter: { evaluated: number },
): void {
  if (data === undefined || data === null) return;
  const rules = schema['x-kubernetes-validations'];
  if (Array.isArray(rules)) {
    for (const r of rules as CelRule[]) {
      const where = at || '(root)';
      const rule = String(r.rule);
      let program;
      try {
        program = compileCel(rule);
      } catch (e) {
        if (!(e instanceof CelSyntaxError)) throw e;
        problems.push(`invalid CEL rule at ${where}: ${rule} (${e.message})`);
        continue;
      }
      if (program.transition && r.optionalOldSelf === true) {
        problems.push(`unsupported CEL rule at ${where}: ${rule} (optionalOldSelf needs CEL optional types)`);
        continue;
      }
      // A transition rule applies to updates only, where the old object has a value here.
      if (program.transition && (old === undefined || old === null)) continue;
      counter.evaluated++;
      const target = r.fieldPath ? `${at}${r.fieldPath}`.replace(/^\./, '') : where;
      const oldSelf = program.transition ? old : undefined;
      try {
        const result = program.evaluate(data, schema, oldSelf);
        if (result !== true) {
          problems.push(
            result === false
              ? `${target}: ${celMessage(r, data, schema, oldSelf)} (CEL rule: ${rule})`
              : `${target}: CEL rule returned ${shownCel(result)}, not a bool (the API server rejects such a CRD): ${rule}`,
          );
        }
      } catch (e) {
        if (!(e instanceof CelEvalError)) throw e;
        problems.push(
          e.unsupported
            ? `unsupported CEL rule at ${where}: ${rule} (${e.message})`
            : `${target}: CEL rule failed to evaluate (${e.message}), the API server rejects the object: ${rule}`,
        );
      }
    }
  }
  if (isObject(data)) {
    const props = isObject(schema.properties) ? (schema.properties as Record<string, Schema>) : {};
    for (const [k, v] of Object.entries(data)) {
      const was = isObject(old) ? old[k] : undefined;
      if (props[k]) runCel(props[k], v, was, childPath(at, k), problems, counter);
      else if (isObject(schema.additionalProperties))
        runCel(schema.additionalProperties, v, was, childPath(at, k), problems, counter);
    }
  } else if (Array.isArray(data) && isObject(schema.items)) {
    data.forEach((item, i) =>
      runCel(schema.items as Schema, item, correlatedItem(schema, item, old), childPath(at, i), problems, counter),
    );
  }
}

/** A CEL result for a message: ints as numbers, maps as objects. */
function shownCel(value: unknown): string {
  return JSON.stringify(value, (_, v: unknown) =>
    typeof v === 'bigint' ? Number(v) : v instanceof Map ? Object.fromEntries(v) : v,
  );
}

/**
 * The message of a failed rule, as the API server builds it: `messageExpression` when it evaluates to a
 * non-empty string, else `message`, else `failed rule: <rule>`.
 */
function celMessage(r: CelRule, data: unknown, schema: Schema, oldSelf: unknown): string {
  if (r.messageExpression) {
    try {
      const m = compileCel(r.messageExpression).evaluate(data, schema, oldSelf);
      if (typeof m === 'string' && m.trim() !== '') return m;
    } catch (e) {
      if (!(e instanceof CelSyntaxError || e instanceof CelEvalError)) throw e;
    }
  }
  return r.message ?? `failed rule: ${String(r.rule)}`;
}

// ---------------------------------------------------------------------------------------------------------
// Entry points

let DEFAULT_REGISTRY: CrdRegistry | undefined;

/**
 * The registry of the project's CRD contracts ({@link CONTRACT_CRDS_DIR}), loaded once per process.
 * @throws Error naming the folder when it is missing
 */
export function contractCrds(): CrdRegistry {
  DEFAULT_REGISTRY ??= CrdRegistry.fromDirectory(CONTRACT_CRDS_DIR);
  return DEFAULT_REGISTRY;
}

/**
 * Checks one object: custom resources (by group) against `registry`, built-in kinds with kubernetes-models;
 * anything else is a problem.
 * @param registry the CRDs to use
 * @default registry - the project's CRD contracts
 */
export function checkObject(obj: unknown, registry: CrdRegistry = contractCrds()): ObjectCheck {
  const { id, apiVersion, kind } = objectId(obj);
  const result = (checker: Checker, problems: string[], celRulesEvaluated = 0): ObjectCheck => ({
    id,
    apiVersion,
    kind,
    checker,
    celRulesEvaluated,
    problems: problems.map((p) => `${id}: ${p}`),
  });
  if (!isObject(obj)) return result('none', [`(root): not an object: ${typeof obj}`]);
  if (typeof obj.apiVersion !== 'string' || typeof obj.kind !== 'string') {
    return result('none', ['(root): apiVersion and kind must be strings']);
  }
  const group = obj.apiVersion.includes('/') ? obj.apiVersion.split('/')[0] : '';
  if (registry.hasGroup(group)) {
    const r = registry.check(obj);
    return result('crd', r.problems, r.celRulesEvaluated);
  }
  const ctor = builtinModel(obj.apiVersion, obj.kind);
  if (ctor) return result('kubernetes-models', validateBuiltin(obj, ctor));
  return result('none', [
    `(root): unknown apiVersion/kind ${obj.apiVersion} ${obj.kind}: not a kubernetes-models kind and no CRD in ${registry.source} defines group ${JSON.stringify(group)}`,
  ]);
}

/**
 * Checks several objects and counts which path checked which kind. Two objects with the same group, kind,
 * namespace and name are also a problem: the API server holds one object per identity, so
 * `kubectl apply` would keep only the last one.
 */
export function checkAll(objs: readonly unknown[], registry: CrdRegistry = contractCrds()): ChecksSummary {
  const seen = new Map<string, number>();
  const checks = objs.map((o, i): ObjectCheck => {
    const c = checkObject(o, registry);
    if (
      !isObject(o) ||
      typeof o.apiVersion !== 'string' ||
      !isObject(o.metadata) ||
      typeof o.metadata.name !== 'string'
    )
      return c;
    const group = o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '';
    const identity = `${group}/${String(o.kind)}/${typeof o.metadata.namespace === 'string' ? o.metadata.namespace : ''}/${o.metadata.name}`;
    const first = seen.get(identity);
    if (first === undefined) {
      seen.set(identity, i);
      return c;
    }
    return {
      ...c,
      problems: [
        ...c.problems,
        `${c.id}: (root): same object (group, kind, namespace, name) as object #${first} of this list; kubectl apply would keep only the last. Give each a distinct name`,
      ],
    };
  });
  const kindsByChecker: Record<Checker, Record<string, number>> = { 'kubernetes-models': {}, crd: {}, none: {} };
  for (const c of checks) {
    const key = `${c.apiVersion}/${c.kind}`;
    kindsByChecker[c.checker][key] = (kindsByChecker[c.checker][key] ?? 0) + 1;
  }
  return {
    problems: checks.flatMap((c) => c.problems),
    checks,
    kindsByChecker,
    celRulesEvaluated: checks.reduce((n, c) => n + c.celRulesEvaluated, 0),
  };
}

/** Problems of one object (`Kind/name: path message`); empty when valid. */
export function validateObject(obj: unknown, registry?: CrdRegistry): string[] {
  return [...checkObject(obj, registry).problems];
}

/**
 * Problems of an update of `old` to `obj` (`Kind/name: path message`); empty when valid. Like
 * {@link validateObject}, plus the CRD's transition rules (those that read `oldSelf`) wherever the old
 * object has a value at the rule's place.
 */
export function validateUpdate(old: unknown, obj: unknown, registry: CrdRegistry = contractCrds()): string[] {
  const { id } = objectId(obj);
  if (!isObject(obj) || !isObject(old) || typeof obj.apiVersion !== 'string')
    return [`${id}: (root): an update needs the old and the new object`];
  const group = obj.apiVersion.includes('/') ? obj.apiVersion.split('/')[0] : '';
  if (!registry.hasGroup(group)) return validateObject(obj, registry);
  return registry.check(obj, old).problems.map((p) => `${id}: ${p}`);
}

/** Problems of several objects; empty when all are valid. */
export function validateAll(objs: readonly unknown[], registry?: CrdRegistry): string[] {
  return [...checkAll(objs, registry).problems];
}
