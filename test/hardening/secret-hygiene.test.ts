/**
 * Secret hygiene.
 * 1. The run-wide check (test/support/hygiene-*.js, wired in jest.config.js) can fail: the scanner and the reporter
 *    are fed planted secrets (raw, base64, base64 of base64) in logs, failure messages, snapshot-like files and
 *    temporary leftovers, and must name every place without ever printing the secret.
 * 2. It is live in THIS run: the emulator's issued secrets and given passwords land in the ledger, and console
 *    output is teed.
 * 3. The YAML path writes no credential in any credential mode but the literal opt-in (which does, as a control).
 * 4. The Pulumi engine (live engine: the real Harbor provider against the emulator) keeps every credential-derived
 *    value secret: every output of the component and its children whose value holds the robot secret or the Harbor
 *    password is a Pulumi secret, and so is every recorded input that holds one (the Kubernetes Secret's data).
 */

import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Chart } from 'cdk8s';
import * as pulumi from '@pulumi/pulumi';
import { HarborPrivateApp as Cdk8sHarborPrivateApp, RobotSecretsProps } from '../../lib/cdk8s';
import { HarborMember, HarborRole, PullCredentials, SecretStoreRef, SecretValue } from '../../lib/core';
import { HarborPrivateApp } from '../../lib/pulumi';
import type * as KindsModule from '../pulumi/support/kinds';
import { HarborEmulator, startEmulatorServer } from '../lab/harbor-emulator';
import { Config as DynamicProviderConfig } from '@pulumi/pulumi/cmd/dynamic-provider/config';
import { installLiveEngine, LiveRegistration } from '../pulumi/support/live-engine';
import { isSecretInput, isSecretOutput, promiseOf, SECRET_SIG, SECRET_SIG_KEY } from '../pulumi/support/mocks';
import { findCredentials } from '../support/credentials';
import { LEDGER_ENV, ledgerDir, recordOutput, recordSecret } from '../support/hygiene-ledger';
import HygieneReporter = require('../support/hygiene-reporter');
import {
  createScanner,
  formatFinding,
  readCapturedLogs,
  readLedger,
  runHygieneScan,
  secretVariants,
} from '../support/hygiene-scan';

// The provider the engine runs, as a provider host process does: its own copy of the package's modules, configured
// with the stack configuration. The program's copy stays unconfigured, as in a real program, so the provider text it
// serializes (once per process) captures no configuration.
let hostProvider!: typeof KindsModule.harborProviders;
jest.isolateModules(() => {
  hostProvider = (require('../pulumi/support/kinds') as typeof KindsModule).harborProviders;
});
const engine = installLiveEngine({ provider: hostProvider });

/** A secret shaped like the emulator's robot secrets, random per call. */
const planted = (): string => `Pl4nted${randomBytes(16).toString('hex')}`;
const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');

const tmpDirs: string[] = [];
function tmp(prefix: string): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tmpDirs.push(d);
  return d;
}
afterAll(() => {
  for (const d of tmpDirs) fs.rmSync(d, { recursive: true, force: true });
});

