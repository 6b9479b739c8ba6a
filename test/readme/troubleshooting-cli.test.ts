/**
 * docs/troubleshooting.md's tables of the `lint` and `preflight` commands' own errors are complete and true.
 *
 * - Complete: every message the command can stop with is written out in the source (`new UsageError(...)`,
 *   `new ConfigFileError(...)`, and the errors of the flag parsers the command turns into those); each such message has
 *   a row of the first table. The classes the command catches are read from lib/cli too, so a new one fails here until
 *   its messages are listed. Every input error code (`InputErrorCode`: the compiler keeps {@link INPUT_CASES} complete)
 *   has a row of the second table, and no row names a code that does not exist.
 * - True: one case per row runs the command in-process, with its exit code, its output and the row its message
 *   matches.
 */
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as ts from 'typescript';
import { PREFLIGHT_ENV } from '../../lib/cli/main';
import type { InputErrorCode } from '../../lib/lint/findings';
import { emulatorPerTest } from '../lab/emulator-per-test';
import { jsonReport, runCli } from '../lint/run-cli';
import { ROOT } from './markdown';

const PAGE = 'docs/troubleshooting.md';
const SECTION = '## The lint and preflight commands';

/** The section's two tables: the first column of each row, without its backticks. */
function tables(): { messages: string[]; codes: string[] } {
  const text = readFileSync(join(ROOT, PAGE), 'utf8');
  const start = text.indexOf(`\n${SECTION}\n`);
  if (start < 0) throw new Error(`${PAGE} has no section "${SECTION}"`);
  const end = text.indexOf('\n## ', start + 1);
  const found: string[][] = [];
  let table: string[] | undefined;
  for (const line of text.slice(start, end < 0 ? undefined : end).split('\n')) {
    if (!line.startsWith('|')) {
      table = undefined;
      continue;
    }
    if (!table) found.push((table = []));
    const first = /^\| `([^`]+)` \|/.exec(line);
    if (first) table.push(first[1]);
  }
  if (found.length !== 2) throw new Error(`${PAGE}, "${SECTION}": expected two tables, found ${found.length}`);
  return { messages: found[0], codes: found[1] };
}

/** A message with `…` where it varies, as a list of literal characters and `null` for each `…`. */
type Shape = (string | null)[];
const shape = (text: string): Shape => [...text].map((c) => (c === '…' ? null : c));

/**
 * Whether a row (a message start, its `…` standing for what varies) describes a message the source writes (its `…`
 * the values put in at run time). A `…` of the source may stand for any text of the row (`HARBOR_CA_FILE` for
 * `${PREFLIGHT_ENV.caFile}`); a `…` of the row only for a `…` of the source, so that a generic row (`… needs a value.`)
 * never covers a message with other words.
 */
function describes(row: Shape, source: Shape): boolean {
  const memo = new Map<number, boolean>();
  const at = (i: number, j: number): boolean => {
    if (i === row.length) return true;
    if (j === source.length) return false;
    const key = i * (source.length + 1) + j;
    let result = memo.get(key);
    if (result === undefined) {
      if (source[j] === null) result = at(i, j + 1) || at(i + 1, j);
      else result = row[i] !== null && row[i] === source[j] && at(i + 1, j + 1);
      memo.set(key, result);
    }
    return result;
  };
  return at(0, 0);
}

/** The classes whose messages the command prints, caught in lib/cli (`e instanceof X` in `asUsage` and `main`). */
function caughtClasses(): string[] {
  const names = new Set<string>();
  for (const file of ['lib/cli/args.ts', 'lib/cli/main.ts']) {
    for (const m of readFileSync(join(ROOT, file), 'utf8').matchAll(/\be instanceof (\w+)/g)) names.add(m[1]);
  }
  return [...names].sort();
}

/**
 * The classes caught, and where their messages are described. `HarborPrivateAppError` reaches the command from the
 * name checks of lib/core (`--namespace`, `--assume-secret`'s namespace and Secret name), whose messages the cases
 * below cover; a `ManifestParseError` is an input error (the second table).
 */
const WRITTEN_OUT = [
  'ConfigFileError',
  'DeclaredSecretError',
  'ManifestInputError',
  'ObjectPathError',
  'PreflightConnectionError',
  'RegistryFlagError',
  'UsageError',
];
const COVERED_BY_CASES = ['HarborPrivateAppError', 'ManifestParseError'];
/** Where an error is only ever shown wrapped: parseObjectPath's, inside parseImagePath's `--image-path "…": …`. */
const WRAPPED_ELSEWHERE = ['lib/lint/object-paths.ts'];

function libFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? libFiles(`${dir}/${e.name}`) : e.name.endsWith('.ts') ? [`${dir}/${e.name}`] : [],
  );
}

/** Every message `new X(...)` of {@link WRITTEN_OUT} in lib/ writes, as a shape; a message passed on whole is left out. */
function writtenMessages(): { where: string; text: string }[] {
  const out: { where: string; text: string }[] = [];
  for (const file of libFiles('lib').filter((f) => !WRAPPED_ELSEWHERE.includes(f))) {
    const source = ts.createSourceFile(file, readFileSync(join(ROOT, file), 'utf8'), ts.ScriptTarget.ES2022, true);
    const visit = (node: ts.Node): void => {
      if (
        ts.isNewExpression(node) &&
        ts.isIdentifier(node.expression) &&
        WRITTEN_OUT.includes(node.expression.text) &&
        node.arguments?.length
      ) {
        const text = messageShape(node.arguments[0]);
        if (text !== undefined && text.replace(/[…\s]/g, '') !== '') {
          out.push({ where: `${file}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`, text });
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return out;
}

/** A message argument as text with `…` for each value put in (`"…"` for a `JSON.stringify`), or undefined. */
function messageShape(arg: ts.Expression): string | undefined {
  if (ts.isStringLiteral(arg) || ts.isNoSubstitutionTemplateLiteral(arg)) return arg.text;
  if (!ts.isTemplateExpression(arg)) return undefined;
  return (
    arg.head.text +
    arg.templateSpans
      .map((span) => {
        const e = span.expression;
        const known =
          ts.isPropertyAccessExpression(e) && ts.isIdentifier(e.expression) && e.expression.text === 'PREFLIGHT_ENV'
            ? PREFLIGHT_ENV[e.name.text as keyof typeof PREFLIGHT_ENV]
            : undefined;
        const quoted = ts.isCallExpression(e) && e.expression.getText() === 'JSON.stringify';
        return (known ?? (quoted ? '"…"' : '…')) + span.literal.text;
      })
      .join('')
  );
}

describe(`${PAGE}: the commands' own errors`, () => {
  test('every message the command can stop with has a row', () => {
    const rows = tables().messages.map(shape);
    const written = writtenMessages();
    expect(written.length).toBeGreaterThan(30);
    expect(written.filter((m) => !rows.some((row) => describes(row, shape(m.text))))).toEqual([]);
  });

  test('the classes the command catches are the ones listed here', () => {
    expect(caughtClasses()).toEqual([...WRITTEN_OUT, ...COVERED_BY_CASES].sort());
  });

  test('a row describes only what the source writes', () => {
    expect(describes(shape('… needs a value.'), shape('… needs a value.'))).toBe(true);
    expect(describes(shape('HARBOR_CA_FILE=… cannot be read'), shape('…=… cannot be read: give the path.'))).toBe(true);
    expect(describes(shape('--registry "…" is not'), shape('--registry "…" is not a registry host.'))).toBe(true);
    expect(describes(shape('… needs a value.'), shape('--color needs a value.'))).toBe(false);
    expect(describes(shape('…: registries: …'), shape('--color "…" is not a color.'))).toBe(false);
    expect(describes(shape('unknown option "…".'), shape('unknown flag "…".'))).toBe(false);
  });
});

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hpa-troubleshooting-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));
const write = (name: string, content: string): string => {
  mkdirSync(dirname(join(dir, name)), { recursive: true });
  writeFileSync(join(dir, name), content);
  return name;
};
const POD =
  'apiVersion: v1\nkind: Pod\nmetadata: {name: app}\nspec:\n  containers: [{name: app, image: reg.harbor.com/k8s/app:1}]\n';

