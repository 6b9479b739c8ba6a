/**
 * The build's last step (`npm run build`, after `tsc -p tsconfig.build.json`): the compiled declarations may import
 * the types of cdk8s-plus-27, an optional peer dependency that only the cdk8s construct's own `workload` prop needs. In
 * a project without it (one on cdk8s-plus-33, as `cdk8s init typescript-app` makes today, or on no cdk8s-plus at all)
 * TypeScript would fail on those imports (`TS2307: Cannot find module 'cdk8s-plus-27'`) unless the project sets
 * `skipLibCheck`, which the cdk8s template does not. tsc drops comments on imports when it writes declarations, so this
 * step marks each such import in every `.d.ts` under dist-lib/ with `// @ts-ignore`: without cdk8s-plus-27 its types are
 * `any` (the `workload` prop then fails at construction, saying what to install); with it they are its own.
 *
 * Run: `node -r ts-node/register/transpile-only scripts/optional-peer-types.ts [dist-lib]`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The optional peer dependencies whose types the declarations may import. */
export const OPTIONAL_TYPE_PEERS: readonly string[] = ['cdk8s-plus-27'];

/** The comment put above each import of an optional peer. */
export const MARK = '// @ts-ignore: optional peer dependency (harbor-private-app scripts/optional-peer-types.ts)';

/** `text` with every import or export of an optional peer preceded by {@link MARK} (once). */
export function markOptionalPeerImports(text: string, peers: readonly string[] = OPTIONAL_TYPE_PEERS): string {
  const lines = text.split('\n');
  const out: string[] = [];
  for (const line of lines) {
    const peer = /^(?:import|export)\b.*\bfrom ['"]([^'"]+)['"];?\s*$/.exec(line)?.[1];
    if (peer !== undefined && peers.includes(peer) && out[out.length - 1] !== MARK) out.push(MARK);
    out.push(line);
  }
  return out.join('\n');
}

/** Marks the declarations under `dir`; returns the files changed, relative to `dir`. */
export function markDeclarations(dir: string): string[] {
  const changed: string[] = [];
  const walk = (at: string): void => {
    for (const entry of fs.readdirSync(at, { withFileTypes: true })) {
      const file = path.join(at, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (entry.name.endsWith('.d.ts')) {
        const text = fs.readFileSync(file, 'utf8');
        const marked = markOptionalPeerImports(text);
        if (marked !== text) {
          fs.writeFileSync(file, marked);
          changed.push(path.relative(dir, file));
        }
      }
    }
  };
  walk(dir);
  return changed.sort();
}

if (require.main === module) {
  const dir = path.resolve(process.argv[2] ?? path.join(__dirname, '..', 'dist-lib'));
  const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')) as {
    peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  };
  const notOptional = OPTIONAL_TYPE_PEERS.filter((p) => pkg.peerDependenciesMeta?.[p]?.optional !== true);
  if (notOptional.length > 0) {
    throw new Error(`optional-peer-types: ${notOptional.join(', ')} must be optional peers in package.json`);
  }
  const changed = markDeclarations(dir);
  if (changed.length === 0)
    throw new Error(`optional-peer-types: no declaration under ${dir} imports an optional peer`);
}
