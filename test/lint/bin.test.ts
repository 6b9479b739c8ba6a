/**
 * The real executable, bin/harbor-private-app.js, as a child process: against the examples synthesized by the cdk8s
 * app (as `npm run synth` writes them), a finding, a parse error and standard input.
 *
 * The bin runs the compiled library (`dist-lib/`, what `npm run build` writes). So that the test never runs a stale
 * build, it lays out a package of its own in a temp dir: the bin, package.json, and lib/ transpiled to dist-lib/.
 */
import { spawn } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App } from 'cdk8s';
import * as ts from 'typescript';
import { CorednsChart } from '../../apps/cdk8s/coredns';
import { TenantsChart } from '../../apps/cdk8s/tenants';
import { FIXTURES, REPO } from './run-cli';

function transpileLib(outDir: string): void {
  const options: ts.CompilerOptions = {
    module: ts.ModuleKind.CommonJS,
    target: ts.ScriptTarget.ES2022,
    esModuleInterop: true,
  };
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) {
        const out = path.join(outDir, path.relative(REPO, full).replace(/\.ts$/, '.js'));
        mkdirSync(path.dirname(out), { recursive: true });
        writeFileSync(
          out,
          ts.transpileModule(readFileSync(full, 'utf8'), { compilerOptions: options, fileName: full }).outputText,
        );
      }
    }
  };
  walk(path.join(REPO, 'lib'));
}

function run(
  pkg: string,
  args: readonly string[],
  cwd: string,
  stdin?: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(pkg, 'bin', 'harbor-private-app.js'), ...args], {
      cwd,
      env: { PATH: process.env.PATH ?? '' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString('utf8')));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(stdin ?? '');
  });
}

describe('bin/harbor-private-app.js', () => {
  let work: string;
  let pkg: string;

  beforeAll(() => {
    work = mkdtempSync(path.join(tmpdir(), 'hpa-bin-'));
    pkg = path.join(work, 'pkg');
    mkdirSync(path.join(pkg, 'bin'), { recursive: true });
    copyFileSync(path.join(REPO, 'bin', 'harbor-private-app.js'), path.join(pkg, 'bin', 'harbor-private-app.js'));
    copyFileSync(path.join(REPO, 'package.json'), path.join(pkg, 'package.json'));
    symlinkSync(path.join(REPO, 'node_modules'), path.join(pkg, 'node_modules'), 'dir');
    transpileLib(path.join(pkg, 'dist-lib'));
    // What `npm run synth` writes: the example app's charts, synthesized to dist/.
    const app = new App({ outdir: path.join(work, 'dist') });
    new CorednsChart(app, 'coredns', { disableResourceNameHashes: true });
    new TenantsChart(app, 'tenants', { disableResourceNameHashes: true });
    app.synth();
    mkdirSync(path.join(work, 'fixtures'));
    for (const f of ['seed/coredns.yaml', 'broken.yaml']) {
      copyFileSync(path.join(REPO, FIXTURES, f), path.join(work, 'fixtures', path.basename(f)));
    }
  });

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  test('lint dist/ passes on the synthesized examples: exit 0', async () => {
    expect(readdirSync(path.join(work, 'dist')).sort()).toEqual(['coredns.k8s.yaml', 'tenants.k8s.yaml']);
    const r = await run(pkg, ['lint', 'dist/'], work);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^harbor-private-app lint: no finding\. Checked 5 of 5 container image\(s\) in 5 workload\(s\), 51 object\(s\), 2 file\(s\); registries \(from the pull Secrets\): reg\.harbor\.com\.\n$/,
    );
  });

  test("the seed's mistake: exit 1 with the finding", async () => {
    const r = await run(pkg, ['lint', '--registry', 'reg.harbor.com', 'fixtures/coredns.yaml'], work);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('fixtures/coredns.yaml:37:18: Deployment kube-system/coredns, container "coredns"');
  });

  test('standard input: exit 1 with <stdin> as the file', async () => {
    const seed = readFileSync(path.join(REPO, FIXTURES, 'seed/coredns.yaml'), 'utf8');
    const r = await run(pkg, ['lint', '--registry', 'reg.harbor.com', '--format', 'github', '-'], work, seed);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^::error file=<stdin>,line=37,col=18,title=harbor-private-app lint%3A no-pull-secret::/);
  });

  test('a parse error: exit 2 naming file:line:column', async () => {
    const r = await run(pkg, ['lint', 'fixtures/broken.yaml'], work);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^fixtures\/broken\.yaml:10:26: error: YAML syntax error/);
  });

  test('--version prints the package version', async () => {
    const { version } = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { version: string };
    const r = await run(pkg, ['--version'], work);
    expect(r).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });
});
