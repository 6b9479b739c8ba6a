/**
 * Harbor's REST API v2.0 contract (a Swagger 2.0 document), loaded once per process and used to check every
 * request the lab's Harbor emulator receives and every response it sends. By default the project's contract file
 * `test/contracts/harbor-api.json`: the path families the project calls or serves, extracted from Harbor's swagger
 * by `npm run contracts` (scripts/contracts.ts); any Swagger 2.0 document (JSON or YAML) loads the same way.
 *
 * What is checked, per operation:
 * - the route: the method and path must be an operation the swagger declares;
 * - path, query and header parameters: presence of required ones, type (integer, number, boolean, string, array),
 *   `enum`, `minimum`/`maximum`, `minLength`/`maxLength`, `pattern`; query parameters the operation does not declare
 *   are reported too (Harbor silently ignores them, which hides client bugs);
 * - the JSON body: `Content-Type: application/json`, valid JSON, and the body schema (ajv 8);
 * - the response: the status must be declared (or explicitly allowed by the caller) and a JSON body must match the
 *   declared schema; a body where the swagger declares none is reported.
 *
 * Swagger schemas are converted to JSON Schema: `#/definitions/X` references resolved, `x-nullable: true` allows
 * `null`, Swagger 2.0's boolean `exclusiveMinimum`/`exclusiveMaximum` rewritten, vendor extensions dropped, numeric
 * `format`s (int32, int64, ...) accepted leniently, the others (`date-time`, `uri`, ...) checked by ajv-formats.
 *
 * Speed: each path item and definition is converted, and each schema compiled (with ajv), on first use; all are
 * cached for the life of the process. Loading the contract file costs a few milliseconds.
 *
 * @see https://github.com/goharbor/harbor/blob/v2.15.2/api/v2.0/swagger.yaml (upstream; see `x-contract` in the file)
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { IncomingHttpHeaders } from 'node:http';
import Ajv, { type ValidateFunction, type ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';
import { parse as parseYaml } from 'yaml';

/** The project's Harbor API contract (written by `npm run contracts`). */
export const DEFAULT_SWAGGER_PATH = path.resolve(__dirname, '..', 'contracts', 'harbor-api.json');

/** Numeric formats Swagger 2.0 / go-swagger use; they only document the width, so they are accepted as is. */
const LENIENT_FORMATS = [
  'int',
  'int8',
  'int16',
  'int32',
  'int64',
  'uint',
  'uint8',
  'uint16',
  'uint32',
  'uint64',
  'float',
  'float32',
  'float64',
  'double',
  'byte',
  'binary',
  'password',
];

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

const DEFINITION_ID_PREFIX = 'https://harbor-swagger.invalid/definitions/';
const DEFINITION_ID_SUFFIX = '.json';

/** The ajv schema id of the converted definition `name`. */
function definitionId(name: string): string {
  return `${DEFINITION_ID_PREFIX}${encodeURIComponent(name)}${DEFINITION_ID_SUFFIX}`;
}

/** Names of the definitions a converted schema references directly. */
function referencedDefinitions(schema: unknown): string[] {
  const out = new Set<string>();
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) {
      v.forEach(walk);
    } else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (
          k === '$ref' &&
          typeof x === 'string' &&
          x.startsWith(DEFINITION_ID_PREFIX) &&
          x.endsWith(DEFINITION_ID_SUFFIX)
        ) {
          out.add(decodeURIComponent(x.slice(DEFINITION_ID_PREFIX.length, -DEFINITION_ID_SUFFIX.length)));
        } else {
          walk(x);
        }
      }
    }
  };
  walk(schema);
  return [...out];
}

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type JsonObject = { [k: string]: Json };

/** A non-body parameter of an operation (path, query or header). */
export interface SwaggerParameter {
  /** The parameter's name as sent on the wire (header names as written in the swagger). */
  readonly name: string;
  /** Where the parameter travels. */
  readonly in: 'path' | 'query' | 'header';
  /** Whether the swagger requires it. */
  readonly required: boolean;
  /** Swagger type: `string`, `integer`, `number`, `boolean` or `array`. */
  readonly type: string;
  /** The parameter's constraints as a JSON Schema (applied after converting the wire string to `type`). */
  readonly schema: JsonObject;
}