/** A command line that stops before reading any manifest, and the environment it runs with. */
interface StopCase {
  readonly argv: readonly string[];
  readonly env?: Record<string, string>;
  /** Files written first (name: content) in the run's working directory. */
  readonly files?: Record<string, string>;
  /** Only a user without root's privileges can be denied a read: skipped when run as root (CI). */
  readonly notAsRoot?: boolean;
}
const config = (yaml: string): StopCase => ({
  argv: ['lint', '--config', 'config.yaml', 'pod.yaml'],
  files: { 'config.yaml': yaml, 'pod.yaml': POD },
});
const lint = (...args: string[]): StopCase => ({ argv: ['lint', ...args, 'pod.yaml'], files: { 'pod.yaml': POD } });
const STOPS: readonly StopCase[] = [
  { argv: [] },
  { argv: ['check', '.'] },
  lint('--verbose'),
  { argv: ['lint', 'pod.yaml', '--format'] },
  lint('--allow-nothing-to-check=yes'),
  lint('--no-config=1'),
  lint('--allow-nothing-to-check'),
  { argv: ['lint'] },
  { argv: ['lint', '-', '-'] },
  lint('--format', 'xml'),
  lint('--max-file-size', '0'),
  lint('--namespace', 'Shop'),
  lint('--registry='),
  lint('--registry', 'https://reg.harbor.com/k8s'),
  lint('--assume-secret', 'registry-secret'),
  lint('--assume-secret', 'Shop/registry-secret=reg.harbor.com'),
  lint('--assume-secret', 'shop/Registry-Secret=reg.harbor.com'),
  lint('--assume-secret', 'shop/registry-secret='),
  lint('--assume-secret', 'shop/registry-secret=reg.harbor.com:https'),
  lint('--image-path', 'workflow:spec.image'),
  lint('--image-path', 'Workflow:spec.templates[*.image'),
  lint('--config='),
  lint('--config', 'missing.yaml'),
  { ...config('registries: [reg.harbor.com]\n'), notAsRoot: true },
  config('registries: [reg.harbor.com\n'),
  config('- reg.harbor.com\n'),
  config('registry: reg.harbor.com\n'),
  config('registries: reg.harbor.com\n'),
  config('registries: [https://reg.harbor.com/k8s]\n'),
  config('assumeSecrets: [registry-secret]\n'),
  config('imagePaths: [workflow:spec.image]\n'),
  { argv: ['preflight', 'pod.yaml'], files: { 'pod.yaml': POD } },
  {
    argv: ['preflight', 'pod.yaml'],
    env: {
      HARBOR_URL: 'https://harbor.example.com',
      HARBOR_USERNAME: 'admin',
      HARBOR_PASSWORD: 'x',
      HARBOR_CA_FILE: 'ca.pem',
    },
    files: { 'pod.yaml': POD },
  },
  {
    argv: ['preflight', 'pod.yaml'],
    env: { HARBOR_URL: 'ftp://harbor.example.com', HARBOR_USERNAME: 'admin', HARBOR_PASSWORD: 'x' },
    files: { 'pod.yaml': POD },
  },
];
const asRoot = process.getuid?.() === 0;

