/**
 * The package as a platform team consumes it: `npm pack`, installed from the tarball into scratch projects outside the
 * repository with the README's own install commands, then the README's own examples (extracted from README.md, so the
 * two cannot drift) type-checked with the tsconfig of each engine's project template and run:
 *
 * - cdk8s: a cdk8s-only project (no `@pulumi` package may be installed) synthesizes the README's example; its objects
 *   pass the same schema checks as the repository's own apps and hold no credential;
 * - Pulumi: the README's Pulumi example runs under mocks with the project's own @pulumi/pulumi and the REAL closure
 *   serializer; the registered inputs go to Pulumi's own dynamic provider host (the project's installed
 *   `@pulumi/pulumi/cmd/dynamic-provider`, its own process, driven over gRPC as the engine does:
 *   test/pulumi/support/real-host.ts, transpiled into the project), which loads and configures each provider text and
 *   creates and reads the project, member, robot and robot login on the Harbor emulator; then Harbor's admin password
 *   is rotated, and a new run (a new host) with the new password in the stack configuration reads, updates and
 *   deletes them (test/package/pulumi-driver.js); an app with robot rotation runs `up` three times with the
 *   installed rotation and Harbor providers in the host (test/package/rotation-driver.js). The same again with the
 *   package symlinked into the project, as an npm workspace lays it out.
 *
 * Version rows (README, "Tested versions"): the Pulumi project is made and run once per row, the program, its tsc and
 * the host all on the row's Node.js (./toolchain.ts: this machine's, or a build installed from the npm registry):
 * - Node.js 20 with the lowest `@pulumi/pulumi` the peer range allows (the cdk8s project runs on this row too);
 * - Node.js 22 and Node.js 24, each with the latest `@pulumi/pulumi` 3.x, resolved when the test runs (`npm view`;
 *   later 3.x releases need Node.js 22); the cdk8s project's app also runs on the last row's Node.js.
 * The versions each row ran are printed. Without the npm registry the rows fail, saying so; they are never skipped.
 *
 * Installs use the npm cache first (`--prefer-offline`), so after `npm ci` the first row needs the registry only for
 * package metadata. The package is packed from a copy of the repository's package files, so that this test never
 * rebuilds the repository's own dist-lib/ under the other test files' feet.
 */