/** One declared response of an operation. */
export interface SwaggerResponse {
  /** The body's JSON Schema, when the swagger declares one. */
  readonly schema?: JsonObject;
}

/** One operation of the swagger (a method on a path template). */
export interface SwaggerOperation {
  /** Swagger `operationId`, e.g. `createProject`. */
  readonly operationId: string;
  /** Upper-case HTTP method. */
  readonly method: string;
  /** Path template below the base path, e.g. `/projects/{project_name_or_id}`. */
  readonly template: string;
  /** Path, query and header parameters. */
  readonly parameters: readonly SwaggerParameter[];
  /** The body parameter, if any. */
  readonly body?: { readonly name: string; readonly required: boolean; readonly schema: JsonObject };
  /** Declared responses by status code (`'200'`, ..., or `'default'`). */
  readonly responses: ReadonlyMap<string, SwaggerResponse>;
}

/** Result of {@link HarborSwagger.findOperation}. */
export type OperationMatch =
  | { readonly operation: SwaggerOperation; readonly pathParams: Readonly<Record<string, string>> }
  | { readonly problem: string };

/** What {@link HarborSwagger.validateRequest} checks. */
export interface RequestToValidate {
  /** Raw (still percent-encoded) path parameter values from {@link HarborSwagger.findOperation}. */
  readonly pathParams: Readonly<Record<string, string>>;
  /** The query string's parameters. */
  readonly query: URLSearchParams;
  /** The request headers (Node lower-cases their names). */
  readonly headers: IncomingHttpHeaders;
  /** The raw body ('' when none was sent). */
  readonly rawBody: string;
}

/** A compiled route: the template as a regular expression, and how specific it is. */
interface Route {
  readonly template: string;
  readonly regex: RegExp;
  readonly paramNames: readonly string[];
  readonly literalSegments: number;
  /** Upper-case methods the path item declares. */
  readonly methods: readonly string[];
  /** The path item, as the document has it. */
  readonly item: JsonObject;
  /** Parsed on first use. */
  operations?: Map<string, SwaggerOperation>;
}

/**
 * The Harbor swagger, parsed and compiled. Use {@link HarborSwagger.load}: it caches one instance per file and
 * process, and compiles each schema lazily, once.
 */
export class HarborSwagger {
  private static readonly cache = new Map<string, HarborSwagger>();

  /**
   * The contract for `file`, parsed on first use and cached for the life of the process.
   * @param file a Swagger 2.0 document: JSON when the name ends in `.json`, else YAML
   * @default file DEFAULT_SWAGGER_PATH
   */
  static load(file: string = DEFAULT_SWAGGER_PATH): HarborSwagger {
    const key = path.resolve(file);
    let found = HarborSwagger.cache.get(key);
    if (!found) {
      const text = readFileSync(key, 'utf8');
      found = new HarborSwagger(
        (key.endsWith('.json') ? JSON.parse(text) : parseYaml(text, { uniqueKeys: false })) as JsonObject,
      );
      HarborSwagger.cache.set(key, found);
    }
    return found;
  }

  /** The API base path, e.g. `/api/v2.0`. */
  readonly basePath: string;
  private readonly routes: Route[] = [];
  private readonly ajv: Ajv;
  private readonly compiled = new WeakMap<object, ValidateFunction>();
  private readonly conversions = new WeakMap<object, JsonObject>();
  private readonly sharedParams: Record<string, JsonObject>;
  private readonly sharedResponses: Record<string, JsonObject>;
  /** The document's definitions, each converted and registered in ajv on first use. */
  private readonly definitions: Record<string, JsonObject>;
  private readonly registeredDefinitions = new Set<string>();