/** The rows whose start the run's message matches (`…`: one or more characters). */
function rowsOf(message: string): string[] {
  return tables().messages.filter((row) =>
    new RegExp(`^${row.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/…/g, '.+?')}`).test(message),
  );
}

/** Runs a case in {@link dir}; the message it printed on standard error, and whether it stopped as the page says. */
async function stop(c: StopCase): Promise<{ message: string; code: number; stdout: string; usage: boolean }> {
  for (const [name, content] of Object.entries(c.files ?? {})) write(name, content);
  if (c.notAsRoot) chmodSync(join(dir, 'config.yaml'), 0o000);
  const run = await runCli(c.argv, { cwd: dir, env: c.env ?? {}, stdin: 'unused' });
  const [first] = run.stderr.split('\n');
  return {
    message: first.replace(/^harbor-private-app: /, ''),
    code: run.code,
    stdout: run.stdout,
    usage: run.stderr.includes('\nUsage:\n'),
  };
}

describe(`${PAGE}: each row of the commands' own errors, run`, () => {
  /** The rows the cases matched. */
  const hit = new Set<string>();

  test.each(STOPS.map((c) => [c.argv.join(' ') || '(no arguments)', c] as const))('%s', async (_, c) => {
    if (c.notAsRoot && asRoot) return;
    const run = await stop(c);
    expect({ code: run.code, stdout: run.stdout, rows: rowsOf(run.message).length, message: run.message }).toEqual({
      code: 2,
      stdout: '',
      rows: 1,
      message: run.message,
    });
    hit.add(rowsOf(run.message)[0]);
  });

  describe('preflight without a usable login to Harbor', () => {
    const emu = emulatorPerTest({ adminPassword: `Adm1n-${randomBytes(9).toString('hex')}` });
    test('a refused login stops the run before anything is checked', async () => {
      const run = await stop({
        argv: ['preflight', '--registry', 'reg.harbor.com', '--assume-secret', 'default/s=reg.harbor.com', 'pod.yaml'],
        env: { HARBOR_URL: emu.url, HARBOR_USERNAME: 'admin', HARBOR_PASSWORD: 'not-the-password' },
        files: { 'pod.yaml': POD.replace('spec:\n', 'spec:\n  imagePullSecrets: [{name: s}]\n') },
      });
      expect([run.code, run.stdout, rowsOf(run.message)]).toEqual([2, '', ['Harbor API … failed: …']]);
      expect(run.message).toMatch(/HTTP 401 .*Hint: bad credentials/);
      hit.add(rowsOf(run.message)[0]);
    });
  });

  test('every row was matched by a case (when run as root, but the one only a user without root can provoke)', () => {
    const expected = tables().messages.filter((r) => !(asRoot && r.includes('the config file cannot be read')));
    expect(expected.filter((r) => !hit.has(r))).toEqual([]);
  });
});