import { randomBytes } from 'node:crypto';
import {
  cpSync,
  existsSync,
  realpathSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import * as ts from 'typescript';
import { parseAllDocuments } from 'yaml';
import { HarborEmulator, startEmulatorServer } from '../lab/harbor-emulator';
import { findCredentials } from '../support/credentials';
import { validateAll } from '../support/schemas';
import { NPM_FLAGS, packPackage, type PackedPackage, ROOT, readmeBlock, readmeInstall, sh } from './support';
import { latestVersion, nodeBuild, type NodeBuild } from './toolchain';

const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
/** The tsconfig `cdk8s init typescript-app` writes, from the cdk8s-cli the repository uses. */
const CDK8S_TEMPLATE_TSCONFIG = join(ROOT, 'node_modules', 'cdk8s-cli', 'templates', 'typescript-app', 'tsconfig.json');
/** The tsconfig `pulumi new typescript` writes (pulumi/templates, typescript/tsconfig.json). */
const PULUMI_TEMPLATE_TSCONFIG = join(__dirname, 'pulumi-template.tsconfig.json');
/** A hang guard per driver run (a few seconds each; minutes on a loaded machine). */
const DRIVER_TIMEOUT_MS = 60_000;
/** The host client the drivers use: the repository's Pulumi tests' own (one implementation), transpiled for them. */
const REAL_HOST_SOURCE = join(ROOT, 'test', 'pulumi', 'support', 'real-host.ts');

/** The lowest `@pulumi/pulumi` the package's peer range allows. */
const PULUMI_FLOOR = ((): string => {
  const range = (
    JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { peerDependencies: Record<string, string> }
  ).peerDependencies['@pulumi/pulumi'];
  if (!/^\^\d+\.\d+\.\d+$/.test(range))
    throw new Error(`package.json: the @pulumi/pulumi peer range ${range} is not ^x.y.z`);
  return range.slice(1);
})();
const PULUMI_MAJOR = PULUMI_FLOOR.split('.')[0];

/** One version row: the Node.js major version and the `@pulumi/pulumi` the Pulumi project is made and run with. */
interface VersionRow {
  readonly id: string;
  readonly label: string;
  readonly nodeMajor: number;
  /** The `@pulumi/pulumi` version, resolved when the test runs. */
  readonly pulumi: () => Promise<string>;
  /** How the README's "Tested versions" table names the row's `@pulumi/pulumi`. */
  readonly readmePulumi: string;
}

const ROWS: readonly VersionRow[] = [
  {
    id: 'node20',
    label: `Node.js 20, @pulumi/pulumi ${PULUMI_FLOOR}`,
    nodeMajor: 20,
    pulumi: async () => PULUMI_FLOOR,
    readmePulumi: PULUMI_FLOOR,
  },
  {
    id: 'node22',
    label: `Node.js 22, the latest @pulumi/pulumi ${PULUMI_MAJOR}.x`,
    nodeMajor: 22,
    pulumi: () => latestVersion('@pulumi/pulumi', PULUMI_MAJOR),
    readmePulumi: `latest ${PULUMI_MAJOR}.x, resolved when the tests run`,
  },
  {
    id: 'node24',
    label: `Node.js 24, the latest @pulumi/pulumi ${PULUMI_MAJOR}.x`,
    nodeMajor: 24,
    pulumi: () => latestVersion('@pulumi/pulumi', PULUMI_MAJOR),
    readmePulumi: `latest ${PULUMI_MAJOR}.x`,
  },
];

/** What a row resolved to when the test ran. */
interface ResolvedRow {
  readonly node: NodeBuild;
  readonly pulumi: string;
  /** The environment its commands run with: the row's Node.js first on PATH (npm, npx and scripts use it). */
  readonly env: NodeJS.ProcessEnv;
}
const resolved = new Map<string, ResolvedRow>();
const resolvedRow = (row: VersionRow): ResolvedRow => {
  const r = resolved.get(row.id);
  if (!r) throw new Error(`the version row "${row.label}" was not resolved (see the first failure)`);
  return r;
};

/** The body rows of the Markdown table that follows `<!-- marker -->` in the README, each as its cells. */
function readmeTable(marker: string): string[][] {
  const at = README.indexOf(`<!-- ${marker} -->`);
  if (at < 0) throw new Error(`README.md has no <!-- ${marker} --> marker`);
  const lines = README.slice(at).split('\n').slice(1);
  const table = lines.slice(
    0,
    lines.findIndex((l) => !l.startsWith('|')),
  );
  return table.slice(2).map((l) =>
    l
      .slice(1, -1)
      .split('|')
      .map((c) => c.trim()),
  );
}

async function scratchProject(dir: string, installs: string[][], env: NodeJS.ProcessEnv = {}): Promise<number> {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'scratch', version: '1.0.0', private: true }));
  const t0 = Date.now();
  for (const installArgs of installs) await sh('npm', ['install', ...NPM_FLAGS, ...installArgs], dir, env);
  return Date.now() - t0;
}

/** A row's Node.js build and `@pulumi/pulumi` version (the npm registry asked for the latest). */
async function resolveRow(row: VersionRow): Promise<ResolvedRow> {
  const [node, pulumi] = await Promise.all([nodeBuild(row.nodeMajor), row.pulumi()]);
  const env = { PATH: `${dirname(node.path)}${delimiter}${process.env.PATH ?? ''}` };
  return { node, pulumi, env };
}

