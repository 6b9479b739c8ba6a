/**
 * The build step that lets projects without cdk8s-plus-27 type-check the package's declarations
 * (scripts/optional-peer-types.ts); test/package/cdk8s-scaffold.test.ts compiles such projects with the packed package.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MARK, markDeclarations, markOptionalPeerImports } from '../../scripts/optional-peer-types';

test('marks each import or re-export of an optional peer once, and nothing else', () => {
  const text = [
    "import type * as kplus from 'cdk8s-plus-27';",
    "import { ApiObject } from 'cdk8s';",
    'export { Deployment } from "cdk8s-plus-27";',
    "import type * as other from 'cdk8s-plus-270';",
    '/** mentions cdk8s-plus-27 */',
  ].join('\n');
  const marked = markOptionalPeerImports(text);
  expect(marked.split('\n')).toEqual([
    MARK,
    "import type * as kplus from 'cdk8s-plus-27';",
    "import { ApiObject } from 'cdk8s';",
    MARK,
    'export { Deployment } from "cdk8s-plus-27";',
    "import type * as other from 'cdk8s-plus-270';",
    '/** mentions cdk8s-plus-27 */',
  ]);
  expect(markOptionalPeerImports(marked)).toBe(marked);
});

test('marks the declarations of a directory, not other files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hpa-peer-types-'));
  try {
    mkdirSync(join(dir, 'lib', 'cdk8s'), { recursive: true });
    const source = "import type * as kplus from 'cdk8s-plus-27';\nexport type D = kplus.Deployment;\n";
    writeFileSync(join(dir, 'lib', 'cdk8s', 'a.d.ts'), source);
    writeFileSync(join(dir, 'lib', 'cdk8s', 'a.js'), source);
    writeFileSync(join(dir, 'lib', 'b.d.ts'), 'export {};\n');
    expect(markDeclarations(dir)).toEqual([join('lib', 'cdk8s', 'a.d.ts')]);
    expect(readFileSync(join(dir, 'lib', 'cdk8s', 'a.d.ts'), 'utf8')).toBe(`${MARK}\n${source}`);
    expect(readFileSync(join(dir, 'lib', 'cdk8s', 'a.js'), 'utf8')).toBe(source);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