/** A case per input error code: the files, and the arguments after `lint --format json` (or the whole command line). */
interface InputCase {
  readonly files?: Record<string, string>;
  readonly argv: readonly string[];
  /** preflight against the emulator. */
  readonly preflight?: true;
  /** Made in the directory before the run. */
  readonly setUp?: (dir: string) => void;
}
const INPUT_CASES: Record<InputErrorCode, InputCase> = {
  'not-found': { argv: ['missing.yaml'] },
  unreadable: { argv: ['loop.yaml'], setUp: (d) => symlinkSync('loop.yaml', join(d, 'loop.yaml')) },
  'too-large': {
    files: { 'big.yaml': `data: ${'x'.repeat(1024 * 1024)}\n` },
    argv: ['--max-file-size', '1', 'big.yaml'],
  },
  encoding: {
    argv: ['utf32.yaml'],
    setUp: (d) => writeFileSync(join(d, 'utf32.yaml'), Buffer.from([0xff, 0xfe, 0, 0, 0x61, 0, 0, 0])),
  },
  'no-manifest-file': { argv: ['empty'], setUp: (d) => mkdirSync(join(d, 'empty')) },
  'helm-chart': { files: { 'chart/Chart.yaml': 'name: app\n', 'chart/templates/pod.yaml': POD }, argv: ['chart'] },
  template: {
    files: {
      'deployment.yaml':
        'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ include "app.fullname" . }}\n  labels:\n    {{- include "app.labels" . | nindent 4 }}\n',
    },
    argv: ['deployment.yaml'],
  },
  'yaml-syntax': { files: { 'pod.yaml': 'kind: [Pod\n' }, argv: ['pod.yaml'] },
  'duplicate-key': { files: { 'pod.yaml': `${POD}kind: Pod\n` }, argv: ['pod.yaml'] },
  'yaml-alias-limit': {
    files: {
      'bomb.yaml':
        [
          'a: &a [x, x, x, x, x, x, x, x, x, x]',
          ...'bcdef'.split('').map((k, i) => `${k}: &${k} [${Array(10).fill(`*${'abcdef'[i]}`).join(', ')}]`),
        ].join('\n') + '\n',
    },
    argv: ['bomb.yaml'],
  },
  'yaml-unsupported': {
    files: { 'cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: s}\ndata: {<<: x}\n' },
    argv: ['cm.yaml'],
  },
  'nothing-to-check': {
    files: { 'pod.yaml': POD.replace('reg.harbor.com/k8s/app:1', 'docker.io/library/nginx:1.27') },
    argv: ['pod.yaml'],
    preflight: true,
  },
};

describe(`${PAGE}: each input error code, run`, () => {
  test('the table lists every code, and no other', () => {
    expect([...tables().codes].sort()).toEqual(Object.keys(INPUT_CASES).sort());
  });

  const password = `Adm1n-${randomBytes(9).toString('hex')}`;
  const emu = emulatorPerTest({ adminPassword: password });
  test.each(Object.entries(INPUT_CASES))('%s: reported, the rest checked, exit 2', async (code, c) => {
    for (const [name, content] of Object.entries(c.files ?? {})) write(name, content);
    c.setUp?.(dir);
    write('other.yaml', POD);
    const env = c.preflight ? { HARBOR_URL: emu.url, HARBOR_USERNAME: 'admin', HARBOR_PASSWORD: password } : {};
    const argv = c.preflight
      ? ['preflight', '--format', 'json', ...c.argv]
      : ['lint', '--format', 'json', '--registry', 'reg.harbor.com', ...c.argv, 'other.yaml'];
    const run = await runCli(argv, { cwd: dir, env });
    const report = jsonReport(run);
    expect(report.errors.map((e) => e.code)).toEqual([code]);
    // The other file was still read, and its finding reported (lint): exit 3 = 1 + 2; preflight: 2.
    expect(run.code).toBe(c.preflight ? 2 : 3);
    if (!c.preflight) expect(report.findings.map((f) => `${f.file} ${f.code}`)).toEqual(['other.yaml no-pull-secret']);
  });
});
