/**
 * The package in cdk8s projects shaped exactly as `cdk8s init typescript-app` writes them today, with the cdk8s-cli
 * the repository uses (its template, its scaffolder `sscaff`, the values its `init` puts in: cdk8s-plus-33, the cdk8s
 * and constructs versions, `^<cli version>`): package.json, tsconfig.json, jest.config.js, main.ts, main.test.ts and
 * its snapshot, cdk8s.yaml, .gitignore. Then what the template's post-init hook runs, in a project where `main.ts` is
 * a program of the docs and the package is installed from `npm pack`:
 *
 *   npm install (the template's dependencies and the tarball), npm run import, npm run compile (tsc --build),
 *   npm run test -- -u (jest on the template's main.test.ts, as it is), npm run synth (cdk8s synth)
 *
 * and, for the README's example, `npm test` again without `-u`, in CI mode (it must pass on the snapshot it wrote). The
 * emitted YAML passes the repository's schema checks and holds no credential. Two projects: on cdk8s-plus-33 (as init
 * writes it) and on cdk8s-plus-27 (the same, that dependency swapped). The programs: the README's cdk8s example (a
 * cdk8s-plus Deployment wired with addWorkload) and docs/getting-started-cdk8s.md's (a cdk8s-plus Deployment, the project's generated
 * KubeDeployment and an Included Deployment, wired with addWorkloadsIn), their cdk8s-plus import set to the
 * project's cdk8s-plus-NN, as those documents tell; and, on cdk8s-plus-33, docs/getting-started-cdk8s.md's example without its
 * cdk8s-plus Deployment, which loads no cdk8s-plus at all (a project made by cdk8s init always has cdk8s-plus-33
 * installed: cdk8s-cli depends on it).
 *
 * What differs from the real thing, and why:
 * - `npm run import` (`cdk8s import k8s`) downloads the Kubernetes schema from GitHub, which this machine cannot
 *   reach: the project's `imports/k8s` is the one its cdk8s-plus-NN ships, made by `cdk8s import` too, as the JS
 *   and declarations `npm run compile` makes of `imports/k8s.ts`;
 * - `cdk8s synth` runs with `--no-check-upgrade` (the check asks registry.npmjs.org over plain HTTP and writes
 *   ~/.cdk8s-cli.version);
 * - installs use the npm cache first (`--prefer-offline`: once cached, a package's metadata is not asked again, so
 *   the versions stay the same from run to run), each step has a time bound, and the two projects are prepared side
 *   by side, their CPU-bound steps one at a time.
 * Without the npm registry (and nothing in the cache) the file is skipped with a loud message; under `CI=true` that
 * is a failure.
 */
import { spawnSync } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { findCredentials } from '../support/credentials';
import { validateAll } from '../support/schemas';
import { LEGACY_YAML } from '../readme/example-files';
import { NPM_FLAGS, ROOT, packPackage, readmeBlock, sh } from './support';

const CLI = join(ROOT, 'node_modules', 'cdk8s-cli');
const TEMPLATE = join(CLI, 'templates', 'typescript-app');
/** The version of a package as cdk8s-cli's `init` resolves it (from cdk8s-cli's own place). */
const versionSeenByCli = (name: string): string =>
  (JSON.parse(readFileSync(require.resolve(`${name}/package.json`, { paths: [CLI] }), 'utf8')) as { version: string })
    .version;
/** The cdk8s-plus-27 version the repository tests (its devDependency). */
const PLUS_27_VERSION = versionSeenByCli('cdk8s-plus-27');
const STEP_MS = 5 * 60_000;
/** How long each step took, for the closing log line. */
const STEP_TIMES: string[] = [];

/**
 * The CPU-bound steps (tsc, jest, ts-node) of both projects run one at a time, so that this file keeps at most one
 * more core busy beside the suite's workers; the installs (mostly I/O) overlap them.
 */
let busy: Promise<unknown> = Promise.resolve();
function oneAtATime<T>(step: () => Promise<T>): Promise<T> {
  const run = busy.then(step, step);
  busy = run.catch(() => undefined);
  return run;
}

