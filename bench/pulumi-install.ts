import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { TranspiledTree } from './transpile';

/** The package path a Pulumi program loads the component from, as a user's program does. */
export const INSTALLED_PULUMI_MODULE = 'harbor-private-app/pulumi';

/**
 * Lays out a Pulumi program directory in which harbor-private-app is INSTALLED, as `npm install harbor-private-app`
 * leaves it: `<dir>/node_modules/harbor-private-app/` holds the package's package.json and its compiled library
 * (`dist-lib/lib`, here the bench's transpiled `lib/`, compiled with the same options), and every other package
 * of the repository's node_modules is linked beside it. From `<dir>`, `harbor-private-app/pulumi/dynamic-provider`
 * resolves to the package's own file, so the Harbor resources register a provider REFERENCE (a few KB), not a copy of
 * the implementation (lib/pulumi/resources/provider-reference.ts). Returns `dir`.
 */
export function installPackageForBench(repoRoot: string, tree: TranspiledTree, dir: string): string {
  const modules = path.join(dir, 'node_modules');
  fs.mkdirSync(modules, { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify({ name: 'bench-program', private: true })}\n`);
  const repoModules = path.join(repoRoot, 'node_modules');
  for (const entry of fs.readdirSync(repoModules)) {
    if (entry.startsWith('.') || entry === 'harbor-private-app') continue;
    fs.symlinkSync(path.join(repoModules, entry), path.join(modules, entry), 'dir');
  }
  const pkg = path.join(modules, 'harbor-private-app');
  fs.mkdirSync(path.join(pkg, 'dist-lib'), { recursive: true });
  fs.copyFileSync(path.join(repoRoot, 'package.json'), path.join(pkg, 'package.json'));
  fs.cpSync(path.join(tree.dir, 'lib'), path.join(pkg, 'dist-lib', 'lib'), { recursive: true });
  // As the program resolves it (a require from this file would find the repository itself: a package resolves its own name).
  const resolved = createRequire(path.join(dir, 'package.json')).resolve(`${INSTALLED_PULUMI_MODULE}/dynamic-provider`);
  if (!resolved.startsWith(pkg)) {
    throw new Error(`bench: harbor-private-app/pulumi/dynamic-provider resolves to ${resolved}, not under ${pkg}`);
  }
  return dir;
}
