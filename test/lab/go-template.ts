/**
 * A small, strict evaluator of the Go template subset (text/template + sprig) that External Secrets'
 * template engine v2 runs on our ExternalSecret templates: `{{ pipeline }}` actions where a pipeline is
 * commands joined by `|`, a command is a function call or a value, values are `.key` (the fetched secret's
 * keys) and "string literals" (a `}}` inside one does not end the action, as in Go's lexer), and the functions are
 * `printf` (%s only), `b64enc`, `toJson` and `quote`.
 * Anything else throws, so a template we emit that ESO could render differently is caught, not guessed at.
 */
export function renderGoTemplate(template: string, data: Readonly<Record<string, string>>): string {
  let out = '';
  let i = 0;
  while (i < template.length) {
    const open = template.indexOf('{{', i);
    if (open < 0) {
      out += template.slice(i);
      break;
    }
    out += template.slice(i, open);
    const close = actionEnd(template, open + 2);
    if (close < 0) throw new Error(`unclosed action at ${open}`);
    out += evalPipeline(template.slice(open + 2, close), data);
    i = close + 2;
  }
  return out;
}

/**
 * Where the action starting at `from` ends (the index of its `}}`), or -1. As in Go's lexer, a `}}` inside a quoted
 * string does not end the action.
 */
function actionEnd(template: string, from: number): number {
  let j = from;
  while (j < template.length) {
    if (template[j] === '"') {
      j++;
      while (j < template.length && template[j] !== '"') j += template[j] === '\\' ? 2 : 1;
      j++;
      continue;
    }
    if (template.startsWith('}}', j)) return j;
    j++;
  }
  return -1;
}

type Token =
  | { kind: 'field'; name: string }
  | { kind: 'string'; value: string }
  | { kind: 'ident'; name: string }
  | { kind: 'pipe' };

function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === ' ' || c === '\t') {
      i++;
      continue;
    }
    if (c === '|') {
      tokens.push({ kind: 'pipe' });
      i++;
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      while (j < src.length && src[j] !== '"') j += src[j] === '\\' ? 2 : 1;
      if (j >= src.length) throw new Error(`unterminated string in ${JSON.stringify(src)}`);
      tokens.push({ kind: 'string', value: JSON.parse(src.slice(i, j + 1)) });
      i = j + 1;
      continue;
    }
    const m = /^\.?[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i));
    if (!m) throw new Error(`unsupported syntax at ${JSON.stringify(src.slice(i))}`);
    tokens.push(m[0].startsWith('.') ? { kind: 'field', name: m[0].slice(1) } : { kind: 'ident', name: m[0] });
    i += m[0].length;
  }
  return tokens;
}

function evalPipeline(src: string, data: Readonly<Record<string, string>>): string {
  const commands: Token[][] = [[]];
  for (const t of tokenize(src)) {
    if (t.kind === 'pipe') commands.push([]);
    else commands[commands.length - 1].push(t);
  }
  let piped: string | undefined;
  for (const cmd of commands) {
    if (cmd.length === 0) throw new Error(`empty command in ${JSON.stringify(src)}`);
    const value = (t: Token): string => {
      if (t.kind === 'string') return t.value;
      if (t.kind === 'field') {
        if (!(t.name in data)) throw new Error(`map has no entry for key "${t.name}"`);
        return data[t.name];
      }
      throw new Error(`unexpected ${JSON.stringify(t)}`);
    };
    const [head, ...rest] = cmd;
    const args = rest.map(value);
    if (piped !== undefined) args.push(piped);
    if (head.kind !== 'ident') {
      if (args.length > 0) throw new Error(`cannot call a value in ${JSON.stringify(src)}`);
      piped = value(head);
      continue;
    }
    piped = call(head.name, args);
  }
  return piped!;
}

function call(fn: string, args: string[]): string {
  switch (fn) {
    case 'printf': {
      const [format, ...values] = args;
      let k = 0;
      const result = format.replace(/%[a-z%]/g, (spec) => {
        if (spec === '%%') return '%';
        if (spec !== '%s') throw new Error(`printf verb ${spec} is not supported`);
        if (k >= values.length) throw new Error('printf: missing argument');
        return values[k++];
      });
      if (k !== values.length) throw new Error('printf: extra arguments');
      return result;
    }
    case 'b64enc':
      return one(fn, args, (s) => Buffer.from(s, 'utf8').toString('base64'));
    case 'toJson':
      return one(fn, args, (s) => JSON.stringify(s));
    case 'quote':
      return one(fn, args, (s) => JSON.stringify(s));
    default:
      throw new Error(`function "${fn}" is not supported by this evaluator`);
  }
}

function one(fn: string, args: string[], f: (s: string) => string): string {
  if (args.length !== 1) throw new Error(`${fn} takes one argument, got ${args.length}`);
  return f(args[0]);
}