describe('the scanner finds a planted secret in every form, and never prints it', () => {
  const secret = planted();
  const scanner = createScanner([{ kind: 'robot-secret', value: secret }]);

  test('raw, inside any text', () => {
    expect(scanner.scan(`x ${secret} y`)).toEqual([expect.objectContaining({ kind: 'robot-secret', variant: 'raw' })]);
    expect(scanner.scan(secret)).toHaveLength(1);
    expect(scanner.scan(secret.slice(1))).toEqual([]);
    expect(scanner.scan('nothing to see here, not even a near miss: ' + secret.slice(0, -1))).toEqual([]);
  });

  test("base64 at every alignment (a .dockerconfigjson auth, a Secret's data)", () => {
    for (const prefix of ['', 'u', 'us', 'use', 'robot$k8s+coredns-pull:']) {
      expect(scanner.scan(`auth: ${b64(`${prefix}${secret}`)}`)).toEqual([
        expect.objectContaining({ variant: 'base64' }),
      ]);
    }
  });

  test('base64 of base64 (a Secret whose data holds only the auth), in a YAML snapshot', () => {
    const config = JSON.stringify({ auths: { 'reg.harbor.com': { auth: b64(`robot$k8s+x:${secret}`) } } });
    for (const pad of ['', 'a', 'ab']) {
      expect(scanner.scan(`data:\n  .dockerconfigjson: ${b64(pad + config)}\n`)).toEqual([
        expect.objectContaining({ variant: 'base64x2' }),
      ]);
    }
  });

  test('a secret too short to scan is skipped (and said so), not matched by chance', () => {
    const s = createScanner([{ kind: 'user-password', value: 'short' }]);
    expect(s.skipped).toEqual(['user-password']);
    expect(s.scan('short short short')).toEqual([]);
  });

  test('findings name kind, fingerprint, form and place, never the secret or its encodings', () => {
    const [hit] = scanner.scan(b64(secret));
    const line = formatFinding({ ...hit, where: 'file x' });
    expect(line).toMatch(/^robot-secret #[0-9a-f]{8} \(base64\) in file x$/);
    for (const v of secretVariants(secret)) expect(line).not.toContain(v.text);
  });
});

describe('the run-wide check fails on a planted leak, naming each place', () => {
  test('runHygieneScan: captured log, failure message, working-tree file, snapshot, lab leftover', () => {
    const root = tmp('hpa-hygiene-root-');
    const fakeTmp = tmp('hpa-hygiene-tmp-');
    const ledger = tmp('hpa-hygiene-ledger-');
    const secret = planted();
    const password = planted();
    recordSecret('robot-secret', secret, ledger);
    recordSecret('admin-password', password, ledger);
    recordOutput('test/x.test.ts', 'console.log', `created robot with ${secret}`, ledger);
    fs.mkdirSync(path.join(root, 'test', '__snapshots__'), { recursive: true });
    fs.writeFileSync(
      path.join(root, 'test', '__snapshots__', 'x.test.ts.snap'),
      `exports[\`x\`] = \`${b64(`admin:${password}`)}\`;`,
    );
    fs.writeFileSync(path.join(root, 'clean.txt'), 'nothing here');
    fs.mkdirSync(path.join(fakeTmp, 'harbor-lab-skopeo-abc'));
    fs.writeFileSync(
      path.join(fakeTmp, 'harbor-lab-skopeo-abc', 'auth.json'),
      JSON.stringify({ auths: { h: { password: secret } } }),
    );
    fs.writeFileSync(path.join(fakeTmp, 'unrelated-dir-file'), secret); // not the lab's: not scanned

    const result = runHygieneScan({
      ledgerDir: ledger,
      rootDir: root,
      tmpDir: fakeTmp,
      messages: [{ where: 'failure message of test/y.test.ts', text: `Expected: "${password}"` }],
    });
    expect(result.secrets).toBe(2);
    expect(result.findings.map((f) => `${f.kind} ${f.variant} ${f.where}`).sort()).toEqual(
      [
        'admin-password base64 file test/__snapshots__/x.test.ts.snap',
        'admin-password raw failure message of test/y.test.ts',
        `robot-secret raw log (console.log) of test/x.test.ts`,
        `robot-secret raw temporary file left behind: ${path.join(fakeTmp, 'harbor-lab-skopeo-abc', 'auth.json')}`,
      ].sort(),
    );
  });

  test('the reporter: a planted leak fails the run (getLastError), its message names the places, never the secret; the ledger is removed', () => {
    const root = tmp('hpa-hygiene-root-');
    const fakeTmp = tmp('hpa-hygiene-tmp-');
    const env: Record<string, string | undefined> = {};
    const reporter = new HygieneReporter({ rootDir: root }, { tmpDir: fakeTmp, env, quiet: true });
    reporter.onRunStart();
    const dir = env[LEDGER_ENV]!;
    expect(dir).toBe(reporter.ledgerDir);
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    const secret = planted();
    expect(recordSecret('robot-secret', secret, dir)).toBe(true);
    fs.writeFileSync(path.join(root, 'leak.yaml'), `password: ${secret}\n`);
    reporter.onTestResult(
      { path: path.join(root, 'a.test.ts') },
      {
        testFilePath: path.join(root, 'a.test.ts'),
        failureMessage: `boom ${b64(secret)}`,
        testResults: [{ fullName: 'a b', failureMessages: [`boom ${b64(secret)}`] }],
        console: [{ type: 'log', message: `secret=${secret}` }],
      },
    );
    reporter.onRunComplete();
    const error = reporter.getLastError();
    expect(error).toBeInstanceOf(Error);
    const message = error!.message;
    expect(message).toContain('4 leak(s)');
    expect(message).toContain('in file leak.yaml');
    expect(message).toContain('(base64) in failure message of a.test.ts');
    expect(message).toContain('(base64) in failure of "a b" in a.test.ts');
    expect(message).toContain('(raw) in console.log of a.test.ts');
    for (const v of secretVariants(secret)) expect(message).not.toContain(v.text);
    expect(fs.existsSync(dir)).toBe(false);
    expect(env[LEDGER_ENV]).toBeUndefined();
  });

  test('the reporter: a clean run passes', () => {
    const root = tmp('hpa-hygiene-root-');
    const env: Record<string, string | undefined> = {};
    const reporter = new HygieneReporter({ rootDir: root }, { tmpDir: tmp('hpa-hygiene-tmp-'), env, quiet: true });
    reporter.onRunStart();
    recordSecret('robot-secret', planted(), env[LEDGER_ENV]);
    fs.writeFileSync(path.join(root, 'ok.yaml'), 'password: "{{ .password }}"\n');
    reporter.onTestResult(undefined, {
      testFilePath: path.join(root, 'a.test.ts'),
      failureMessage: 'failed, but without a secret',
      testResults: [],
    });
    reporter.onRunComplete();
    expect(reporter.getLastError()).toBeUndefined();
    expect(reporter.lastScan).toEqual(expect.objectContaining({ secrets: 1, findings: [] }));
  });
});

describe('the check is live in this run', () => {
  const dir = ledgerDir();
  const requireLedger = (): string => {
    if (!dir)
      throw new Error(
        `${LEDGER_ENV} is not set: run jest with the reporters of jest.config.js (test/support/hygiene-reporter.js)`,
      );
    return dir;
  };

  test("the emulator's issued robot secrets (create and PATCH refresh) and given passwords are in the ledger", async () => {
    const ledger = requireLedger();
    const admin = planted();
    const user = planted();
    const emulator = new HarborEmulator({ adminPassword: admin });
    emulator.addUser('alice', user);
    const server = await startEmulatorServer(emulator);
    try {
      const call = async (method: string, p: string, body?: unknown): Promise<any> => {
        const res = await fetch(`${server.url}/api/v2.0${p}`, {
          method,
          headers: { authorization: `Basic ${b64(`admin:${admin}`)}`, 'content-type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        const text = await res.text();
        return text ? JSON.parse(text) : undefined;
      };
      await call('POST', '/projects', { project_name: 'hygiene', metadata: { public: 'false' } });
      const robot = await call('POST', '/robots', {
        name: 'probe',
        level: 'project',
        duration: -1,
        permissions: [{ kind: 'project', namespace: 'hygiene', access: [{ resource: 'repository', action: 'pull' }] }],
      });
      const refreshed = await call('PATCH', `/robots/${robot.id}`, { secret: '' });
      expect(typeof robot.secret).toBe('string');
      expect(refreshed.secret).not.toBe(robot.secret);
      const recorded = readLedger(ledger);
      const has = (kind: string, value: string): boolean => recorded.some((e) => e.kind === kind && e.value === value);
      expect([
        has('admin-password', admin),
        has('user-password', user),
        has('robot-secret', robot.secret),
        has('robot-secret', refreshed.secret),
      ]).toEqual([true, true, true, true]);
      expect(emulator.contractViolations).toEqual([]);
    } finally {
      await server.close();
    }
  });

  test('console output of this test file is teed to the ledger directory (and keeps its origin)', () => {
    const ledger = requireLedger();
    const marker = `tee-probe-${randomBytes(8).toString('hex')}`;
    // jest's console: BufferedConsole by default, CustomConsole (straight to stdout) with --verbose, NullConsole with --silent.
    const kind = (console as object).constructor.name;
    const buffer = (console as unknown as { _buffer?: Array<{ message: string; origin: string }> })._buffer;
    const before = buffer?.length ?? 0;
    console.info('probe %s', marker);
    if (kind === 'NullConsole') {
      // --silent: nothing is printed, so there is nothing to tee.
      expect(readCapturedLogs(ledger).some((r) => r.text.includes(marker))).toBe(false);
      return;
    }
    if (kind === 'BufferedConsole') {
      // The entry still points at this file, and is dropped so the probe is not printed.
      const [entry] = buffer!.splice(before);
      expect(entry.message).toBe(`probe ${marker}`);
      expect(entry.origin.split('\n')[0]).toContain('secret-hygiene.test.ts');
    }
    const line = readCapturedLogs(ledger).find((r) => r.text.includes(marker));
    expect(line).toEqual(expect.objectContaining({ file: path.join('test', 'hardening', 'secret-hygiene.test.ts') }));
    expect(line!.text).toContain(`probe ${marker}`);
  });
});

describe('the YAML path writes no credential unless the literal opt-in is used', () => {
  const synth = (source: PullCredentials | RobotSecretsProps): any[] => {
    const chart = new Chart(new App(), 'yaml');
    new Cdk8sHarborPrivateApp(chart, 'coredns', {
      registryHost: 'reg.harbor.com',
      project: { name: 'k8s' },
      namespaces: ['kube-system', 'apps'],
      ...(source instanceof PullCredentials ? { credentials: source } : { robotSecrets: source }),
      members: [HarborMember.user('k8s-puller', HarborRole.GUEST)],
      serviceAccounts: ['default'],
      workload: {
        metadata: { name: 'coredns' },
        containers: [{ image: 'reg.harbor.com/k8s/coredns:1.2.6', securityContext: { ensureNonRoot: false } }],
      },
    });
    return chart.toJson();
  };

  test.each([
    ['robot (default)', () => PullCredentials.fromRobot()],
    [
      'robot with an emitted store',
      (): RobotSecretsProps => ({ emitStore: true, connectionSecretNamespace: 'harbor-robots-x' }),
    ],
    ['robot through a namespaced store', (): RobotSecretsProps => ({ store: SecretStoreRef.namespaced('harbor') })],
    ['existing Secret', () => PullCredentials.fromExistingSecret('registry-secret')],
    [
      'external store',
      () => PullCredentials.fromExternalStore({ store: SecretStoreRef.cluster('vault'), key: 'harbor/k8s' }),
    ],
  ])('%s: no Secret with data, no literal docker auth', (_mode, source) => {
    const objects = synth(source());
    expect(objects.length).toBeGreaterThan(2);
    expect(findCredentials(objects)).toEqual([]);
  });

  test('control: the literal opt-in does write the credential (so the check above can fail)', () => {
    const password = planted();
    const objects = synth(
      PullCredentials.fromLiteralUnsafeForLocalClustersOnly({
        username: 'robot$k8s+ci',
        password: SecretValue.unsafePlainText(password),
      }),
    );
    expect(findCredentials(objects)).toEqual([
      'Secret/kube-system/harbor-k8s: Secret with data',
      'Secret/apps/harbor-k8s: Secret with data',
    ]);
    expect(createScanner([{ kind: 'literal', value: password }]).scan(JSON.stringify(objects))).toEqual([
      expect.objectContaining({ variant: 'base64' }),
    ]);
  });
});

describe('the Pulumi engine keeps every credential-derived value secret (live engine, Harbor emulator)', () => {
  const adminPassword = planted();
  let emulator: HarborEmulator;
  let server: { url: string; close(): Promise<void> };

  beforeAll(async () => {
    emulator = new HarborEmulator({ adminPassword });
    emulator.addUser('k8s-puller');
    server = await startEmulatorServer(emulator);
  });
  afterAll(async () => {
    await server?.close();
  });

  /** Every Output property of a resource object (the component's own, or a child's). */
  const outputsOf = (owner: string, resource: object): Array<[string, pulumi.Output<unknown>]> =>
    Object.entries(resource)
      .filter(([, v]) => pulumi.Output.isInstance(v))
      .map(([k, v]) => [`${owner}.${k}`, v as pulumi.Output<unknown>]);

  /** Paths of recorded inputs that hold a credential outside a secret wrapper. */
  const plainCredentials = (
    scan: (s: string) => unknown[],
    value: unknown,
    where: string,
    out: string[] = [],
  ): string[] => {
    if (isSecretInput(value)) return out;
    if (typeof value === 'string') {
      if (scan(value).length > 0) out.push(where);
    } else if (Array.isArray(value)) value.forEach((v, i) => plainCredentials(scan, v, `${where}[${i}]`, out));
    else if (value && typeof value === 'object')
      for (const [k, v] of Object.entries(value)) plainCredentials(scan, v, `${where}.${k}`, out);
    return out;
  };

  /**
   * The keys of a dynamic resource's stored state (docs/pulumi-state.md) that hold a credential and that the engine
   * would store in plain text: neither named in
   * additionalSecretOutputs nor named like a secret input (live-engine.ts `answer`, as Pulumi's engine does).
   */
  const storedPlainCredentials = (scan: (s: string) => unknown[], r: LiveRegistration): string[] =>
    Object.entries(r.dynamic ? (r.state ?? {}) : {})
      .filter(([, v]) => scan(JSON.stringify(v) ?? '').length > 0)
      .filter(([k]) => !r.additionalSecretOutputs.includes(k) && !isSecretInput(r.inputs[k]))
      .map(([k]) => `${r.type} ${r.name} state.${k}`);

  /** The outputs whose value holds a credential, and those of them that are not Pulumi secrets. */
  async function credentialOutputs(
    outputs: Array<[string, pulumi.Output<unknown>]>,
    scanner: ReturnType<typeof createScanner>,
  ): Promise<{ secretOutputs: string[]; leaks: string[] }> {
    const secretOutputs: string[] = [];
    const leaks: string[] = [];
    for (const [where, output] of outputs) {
      const value = await promiseOf(output, where);
      if (scanner.scan(JSON.stringify(value) ?? '').length === 0) continue;
      secretOutputs.push(where);
      if (!(await isSecretOutput(output, where))) leaks.push(where);
    }
    return { secretOutputs, leaks };
  }

  test('control: the walk reports a credential in a plain output and in a plain input', async () => {
    const credential = planted();
    const scanner = createScanner([{ kind: 'credential', value: credential }]);
    const found = await credentialOutputs(
      [
        ['plain', pulumi.output({ auth: b64(`u:${credential}`) })],
        ['secret', pulumi.secret(credential)],
        ['other', pulumi.output('nothing')],
      ],
      scanner,
    );
    expect(found).toEqual({ secretOutputs: ['plain', 'secret'], leaks: ['plain'] });
    expect(
      plainCredentials(
        (s) => scanner.scan(s),
        { a: [credential], b: { [SECRET_SIG_KEY]: SECRET_SIG, value: credential } },
        'in',
      ),
    ).toEqual(['in.a[0]']);
    // A stored key holding a credential: reported unless the engine keeps it secret.
    const stored = {
      type: 't',
      name: 'n',
      dynamic: true,
      state: { name: 'x', spec: { connection: { password: credential } } },
      additionalSecretOutputs: [],
      inputs: { name: 'x', spec: {} },
    } as unknown as LiveRegistration;
    const scan = (s: string): unknown[] => scanner.scan(s);
    expect(storedPlainCredentials(scan, stored)).toEqual(['t n state.spec']);
    expect(storedPlainCredentials(scan, { ...stored, additionalSecretOutputs: ['spec'] })).toEqual([]);
    expect(
      storedPlainCredentials(scan, { ...stored, inputs: { spec: { [SECRET_SIG_KEY]: SECRET_SIG, value: {} } } }),
    ).toEqual([]);
  });

  async function check(
    app: HarborPrivateApp,
    credentials: string[],
  ): Promise<{ secretOutputs: string[]; secretInputs: string[] }> {
    await engine.settled(`HarborPrivateApp "${app.config.appName}"`);
    expect(engine.errors).toEqual([]);
    const scanner = createScanner(credentials.map((value) => ({ kind: 'credential', value })));
    const outputs = [
      ...outputsOf('app', app),
      ...outputsOf('app.project', app.project),
      ...app.members.flatMap((m, i) => outputsOf(`app.members[${i}]`, m)),
      ...(app.robot ? outputsOf('app.robot', app.robot) : []),
      ...(app.robotLogin ? outputsOf('app.robotLogin', app.robotLogin) : []),
      ...app.kubernetesObjects.flatMap((o, i) => outputsOf(`app.kubernetesObjects[${i}]`, o)),
    ];
    expect(outputs.length).toBeGreaterThan(10);
    const { secretOutputs, leaks } = await credentialOutputs(outputs, scanner);
    expect(leaks).toEqual([]);

    const urn = await promiseOf(app.urn, 'app.urn');
    const mine = engine.registrations.filter((r: LiveRegistration) => r.urn === urn || r.parent === urn);
    // The component and every child: project, members, robot, the robot's login, Kubernetes objects.
    expect(mine.length).toBe(
      2 + app.members.length + (app.robot ? 1 : 0) + (app.robotLogin ? 1 : 0) + app.kubernetesObjects.length,
    );
    const inputLeaks = mine.flatMap((r) => plainCredentials((s) => scanner.scan(s), r.inputs, `${r.type} ${r.name}`));
    expect(inputLeaks).toEqual([]);
    // The state each dynamic resource stores: a key holding a credential is one the engine keeps secret (named in
    // additionalSecretOutputs, or named like a secret input), whether or not the resource object has an output of it.
    expect(mine.flatMap((r) => storedPlainCredentials((s) => scanner.scan(s), r))).toEqual([]);
    const secretInputs = mine.filter((r) => scanner.scan(JSON.stringify(r.inputs)).length > 0).map((r) => r.name);
    return { secretOutputs, secretInputs };
  }

  /** The admin login in the stack configuration, as `pulumi config set` puts it and the provider host reads it. */
  async function loginConfig(): Promise<void> {
    const config = {
      'project:harborUrl': server.url,
      'project:harborUsername': 'admin',
      'project:harborPassword': adminPassword,
    };
    engine.setConfig(config, ['project:harborPassword']);
    // What the dynamic provider host does before any operation.
    await hostProvider.configure({ config: new DynamicProviderConfig(config, 'project') });
  }

  test("robot credentials: robotSecret and the robot's secret are secret; the pull Secret's data is a secret input holding the issued secret", async () => {
    await loginConfig();
    const app = new HarborPrivateApp('hygiene', {
      registryHost: 'reg.harbor.com',
      project: { name: 'k8s' },
      namespaces: ['kube-system', 'apps'],
      members: [HarborMember.user('k8s-puller', HarborRole.GUEST)],
      serviceAccounts: ['default'],
      workload: { metadata: { name: 'coredns' }, containers: [{ image: 'reg.harbor.com/k8s/coredns:1.2.6' }] },
      // reg.harbor.com is not reachable here: no pull check (test/lab/preflight-pulumi.test.ts checks its messages).
      preflight: { pull: false },
    });
    await engine.settled('HarborPrivateApp "hygiene"');
    const robot = engine.byType('pulumi-nodejs:dynamic/harbor:RobotAccount', 'hygiene-robot')[0];
    const issued = robot?.state?.secret as string;
    expect(typeof issued).toBe('string');
    const { secretOutputs, secretInputs } = await check(app, [issued, adminPassword]);
    // The walk saw the credentials where they must be (so it could have failed); the admin password is nowhere.
    expect(secretOutputs).toEqual(
      expect.arrayContaining(['app.robotSecret', 'app.robot.secret', 'app.robotLogin.secret']),
    );
    expect(secretInputs.sort()).toEqual([
      'hygiene-apps-harbor-k8s',
      'hygiene-kube-system-harbor-k8s',
      'hygiene-robot-login',
    ]);
    const pullSecret = engine.byType('kubernetes:core/v1:Secret', 'hygiene-apps-harbor-k8s')[0];
    expect(isSecretInput(pullSecret.inputs.data)).toBe(true);
    const config = JSON.parse(Buffer.from(pullSecret.state!.data['.dockerconfigjson'], 'base64').toString('utf8'));
    expect(config.auths['reg.harbor.com'].password === issued).toBe(true);
  });

  test('a connection from the stack configuration: the admin password is in no input and no output at all', async () => {
    await loginConfig();
    const app = new HarborPrivateApp('hygiene-config', {
      registryHost: 'reg.harbor.com',
      project: { name: 'k8s-config' },
      namespaces: ['kube-system'],
      members: [HarborMember.user('k8s-puller', HarborRole.GUEST)],
      workload: { metadata: { name: 'coredns' }, containers: [{ image: 'reg.harbor.com/k8s-config/coredns:1.2.6' }] },
      preflight: { pull: false },
    });
    const { secretOutputs, secretInputs } = await check(app, [adminPassword]);
    expect([secretOutputs, secretInputs]).toEqual([[], []]);
    expect(await isSecretOutput(app.robotSecret, 'robotSecret')).toBe(true);
  });

  test("literal credentials: the Secret's data is secret, the password appears in no plain output or input", async () => {
    await loginConfig();
    const password = planted();
    const app = new HarborPrivateApp('hygiene-literal', {
      registryHost: 'reg.harbor.com',
      project: { name: 'k8s', adopt: true },
      namespaces: ['kube-system'],
      credentials: PullCredentials.fromLiteralUnsafeForLocalClustersOnly({
        username: 'robot$k8s+ci',
        password: SecretValue.unsafePlainText(password),
      }),
    });
    const { secretInputs } = await check(app, [password, adminPassword]);
    expect(secretInputs).toEqual(expect.arrayContaining(['hygiene-literal-kube-system-harbor-k8s']));
    expect(await isSecretOutput(app.robotSecret, 'robotSecret')).toBe(false); // no robot: undefined, nothing to hide
    expect(await promiseOf(app.robotSecret, 'robotSecret')).toBeUndefined();
  });
});