/** The installed version of `name` in the project at `dir`. */
const installedVersion = (dir: string, name: string): string =>
  (JSON.parse(readFileSync(join(dir, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;

let work: string;
let tarball: string;
/** The stored state's size per Harbor resource, from the driver (the closing notes quote it). */
let stateBytes: Array<{ type: string; inputs: number; outputs: number }> = [];
let packed: PackedPackage;
const timings: Record<string, number> = {};
const loadedAt = Date.now();

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'hpa-consumer-'));
  let t0 = Date.now();
  ({ tarball, packed } = await packPackage(work));
  timings.packMs = Date.now() - t0;

  // The drivers' host client: the repository's own, transpiled to plain CommonJS for the scratch projects.
  writeFileSync(
    join(work, 'real-host.js'),
    ts.transpileModule(readFileSync(REAL_HOST_SOURCE, 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
      fileName: 'real-host.ts',
    }).outputText,
  );

  t0 = Date.now();
  (await Promise.all(ROWS.map(resolveRow))).forEach((r, i) => resolved.set(ROWS[i].id, r));
  timings.resolveRowsMs = Date.now() - t0;

  t0 = Date.now();
  const first = resolvedRow(ROWS[0]);
  const [cdk8s, ...pulumi] = await Promise.all([
    scratchProject(join(work, 'cdk8s-app'), readmeInstall('install: cdk8s', tarball), first.env),
    ...ROWS.map((row) =>
      scratchProject(
        join(work, `pulumi-app-${row.id}`),
        readmeInstall('install: pulumi', tarball, { '@pulumi/pulumi': `@pulumi/pulumi@${resolvedRow(row).pulumi}` }),
        resolvedRow(row).env,
      ),
    ),
  ]);
  timings.installCdk8sMs = cdk8s;
  ROWS.forEach((row, i) => {
    timings[`${row.id}InstallPulumiMs`] = pulumi[i];
    const dir = join(work, `pulumi-app-${row.id}`);
    const r = resolvedRow(row);
    // The versions the row runs, as installed (printed: the latest 3.x changes over time).
    console.log(
      `consumer test, row "${row.label}": Node.js ${r.node.version} (${r.node.source}), ` +
        `@pulumi/pulumi ${installedVersion(dir, '@pulumi/pulumi')}, ` +
        `@pulumi/kubernetes ${installedVersion(dir, '@pulumi/kubernetes')}, typescript ${installedVersion(dir, 'typescript')}`,
    );
  });
  timings.installAllMs = Date.now() - t0;
}, 420_000); // a hang guard: the first run on a machine downloads a Node.js build and the latest Pulumi

afterAll(async () => {
  // Tens of thousands of files: removed with parallel unlinks (fs.promises.rm), several times faster than rmSync.
  const t0 = Date.now();
  if (work) await rm(work, { recursive: true, force: true });
  timings.cleanupMs = Date.now() - t0;
  timings.fileMs = Date.now() - loadedAt;
  // The figures the closing notes quote.
  console.log(
    `consumer test: ${JSON.stringify({
      ...timings,
      tarballBytes: packed?.size,
      files: packed?.entryCount,
      stateBytes: stateBytes.map((s) => `${s.type.split(':').pop()} ${s.inputs}+${s.outputs}`),
    })}`,
  );
});

describe('the packed tarball', () => {
  test('holds the compiled library, its types, the bin, README, LICENSE, CHANGELOG and docs: no sources, tests, bench or CI', () => {
    const files = packed.files.map((f) => f.path);
    expect(files).toEqual(expect.arrayContaining(['package.json', 'README.md', 'LICENSE', 'dist-lib/lib/index.js']));
    // The README's and the CLI's links to the docs resolve in the installed package: every docs page but the
    // contributors' architecture.md (its module map and API reports describe the repository; package.json `files`
    // leaves it out).
    const docs = readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md') && f !== 'architecture.md');
    expect(docs.length).toBeGreaterThan(0);
    expect(files).toEqual(expect.arrayContaining(docs.map((f) => `docs/${f}`)));
    expect(files).not.toContain('docs/architecture.md');
    for (const entry of ['cdk8s', 'pulumi', 'harbor', 'lint', 'pulumi/dynamic-provider']) {
      expect(files).toContain(`dist-lib/lib/${entry}${entry.includes('/') ? '' : '/index'}.js`);
      expect(files).toContain(`dist-lib/lib/${entry}${entry.includes('/') ? '' : '/index'}.d.ts`);
    }
    expect(
      files.filter(
        (f) =>
          !/^(package\.json|README\.md|LICENSE|CHANGELOG\.md|bin\/harbor-private-app\.js|docs\/[a-z0-9-]+\.md|dist-lib\/lib\/.*\.(js|d\.ts))$/.test(
            f,
          ),
      ),
    ).toEqual([]);
  });
});

