/**
 * Pull Secrets that live outside the input: declared with --assume-secret or in .harbor-private-app.yaml (found in
 * the working directory or above it, as eslint and prettier find theirs).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { jsonReport, runCli, type CliRun } from './run-cli';

const DEPLOYMENT = (ns: string, image: string, secret = 'regcred'): string =>
  [
    'apiVersion: apps/v1',
    'kind: Deployment',
    `metadata: { name: web, namespace: ${ns} }`,
    'spec:',
    '  template:',
    '    spec:',
    `      imagePullSecrets: [{ name: ${secret} }]`,
    `      containers: [{ name: web, image: ${image} }]`,
  ].join('\n');

const codes = (run: CliRun): string[] => jsonReport(run).findings.map((f) => `${f.namespace} ${f.code}`);

describe('--assume-secret NAMESPACE/NAME=HOST[,HOST]', () => {
  test('without it, a Secret made by kubectl is not found; with it, the workload passes and its host is checked', async () => {
    const stdin = DEPLOYMENT('shop', 'reg.harbor.com/shop/web:1');
    const before = await runCli(['lint', '--registry', 'reg.harbor.com', '--format', 'json', '-'], { stdin });
    expect(codes(before)).toEqual(['shop secret-not-found']);
    expect(jsonReport(before).findings[0].fix).toContain('declare it: --assume-secret shop/regcred=reg.harbor.com');

    const after = await runCli(['lint', '--assume-secret', 'shop/regcred=reg.harbor.com', '--format', 'json', '-'], {
      stdin,
    });
    expect(after.code).toBe(0);
    expect(jsonReport(after).summary).toMatchObject({
      checked: 1,
      registries: ['reg.harbor.com'],
      registriesFrom: 'secrets',
      declaredSecrets: 1,
    });
  });

  test('the declared hosts are matched as kubelet matches a .dockerconfigjson key: the port, a glob, a path', async () => {
    const stdin = [
      DEPLOYMENT('a', 'reg.harbor.com:8443/a/web:1'),
      DEPLOYMENT('b', 'eu.harbor.com/b/web:1'),
      DEPLOYMENT('c', 'reg.harbor.com/other/web:1'),
    ].join('\n---\n');
    const run = await runCli(
      [
        'lint',
        '--format=json',
        '--assume-secret=a/regcred=reg.harbor.com',
        '--assume-secret',
        'b/regcred=*.harbor.com',
        '--assume-secret',
        'c/regcred=reg.harbor.com/team,https://reg.harbor.com:8443',
        '-',
      ],
      { stdin },
    );
    expect(codes(run)).toEqual(['a no-entry-for-registry', 'c no-entry-for-registry']);
    const [a, c] = jsonReport(run).findings;
    expect(a.problem).toContain('Secret "regcred" (declared with --assume-secret) has entries for "reg.harbor.com"');
    expect(a.problem).toContain('a key covers only the port it names');
    expect(a.fix).toContain('add that host to its declaration in --assume-secret');
    expect(c.problem).toContain('"reg.harbor.com/team" is limited to the repositories under /team');
  });

  test('* declares the Secret in every namespace', async () => {
    const stdin = [DEPLOYMENT('a', 'reg.harbor.com/a/web:1'), DEPLOYMENT('b', 'reg.harbor.com/b/web:1')].join(
      '\n---\n',
    );
    const run = await runCli(['lint', '--assume-secret', '*/regcred=reg.harbor.com', '-'], { stdin });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Checked 2 of 2 container image(s)');
    expect(run.stdout).toContain('1 pull Secret(s) declared outside the input');
  });

  test.each([
    ['regcred=reg.harbor.com', 'is not NAMESPACE/NAME=HOST[,HOST]'],
    ['shop/regcred', 'is not NAMESPACE/NAME=HOST[,HOST]'],
    ['Shop/regcred=reg.harbor.com', 'is not a valid namespace name'],
    ['shop/Reg_Cred=reg.harbor.com', 'is not a valid Kubernetes object name'],
    ['shop/regcred=', 'names an empty registry host'],
    ['shop/regcred=reg.harbor.com,', 'names an empty registry host'],
    ['shop/regcred=reg.harbor.com:http', 'is no registry address kubelet can read'],
  ])('%j is a usage error before anything is read: %s', async (value, message) => {
    const run = await runCli(['lint', '--assume-secret', value, 'does-not-exist.yaml']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.stderr).toContain('Fix:');
    expect(run.stderr).not.toContain('does-not-exist.yaml');
  });
});