/** The values `cdk8s init` substitutes into the typescript-app template (cdk8s-cli, lib/cli/cmds/init.js). */
function initVariables(): Record<string, string> {
  const cli = JSON.parse(readFileSync(join(CLI, 'package.json'), 'utf8')) as {
    version: string;
    dependencies: Record<string, string>;
  };
  return {
    cdk8s_core_version: versionSeenByCli('cdk8s'),
    cdk8s_plus_version: versionSeenByCli('cdk8s-plus-33'),
    constructs_version: cli.dependencies.constructs.replace('^', ''),
    cdk8s_cli_spec: `^${cli.version}`,
  };
}

/** The projects: which cdk8s-plus each is on. */
type Variant = 'cdk8s-plus-33' | 'cdk8s-plus-27';
const VARIANTS: readonly Variant[] = ['cdk8s-plus-33', 'cdk8s-plus-27'];

/** A program run as the template's main.ts: its chart's file in dist/, and the pull Secret its workloads get. */
interface Program {
  readonly name: string;
  readonly source: string;
  readonly chartFile: string;
  readonly pullSecret: string;
  /** Deployments that must get the pull Secret, and those that must not (public images). */
  readonly wired: readonly string[];
  readonly unwired: readonly string[];
  /** Also run `npm test` again in CI mode, on the snapshot `-u` wrote. */
  readonly rerunTest: boolean;
}

/** Without cdk8s-plus: the docs' program without its cdk8s-plus Deployment. */
function noPlusProgram(): string {
  const docs = readmeBlock('example: cdk8s-any-workload', 'docs/getting-started-cdk8s.md');
  const program = docs
    .replace("import { Deployment } from 'cdk8s-plus-33';\n", '')
    .replace(/ {4}\/\/ A workload of cdk8s-plus-33\.\n {4}new Deployment\([\s\S]*?\n {4}\}\);\n/, '');
  if (/new Deployment\(/.test(program) || program.includes('cdk8s-plus')) {
    throw new Error(
      "docs/getting-started-cdk8s.md's example changed: its cdk8s-plus Deployment could not be taken out",
    );
  }
  return program;
}

function programs(variant: Variant): Program[] {
  const own = (source: string): string => source.replace(/'cdk8s-plus-33'/g, `'${variant}'`);
  const shop = { chartFile: 'shop.k8s.yaml', pullSecret: 'harbor-shop', rerunTest: false };
  return [
    {
      name: "the README's example",
      source: own(readmeBlock('example: cdk8s')),
      chartFile: 'coredns.k8s.yaml',
      pullSecret: 'registry-secret',
      wired: ['coredns'],
      unwired: [],
      rerunTest: true,
    },
    {
      name: "docs/getting-started-cdk8s.md's example",
      source: own(readmeBlock('example: cdk8s-any-workload', 'docs/getting-started-cdk8s.md')),
      ...shop,
      wired: ['web', 'worker', 'legacy'],
      unwired: ['redis'],
    },
    // Run last: the probe below loads its compiled main.js.
    ...(variant === 'cdk8s-plus-33'
      ? [
          {
            name: "docs/getting-started-cdk8s.md's example without its cdk8s-plus Deployment",
            source: noPlusProgram(),
            ...shop,
            wired: ['worker', 'legacy'],
            unwired: ['redis'],
          },
        ]
      : []),
  ];
}

/** What one program did in its project. */
interface ProgramRun {
  readonly program: Program;
  /** Each step's command line, in order. */
  readonly steps: string[];
  /** The snapshot the template's test wrote. */
  readonly snapshot: string;
  /** The objects `cdk8s synth` wrote. */
  readonly objects: Array<Record<string, any>>;
}

