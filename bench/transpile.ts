import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

/** A transpiled copy of the repository's TypeScript, for child processes that run on plain `node`. */
export interface TranspiledTree {
  /** The temporary directory holding `lib/`, `bench/` and `apps/` as `.js`, and a `node_modules` link. */
  readonly dir: string;
  /** The path of a transpiled file, from its repository-relative `.ts` path (`bench/child.ts`). */
  jsPath(tsPath: string): string;
}

const SOURCE_DIRS = ['lib', 'bench', 'apps'];

/**
 * Transpiles `lib/`, `bench/` and `apps/` with the repository's tsconfig (as `ts-node --transpile-only`
 * does, type-checking nothing) into `outDir`, and links `outDir/node_modules` to the repository's.
 *
 * Children then run on plain `node`: neither TypeScript's compiler (about 50 MB of RSS) nor per-file
 * compilation is part of what they measure, on either side of a comparison.
 */
export function transpileTree(repoRoot: string, outDir: string): TranspiledTree {
  const configPath = path.join(repoRoot, 'tsconfig.json');
  const read = ts.readConfigFile(configPath, (p) => ts.sys.readFile(p));
  if (read.error)
    throw new Error(
      `bench: cannot read ${configPath}: ${ts.flattenDiagnosticMessageText(read.error.messageText, '\n')}`,
    );
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, repoRoot);
  const compilerOptions: ts.CompilerOptions = {
    ...parsed.options,
    sourceMap: false,
    inlineSourceMap: false,
    declaration: false,
  };

  for (const dir of SOURCE_DIRS) {
    const src = path.join(repoRoot, dir);
    if (!fs.existsSync(src)) continue;
    for (const file of walk(src)) {
      const rel = path.relative(repoRoot, file);
      const out = path.join(outDir, rel.replace(/\.ts$/, '.js'));
      fs.mkdirSync(path.dirname(out), { recursive: true });
      if (file.endsWith('.ts') && !file.endsWith('.d.ts')) {
        const { outputText } = ts.transpileModule(fs.readFileSync(file, 'utf8'), { compilerOptions, fileName: file });
        fs.writeFileSync(out, outputText);
      } else if (file.endsWith('.json')) {
        fs.copyFileSync(file, out);
      }
    }
  }
  fs.symlinkSync(path.join(repoRoot, 'node_modules'), path.join(outDir, 'node_modules'), 'dir');
  return { dir: outDir, jsPath: (tsPath) => path.join(outDir, tsPath.replace(/\.ts$/, '.js')) };
}

function* walk(dir: string): Generator<string> {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(full);
    else if (entry.isFile()) yield full;
  }
}
