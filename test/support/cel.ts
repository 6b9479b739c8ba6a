/**
 * A small evaluator for the subset of CEL (Common Expression Language) that Kubernetes CRDs use in
 * `x-kubernetes-validations` rules, enough for the Crossplane provider-harbor and External Secrets CRDs
 * this project validates against.
 *
 * Supported:
 * - literals: `true`, `false`, `null`, integers, decimals, single- or double-quoted strings (`\\ \' \" \n \t`);
 *   list literals `[a, b]`
 * - `self`, field selection `self.a.b`, indexing `self.list[0]` / `self.map['key']`
 * - `has(self.a.b)` (presence of the last field; the path before it must exist)
 * - `!`, `&&`, `||` (with CEL's commutative error absorption: `true || <error>` is `true`), parentheses
 * - `==`, `!=`, `<`, `<=`, `>`, `>=`, `in` (list membership or map key)
 * - `x.size()` and `size(x)` (string, list, map)
 * - the macros `list.filter(v, pred)`, `list.all(v, pred)`, `list.exists(v, pred)` (maps iterate their keys)
 *
 * Anything else (arithmetic, `? :`, `oldSelf`, string functions, ...) is rejected by {@link compileCel}
 * with a {@link CelUnsupportedError}, so a caller can report the rule rather than silently pass it.
 */

/** A rule uses CEL this evaluator does not implement. */
export class CelUnsupportedError extends Error {
  constructor(
    public readonly rule: string,
    detail: string,
  ) {
    super(`unsupported CEL: ${detail} in rule ${JSON.stringify(rule)}`);
    this.name = 'CelUnsupportedError';
  }
}

/** A rule failed at run time (no such key, wrong type...), as CEL's error value. */
export class CelEvalError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CelEvalError';
  }
}

/** A compiled rule. */
export interface CelProgram {
  /** The rule's source text. */
  readonly source: string;
  /**
   * Evaluates the rule with `self` bound to `self`.
   * @throws CelEvalError when CEL would produce an error value
   */
  evaluate(self: unknown): unknown;
}

type Node =
  | { readonly t: 'lit'; readonly value: unknown }
  | { readonly t: 'ident'; readonly name: string }
  | { readonly t: 'select'; readonly operand: Node; readonly field: string }
  | { readonly t: 'index'; readonly operand: Node; readonly index: Node }
  | { readonly t: 'has'; readonly operand: Node; readonly field: string }
  | { readonly t: 'not'; readonly operand: Node }
  | { readonly t: 'and' | 'or'; readonly left: Node; readonly right: Node }
  | { readonly t: 'rel'; readonly op: RelOp; readonly left: Node; readonly right: Node }
  | { readonly t: 'list'; readonly elements: readonly Node[] }
  | { readonly t: 'size'; readonly operand: Node }
  | {
      readonly t: 'macro';
      readonly kind: MacroKind;
      readonly operand: Node;
      readonly variable: string;
      readonly body: Node;
    };

type RelOp = '==' | '!=' | '<' | '<=' | '>' | '>=' | 'in';
type MacroKind = 'filter' | 'all' | 'exists';

interface Token {
  readonly kind: 'ident' | 'num' | 'str' | 'op' | 'end';
  readonly text: string;
  readonly value?: unknown;
  readonly pos: number;
}

const OPERATORS = ['||', '&&', '==', '!=', '<=', '>=', '<', '>', '!', '(', ')', '[', ']', ',', '.'];
const RESERVED = new Set([
  'as',
  'break',
  'const',
  'continue',
  'else',
  'for',
  'function',
  'if',
  'import',
  'let',
  'loop',
  'package',
  'namespace',
  'return',
  'var',
  'void',
  'while',
]);

