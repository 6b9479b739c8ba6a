/**
 * lib/harbor stays serializable by `pulumi.runtime.serializeFunction` (Pulumi dynamic providers): it imports only
 * node built-ins, undici, the lib/core files listed in CORE_FILES (rules shared with the engines, which import nothing
 * but node built-ins themselves) and its own files, and holds no module-level mutable state.
 * (A full serializeFunction round trip was checked by hand; it takes ~2 s, too slow for the unit suite.)
 */
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';

const DIR = join(__dirname, '..', '..', 'lib', 'harbor');
const files = readdirSync(DIR).filter((f) => f.endsWith('.ts'));
const own = new Set(files.map((f) => `./${f.replace(/\.ts$/, '')}`));
const builtins = new Set(builtinModules);
/** lib/core files lib/harbor may import: they import node built-ins only (checked below). */
const CORE_FILES = ['roles', 'harbor-url', 'harbor-names', 'network-errors', 'pem', 'renewal', 'robot', 'errors'];
const coreImports = new Set(CORE_FILES.map((f) => `../core/${f}`));
const isBuiltin = (s: string): boolean => s.startsWith('node:') && builtins.has(s.slice(5));

function specifiers(source: string): string[] {
  const found = [...source.matchAll(/(?:\bfrom\s+|\bimport\s+|\brequire\(\s*|\bimport\(\s*)['"]([^'"]+)['"]/g)].map(
    (m) => m[1],
  );
  return [...new Set(found)];
}

it('finds the library files', () => {
  expect(files).toEqual(expect.arrayContaining(['client.ts', 'errors.ts', 'types.ts', 'retry.ts', 'index.ts']));
});

it.each(files)('%s imports only node built-ins, undici, the listed lib/core files and lib/harbor files', (file) => {
  const source = readFileSync(join(DIR, file), 'utf8');
  const bad = specifiers(source).filter((s) => !isBuiltin(s) && s !== 'undici' && !coreImports.has(s) && !own.has(s));
  expect(bad).toEqual([]);
});

it.each(files)('%s has no module-level mutable state', (file) => {
  const source = readFileSync(join(DIR, file), 'utf8');
  expect(source).not.toMatch(/^(export\s+)?(let|var)\s/m);
  expect(source).not.toMatch(/^(export\s+)?const\s+\w+(\s*:[^=]+)?=\s*new\s+(Map|Set|WeakMap|Agent)\b/m);
  expect(source).not.toMatch(/^(export\s+)?const\s+\w+(\s*:[^=]+)?=\s*\[\s*\]/m);
});

it.each(CORE_FILES)('lib/core/%s.ts, pulled into the same closure, imports node built-ins only', (file) => {
  const source = readFileSync(join(DIR, '..', 'core', `${file}.ts`), 'utf8');
  expect(specifiers(source).filter((s) => !isBuiltin(s))).toEqual([]);
  expect(source).not.toMatch(/^(export\s+)?(let|var)\s/m);
});