  private constructor(head: JsonObject) {
    if (head.swagger !== '2.0') {
      throw new Error(`Expected a Swagger 2.0 document; got swagger=${JSON.stringify(head.swagger)}.`);
    }
    const paths = head.paths;
    if (!paths || typeof paths !== 'object' || Array.isArray(paths))
      throw new Error('Expected a Swagger 2.0 document with a "paths" object.');
    this.basePath = typeof head.basePath === 'string' ? head.basePath : '';
    this.sharedParams = (head.parameters ?? {}) as Record<string, JsonObject>;
    this.sharedResponses = (head.responses ?? {}) as Record<string, JsonObject>;

    this.ajv = new Ajv({ strict: false, allErrors: true, logger: false, validateFormats: true });
    addFormats(this.ajv);
    for (const f of LENIENT_FORMATS) this.ajv.addFormat(f, () => true);
    this.definitions = (head.definitions ?? {}) as Record<string, JsonObject>;

    for (const [template, item] of Object.entries(paths as Record<string, JsonObject>)) {
      const paramNames: string[] = [];
      let literalSegments = 0;
      const pattern = template
        .split('/')
        .map((segment) => {
          const m = /^\{([^}]+)\}$/.exec(segment);
          if (m) {
            paramNames.push(m[1]);
            return '([^/]+)';
          }
          if (segment !== '') literalSegments += 1;
          return escapeRegExp(segment);
        })
        .join('/');
      const methods = Object.keys(item)
        .filter((m) => HTTP_METHODS.includes(m))
        .map((m) => m.toUpperCase());
      this.routes.push({ template, regex: new RegExp(`^${pattern}/?$`), paramNames, literalSegments, methods, item });
    }
    // Most specific first: `/projects/{p}/members` before a template with more parameters at the same depth; the
    // template breaks ties, so the order does not depend on the document's key order.
    this.routes.sort((a, b) => b.literalSegments - a.literalSegments || a.template.localeCompare(b.template));
  }

  /** The operations of a path item, converted on first use. */
  private operationsOf(route: Route): Map<string, SwaggerOperation> {
    if (route.operations) return route.operations;
    const pathItem = route.item;
    const resolveRef = (obj: JsonObject, table: Record<string, JsonObject>, prefix: string): JsonObject => {
      const ref = obj.$ref;
      if (typeof ref === 'string' && ref.startsWith(prefix)) {
        const target = table[ref.slice(prefix.length)];
        if (!target) throw new Error(`Swagger reference ${ref} does not resolve.`);
        return target;
      }
      return obj;
    };
    const pathLevelParams = Array.isArray(pathItem.parameters) ? (pathItem.parameters as JsonObject[]) : [];
    const operations = new Map<string, SwaggerOperation>();
    for (const [method, rawOp] of Object.entries(pathItem)) {
      if (!HTTP_METHODS.includes(method)) continue;
      const op = rawOp as JsonObject;
      const parameters: SwaggerParameter[] = [];
      let body: SwaggerOperation['body'];
      for (const raw of [...pathLevelParams, ...((op.parameters ?? []) as JsonObject[])]) {
        const p = resolveRef(raw, this.sharedParams, '#/parameters/');
        const where = p.in as string;
        if (where === 'body') {
          body = {
            name: String(p.name),
            required: p.required === true,
            schema: toJsonSchema((p.schema ?? {}) as JsonObject),
          };
        } else if (where === 'path' || where === 'query' || where === 'header') {
          parameters.push({
            name: String(p.name),
            in: where,
            required: p.required === true,
            type: typeof p.type === 'string' ? p.type : 'string',
            schema: this.converted(p, () => toJsonSchema(paramToSchema(p))),
          });
        }
      }
      const responses = new Map<string, SwaggerResponse>();
      for (const [status, rawResp] of Object.entries((op.responses ?? {}) as Record<string, JsonObject>)) {
        const r = resolveRef(rawResp, this.sharedResponses, '#/responses/');
        responses.set(
          status,
          r.schema ? { schema: this.converted(r, () => toJsonSchema(r.schema as JsonObject)) } : {},
        );
      }
      operations.set(method.toUpperCase(), {
        operationId: typeof op.operationId === 'string' ? op.operationId : `${method} ${route.template}`,
        method: method.toUpperCase(),
        template: route.template,
        parameters,
        body,
        responses,
      });
    }
    route.operations = operations;
    return operations;
  }

  /**
   * The JSON Schema converted from `source`, cached by identity: shared parameters and responses (`#/parameters/...`,
   * `#/responses/...`) are converted, and so compiled, once for all operations.
   */
  private converted(source: JsonObject, convert: () => JsonObject): JsonObject {
    let c = this.conversions.get(source);
    if (!c) {
      c = convert();
      this.conversions.set(source, c);
    }
    return c;
  }

  /** Converts and registers the definition `name` and, transitively, those it references. */
  private registerDefinition(name: string): void {
    if (this.registeredDefinitions.has(name)) return;
    const def = Object.prototype.hasOwnProperty.call(this.definitions, name) ? this.definitions[name] : undefined;
    if (!def) throw new Error(`Swagger reference #/definitions/${name} does not resolve.`);
    const schema = toJsonSchema(def);
    this.registeredDefinitions.add(name);
    this.ajv.addSchema({ ...schema, $id: definitionId(name) });
    for (const ref of referencedDefinitions(schema)) this.registerDefinition(ref);
  }

  /** Every operation in the swagger (converts every path item: for coverage checks). */
  operations(): SwaggerOperation[] {
    return this.routes.flatMap((r) => [...this.operationsOf(r).values()]);
  }

  /**
   * The operation for `method` on `pathBelowBase` (the raw, still percent-encoded path below {@link basePath},
   * e.g. `/projects/app/members/3`), or a problem naming what does not match.
   */
  findOperation(method: string, pathBelowBase: string): OperationMatch {
    const upper = method.toUpperCase();
    let pathMatched: Route | undefined;
    for (const route of this.routes) {
      const m = route.regex.exec(pathBelowBase);
      if (!m) continue;
      pathMatched ??= route;
      if (!route.methods.includes(upper)) continue;
      const op = this.operationsOf(route).get(upper);
      if (!op) continue;
      const pathParams: Record<string, string> = {};
      route.paramNames.forEach((n, i) => {
        pathParams[n] = m[i + 1];
      });
      return { operation: op, pathParams };
    }
    if (pathMatched) {
      const allowed = pathMatched.methods.join(', ');
      return {
        problem: `${upper} ${this.basePath}${pathBelowBase}: the swagger declares only ${allowed} on ${pathMatched.template}`,
      };
    }
    return {
      problem: `${upper} ${this.basePath}${pathBelowBase}: no path of the swagger matches (the default contract, test/contracts/harbor-api.json, keeps the path families listed in scripts/contracts.ts: add one there and run npm run contracts)`,
    };
  }

  /** Problems with a request to `op`; an empty array when it honours the contract. */
  validateRequest(op: SwaggerOperation, req: RequestToValidate): string[] {
    const problems: string[] = [];
    const where = `${op.method} ${op.template} (${op.operationId})`;
    const declaredQuery = new Set<string>();
    for (const p of op.parameters) {
      let raw: string[] = [];
      if (p.in === 'path') {
        const v = req.pathParams[p.name];
        if (v !== undefined) {
          try {
            raw = [decodeURIComponent(v)];
          } catch {
            problems.push(`${where}: path parameter ${p.name}=${JSON.stringify(v)} is not valid percent-encoding`);
            continue;
          }
        }
      } else if (p.in === 'query') {
        declaredQuery.add(p.name);
        raw = req.query.getAll(p.name);
      } else {
        const h = req.headers[p.name.toLowerCase()];
        raw = h === undefined ? [] : Array.isArray(h) ? h : [h];
      }
      if (raw.length === 0) {
        if (p.required) problems.push(`${where}: required ${p.in} parameter ${p.name} is missing`);
        continue;
      }
      if (p.type !== 'array' && raw.length > 1) {
        problems.push(
          `${where}: ${p.in} parameter ${p.name} is given ${raw.length} times; the swagger declares one ${p.type}`,
        );
        continue;
      }
      const value = coerce(p.type, p.type === 'array' ? raw.flatMap((r) => r.split(',')) : raw[0]);
      if (value === undefined) {
        problems.push(`${where}: ${p.in} parameter ${p.name}=${JSON.stringify(raw[0])} is not a valid ${p.type}`);
        continue;
      }
      const v = this.validator(p.schema);
      if (!v(value))
        problems.push(`${where}: ${p.in} parameter ${p.name}=${JSON.stringify(raw[0])} ${formatErrors(v.errors)}`);
    }
    for (const name of new Set(req.query.keys())) {
      if (!declaredQuery.has(name)) {
        problems.push(
          `${where}: query parameter ${name} is not declared by the swagger (declared: ${[...declaredQuery].join(', ') || 'none'})`,
        );
      }
    }

    const hasBody = req.rawBody.trim() !== '';
    if (!op.body) {
      if (hasBody) problems.push(`${where}: the request has a body but the swagger declares none`);
      return problems;
    }
    if (!hasBody) {
      if (op.body.required) problems.push(`${where}: the body "${op.body.name}" is required but the request has none`);
      return problems;
    }
    const contentType = String(req.headers['content-type'] ?? '');
    if (!/^application\/json\s*(;|$)/i.test(contentType)) {
      problems.push(
        `${where}: the body must be sent with Content-Type: application/json (got ${JSON.stringify(contentType || '(none)')})`,
      );
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(req.rawBody);
    } catch {
      problems.push(`${where}: the body is not valid JSON`);
      return problems;
    }
    const v = this.validator(op.body.schema);
    if (!v(parsed)) problems.push(`${where}: body "${op.body.name}" ${formatErrors(v.errors)}`);
    return problems;
  }

  /**
   * Problems with a response to `op`; an empty array when it honours the contract.
   * @param body the raw body sent ('' for none); checked as JSON against the declared schema
   * @param extraStatuses statuses Harbor really sends for this operation although the swagger omits them
   */
  validateResponse(
    op: SwaggerOperation,
    status: number,
    body: string,
    extraStatuses: readonly number[] = [],
  ): string[] {
    const where = `${op.method} ${op.template} (${op.operationId})`;
    const declared = op.responses.get(String(status)) ?? op.responses.get('default');
    if (!declared) {
      if (extraStatuses.includes(status)) return [];
      return [
        `${where}: response status ${status} is not declared by the swagger (declared: ${[...op.responses.keys()].join(', ')})`,
      ];
    }
    const hasBody = body.trim() !== '';
    if (!declared.schema) {
      return hasBody && op.method !== 'HEAD'
        ? [`${where}: response ${status} has a body but the swagger declares none`]
        : [];
    }
    if (!hasBody)
      return op.method === 'HEAD' ? [] : [`${where}: response ${status} has no body but the swagger declares one`];
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return [`${where}: response ${status} body is not valid JSON`];
    }
    const v = this.validator(declared.schema);
    return v(parsed) ? [] : [`${where}: response ${status} body ${formatErrors(v.errors)}`];
  }

  /**
   * The compiled validator of `schema` (one of this contract's schemas), compiled on first use and cached.
   * Exposed for coverage checks.
   */
  validator(schema: JsonObject): ValidateFunction {
    let v = this.compiled.get(schema);
    if (!v) {
      for (const ref of referencedDefinitions(schema)) this.registerDefinition(ref);
      v = this.ajv.compile(schema);
      this.compiled.set(schema, v);
    }
    return v;
  }
}