test("the README's tested-versions table names exactly the version rows this test runs", () => {
  expect(readmeTable('tested versions').map(([nodeMajor, pulumi]) => [nodeMajor, pulumi.split(' (')[0]])).toEqual(
    ROWS.map((row) => [String(row.nodeMajor), row.readmePulumi]),
  );
});

describe(`a cdk8s-only project (${ROWS[0].label.split(',')[0]})`, () => {
  const dir = (): string => join(work, 'cdk8s-app');
  /** The first row's Node.js runs the project (tsc, the app, npx). */
  const node = (): string => resolvedRow(ROWS[0]).node.path;
  const env = (): NodeJS.ProcessEnv => resolvedRow(ROWS[0]).env;

  test('installs no @pulumi package', () => {
    expect(existsSync(join(dir(), 'node_modules', 'harbor-private-app', 'package.json'))).toBe(true);
    expect(existsSync(join(dir(), 'node_modules', '@pulumi'))).toBe(false);
  });

  test("the README's cdk8s example type-checks with cdk8s init's tsconfig and synthesizes valid objects", async () => {
    writeFileSync(join(dir(), 'main.ts'), readmeBlock('example: cdk8s'));
    cpSync(CDK8S_TEMPLATE_TSCONFIG, join(dir(), 'tsconfig.json'));
    await sh(node(), [TSC, '-p', '.'], dir());
    await sh(node(), ['main.js'], dir());
    const files = readdirSync(join(dir(), 'dist'));
    expect(files.length).toBeGreaterThan(0);
    const objects = files.flatMap((f) =>
      parseAllDocuments(readFileSync(join(dir(), 'dist', f), 'utf8')).map((d) => d.toJS() as Record<string, any>),
    );
    expect(objects.map((o) => o.kind).sort()).toEqual(
      expect.arrayContaining(['Deployment', 'ExternalSecret', 'MemberUser', 'Project', 'RobotAccount']),
    );
    const deployment = objects.find((o) => o.kind === 'Deployment')!;
    expect(deployment.spec.template.spec.imagePullSecrets).toEqual([{ name: 'registry-secret' }]);
    expect(validateAll(objects)).toEqual([]);
    expect(findCredentials(objects)).toEqual([]);
  }, 240_000); // a hang guard: tsc of a consumer project takes minutes on a loaded 2-core machine

  test(`the synthesized app runs the same on ${ROWS[ROWS.length - 1].label.split(',')[0]}`, async () => {
    const last = resolvedRow(ROWS[ROWS.length - 1]).node;
    expect(last.version).toMatch(new RegExp(`^v${ROWS[ROWS.length - 1].nodeMajor}\\.`));
    // main.js as the test above compiled it; cdk8s writes where CDK8S_OUTDIR says.
    await sh(last.path, ['main.js'], dir(), { CDK8S_OUTDIR: 'dist-last-node' });
    const read = (out: string): string[] =>
      readdirSync(join(dir(), out))
        .sort()
        .map((f) => readFileSync(join(dir(), out, f), 'utf8'));
    expect(read('dist-last-node')).toEqual(read('dist'));
  });

  test('npx harbor-private-app lint passes on the example it synthesized, and finds an image without pull Secret', async () => {
    const ok = await sh('npx', ['--no-install', 'harbor-private-app', 'lint', 'dist'], dir(), env());
    expect(ok).toMatch(/^harbor-private-app lint: no finding\. Checked 1 of 1 container image/);
    const seed = [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata: { name: coredns, namespace: kube-system }',
      'spec:',
      '  template:',
      '    spec:',
      '      containers: [{ name: coredns, image: reg.harbor.com/k8s/coredns:1.2.6 }]',
    ].join('\n');
    writeFileSync(join(dir(), 'seed.yaml'), `${seed}\n`);
    await expect(
      sh(
        'npx',
        ['--no-install', 'harbor-private-app', 'lint', '--registry', 'reg.harbor.com', 'seed.yaml'],
        dir(),
        env(),
      ),
    ).rejects.toMatchObject({ cause: { code: 1 } });
  });

  test('harbor-private-app/pulumi says what to install when @pulumi is missing', async () => {
    writeFileSync(join(dir(), 'load-pulumi.js'), "require('harbor-private-app/pulumi');\n");
    await expect(sh(node(), ['load-pulumi.js'], dir())).rejects.toThrow(
      /harbor-private-app\/pulumi needs @pulumi\/pulumi and @pulumi\/kubernetes, which are not installed\. Fix: npm install @pulumi\/pulumi @pulumi\/kubernetes/,
    );
  });
});