function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i))!;
      tokens.push({ kind: 'ident', text: m[0], pos: i });
      i += m[0].length;
      continue;
    }
    if (/[0-9]/.test(c)) {
      const m = /^[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(src.slice(i))!;
      const next = src[i + m[0].length];
      if (next !== undefined && /[A-Za-z_]/.test(next))
        throw new CelUnsupportedError(src, `number suffix or hex literal at ${i}`);
      tokens.push({ kind: 'num', text: m[0], value: Number(m[0]), pos: i });
      i += m[0].length;
      continue;
    }
    if (c === '"' || c === "'") {
      if (src.startsWith(c.repeat(3), i)) throw new CelUnsupportedError(src, `triple-quoted string at ${i}`);
      let j = i + 1;
      let out = '';
      for (;;) {
        if (j >= src.length) throw new CelUnsupportedError(src, `unterminated string at ${i}`);
        const d = src[j];
        if (d === c) break;
        if (d === '\\') {
          const e = src[j + 1];
          const map: Record<string, string> = { '\\': '\\', "'": "'", '"': '"', n: '\n', t: '\t', r: '\r' };
          if (e === undefined || !(e in map)) throw new CelUnsupportedError(src, `string escape \\${e ?? ''} at ${j}`);
          out += map[e];
          j += 2;
          continue;
        }
        out += d;
        j++;
      }
      tokens.push({ kind: 'str', text: src.slice(i, j + 1), value: out, pos: i });
      i = j + 1;
      continue;
    }
    const op = OPERATORS.find((o) => src.startsWith(o, i));
    if (!op) throw new CelUnsupportedError(src, `operator ${JSON.stringify(c)} at ${i}`);
    tokens.push({ kind: 'op', text: op, pos: i });
    i += op.length;
  }
  tokens.push({ kind: 'end', text: '<end>', pos: src.length });
  return tokens;
}

class Parser {
  private readonly tokens: Token[];
  private at = 0;
  private readonly scope: string[] = [];

  constructor(private readonly src: string) {
    this.tokens = tokenize(src);
  }

  parse(): Node {
    const node = this.or();
    if (this.peek().kind !== 'end') this.fail(`unexpected ${JSON.stringify(this.peek().text)} at ${this.peek().pos}`);
    return node;
  }

  private fail(detail: string): never {
    throw new CelUnsupportedError(this.src, detail);
  }

  private peek(): Token {
    return this.tokens[this.at];
  }

  private isOp(text: string): boolean {
    const t = this.peek();
    return t.kind === 'op' && t.text === text;
  }

  private take(): Token {
    return this.tokens[this.at++];
  }

  private expectOp(text: string): void {
    if (!this.isOp(text))
      this.fail(`expected ${JSON.stringify(text)} at ${this.peek().pos}, found ${JSON.stringify(this.peek().text)}`);
    this.at++;
  }

  private or(): Node {
    let left = this.and();
    while (this.isOp('||')) {
      this.at++;
      left = { t: 'or', left, right: this.and() };
    }
    return left;
  }

  private and(): Node {
    let left = this.relation();
    while (this.isOp('&&')) {
      this.at++;
      left = { t: 'and', left, right: this.relation() };
    }
    return left;
  }

  private relation(): Node {
    let left = this.unary();
    for (;;) {
      const t = this.peek();
      let op: RelOp | undefined;
      if (t.kind === 'op' && ['==', '!=', '<', '<=', '>', '>='].includes(t.text)) op = t.text as RelOp;
      else if (t.kind === 'ident' && t.text === 'in') op = 'in';
      if (!op) return left;
      this.at++;
      left = { t: 'rel', op, left, right: this.unary() };
    }
  }

  private unary(): Node {
    if (this.isOp('!')) {
      this.at++;
      return { t: 'not', operand: this.unary() };
    }
    return this.member();
  }

  private member(): Node {
    let node = this.primary();
    for (;;) {
      if (this.isOp('.')) {
        this.at++;
        const name = this.take();
        if (name.kind !== 'ident') this.fail(`expected a field name at ${name.pos}`);
        if (this.isOp('(')) {
          node = this.method(node, name.text);
        } else {
          node = { t: 'select', operand: node, field: name.text };
        }
      } else if (this.isOp('[')) {
        this.at++;
        const index = this.or();
        this.expectOp(']');
        node = { t: 'index', operand: node, index };
      } else {
        return node;
      }
    }
  }