/** A readable, single-line rendering of ajv's errors. */
function formatErrors(errors: ErrorObject[] | null | undefined): string {
  if (!errors || errors.length === 0) return 'does not match the schema';
  return errors
    .slice(0, 5)
    .map(
      (e) =>
        `${e.instancePath || '(root)'} ${e.message ?? 'is invalid'}${e.params && 'allowedValues' in e.params ? ` ${JSON.stringify(e.params.allowedValues)}` : ''}`,
    )
    .join('; ');
}

/** The wire string of a non-body parameter converted to its Swagger type; undefined when it does not convert. */
function coerce(type: string, raw: string | string[]): unknown {
  if (Array.isArray(raw)) return raw;
  switch (type) {
    case 'integer':
      return /^-?\d+$/.test(raw) ? Number(raw) : undefined;
    case 'number':
      return raw.trim() !== '' && Number.isFinite(Number(raw)) ? Number(raw) : undefined;
    case 'boolean': {
      const l = raw.toLowerCase();
      if (l === 'true' || l === '1') return true;
      if (l === 'false' || l === '0') return false;
      return undefined;
    }
    default:
      return raw;
  }
}

/** The schema part of a Swagger 2.0 non-body parameter. */
function paramToSchema(p: JsonObject): JsonObject {
  const schema: JsonObject = {};
  for (const k of [
    'type',
    'format',
    'enum',
    'minimum',
    'maximum',
    'exclusiveMinimum',
    'exclusiveMaximum',
    'minLength',
    'maxLength',
    'pattern',
    'items',
    'minItems',
    'maxItems',
  ]) {
    if (p[k] !== undefined) schema[k] = p[k];
  }
  if (schema.type === 'file') delete schema.type;
  return schema;
}