describe.each(ROWS)('a Pulumi project on $label', (row) => {
  const dir = (): string => join(work, `pulumi-app-${row.id}`);
  /** The row's Node.js: it runs tsc, the program under mocks and Pulumi's dynamic provider host. */
  const node = (): NodeBuild => resolvedRow(row).node;
  /** The executable a process of the row's Node.js runs (what /proc/<pid>/exe names). */
  const nodeExe = (): string => realpathSync(node().path);
  /** Harbor's admin password now (each run rotates it). */
  let password = `Lab-${randomBytes(9).toString('hex')}`;
  let emulator: HarborEmulator;
  let server: { url: string; close(): Promise<void> };
  /** A loopback `host:port` where nothing listens: the pull check's registry. */
  let pullCheckRegistry = '';

  beforeAll(async () => {
    writeFileSync(join(dir(), 'index.ts'), readmeBlock('example: pulumi'));
    cpSync(PULUMI_TEMPLATE_TSCONFIG, join(dir(), 'tsconfig.json'));
    // The TypeScript the README's install gives the project (Pulumi runs the program with it too).
    const projectTsc = join(dir(), 'node_modules', 'typescript', 'bin', 'tsc');
    expect(existsSync(projectTsc)).toBe(true);
    const t0 = Date.now();
    await sh(node().path, [projectTsc, '-p', '.'], dir());
    timings[`${row.id}TscMs`] = Date.now() - t0;
    cpSync(join(dir(), 'bin', 'index.js'), join(dir(), 'index.js'));
    for (const driver of ['pulumi-driver.js', 'rotation-driver.js', 'driver-support.js']) {
      cpSync(join(__dirname, driver), join(dir(), driver));
    }
    cpSync(join(work, 'real-host.js'), join(dir(), 'real-host.js'));
    emulator = new HarborEmulator({ adminPassword: password });
    emulator.addUser('k8s-puller');
    server = await startEmulatorServer(emulator);
    pullCheckRegistry = await new Promise<string>((resolve) => {
      const probe = createServer();
      probe.listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(`127.0.0.1:${port}`));
      });
    });
  }, 240_000); // the same: tsc of the Pulumi project (the @pulumi/kubernetes types)
  afterAll(async () => {
    await server?.close();
    expect(emulator.contractViolations).toEqual([]);
  });

  /** A run of Pulumi's dynamic provider host, as a driver saw it. */
  interface HostRun {
    pulumiVersion: string;
    /** The host process's executable (/proc), null where there is no /proc. */
    exe: string | null;
    providerTexts: number;
  }

  /** The host ran the row's @pulumi/pulumi, on the row's Node.js. */
  function expectRowHost(host: HostRun): void {
    expect(host.pulumiVersion).toBe(resolvedRow(row).pulumi);
    // /proc names the host process's executable on Linux; elsewhere (no /proc) the driver reports null.
    if (process.platform === 'linux' || host.exe !== null) expect(host.exe).toBe(nodeExe());
  }

  test("installs the row's @pulumi/pulumi, and the row's Node.js runs", () => {
    expect(installedVersion(dir(), '@pulumi/pulumi')).toBe(resolvedRow(row).pulumi);
    expect(node().version).toMatch(new RegExp(`^v${row.nodeMajor}\\.`));
  });

  interface DriverReport {
    node: { version: string; execPath: string };
    hostRuns: HostRun[];
    types: string[];
    inputsHoldPassword: boolean;
    harbor: Array<{ type: string; name: string }>;
    providerTexts: Array<{ length: number; text: string; mentionsDistLib: boolean; mentionsPassword: boolean }>;
    operations: Array<{
      op: string;
      type: string;
      found?: boolean;
      status?: number;
      replaces?: string[];
      failed?: string;
    }>;
    stateBytes: Array<{
      type: string;
      inputs: number;
      outputs: number;
      outputsKeepProvider: boolean;
      holdsPassword: boolean;
    }>;
  }

  /** Runs the driver: `pulumi up` with the current password, then a rotation to a new one and a run with that. */
  async function drive(): Promise<DriverReport> {
    emulator.resetLog();
    const next = `Lab-${randomBytes(9).toString('hex')}`;
    const out = await sh(
      node().path,
      ['pulumi-driver.js'],
      dir(),
      {
        HARBOR_URL: server.url,
        HARBOR_USERNAME: 'admin',
        HARBOR_PASSWORD: password,
        HARBOR_NEW_PASSWORD: next,
        PROJECT: 'example',
        PULL_CHECK_REGISTRY: pullCheckRegistry,
      },
      DRIVER_TIMEOUT_MS,
      'SIGTERM',
    );
    password = next;
    return JSON.parse(out.trim().split('\n').pop()!) as DriverReport;
  }

  function expectLifecycle(report: DriverReport): void {
    // The program ran on the row's Node.js; two `pulumi` runs, each with its own host of the row's @pulumi/pulumi on
    // it: the first sent the Harbor provider's, the login's and the pull check's texts, the second (no pull check) two.
    expect(report.node).toEqual({ version: node().version, execPath: node().path });
    expect(report.hostRuns.map((h) => h.providerTexts)).toEqual([4, 4]);
    report.hostRuns.forEach(expectRowHost);
    // In the order the registrations reach the monitor: the component first, its Harbor resources in the order it
    // declares them, the pull Secret and the workload last. The README's configureWorkload exposes the Deployment's port 53
    // through a Service, whose registration races the Harbor ones (which goes out first depends on how long their
    // inputs take to serialize), so its place is not asserted.
    const HARBOR = 'pulumi-nodejs:dynamic/harbor:';
    expect(report.types.filter((t: string) => t !== 'kubernetes:core/v1:Service')).toEqual([
      'harbor-private-app:index:HarborPrivateApp',
      `${HARBOR}Project`,
      `${HARBOR}ProjectMember`,
      `${HARBOR}RobotAccount`,
      `${HARBOR}RobotLogin`,
      'kubernetes:core/v1:Secret',
      'kubernetes:apps/v1:Deployment',
    ]);
    expect(report.types.filter((t: string) => t === 'kubernetes:core/v1:Service')).toHaveLength(1);
    // Four provider texts, each a reference to the installed package, not a copy of it: to its provider of each kind.
    expect(report.providerTexts).toHaveLength(4);
    const exports = [
      'harborProjectProvider',
      'harborMemberProvider',
      'harborRobotProvider',
      'harborRobotLoginProvider',
    ];
    report.providerTexts.forEach((text: { text: string }, i: number) => {
      expect(text.text).toContain('"harbor-private-app/pulumi/dynamic-provider"');
      expect(text.text).toContain(`"${exports[i]}"`);
    });
    for (const text of report.providerTexts) {
      expect(text.mentionsDistLib).toBe(false);
      expect(text.mentionsPassword).toBe(false);
      expect(text.length).toBeLessThan(8_000);
    }
    // No input or output of any resource holds the Harbor password; each stores its provider text twice and a little.
    expect(report.inputsHoldPassword).toBe(false);
    for (const s of report.stateBytes) {
      expect([s.type, s.holdsPassword, s.outputsKeepProvider, s.inputs < 10_000, s.outputs < 10_000]).toEqual([
        s.type,
        false,
        true,
        true,
        true,
      ]);
    }
    if (row === ROWS[0]) stateBytes = report.stateBytes;
    const kinds = ['Project', 'ProjectMember', 'RobotAccount', 'RobotLogin'];
    expect(
      report.operations.map(
        (o) =>
          `${o.op} ${o.type.split(':').pop()}${o.found === false ? ' (not found)' : ''}${o.status ? ` ${o.status}` : ''}${o.failed ? ' (failed)' : ''}`,
      ),
    ).toEqual([
      ...kinds.slice(0, 3).map((k) => `create ${k}`),
      'create RobotLogin (failed)',
      'create RobotLogin',
      ...kinds.map((k) => `read ${k}`),
      'rotate password 200',
      ...kinds.map((k) => `read ${k}`),
      'update ProjectMember',
      ...[...kinds].reverse().map((k) => `delete ${k}`),
    ]);
    expect(report.operations.find((o) => o.op === 'update')).toMatchObject({ changes: true, replaces: [] });
    // The installed login's pull check ran the token flow with the robot's login, and says why it stopped the run.
    const check = report.operations.find((o) => o.failed !== undefined)!;
    expect(check.type).toBe(`${HARBOR}RobotLogin`);
    expect(check.failed).toContain(
      '(registry unreachable); the pull Secret and the workloads were not created or changed',
    );
    expect(check.failed).toContain(`registry ${pullCheckRegistry} could not be reached (ECONNREFUSED`);
    const writes = emulator.requests
      .filter((r) => r.write)
      .map((r) => `${r.method} ${r.path.replace(/^\/api\/v2\.0/, '')}`);
    expect(writes).toEqual([
      'POST /projects',
      'POST /projects/k8s/members',
      'POST /robots',
      'PUT /users/1/password',
      expect.stringMatching(/^PUT \/projects\/k8s\/members\/\d+$/),
      expect.stringMatching(/^DELETE \/robots\/\d+$/),
      expect.stringMatching(/^DELETE \/projects\/k8s\/members\/\d+$/),
      expect.stringMatching(/^DELETE \/projects\/\d+$/),
    ]);
    // After the rotation, every request authenticated with the new password: none carried the old one (401).
    expect(emulator.requests.filter((r) => r.status === 401)).toEqual([]);
  }

  test("the README's Pulumi example, installed from the tarball: Pulumi's dynamic provider host runs the serialized providers, which create and read on Harbor; after a password rotation, a new host reads, updates and deletes", async () => {
    const t0 = Date.now();
    expectLifecycle(await drive());
    timings[`${row.id}PulumiDriverMs`] = Date.now() - t0;
  });

  test('robot rotation, installed from the tarball: a reference to the installed provider; a new trigger makes the next robot in Harbor and deletes the old one', async () => {
    interface RotationReport {
      node: string;
      host: HostRun;
      rotation: {
        text: { length: number; module: boolean; exportName: boolean; mentionsDistLib: boolean };
        generation: number;
        diff?: { changes?: boolean; replaces: string[]; deleteBeforeReplace: boolean };
      };
      robot: {
        generation: number;
        fullName?: string;
        diff?: { changes: boolean; replaces?: string[]; deleteBeforeReplace?: boolean };
      };
      ops: string[];
    }
    const state = join(dir(), 'rotation-state.json');
    const run = async (trigger: string, destroy = false): Promise<RotationReport> => {
      const out = await sh(
        node().path,
        ['rotation-driver.js'],
        dir(),
        {
          PROJECT: 'example',
          HARBOR_URL: server.url,
          HARBOR_PASSWORD: password,
          TRIGGER: trigger,
          STATE_FILE: state,
          ...(destroy ? { DESTROY: '1' } : {}),
        },
        DRIVER_TIMEOUT_MS,
        'SIGTERM',
      );
      return JSON.parse(out.trim().split('\n').pop()!) as RotationReport;
    };
    const robots = (): string[] =>
      emulator.requests.filter((r) => r.write && /\/robots/.test(r.path)).map((r) => `${r.method} ${r.path}`);
    emulator.resetLog();
    const t0 = Date.now();
    const first = await run('2026-11-30');
    expect(first.node).toBe(node().version);
    // One host, of the row's @pulumi/pulumi on the row's Node.js: the provider texts of the rotation, the project, the
    // member and the robot, each its kind's own.
    expectRowHost(first.host);
    expect(first.host.providerTexts).toBe(4);
    expect(first.rotation.text).toMatchObject({ module: true, exportName: true, mentionsDistLib: false });
    expect(first.rotation.text.length).toBeLessThan(8_000);
    expect([first.rotation.generation, first.robot.generation]).toEqual([0, 0]);
    expect(first.ops).toEqual(['create Project', 'create ProjectMember', 'create RobotAccount']);
    // Made in Harbor, not only called: the project and the app's member are there (Harbor also makes the creator a
    // member).
    const tenantIn = (s: ReturnType<typeof emulator.state>): unknown[] => [
      s.projects.filter((p) => p.name === 'tenant').length,
      s.members.filter((m) => m.project === 'tenant' && m.entityName === 'k8s-puller').length,
    ];
    expect(tenantIn(emulator.state())).toEqual([1, 1]);
    expect(first.robot.fullName).toBe('robot$tenant+tenant-pull');
    // The same trigger: no rotation, nothing to do for the robot.
    const again = await run('2026-11-30');
    // The diffs as the engine reads the host's answers (DIFF_NONE/DIFF_SOME, replaces, deleteBeforeReplace).
    expect(again.rotation.diff).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
    expect(again.robot.diff).toMatchObject({ changes: false, replaces: [] });
    expect(again.ops).toEqual([]);
    // A new trigger: the next generation; the robot is replaced, the new one (another name) made before the old goes.
    const rotated = await run('2026-12-01');
    expect(rotated.rotation.diff).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    expect([rotated.rotation.generation, rotated.robot.generation]).toEqual([1, 1]);
    expect(rotated.robot.diff).toMatchObject({ changes: true, replaces: ['generation'], deleteBeforeReplace: false });
    expect(rotated.ops).toEqual(['create RobotAccount', 'delete RobotAccount (old)']);
    expect(rotated.robot.fullName).not.toBe(first.robot.fullName);
    expect(rotated.robot.fullName).toMatch(/^robot\$tenant\+tenant-pull-/);
    const destroyed = await run('2026-12-01', true);
    expect(destroyed.ops).toEqual(['delete RobotAccount', 'delete ProjectMember', 'delete Project']);
    expect(tenantIn(emulator.state())).toEqual([0, 0]);
    expect(robots()).toEqual([
      'POST /api/v2.0/robots',
      'POST /api/v2.0/robots',
      expect.stringMatching(/^DELETE \/api\/v2\.0\/robots\/\d+$/),
      expect.stringMatching(/^DELETE \/api\/v2\.0\/robots\/\d+$/),
    ]);
    timings[`${row.id}RotationDriverMs`] = Date.now() - t0;
  }, 300_000); // four runs of the driver, each under DRIVER_TIMEOUT_MS

  test('the same with the package symlinked into the project, as an npm workspace lays it out', async () => {
    const installed = join(dir(), 'node_modules', 'harbor-private-app');
    const workspace = join(dir(), 'packages', 'harbor-private-app');
    mkdirSync(join(dir(), 'packages'), { recursive: true });
    cpSync(installed, workspace, { recursive: true });
    rmSync(installed, { recursive: true, force: true });
    symlinkSync(join('..', 'packages', 'harbor-private-app'), installed, 'dir');
    expectLifecycle(await drive());
  });
});
