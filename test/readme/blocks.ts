/**
 * The TypeScript blocks of the documentation, made into programs the tests compile and run.
 *
 * Every ```ts (or ```typescript) block of README.md and docs/*.md carries a marker on the line before its fence:
 * - `<!-- example: <name> -->`: a complete program, as a user would paste it into `main.ts` (cdk8s) or `index.ts`
 *   (Pulumi). It is compiled, then run: a program that imports `harbor-private-app/pulumi` runs under Pulumi's mocks,
 *   one that imports `cdk8s` synthesizes into a temporary directory.
 * - `<!-- fragment: cdk8s props -->` or `<!-- fragment: pulumi args -->`: members of the HarborPrivateApp's props
 *   object of that engine (`robot: { ... },`). It is compiled and run spread over a minimal app's props (the
 *   construct synthesized, or the component declared under Pulumi's mocks), so a renamed or removed prop fails.
 * A block without one of these markers fails the test; there is no silent skip. Code that is not TypeScript meant to
 * run (shell, YAML, messages) goes in a block of its own language (```sh, ```yaml, ```text).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as ts from 'typescript';
import { type FencedBlock, ROOT, fencedBlocks, runnableDocuments } from './markdown';

/** What the tests tell the author of an unmarked block. */
export const HOW_TO_MARK =
  'put <!-- example: <name> --> before a complete program (compiled and run), or <!-- fragment: cdk8s props --> / ' +
  '<!-- fragment: pulumi args --> before members of the HarborPrivateApp props object of that engine (compiled, ' +
  'and run over a minimal app); code that is not a TypeScript program goes in a ```sh, ```yaml or ```text block';

/** The engines a block runs on. */
export type Engine = 'cdk8s' | 'pulumi';

/** A TypeScript block of the documentation, as the tests take it. */
export interface DocBlock extends FencedBlock {
  /** `example` for a complete program, `fragment` for props members. */
  readonly kind: 'example' | 'fragment';
  /** The example's name, or for a fragment `<document>:<line>`. */
  readonly name: string;
  readonly engine: Engine;
  /** The program to compile and run (the block itself, or the fragment inside its minimal app). */
  readonly program: string;
  /** The program's line of the block's first line (for messages). */
  readonly offset: number;
}

/** The TypeScript blocks of README.md and docs/*.md, in document order. */
export function typescriptBlocks(): FencedBlock[] {
  return runnableDocuments()
    .flatMap((d) => fencedBlocks(d))
    .filter((b) => b.lang === 'ts' || b.lang === 'typescript');
}

/** The minimal props a fragment is spread over: the seed's project and namespace. */
const BASE = "const base = { registryHost: 'reg.harbor.com', project: { name: 'k8s' }, namespaces: ['kube-system'] };";

/** The block as a program, or why it is not one. */
export function asDocBlock(block: FencedBlock): DocBlock | string {
  const where = `${block.document}:${block.line}`;
  const example = /^example: ([a-z0-9-]+)$/.exec(block.marker ?? '');
  if (example) {
    const engine = /from 'harbor-private-app\/pulumi'/.test(block.code)
      ? 'pulumi'
      : /from 'cdk8s'/.test(block.code)
        ? 'cdk8s'
        : undefined;
    if (!engine) return `${where}: example ${example[1]} imports neither cdk8s nor harbor-private-app/pulumi`;
    return { ...block, kind: 'example', name: example[1], engine, program: block.code, offset: 0 };
  }
  const fragment = /^fragment: (cdk8s props|pulumi args)$/.exec(block.marker ?? '');
  if (fragment) {
    const engine: Engine = fragment[1] === 'cdk8s props' ? 'cdk8s' : 'pulumi';
    const head =
      engine === 'cdk8s'
        ? [
            "import { Testing } from 'cdk8s';",
            "import { HarborPrivateApp } from 'harbor-private-app/cdk8s';",
            BASE,
            'const chart = Testing.chart();',
            "new HarborPrivateApp(chart, 'app', { ...base,",
          ]
        : [
            "import { HarborPrivateApp } from 'harbor-private-app/pulumi';",
            BASE,
            `export const app = new HarborPrivateApp('${where.replace(/[^a-z0-9]+/gi, '-')}', { ...base,`,
          ];
    const tail = engine === 'cdk8s' ? ['});', 'export const objects = Testing.synth(chart);'] : ['});'];
    return {
      ...block,
      kind: 'fragment',
      name: where,
      engine,
      program: [...head, block.code, ...tail].join('\n'),
      offset: head.length,
    };
  }
  return `${where}: a \`\`\`${block.lang} block without a marker: ${HOW_TO_MARK}`;
}

/** The package's entry points as the programs import them, and where they are in the repository. */
function entryPoint(spec: string): string | undefined {
  const m = /^harbor-private-app(?:\/(cdk8s|pulumi|harbor|lint))?$/.exec(spec);
  return m ? join(ROOT, 'lib', m[1] ?? '') : undefined;
}

/** The module a program's `./imports/k8s` stands for: the generated k8s API of `cdk8s import k8s`. */
const IMPORTS_K8S = 'cdk8s-plus-33/lib/imports/k8s';

/**
 * Type-checks the programs together, as files of a temporary project in `dir` (the package's entry points mapped to
 * lib/, `./imports/k8s` to cdk8s-plus-33's copy of the generated k8s API), with the repository's compiler options.
 * @returns each error as `<document>:<line>: <message>`
 */
export function typeCheck(blocks: readonly DocBlock[], dir: string): string[] {
  const files = new Map<string, DocBlock>();
  blocks.forEach((b, i) => {
    const file = join(dir, `block-${i}`, 'main.ts');
    mkdirSync(join(dirname(file), 'imports'), { recursive: true });
    writeFileSync(file, b.program);
    writeFileSync(join(dirname(file), 'imports', 'k8s.ts'), `export * from '${IMPORTS_K8S}';\n`);
    files.set(file, b);
  });
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    lib: ['lib.es2022.d.ts'],
    strict: true,
    esModuleInterop: true,
    skipLibCheck: true,
    noEmit: true,
    types: ['node'],
    typeRoots: [join(ROOT, 'node_modules', '@types')],
    baseUrl: ROOT,
    paths: {
      'harbor-private-app': ['lib/index.ts'],
      'harbor-private-app/*': ['lib/*/index.ts'],
      '*': ['node_modules/*'],
    },
  };
  const program = ts.createProgram([...files.keys()], options);
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const text = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    const block = d.file ? files.get(d.file.fileName) : undefined;
    if (!d.file || !block) return `${d.file?.fileName ?? '(compiler)'}: ${text}`;
    const line = d.file.getLineAndCharacterOfPosition(d.start ?? 0).line;
    return `${block.document}:${block.line + 1 + line - block.offset}: ${text}`;
  });
}

/**
 * Runs a program in this module registry (the test's own cdk8s and Pulumi: a Pulumi program meets the test's mocks)
 * and returns its exports. Its imports of the package load lib/; `./imports/k8s` the generated k8s API.
 */
export function run(block: DocBlock): Record<string, unknown> {
  const js = ts.transpileModule(block.program, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    fileName: 'main.ts',
  }).outputText;
  const load = (spec: string): unknown => {
    if (spec === './imports/k8s') return require(IMPORTS_K8S);
    if (spec.startsWith('.'))
      throw new Error(`${block.document}:${block.line}: imports ${spec}, which no test provides`);
    return require(entryPoint(spec) ?? spec);
  };
  const module = { exports: {} as Record<string, unknown> };
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- the documented program, compiled above
  new Function('require', 'module', 'exports', js)(load, module, module.exports);
  return module.exports;
}
