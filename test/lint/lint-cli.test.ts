import { readFileSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { FIXTURES, jsonReport, REPO, runCli, type CliRun } from './run-cli';

const fixture = (name: string): string => `${FIXTURES}/${name}`;
const read = (name: string): string => readFileSync(path.join(REPO, FIXTURES, name), 'utf8');

/** [kind ns/name, container, code] of every finding. */
function found(run: CliRun): Array<[string, string, string]> {
  return jsonReport(run).findings.map((f) => [`${f.kind} ${f.namespace}/${f.name}`, f.container, f.code]);
}

describe("the seed's original mistake: coredns without imagePullSecrets", () => {
  test('is found, with the file, line, object, container, image, what is wrong and the fix', async () => {
    const run = await runCli(['lint', '--format', 'json', fixture('seed')]);
    expect(run.code).toBe(1);
    const [f, ...more] = jsonReport(run).findings;
    expect(more).toEqual([]);
    expect(f).toMatchObject({
      code: 'no-pull-secret',
      file: 'test/lint/fixtures/seed/coredns.yaml',
      line: 37,
      column: 18,
      objectLine: 17,
      kind: 'Deployment',
      namespace: 'kube-system',
      name: 'coredns',
      container: 'coredns',
      init: false,
      image: 'reg.harbor.com/k8s/coredns:1.2.6',
      registry: 'reg.harbor.com',
    });
    expect(f.problem).toContain('without credentials');
    expect(f.problem).toContain('the pod names no imagePullSecrets');
    // The Secret kubectl made in the same namespace is what the fix names.
    expect(f.fix).toContain('add imagePullSecrets: [{name: registry-secret}] to spec.template.spec');
  });

  test('in text: file:line, the object, the image and the fix; exit 1', async () => {
    const run = await runCli(['lint', fixture('seed')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('');
    const lines = run.stdout.trim().split('\n');
    expect(lines[0]).toMatch(
      /^test\/lint\/fixtures\/seed\/coredns\.yaml:37:18: Deployment kube-system\/coredns, container "coredns", image "reg\.harbor\.com\/k8s\/coredns:1\.2\.6" would be pulled from reg\.harbor\.com without credentials/,
    );
    expect(lines[1]).toMatch(/^ {2}Fix: add imagePullSecrets: \[\{name: registry-secret\}\]/);
    expect(lines[2]).toBe(
      'harbor-private-app lint: 1 finding. Checked 1 of 1 container image(s) in 1 workload(s), 3 object(s), 2 file(s); registries (from the pull Secrets): reg.harbor.com.',
    );
  });

  test('without any pull Secret in the input, nothing is checked unless --registry names the registry', async () => {
    const alone = await runCli(['lint', fixture('seed/coredns.yaml')]);
    expect(alone.code).toBe(0);
    expect(alone.stdout).toContain('note: no registry was checked');
    expect(alone.stdout).toContain('Give --registry <your registry host>');

    const flagged = await runCli([
      'lint',
      '--registry',
      'reg.harbor.com',
      '--format=json',
      fixture('seed/coredns.yaml'),
    ]);
    expect(flagged.code).toBe(1);
    expect(found(flagged)).toEqual([['Deployment kube-system/coredns', 'coredns', 'no-pull-secret']]);
    expect(jsonReport(flagged).summary).toMatchObject({ registries: ['reg.harbor.com'], registriesFrom: 'flags' });
  });

  test('the fixed manifest on standard input (-) next to the Secret passes with exit 0', async () => {
    const fixed = read('seed/coredns.yaml').replace(
      '      serviceAccountName: coredns\n',
      '      serviceAccountName: coredns\n      imagePullSecrets:\n        - name: registry-secret\n',
    );
    const run = await runCli(['lint', '-', fixture('seed/registry-secret.yaml')], { stdin: fixed });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('harbor-private-app lint: no finding. Checked 1 of 1 container image(s)');
  });

  test('a finding read from standard input is reported as <stdin>', async () => {
    const run = await runCli(['lint', '--registry', 'reg.harbor.com', '--format', 'json', '-'], {
      stdin: read('seed/coredns.yaml'),
    });
    expect(run.code).toBe(1);
    expect(jsonReport(run).findings[0]).toMatchObject({ file: '<stdin>', line: 37, column: 18, name: 'coredns' });
  });
});

describe('Helm-style output across namespaces (a directory, walked recursively)', () => {
  test('a Secret of the wrong type and a Secret that exists only in other namespaces', async () => {
    const run = await runCli(['lint', '--format', 'json', fixture('helm')]);
    expect(run.code).toBe(1);
    expect(found(run)).toEqual([
      ['Deployment team-b/worker', 'worker', 'secret-wrong-type'],
      ['StatefulSet team-c/db', 'postgres', 'secret-not-found'],
    ]);
    const [wrongType, notFound] = jsonReport(run).findings;
    expect(wrongType.problem).toContain('Secret "regcred" has type Opaque');
    expect(wrongType.fix).toContain('set type: kubernetes.io/dockerconfigjson on Secret "regcred"');
    expect(notFound.problem).toContain(
      'the pod names Secret "regcred", which is not in namespace team-c (there is one in team-a, team-b; kubelet reads only the pod\'s own namespace)',
    );
    expect(notFound.fix).toContain('in namespace team-c');
  });

  test('reads the sub-chart below the directory and skips what is no manifest; public images are not checked', async () => {
    const run = await runCli(['lint', '--format', 'json', fixture('helm')]);
    // rendered.yaml, charts/metrics/rendered.yaml (the ReplicaSet by digest, covered) and values.yaml (no object).
    expect(jsonReport(run).summary).toEqual({
      files: 3,
      objects: 7,
      workloads: 5,
      containers: 6,
      checked: 4,
      registries: ['reg.harbor.com'],
      registriesFrom: 'secrets',
      declaredSecrets: 0,
      uncheckedObjects: [],
    });
  });

  test('--namespace places objects that name none, as kubectl apply -n would', async () => {
    const secret = [
      'apiVersion: v1',
      'kind: Secret',
      'metadata: { name: regcred }',
      'type: kubernetes.io/dockerconfigjson',
      'stringData:',
      '  .dockerconfigjson: \'{"auths":{"reg.harbor.com":{"username":"robot$team-a+ci","password":"not-a-real-secret"}}}\'',
    ].join('\n');
    const pod = (ns?: string): string =>
      [
        'apiVersion: v1',
        'kind: Pod',
        `metadata: { name: app${ns ? `, namespace: ${ns}` : ''} }`,
        'spec:',
        '  imagePullSecrets: [{ name: regcred }]',
        '  containers: [{ name: app, image: reg.harbor.com/team-a/app:1 }]',
      ].join('\n');
    const same = await runCli(['lint', '--namespace', 'team-a', '-'], { stdin: `${secret}\n---\n${pod()}\n` });
    expect(same.code).toBe(0);
    const other = await runCli(['lint', '-n', 'team-a', '--format', 'json', '-'], {
      stdin: `${secret}\n---\n${pod('team-b')}\n`,
    });
    expect(other.code).toBe(1);
    expect(jsonReport(other).findings[0].problem).toContain('(there is one in team-a;');
  });
});

describe('messages stay bounded on large inputs', () => {
  test('a Secret that is in many other namespaces: three are named, the others counted', async () => {
    const secret = (ns: string): string =>
      `apiVersion: v1\nkind: Secret\nmetadata: {name: regcred, namespace: ${ns}}\ntype: kubernetes.io/dockerconfigjson\nstringData: {.dockerconfigjson: '{"auths":{"reg.harbor.com":{}}}'}`;
    const pod = `apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: shared}\nspec:\n  imagePullSecrets: [{name: regcred}]\n  containers: [{name: c, image: reg.harbor.com/x/y:1}]`;
    const stdin = [...Array.from({ length: 12 }, (_, i) => secret(`team-${String(i).padStart(2, '0')}`)), pod].join(
      '\n---\n',
    );
    const run = await runCli(['lint', '--format', 'json', '-'], { stdin });
    expect(jsonReport(run).findings[0].problem).toContain(
      "(there is one in team-00, team-01, team-02 and 9 other namespace(s); kubelet reads only the pod's own namespace)",
    );
  });
});

describe('pull Secrets through ServiceAccounts', () => {
  test("a named ServiceAccount, the implicit default one, and a pod list that replaces the ServiceAccount's", async () => {
    const run = await runCli(['lint', '--format', 'json', fixture('service-accounts.yaml')]);
    expect(run.code).toBe(1);
    // Pod ci/build (ServiceAccount builder) and Job ci/smoke (the default ServiceAccount of ci) are covered.
    expect(found(run)).toEqual([
      ['Pod ci/override', 'main', 'secret-not-found'],
      ['Pod ci/deploy', 'deploy', 'no-pull-secret'],
      ['Deployment ci-preview/preview', 'preview', 'no-pull-secret'],
    ]);
    const [, deploy, preview] = jsonReport(run).findings;
    expect(deploy.problem).toContain('its ServiceAccount "deployer" names none either');
    expect(deploy.fix).toContain('add imagePullSecrets: [{name: regcred}] to spec (');
    expect(preview.problem).toContain('its ServiceAccount "default" is not in the input');
    expect(preview.fix).toContain('or give ServiceAccount "default" those imagePullSecrets');
  });
});

describe('CronJobs with initContainers, and host:port registries both ways', () => {
  test('a bare-host key does not cover host:port, and a host:port key (scheme and /v2/ dropped) does not cover the bare host', async () => {
    const run = await runCli(['lint', '--format', 'json', fixture('cronjobs.yaml')]);
    expect(run.code).toBe(1);
    const findings = jsonReport(run).findings;
    expect(findings.map((f) => [f.name, f.container, f.init, f.image, f.code])).toEqual([
      ['nightly', 'migrate', true, 'reg.harbor.com:8443/batch/migrate:1.0', 'no-entry-for-registry'],
      ['weekly', 'report', false, 'reg.harbor.com/batch/report:1.0', 'no-entry-for-registry'],
    ]);
    expect(findings[0]).toMatchObject({
      kind: 'CronJob',
      namespace: 'batch',
      registry: 'reg.harbor.com:8443',
      line: 38,
      column: 22,
      objectLine: 22,
    });
    expect(findings[0].problem).toContain('"reg.harbor.com" names no port and the image port 8443');
    expect(findings[0].fix).toContain('by "reg.harbor.com:8443"');
    expect(findings[1].problem).toContain('"https://reg.harbor.com:8443/v2/" names port 8443 and the image no port');
    expect(findings[1].fix).toContain('by "reg.harbor.com"');
  });

  test('in the github format: one ::error annotation per finding on its file and line', async () => {
    const run = await runCli(['lint', '--format', 'github', fixture('cronjobs.yaml')]);
    expect(run.code).toBe(1);
    const lines = run.stdout.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(
      /^::error file=test\/lint\/fixtures\/cronjobs\.yaml,line=38,col=22,title=harbor-private-app lint%3A no-entry-for-registry::CronJob batch\/nightly, init container "migrate", image "reg\.harbor\.com:8443\/batch\/migrate:1\.0" would be pulled/,
    );
    expect(lines[1]).toMatch(/^::error file=test\/lint\/fixtures\/cronjobs\.yaml,line=62,col=22,title=/);
    expect(lines[2]).toMatch(/^harbor-private-app lint: 2 findings\./);
  });
});

describe('ExternalSecrets that template a dockerconfigjson (what this project emits)', () => {
  test('count as that Secret, keyed by the host of their template; a missing template type is a wrong type', async () => {
    const run = await runCli(['lint', '--format', 'json', fixture('external-secrets.yaml')]);
    expect(run.code).toBe(1);
    const report = jsonReport(run);
    expect(found(run)).toEqual([['Deployment shop/admin', 'admin', 'secret-wrong-type']]);
    expect(report.findings[0].problem).toContain(
      'Secret "admin-pull" (made by ExternalSecret "admin-pull") has type Opaque',
    );
    expect(report.findings[0].fix).toBe(
      'set spec.target.template.type: kubernetes.io/dockerconfigjson on ExternalSecret "admin-pull"',
    );
    // Deployment shop/web is covered by harbor-pull (target name) keyed harbor.example.com:8443; the templated host
    // of edge-pull cannot be known before External Secrets runs: a note, not a finding.
    expect(report.summary.checked).toBe(3);
    expect(report.notes).toEqual([
      {
        file: 'test/lint/fixtures/external-secrets.yaml',
        line: 40,
        message:
          'Secret "edge-pull" (made by ExternalSecret "edge-pull") in edge: its registry hosts are known only once it exists ' +
          '(the registry host of its .dockerconfigjson comes from a template expression); the images that use it were counted as covered',
      },
    ]);
  });
});

describe('input', () => {
  test('JSON (kubectl get -o json): a List and its items', async () => {
    const run = await runCli(['lint', '--registry', 'reg.harbor.com', '--format', 'json', fixture('pods.json')]);
    expect(run.code).toBe(1);
    expect(found(run)).toEqual([['Pod kube-system/debug', 'shell', 'no-pull-secret']]);
  });

  test('a YAML syntax error: exit 2, the error with its file, line, column and fix in the report', async () => {
    const run = await runCli(['lint', fixture('broken.yaml')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('');
    const lines = run.stdout.split('\n');
    expect(lines[0]).toMatch(/^test\/lint\/fixtures\/broken\.yaml:10:26: error: YAML syntax error: /);
    expect(lines[1]).toBe('  Fix: correct the YAML at this line and column (kubectl cannot read it either).');
    expect(lines[2]).toMatch(
      /^harbor-private-app lint: no finding, 1 input error \(what they hold was not checked\)\./,
    );
  });

  test('a syntax error inside a directory: the rest is checked; exit 3 = findings (1) + an input not read (2)', async () => {
    const run = await runCli(['lint', '--format', 'json', fixture('')]);
    expect(run.code).toBe(3);
    const report = jsonReport(run);
    expect(report.errors).toEqual([
      expect.objectContaining({ code: 'yaml-syntax', file: 'test/lint/fixtures/broken.yaml', line: 10, column: 26 }),
    ]);
    expect(report.findings.length).toBeGreaterThan(5);
  });

  test.each([
    [['lint', 'no/such/dir'], 'not-found', 'no/such/dir: error: no such file or directory.'],
    [['lint', 'test/lint/fixtures/helm/NOTES.txt/x'], 'unreadable', 'cannot be read (ENOTDIR)'],
  ])('a path that cannot be read is an input error: %j', async (argv, code, message) => {
    const run = await runCli([...argv, fixture('seed')]);
    expect(run.code).toBe(3);
    expect(run.stdout).toContain(message);
    const json = await runCli([...argv, '--format', 'json', fixture('seed')]);
    expect(jsonReport(json).errors.map((e) => e.code)).toEqual([code]);
    expect(jsonReport(json).summary.checked).toBe(1);
  });

  test.each([
    [['lint'], 'lint needs at least one PATH'],
    [['lint', '--format', 'xml', 'x'], '--format "xml" is not one of text, json, github, sarif'],
    [['lint', '--registry', 'https://reg.harbor.com/k8s', 'x'], 'is not a registry host'],
    [['lint', '--registry'], '--registry needs a value'],
    [['lint', '--frobnicate', 'x'], 'unknown option "--frobnicate"'],
    [
      ['lint', '--namespace', 'Kube_System', 'x'],
      '--namespace = "Kube_System": is not a valid namespace name (RFC 1123 label: at most 63 lowercase letters, digits and "-", starting and ending alphanumeric). Fix: use a name such as "kube-system"',
    ],
    [['lint', '-', '-'], '"-" (standard input) is given more than once'],
    [['deploy'], 'unknown command "deploy"'],
    [[], 'no command given'],
  ])('usage error %j: exit 2 and %s', async (argv, message) => {
    const run = await runCli(argv, { stdin: '' });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(message);
  });

  test('a bad --registry value is rejected before anything is read', async () => {
    // A path that does not exist: read first, the run would fail on it instead.
    const run = await runCli(['lint', '--registry', 'https://reg.harbor.com/k8s', 'does-not-exist.yaml']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Fix: give host or host:port');
    expect(run.stderr).not.toContain('does-not-exist.yaml');
  });

  test('--help prints the usage with the exit codes; exit 0', async () => {
    const run = await runCli(['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('harbor-private-app lint      [options] PATH...');
    expect(run.stdout).toContain('--assume-secret NAMESPACE/NAME=HOST[,HOST]');
    expect(run.stdout).toContain('Exit codes: 0 no finding; 1 findings; 2 an input could not be read');
    expect(run.stdout).toContain('3 findings and an input that could not be read.');
  });
});

describe('Secret data is never printed', () => {
  const files = (dir: string): string[] =>
    readdirSync(dir).flatMap((n) => {
      const full = path.join(dir, n);
      return statSync(full).isDirectory() ? files(full) : [full];
    });
  const inputs = [
    ...files(path.join(REPO, FIXTURES)).filter((f) => /\.(ya?ml|json)$/.test(f)),
    ...readdirSync(path.join(REPO, 'test/lint/corpus')).map((c) => path.join(REPO, 'test/lint/corpus', c, 'repo')),
  ].map((f) => path.relative(REPO, f));

  test.each(['text', 'json', 'github', 'sarif'])(
    'in %s output of every fixture (no password, auth, data, user name)',
    async (format) => {
      for (const input of inputs) {
        for (const flags of [[], ['--registry', 'reg.harbor.com']]) {
          const run = await runCli(['lint', '--format', format, ...flags, input]);
          const out = run.stdout + run.stderr;
          expect(out).not.toContain('not-a-real-secret');
          expect(out).not.toContain('cm9ib3Qk'); // base64 of "robot$..."
          expect(out).not.toContain('eyJhdXRocy'); // base64 of '{"auths"...'
          expect(out).not.toMatch(/robot\$/);
          expect(out).not.toContain('password');
          expect(out).not.toContain('ENC['); // SOPS
          expect(out).not.toMatch(/Ag[A-Z][A-Za-z0-9+/]{20}/); // Sealed Secrets ciphertext
        }
      }
    },
  );
});