/** What happened in one project. */
interface ProjectRun {
  readonly packageJson: Record<string, any>;
  readonly installed: string[];
  readonly runs: ProgramRun[];
  /**
   * On cdk8s-plus-33: the cdk8s-plus modules loaded once the program without cdk8s-plus and the package have run,
   * and what an app with the `workload` prop said (cdk8s-plus-27 is not installed there).
   */
  readonly probe?: { readonly loadedPlus: string[]; readonly workloadProp: string };
}

/** `cdk8s init typescript-app` without its post-init hook: the template copied by cdk8s' own scaffolder. */
async function scaffold(work: string, dir: string, variant: Variant): Promise<Record<string, any>> {
  const template = join(work, 'template');
  if (!existsSync(template)) {
    cpSync(TEMPLATE, template, { recursive: true, filter: (src) => !src.endsWith('.hooks.sscaff.js') });
  }
  const sscaff = require.resolve('sscaff', { paths: [CLI] });
  // In a child process: sscaff changes the working directory while it copies.
  await sh(
    process.execPath,
    [
      '-e',
      `require(process.argv[1]).sscaff(process.argv[2], process.argv[3], JSON.parse(process.argv[4])).catch((e) => { console.error(e); process.exit(1); })`,
      sscaff,
      template,
      dir,
      JSON.stringify(initVariables()),
    ],
    work,
    {},
    STEP_MS,
  );
  const packageJsonPath = join(dir, 'package.json');
  const pkg = JSON.parse(readFileSync(packageJsonPath, 'utf8')) as Record<string, any>;
  if (variant !== 'cdk8s-plus-33') delete pkg.dependencies['cdk8s-plus-33'];
  if (variant === 'cdk8s-plus-27') pkg.dependencies['cdk8s-plus-27'] = `^${PLUS_27_VERSION}`;
  writeFileSync(packageJsonPath, `${JSON.stringify(pkg, null, 2)}\n`);
  return pkg;
}

/** The post-init steps, with `main.ts` replaced by `program`. */
async function runProgram(dir: string, program: Program): Promise<ProgramRun> {
  writeFileSync(join(dir, 'main.ts'), program.source);
  rmSync(join(dir, 'dist'), { recursive: true, force: true });
  const steps: string[][] = [
    ['run', 'compile'],
    ['run', 'test', '--', '-u'],
    ...(program.rerunTest ? [['test', '--', '--ci']] : []),
    ['run', 'synth', '--', '--no-check-upgrade'],
  ];
  for (const step of steps) {
    await oneAtATime(async () => {
      const t0 = Date.now();
      await sh('npm', step, dir, { CI: step.includes('--ci') ? 'true' : '' }, STEP_MS);
      STEP_TIMES.push(`${basename(dir)} ${step.slice(0, 2).join(' ')} ${Date.now() - t0} ms`);
    });
  }
  const snapshot = readFileSync(join(dir, '__snapshots__', 'main.test.ts.snap'), 'utf8');
  const objects = parseAllDocuments(readFileSync(join(dir, 'dist', program.chartFile), 'utf8')).map(
    (d) => d.toJS() as Record<string, any>,
  );
  return { program, steps: steps.map((s) => `npm ${s.join(' ')}`), snapshot, objects };
}