const COPIED_KEYWORDS = [
  'type',
  'enum',
  'minimum',
  'maximum',
  'minLength',
  'maxLength',
  'pattern',
  'minItems',
  'maxItems',
  'uniqueItems',
  'required',
  'format',
  'minProperties',
  'maxProperties',
  'multipleOf',
];

/** Converts a Swagger 2.0 schema object to JSON Schema (draft-07, as ajv 8 reads it). */
export function toJsonSchema(s: JsonObject): JsonObject {
  if (typeof s !== 'object' || s === null || Array.isArray(s)) return {};
  const nullable = s['x-nullable'] === true;
  if (typeof s.$ref === 'string') {
    const m = /^#\/definitions\/(.+)$/.exec(s.$ref);
    const ref: JsonObject = { $ref: m ? definitionId(m[1]) : s.$ref };
    return nullable ? { anyOf: [ref, { type: 'null' }] } : ref;
  }
  const out: JsonObject = {};
  for (const k of COPIED_KEYWORDS) if (s[k] !== undefined) out[k] = s[k];
  if (out.type === 'file') delete out.type;
  if (s.exclusiveMinimum === true && typeof s.minimum === 'number') {
    out.exclusiveMinimum = s.minimum;
    delete out.minimum;
  }
  if (s.exclusiveMaximum === true && typeof s.maximum === 'number') {
    out.exclusiveMaximum = s.maximum;
    delete out.maximum;
  }
  if (s.properties && typeof s.properties === 'object' && !Array.isArray(s.properties)) {
    const props: JsonObject = {};
    for (const [k, v] of Object.entries(s.properties)) props[k] = toJsonSchema(v as JsonObject);
    out.properties = props;
  }
  if (s.items !== undefined) {
    out.items = Array.isArray(s.items)
      ? s.items.map((i) => toJsonSchema(i as JsonObject))
      : toJsonSchema(s.items as JsonObject);
  }
  if (s.additionalProperties !== undefined) {
    out.additionalProperties =
      typeof s.additionalProperties === 'boolean'
        ? s.additionalProperties
        : toJsonSchema(s.additionalProperties as JsonObject);
  }
  if (Array.isArray(s.allOf)) out.allOf = s.allOf.map((x) => toJsonSchema(x as JsonObject));
  if (nullable) {
    if (typeof out.type === 'string') out.type = [out.type, 'null'];
    if (Array.isArray(out.enum)) out.enum = [...out.enum, null];
    if (out.type === undefined) return { anyOf: [out, { type: 'null' }] };
  }
  return out;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
