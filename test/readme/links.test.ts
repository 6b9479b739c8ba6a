/**
 * The documentation's links lead somewhere on GitHub, and the API reference builds. Every relative link of README.md,
 * the docs/ pages and the READMEs beside the code must name a file or directory of the repository that git keeps
 * (not one it ignores: that is a 404 on GitHub), and its `#anchor` a heading of that page (GitHub's anchor rules:
 * ./markdown.ts). The HTML reference that `npm run docs` generates into docs/api/ is ignored by git, so no link may
 * lead into it (the pages name the type whose TSDoc documents a name instead); TypeDoc must still build it here,
 * with the project's typedoc.json (warnings are errors: a broken `{@link}` in the TSDoc fails this test).
 *
 * The package ships its pages too (README.md, CHANGELOG.md and the docs/ pages that package.json `files` packs), and
 * there is no public repository to send a reader of node_modules/harbor-private-app/ to: every relative link of a
 * shipped page must lead to a file the package ships (its `#anchor` to a heading there). A source file, a test, an
 * example app or a contributors' page is named in a code span instead ("the TSDoc of `HarborPrivateAppProps`",
 * "`test/pulumi/day2.test.ts` in the repository"). What is shipped is npm's own answer (`npm pack --dry-run`).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, normalize, posix, relative } from 'node:path';
import { promisify } from 'node:util';
import { workingTreeFiles } from '../support/hygiene-scan';
import { ROOT, anchors, linkedDocuments, links, shippedFiles, slug } from './markdown';

const API = join(ROOT, 'docs', 'api');
/** What a commit of this working tree holds (git's tracked and not-ignored files), and the folders above them. */
const kept = new Set(
  workingTreeFiles(ROOT).flatMap((file) => file.split('/').map((_, i, parts) => parts.slice(0, i + 1).join('/'))),
);

let reference: string;
let typedoc: { ok: boolean; output: string };
beforeAll(async () => {
  reference = mkdtempSync(join(tmpdir(), 'typedoc-'));
  try {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      [join(ROOT, 'node_modules', 'typedoc', 'bin', 'typedoc'), '--out', reference, '--logLevel', 'Warn'],
      { cwd: ROOT, timeout: 170_000, maxBuffer: 16 * 1024 * 1024 },
    );
    typedoc = { ok: true, output: stdout + stderr };
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string };
    typedoc = { ok: false, output: `${err.message}\n${err.stdout ?? ''}${err.stderr ?? ''}` };
  }
});
afterAll(() => rmSync(reference, { recursive: true, force: true }));

test('TypeDoc builds the API reference from the TSDoc without a warning', () => {
  expect(typedoc.output).not.toMatch(/\[(warning|error)\]/);
  expect(typedoc.ok).toBe(true);
  expect(existsSync(join(reference, 'index.html'))).toBe(true);
});

/** A relative link's path and `#anchor`; `undefined` for a URL (https:, mailto:: not checked, no network). */
function relativeTarget(target: string): { path: string; anchor?: string } | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return undefined;
  const [path, anchor] = target.split('#', 2) as [string, string | undefined];
  return { path, anchor };
}

/** Whether the Markdown file at `file` (absolute) has no heading for `anchor`: the problem, else undefined. */
function anchorProblem(file: string, anchor: string): string | undefined {
  return anchors(readFileSync(file, 'utf8')).has(anchor)
    ? undefined
    : `no heading of ${relative(ROOT, file)} has the anchor #${anchor}`;
}

/** What is wrong with a link of a document, or undefined when it leads somewhere. */
function broken(document: string, target: string): string | undefined {
  const link = relativeTarget(target);
  if (!link) return undefined;
  const { path, anchor } = link;
  const file = path === '' ? join(ROOT, document) : normalize(join(ROOT, dirname(document), decodeURI(path)));
  if (!file.startsWith(ROOT)) return 'leads outside the repository';
  if (file === API || file.startsWith(API + '/')) {
    return 'leads into docs/api/, which `npm run docs` generates and git ignores (a 404 on GitHub): name the type whose TSDoc documents it in a code span';
  }
  if (!existsSync(file)) return 'no such file or directory';
  if (file !== ROOT && !kept.has(relative(ROOT, file))) return 'git ignores it (a 404 on GitHub)';
  if (anchor === undefined) return undefined;
  if (!file.endsWith('.md') || statSync(file).isDirectory()) return undefined;
  return anchorProblem(file, anchor);
}