async function runProject(work: string, tarball: string, variant: Variant): Promise<ProjectRun> {
  const dir = join(work, `app-${variant}`);
  const packageJson = await scaffold(work, dir, variant);
  const leftOver = readdirSync(dir, { withFileTypes: true })
    .filter((f) => f.isFile() && readFileSync(join(dir, f.name), 'utf8').includes('{{'))
    .map((f) => f.name);
  if (leftOver.length > 0) throw new Error(`the template left {{ }} unsubstituted in ${leftOver.join(', ')}`);
  const t0 = Date.now();
  await sh('npm', ['install', ...NPM_FLAGS, tarball], dir, {}, 2 * STEP_MS);
  STEP_TIMES.push(`${basename(dir)} npm install ${Date.now() - t0} ms`);
  const installed = readdirSync(join(dir, 'node_modules')).filter((m) => !m.startsWith('.'));
  // `npm run import`, from what the project's cdk8s-plus ships (see the file's comment).
  const imports = join(dir, 'node_modules', variant, 'lib', 'imports');
  mkdirSync(join(dir, 'imports'));
  for (const f of ['k8s.js', 'k8s.d.ts']) cpSync(join(imports, f), join(dir, 'imports', f));
  mkdirSync(join(dir, 'manifests'));
  writeFileSync(join(dir, 'manifests', 'legacy.yaml'), `${LEGACY_YAML}\n`);
  const runs: ProgramRun[] = [];
  for (const program of programs(variant)) runs.push(await runProgram(dir, program));
  let probe: ProjectRun['probe'];
  if (variant === 'cdk8s-plus-33') {
    // The compiled program without cdk8s-plus (npm run compile wrote main.js), then an app with the workload prop.
    const script = [
      "const { MyChart } = require('./main');",
      "const { App, Chart, Testing } = require('cdk8s');",
      "const { HarborPrivateApp } = require('harbor-private-app/cdk8s');",
      "Testing.synth(new MyChart(Testing.app(), 'probe'));",
      'const loadedPlus = Object.keys(require.cache).filter((f) => f.split(/[\\\\/]/).some((p) => /^cdk8s-plus-[0-9]+$/.test(p)));',
      "let workloadProp = 'no error';",
      "try { new HarborPrivateApp(new Chart(new App(), 'c'), 'a', { registryHost: 'reg.harbor.com',",
      "  project: { name: 'k8s' }, namespaces: ['web'], workload: { containers: [{ image: 'reg.harbor.com/k8s/a:1' }] } });",
      '} catch (e) { workloadProp = e.message; }',
      'console.log(JSON.stringify({ loadedPlus, workloadProp }));',
    ].join('\n');
    const env = { CDK8S_OUTDIR: join(dir, 'probe-dist') };
    probe = JSON.parse(await sh(process.execPath, ['-e', script], dir, env, STEP_MS)) as ProjectRun['probe'];
  }
  // Done with the project: its node_modules (some 130 MB) go now, while the other project runs.
  await rm(dir, { recursive: true, force: true });
  return { packageJson, installed, runs, probe };
}

/** `describe` when the npm registry (or the npm cache) serves the scaffold's packages; else skipped, or failed in CI. */
function describeWithRegistry(name: string, fn: () => void): void {
  const probe = spawnSync(
    'npm',
    ['view', `cdk8s-plus-33@${initVariables().cdk8s_plus_version}`, 'version', ...NPM_FLAGS],
    {
      encoding: 'utf8',
      timeout: 60_000,
    },
  );
  if (probe.status === 0) {
    describe(name, fn);
    return;
  }
  const message = `'${name}' needs the npm registry (or an npm cache holding the template's packages): npm view failed: ${(probe.stderr || probe.error?.message || '').trim().split('\n')[0]}`;
  if (process.env.CI === 'true') {
    describe(name, () => {
      it('reaches the npm registry (CI=true)', () => {
        throw new Error(message);
      });
    });
    return;
  }
  const bar = '!'.repeat(78);
  console.warn(`\n${bar}\nSKIPPED: ${message}\n(Set CI=true to make this a failure.)\n${bar}\n`);
  describe.skip(name, fn);
}

