/**
 * Inputs that cannot be read are errors of their own (exit code 2, added to 1 for findings), never a silent pass or a
 * run stopped: files in UTF-16 or UTF-32, Helm charts, symbolic link loops, inputs too large (devices and pipes too).
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { jsonReport, runCli } from './run-cli';

const POD = [
  'apiVersion: v1',
  'kind: Pod',
  'metadata: { name: app, namespace: shop }',
  'spec:',
  '  containers: [{ name: app, image: reg.harbor.com/shop/app:1 }]',
  '',
].join('\r\n');

let root: string;
beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'hpa-inputs-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const write = (name: string, content: string | Buffer): void => {
  mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
  writeFileSync(path.join(root, name), content);
};

/** [code, file, line?] of every input error, and the finding codes. */
async function lint(
  ...args: string[]
): Promise<{ code: number; errors: string[]; findings: string[]; stdout: string }> {
  const run = await runCli(['lint', '--registry', 'reg.harbor.com', '--format', 'json', ...args], { cwd: root });
  const report = jsonReport(run);
  return {
    code: run.code,
    errors: report.errors.map((e) => [e.code, e.file, e.line].filter((x) => x !== undefined).join(' ')),
    findings: report.findings.map((f) => `${f.file} ${f.code}`),
    stdout: run.stdout,
  };
}

describe('encodings, as kubectl reads them', () => {
  test('UTF-16 with a byte order mark (what PowerShell > writes) is read, both byte orders; UTF-8 with a mark too', async () => {
    write('le.yaml', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(POD, 'utf16le')]));
    const be = Buffer.from(POD, 'utf16le').swap16();
    write('be.yaml', Buffer.concat([Buffer.from([0xfe, 0xff]), be]));
    write('bom8.yaml', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(POD)]));
    const run = await lint('.');
    expect(run.errors).toEqual([]);
    expect(run.findings).toEqual(['be.yaml no-pull-secret', 'bom8.yaml no-pull-secret', 'le.yaml no-pull-secret']);
  });

  test('UTF-32, and UTF-16 without a mark, are errors that say why, never "0 objects"', async () => {
    const utf32 = Buffer.alloc(POD.length * 4);
    for (let i = 0; i < POD.length; i++) utf32.writeUInt32LE(POD.charCodeAt(i), i * 4);
    write('utf32.yaml', Buffer.concat([Buffer.from([0xff, 0xfe, 0, 0]), utf32]));
    write('nomark.yaml', Buffer.from(POD, 'utf16le'));
    write('ok.yaml', POD);
    const run = await lint('.');
    expect(run.errors).toEqual(['encoding nomark.yaml', 'encoding utf32.yaml']);
    expect(run.findings).toEqual(['ok.yaml no-pull-secret']);
    expect(run.code).toBe(3);
    const text = await runCli(['lint', '--registry', 'reg.harbor.com', 'utf32.yaml'], { cwd: root });
    expect(text.stdout).toContain(
      'utf32.yaml: error: is UTF-32 (its byte order mark says so), which kubectl cannot read',
    );
    expect(text.stdout).toContain('Fix: save it as UTF-8');
  });
});

describe('Helm charts', () => {
  const chart = (dir: string): void => {
    write(`${dir}/Chart.yaml`, 'apiVersion: v2\nname: app\nversion: 1.0.0\n');
    write(`${dir}/values.yaml`, 'image: {repository: reg.harbor.com/shop/app}\n');
    write(
      `${dir}/templates/deployment.yaml`,
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ include "app.fullname" . }}\n',
    );
    write(`${dir}/templates/service.yaml`, 'apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Release.Name }}\n');
    write(
      `${dir}/crds/widget.yaml`,
      'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: widgets.example.com}\n',
    );
  };

  test('a chart in the tree is one error that says how to lint what it renders; the rest of the tree is checked', async () => {
    chart('charts/app');
    write('rendered/pod.yaml', POD);
    const run = await lint('.');
    expect(run.errors).toEqual(['helm-chart charts/app/Chart.yaml']);
    expect(run.findings).toEqual(['rendered/pod.yaml no-pull-secret']);
    expect(run.code).toBe(3);
    expect(run.stdout).toContain('helm template RELEASE charts/app | harbor-private-app lint -');
  });

  test('a template given by name is an error of its own, not parser jargon', async () => {
    chart('charts/app');
    const run = await lint('charts/app/templates/deployment.yaml');
    expect(run.errors).toEqual(['helm-chart charts/app/templates/deployment.yaml']);
    expect(run.stdout).not.toMatch(/BLOCK_IN_FLOW|UNEXPECTED/);
    expect(run.code).toBe(2);
  });

  test('a template outside a chart fails to parse as a template, with the same advice', async () => {
    write(
      'deploy.yaml',
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  labels:\n    {{- include "app.labels" . | nindent 4 }}\n',
    );
    const run = await lint('deploy.yaml');
    expect(run.errors).toEqual(['template deploy.yaml 5']);
    expect(run.stdout).toContain('helm template RELEASE CHART | harbor-private-app lint -');
  });
});

describe('paths', () => {
  test('a symbolic link loop is said to be one, not a missing file; the other paths are read', async () => {
    symlinkSync('loop-b.yaml', path.join(root, 'loop-a.yaml'));
    symlinkSync('loop-a.yaml', path.join(root, 'loop-b.yaml'));
    write('ok.yaml', POD);
    const given = await lint('loop-a.yaml', 'ok.yaml');
    expect(given.errors).toEqual(['unreadable loop-a.yaml']);
    expect(given.stdout).toContain('is a loop of symbolic links');
    const walked = await lint('.');
    expect(walked.errors).toEqual(['unreadable loop-a.yaml', 'unreadable loop-b.yaml']);
    expect(walked.findings).toEqual(['ok.yaml no-pull-secret']);
  });

  test('a directory without manifests is an error; a missing path too', async () => {
    write('docs/README.md', '# nothing\n');
    const run = await lint('docs', 'missing.yaml');
    expect(run.errors).toEqual(['no-manifest-file docs', 'not-found missing.yaml']);
    expect(run.code).toBe(2);
  });
});

describe('bounded input', () => {
  test('a file larger than --max-file-size is an error, read no further', async () => {
    write('big.yaml', `${POD}---\n${'# padding\n'.repeat(120_000)}`);
    write('ok.yaml', POD);
    const run = await lint('--max-file-size', '1', '.');
    expect(run.errors).toEqual(['too-large big.yaml']);
    expect(run.stdout).toContain('is larger than 1 MiB, the most lint reads from one input');
    expect(run.findings).toEqual(['ok.yaml no-pull-secret']);
  });

  test('/dev/zero: an error after at most the limit, not a run that reads forever', async () => {
    const run = await lint('--max-file-size', '2', '/dev/zero');
    expect(run.errors).toEqual(['too-large /dev/zero']);
    expect(run.code).toBe(2);
  });

  test('standard input larger than the limit is an error too', async () => {
    const run = await runCli(['lint', '--max-file-size', '1', '-'], { stdin: 'x'.repeat(1024 * 1024 + 1), cwd: root });
    expect(run.code).toBe(2);
    expect(run.stdout).toContain('<stdin>: error: is larger than 1 MiB');
  });

  test.each([['0'], ['-1'], ['1.5'], ['4097'], ['lots']])('--max-file-size %s is a usage error', async (v) => {
    const run = await runCli(['lint', `--max-file-size=${v}`, '.'], { cwd: root });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('is not a whole number of MiB from 1 to 4096');
  });
});