  private method(target: Node, name: string): Node {
    this.expectOp('(');
    if (name === 'size') {
      this.expectOp(')');
      return { t: 'size', operand: target };
    }
    if (name === 'filter' || name === 'all' || name === 'exists') {
      const v = this.take();
      if (v.kind !== 'ident' || RESERVED.has(v.text) || v.text === 'self')
        this.fail(`${name}() needs a variable name, found ${JSON.stringify(v.text)}`);
      this.expectOp(',');
      this.scope.push(v.text);
      const body = this.or();
      this.scope.pop();
      this.expectOp(')');
      return { t: 'macro', kind: name, operand: target, variable: v.text, body };
    }
    return this.fail(`method ${name}()`);
  }

  private primary(): Node {
    const t = this.take();
    if (t.kind === 'num' || t.kind === 'str') return { t: 'lit', value: t.value };
    if (t.kind === 'op' && t.text === '(') {
      const inner = this.or();
      this.expectOp(')');
      return inner;
    }
    if (t.kind === 'op' && t.text === '[') {
      const elements: Node[] = [];
      if (!this.isOp(']')) {
        for (;;) {
          elements.push(this.or());
          if (!this.isOp(',')) break;
          this.at++;
          if (this.isOp(']')) break; // trailing comma
        }
      }
      this.expectOp(']');
      return { t: 'list', elements };
    }
    if (t.kind === 'ident') {
      if (t.text === 'true' || t.text === 'false') return { t: 'lit', value: t.text === 'true' };
      if (t.text === 'null') return { t: 'lit', value: null };
      if (t.text === 'has' && this.isOp('(')) {
        this.at++;
        const arg = this.or();
        this.expectOp(')');
        if (arg.t !== 'select') this.fail('has() takes a field selection such as has(self.a)');
        return { t: 'has', operand: arg.operand, field: arg.field };
      }
      if (t.text === 'size' && this.isOp('(')) {
        this.at++;
        const operand = this.or();
        this.expectOp(')');
        return { t: 'size', operand };
      }
      if (this.isOp('(')) this.fail(`function ${t.text}()`);
      if (t.text === 'self' || this.scope.includes(t.text)) return { t: 'ident', name: t.text };
      return this.fail(`identifier ${JSON.stringify(t.text)}`);
    }
    return this.fail(`unexpected ${JSON.stringify(t.text)} at ${t.pos}`);
  }
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'list';
  if (isMap(v)) return 'map';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'double';
  if (typeof v === 'boolean') return 'bool';
  return typeof v;
}

function celEquals(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => celEquals(x, b[i]));
  if (isMap(a) && isMap(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => k in b && celEquals(a[k], b[k]));
  }
  return a === b;
}

function asBool(v: unknown, what: string): boolean {
  if (typeof v !== 'boolean') throw new CelEvalError(`${what} needs a bool, got ${typeName(v)}`);
  return v;
}

type Env = ReadonlyMap<string, unknown>;