describeWithRegistry('a project made by cdk8s init typescript-app', () => {
  let work: string;
  const projects = new Map<Variant, Promise<ProjectRun>>();
  const timings: Record<string, number> = {};

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'hpa-scaffold-'));
    const t0 = Date.now();
    const { tarball } = await packPackage(work);
    timings.packMs = Date.now() - t0;
    for (const v of VARIANTS) {
      const started = Date.now();
      const run = runProject(work, tarball, v);
      run.then(
        () => (timings[`${v}Ms`] = Date.now() - started),
        () => undefined,
      );
      projects.set(v, run);
    }
  }, STEP_MS);

  afterAll(async () => {
    // Every child process has ended before the directory goes (each project's steps are awaited, failed or not).
    await Promise.allSettled(projects.values());
    console.log(`cdk8s scaffold test: ${JSON.stringify(timings)}\n${STEP_TIMES.join('\n')}`);
    if (work) rmSync(work, { recursive: true, force: true });
  }, 4 * STEP_MS);

  const project = (v: Variant): Promise<ProjectRun> => projects.get(v)!;
  const deployments = (run: ProgramRun): Map<string, Record<string, any>> =>
    new Map(run.objects.filter((o) => o.kind === 'Deployment').map((o) => [o.metadata.name as string, o]));

  describe.each(VARIANTS)('on %s', (variant) => {
    test(
      'the template as cdk8s init writes it, with the package installed from the tarball',
      async () => {
        const { packageJson, installed } = await project(variant);
        const vars = initVariables();
        expect(packageJson.dependencies).toEqual({
          cdk8s: `^${vars.cdk8s_core_version}`,
          constructs: `^${vars.constructs_version}`,
          [variant]: variant === 'cdk8s-plus-33' ? `^${vars.cdk8s_plus_version}` : `^${PLUS_27_VERSION}`,
        });
        expect(packageJson.devDependencies['cdk8s-cli']).toBe(vars.cdk8s_cli_spec);
        expect(installed).toContain('harbor-private-app');
        // The package pulls no cdk8s-plus in: cdk8s-plus-27 is an optional peer (@pulumi/* too). cdk8s-plus-33 is in
        // every project, as a dependency of cdk8s-cli (whose init writes it into the template): a project made by
        // cdk8s init never has no cdk8s-plus at all, so the program without one runs in the cdk8s-plus-33 project.
        expect(installed.filter((m) => m.startsWith('cdk8s-plus-') || m === '@pulumi')).toEqual(
          variant === 'cdk8s-plus-27' ? ['cdk8s-plus-27', 'cdk8s-plus-33'] : ['cdk8s-plus-33'],
        );
      },
      4 * STEP_MS,
    );

    test.each(programs(variant).map((p) => [p.name, p.name]))(
      '%s: npm run compile, npm test (the template main.test.ts) and cdk8s synth pass; the YAML is valid',
      async (name) => {
        const run = (await project(variant)).runs.find((r) => r.program.name === name)!;
        expect(run.steps).toEqual([
          'npm run compile',
          'npm run test -- -u',
          ...(run.program.rerunTest ? ['npm test -- --ci'] : []),
          'npm run synth -- --no-check-upgrade',
        ]);
        // The template's test synthesized the chart: its snapshot holds the pull Secret in the pod specs.
        expect(run.snapshot).toContain(`"name": "${run.program.pullSecret}"`);
        const byName = deployments(run);
        for (const d of run.program.wired) {
          expect([d, byName.get(d)?.spec.template.spec.imagePullSecrets]).toEqual([
            d,
            [{ name: run.program.pullSecret }],
          ]);
        }
        for (const d of run.program.unwired) {
          expect([d, byName.get(d)?.spec.template.spec.imagePullSecrets]).toEqual([d, undefined]);
        }
        expect(run.objects.map((o) => o.kind)).toEqual(
          expect.arrayContaining(['Project', 'RobotAccount', 'ExternalSecret', 'Deployment']),
        );
        expect(validateAll(run.objects)).toEqual([]);
        expect(findCredentials(run.objects)).toEqual([]);
      },
      4 * STEP_MS,
    );
  });

  test(
    'without cdk8s-plus-27: the program without cdk8s-plus and the package load none; the workload prop says what to install',
    async () => {
      const { probe } = await project('cdk8s-plus-33');
      expect(probe).toEqual({
        loadedPlus: [],
        workloadProp: expect.stringMatching(
          /^HarborPrivateApp "a": workload = "<cdk8s-plus-27 DeploymentProps>": makes a cdk8s-plus-27 Deployment, and cdk8s-plus-27 \(an optional peer dependency\) is not installed\. Fix: npm install cdk8s-plus-27/,
        ),
      });
    },
    4 * STEP_MS,
  );
});