describe.each(linkedDocuments())('the links of %s', (document) => {
  test('every relative link names a file of the repository, and every #anchor a heading there', () => {
    const problems = links(document)
      .map(({ target, line }) => ({ target, line, problem: broken(document, target) }))
      .filter((l) => l.problem !== undefined)
      .map((l) => `${document}:${l.line}: (${l.target}) ${l.problem}`);
    expect(problems).toEqual([]);
  });
});

/** The files of the packed package, and its pages (README.md, CHANGELOG.md, the shipped docs/ pages). */
const shipped = new Set(shippedFiles());
const shippedPages = [...shipped].filter((f) => f.endsWith('.md'));

/** What is wrong with a link of a shipped page as the installed package holds it, or undefined when it leads there. */
function deadInPackage(page: string, target: string): string | undefined {
  const link = relativeTarget(target);
  if (!link) return undefined;
  const { path, anchor } = link;
  const file = path === '' ? page : posix.normalize(posix.join(posix.dirname(page), decodeURI(path)));
  if (file === '..' || file.startsWith('../')) return 'leads outside the package';
  if (!shipped.has(file)) {
    return `the package does not ship ${file}: name it in a code span ("\`${file}\` in the repository", "the TSDoc of \`Name\`")`;
  }
  if (anchor === undefined || !file.endsWith('.md')) return undefined;
  return anchorProblem(join(ROOT, file), anchor);
}

test('the package ships its README, LICENSE and docs pages (as npm packs it)', () => {
  expect([...shipped]).toEqual(expect.arrayContaining(['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md']));
  expect(shippedPages.filter((p) => p.startsWith('docs/')).length).toBeGreaterThan(0);
});

describe.each(shippedPages)('in the installed package, the links of %s', (page) => {
  test('every relative link leads to a file the package ships, and every #anchor to a heading there', () => {
    const problems = links(page)
      .map(({ target, line }) => ({ target, line, problem: deadInPackage(page, target) }))
      .filter((l) => l.problem !== undefined)
      .map((l) => `${page}:${l.line}: (${l.target}) ${l.problem}`);
    expect(problems).toEqual([]);
  });
});

test("anchors are GitHub's: lower case, code spans and punctuation dropped, spaces made -, repeats numbered", () => {
  expect(slug('Set-up: two commands')).toBe('set-up-two-commands');
  expect(slug('`harbor-private-app lint` and `preflight`')).toBe('harbor-private-app-lint-and-preflight');
  expect(slug('What [the lab](test/lab/README.md) proves, in 3 steps!')).toBe('what-the-lab-proves-in-3-steps');
  expect(slug('Rotation & expiry')).toBe('rotation--expiry');
  const text = '# Pulumi\n\n```sh\n# not a heading\n```\n\n## Pulumi\n\n### `pulumi up`\n\n<a id="kept"></a>\n';
  expect([...anchors(text)].sort()).toEqual(['kept', 'pulumi', 'pulumi-1', 'pulumi-up']);
});

describe('the pages', () => {
  test('README.md stays within 12 KB', () => {
    expect(statSync(join(ROOT, 'README.md')).size).toBeLessThanOrEqual(12 * 1024);
  });

  test.each(linkedDocuments().filter((d) => d.startsWith('docs/')))(
    '%s starts with what the reader will have at the end',
    (page) => {
      const first = readFileSync(join(ROOT, page), 'utf8').split('\n\n')[1];
      expect(first).toMatch(/^At the end of this page you will /);
    },
  );
});