describe('.harbor-private-app.yaml', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'hpa-config-'));
    mkdirSync(path.join(root, 'deploy', 'prod'), { recursive: true });
    writeFileSync(path.join(root, 'deploy', 'prod', 'web.yaml'), DEPLOYMENT('shop', 'reg.harbor.com/shop/web:1'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const config = (text: string, name = '.harbor-private-app.yaml'): void => writeFileSync(path.join(root, name), text);

  test('is found in a directory above the working directory, and named in the summary', async () => {
    config('assumeSecrets:\n  - shop/regcred=reg.harbor.com\n');
    const run = await runCli(['lint', '--format', 'json', '.'], { cwd: path.join(root, 'deploy', 'prod') });
    expect(run.code).toBe(0);
    expect(jsonReport(run).summary).toMatchObject({
      checked: 1,
      declaredSecrets: 1,
      config: path.join(root, '.harbor-private-app.yaml'),
    });
    const text = await runCli(['lint', 'deploy'], { cwd: root });
    expect(text.stdout).toContain('(config .harbor-private-app.yaml).');
  });

  test('its registries are added to --registry; --no-config reads none; --config names another', async () => {
    config('registries: [reg.harbor.com]\n');
    const found = await runCli(['lint', '--format', 'json', 'deploy'], { cwd: root });
    expect(codes(found)).toEqual(['shop secret-not-found']);
    const none = await runCli(['lint', '--no-config', '--format', 'json', 'deploy'], { cwd: root });
    expect(none.code).toBe(0);
    expect(jsonReport(none).summary.checked).toBe(0);
    config('assumeSecrets: ["*/regcred=reg.harbor.com"]\n', 'ci.yaml');
    const other = await runCli(['lint', '--config', 'ci.yaml', '--format', 'json', 'deploy'], { cwd: root });
    expect(other.code).toBe(0);
    expect(jsonReport(other).summary).toMatchObject({ checked: 1, config: 'ci.yaml' });
  });

  test.each([
    [
      'assumeSecret: [shop/regcred=reg.harbor.com]\n',
      '.harbor-private-app.yaml:1: unknown key "assumeSecret". Fix: use registries, assumeSecrets, imagePaths.',
    ],
    ['registries: reg.harbor.com\n', '.harbor-private-app.yaml:1: registries must be a list of non-empty strings.'],
    [
      '# facts\nassumeSecrets:\n  - shop/regcred\n',
      '.harbor-private-app.yaml "shop/regcred" is not NAMESPACE/NAME=HOST[,HOST]',
    ],
    [
      'registries: [https://reg.harbor.com/k8s]\n',
      '.harbor-private-app.yaml: registries: --registry "https://reg.harbor.com/k8s" is not a registry host',
    ],
    ['registries: [a\n', '.harbor-private-app.yaml:2:1: the config file is not valid YAML'],
    ['- a\n', 'the config file must be a mapping'],
    ['imagePaths: [Tenant]\n', '.harbor-private-app.yaml: imagePaths: --image-path "Tenant" is not KIND:JSONPATH'],
  ])('a config file that cannot be used is an error naming the file and the fix: %j', async (text, message) => {
    config(text);
    const run = await runCli(['lint', 'deploy'], { cwd: root });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(message);
  });

  test('--config of a file that does not exist is an error', async () => {
    const run = await runCli(['lint', '--config', 'nope.yaml', 'deploy'], { cwd: root });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--config nope.yaml: no such file.');
  });
});
