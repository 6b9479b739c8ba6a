/**
 * The CEL (Common Expression Language) rules of Kubernetes CRDs (`x-kubernetes-validations`), evaluated by
 * `@bufbuild/cel` (CEL for ECMAScript, tested against the cel-spec conformance suite) in the environment the
 * API server gives them: the standard CEL functions and macros plus the `strings` extension, with `self` (and
 * `oldSelf` in transition rules) bound to the value the rule is attached to.
 *
 * This file only adapts: it turns JSON into CEL values the way the API server types them from the structural
 * schema (`integer` is CEL `int`, `number` is `double`, objects are maps) and CEL's results back into plain
 * values. What the API server adds to CEL beyond the `strings` extension (the Kubernetes `lists`, `regex`,
 * `url`, `quantity`, `ip`, `cidr`, `format` and `authz` libraries) and CEL optional types (needed by
 * `optionalOldSelf`) are not in `@bufbuild/cel`: a rule that calls one fails to evaluate with
 * `unbound function: <name>`, which the caller reports as unsupported, never as a pass.
 *
 * @see https://kubernetes.io/docs/reference/using-api/cel/
 * @see https://github.com/bufbuild/cel-es
 */
import { CelInput, CelValue, celEnv, isCelError, isCelList, isCelMap, isCelUint, parse, plan } from '@bufbuild/cel';
import { strings } from '@bufbuild/cel/ext';

/** A rule that is not valid CEL (the API server would reject the CRD that holds it). */
export class CelSyntaxError extends Error {
  constructor(
    public readonly rule: string,
    detail: string,
  ) {
    super(`invalid CEL: ${detail} in rule ${JSON.stringify(rule)}`);
    this.name = 'CelSyntaxError';
  }
}

/** A rule evaluated to one of CEL's error values (no such key, no matching overload...). */
export class CelEvalError extends Error {
  /**
   * @param unsupported true when the error comes from a function `@bufbuild/cel` does not implement (one of
   *   Kubernetes' own libraries): the rule cannot be checked here, which is not the same as the object failing it
   */
  constructor(
    message: string,
    public readonly unsupported: boolean,
  ) {
    super(message);
    this.name = 'CelEvalError';
  }
}

/** The part of a structural schema that decides how JSON becomes CEL values. */
export type CelSchema = { readonly [k: string]: unknown };

/** A compiled rule. */
export interface CelProgram {
  /** The rule's source text. */
  readonly source: string;
  /**
   * Whether the rule reads `oldSelf`: a transition rule, which the API server evaluates only on an update,
   * where the old object has a value at the rule's place.
   */
  readonly transition: boolean;
  /**
   * Evaluates the rule with `self` (and `oldSelf`) bound to JSON values typed by `schema`.
   * @returns the result as a plain value: CEL `int` is a bigint, a list an array, a map a `Map`
   * @throws CelEvalError when CEL produces an error value
   */
  evaluate(self: unknown, schema?: CelSchema, oldSelf?: unknown): unknown;
}

/** The standard environment plus the `strings` extension (`lowerAscii`, `indexOf`, `join`...), as in Kubernetes. */
const ENV = celEnv({ funcs: strings });

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function sub(schema: CelSchema | undefined, key: 'items' | 'additionalProperties'): CelSchema | undefined {
  const s = schema?.[key];
  return isObject(s) ? s : undefined;
}

/**
 * JSON to a CEL value, typed as the API server types it from the structural schema: a whole number is an
 * `int` unless the schema says `number` (then a `double`); objects (with properties or additionalProperties)
 * are maps, where selecting an absent field is an error and `has()` tells presence.
 */
export function toCel(value: unknown, schema?: CelSchema): CelInput {
  if (typeof value === 'number') return Number.isInteger(value) && schema?.type !== 'number' ? BigInt(value) : value;
  if (Array.isArray(value)) return value.map((v) => toCel(v, sub(schema, 'items')));
  if (isObject(value)) {
    const props = isObject(schema?.properties) ? (schema.properties as Record<string, CelSchema>) : {};
    const rest = sub(schema, 'additionalProperties');
    return new Map(Object.entries(value).map(([k, v]) => [k, toCel(v, isObject(props[k]) ? props[k] : rest)]));
  }
  return value as CelInput;
}

/** A CEL result as a plain value: lists become arrays and maps `Map`s (ints stay bigints, uints become bigints). */
export function fromCel(value: CelValue): unknown {
  if (isCelList(value)) return [...value].map(fromCel);
  if (isCelMap(value)) return new Map([...value].map(([k, v]) => [isCelUint(k) ? k.value : k, fromCel(v)]));
  if (isCelUint(value)) return value.value;
  return value;
}

/** Whether the parsed expression reads the variable `name` (the AST is plain protobuf-es objects). */
function readsIdent(node: unknown, name: string): boolean {
  if (Array.isArray(node)) return node.some((n) => readsIdent(n, name));
  if (!isObject(node)) return false;
  if (node.case === 'identExpr' && isObject(node.value) && node.value.name === name) return true;
  return Object.values(node).some((v) => readsIdent(v, name));
}

const CACHE = new Map<string, CelProgram | CelSyntaxError>();

/**
 * Parses and plans a rule once (cached per process).
 * @throws CelSyntaxError when the rule is not valid CEL
 */
export function compileCel(source: string): CelProgram {
  let cached = CACHE.get(source);
  if (!cached) {
    try {
      const parsed = parse(source);
      const run = plan(ENV, parsed);
      cached = {
        source,
        transition: readsIdent(parsed.expr, 'oldSelf'),
        evaluate: (self, schema, oldSelf) => {
          const bindings: Record<string, CelInput> = { self: toCel(self, schema) };
          if (oldSelf !== undefined) bindings.oldSelf = toCel(oldSelf, schema);
          const result = run(bindings);
          if (isCelError(result)) throw new CelEvalError(result.message, result.message.startsWith('unbound function'));
          return fromCel(result);
        },
      };
    } catch (e) {
      cached = new CelSyntaxError(source, (e as Error).message);
    }
    CACHE.set(source, cached);
  }
  if (cached instanceof CelSyntaxError) throw cached;
  return cached;
}

/**
 * Compiles and evaluates `source` with `self` bound to `self` (typed by `schema` when given).
 * @throws CelSyntaxError for text that is not CEL; CelEvalError for CEL's error values
 */
export function evaluateCel(source: string, self: unknown, schema?: CelSchema, oldSelf?: unknown): unknown {
  return compileCel(source).evaluate(self, schema, oldSelf);
}