function evaluate(node: Node, env: Env): unknown {
  switch (node.t) {
    case 'lit':
      return node.value;
    case 'ident':
      return env.get(node.name);
    case 'select': {
      const v = evaluate(node.operand, env);
      if (!isMap(v)) throw new CelEvalError(`cannot select field ${JSON.stringify(node.field)} of a ${typeName(v)}`);
      if (!Object.prototype.hasOwnProperty.call(v, node.field)) throw new CelEvalError(`no such key: ${node.field}`);
      return v[node.field];
    }
    case 'index': {
      const v = evaluate(node.operand, env);
      const i = evaluate(node.index, env);
      if (Array.isArray(v)) {
        if (typeof i !== 'number' || !Number.isInteger(i))
          throw new CelEvalError(`list index must be an int, got ${typeName(i)}`);
        if (i < 0 || i >= v.length) throw new CelEvalError(`index out of bounds: ${i}`);
        return v[i];
      }
      if (isMap(v)) {
        if (typeof i !== 'string' || !Object.prototype.hasOwnProperty.call(v, i))
          throw new CelEvalError(`no such key: ${String(i)}`);
        return v[i];
      }
      throw new CelEvalError(`cannot index a ${typeName(v)}`);
    }
    case 'has': {
      const v = evaluate(node.operand, env);
      if (!isMap(v)) throw new CelEvalError(`has() of field ${JSON.stringify(node.field)} on a ${typeName(v)}`);
      return Object.prototype.hasOwnProperty.call(v, node.field) && v[node.field] !== undefined;
    }
    case 'not':
      return !asBool(evaluate(node.operand, env), '!');
    case 'and':
    case 'or': {
      // CEL's logical operators are commutative over errors: a determining side wins over an error.
      const decisive = node.t === 'or';
      let leftError: CelEvalError | undefined;
      try {
        if (asBool(evaluate(node.left, env), node.t === 'or' ? '||' : '&&') === decisive) return decisive;
      } catch (e) {
        if (!(e instanceof CelEvalError)) throw e;
        leftError = e;
      }
      const right = asBool(evaluate(node.right, env), node.t === 'or' ? '||' : '&&');
      if (right === decisive) return decisive;
      if (leftError) throw leftError;
      return !decisive;
    }
    case 'rel': {
      const a = evaluate(node.left, env);
      const b = evaluate(node.right, env);
      switch (node.op) {
        case '==':
          return celEquals(a, b);
        case '!=':
          return !celEquals(a, b);
        case 'in':
          if (Array.isArray(b)) return b.some((x) => celEquals(a, x));
          if (isMap(b)) return typeof a === 'string' && Object.prototype.hasOwnProperty.call(b, a);
          throw new CelEvalError(`'in' needs a list or a map on its right, got ${typeName(b)}`);
        default: {
          const comparable =
            (typeof a === 'number' && typeof b === 'number') || (typeof a === 'string' && typeof b === 'string');
          if (!comparable) throw new CelEvalError(`no such overload: ${typeName(a)} ${node.op} ${typeName(b)}`);
          const x = a;
          const y = b;
          return node.op === '<' ? x < y : node.op === '<=' ? x <= y : node.op === '>' ? x > y : x >= y;
        }
      }
    }
    case 'list':
      return node.elements.map((e) => evaluate(e, env));
    case 'size': {
      const v = evaluate(node.operand, env);
      if (typeof v === 'string') return [...v].length;
      if (Array.isArray(v)) return v.length;
      if (isMap(v)) return Object.keys(v).length;
      throw new CelEvalError(`size() of a ${typeName(v)}`);
    }
    case 'macro': {
      const target = evaluate(node.operand, env);
      let items: unknown[];
      if (Array.isArray(target)) items = target;
      else if (isMap(target)) items = Object.keys(target);
      else throw new CelEvalError(`${node.kind}() on a ${typeName(target)}`);
      const test = (x: unknown): boolean => {
        const inner = new Map(env);
        inner.set(node.variable, x);
        return asBool(evaluate(node.body, inner), `${node.kind}() predicate`);
      };
      if (node.kind === 'filter') return items.filter(test);
      if (node.kind === 'all') return items.every(test);
      return items.some(test);
    }
  }
}

const CACHE = new Map<string, CelProgram | CelUnsupportedError>();

/**
 * Parses a rule once (cached per process).
 * @throws CelUnsupportedError when the rule uses CEL outside the supported subset
 */
export function compileCel(source: string): CelProgram {
  let cached = CACHE.get(source);
  if (!cached) {
    try {
      const ast = new Parser(source).parse();
      cached = {
        source,
        evaluate: (self: unknown) => evaluate(ast, new Map([['self', self]])),
      };
    } catch (e) {
      if (!(e instanceof CelUnsupportedError)) throw e;
      cached = e;
    }
    CACHE.set(source, cached);
  }
  if (cached instanceof CelUnsupportedError) throw cached;
  return cached;
}

/**
 * Compiles and evaluates `source` with `self` bound.
 * @throws CelUnsupportedError for CEL outside the supported subset; CelEvalError for CEL's error values
 */
export function evaluateCel(source: string, self: unknown): unknown {
  return compileCel(source).evaluate(self);
}
