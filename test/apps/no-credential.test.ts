import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { findCredentials } from '../support/credentials';

// Runs the real `npm run synth` entry point (cdk8s synth runs exactly this command) into a temp dir.
describe('dist/ holds no credential in the default mode', () => {
  const root = path.resolve(__dirname, '..', '..');
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'hpa-synth-'));
  afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

  test('synthesized YAML has no Secret data, no literal docker auth, no password', () => {
    execFileSync(process.execPath, ['-r', 'ts-node/register/transpile-only', 'apps/cdk8s/main.ts'], {
      cwd: root,
      env: { ...process.env, CDK8S_OUTDIR: outdir },
      stdio: 'pipe',
      timeout: 60_000,
    });
    const files = fs.readdirSync(outdir).filter((f) => f.endsWith('.yaml'));
    expect(files.sort()).toEqual(['coredns.k8s.yaml', 'tenants.k8s.yaml']);
    let objects = 0;
    for (const f of files) {
      const docs = parseAllDocuments(fs.readFileSync(path.join(outdir, f), 'utf8')).map((d) => d.toJS());
      objects += docs.length;
      expect(findCredentials(docs)).toEqual([]);
    }
    expect(objects).toBeGreaterThan(20);
  });
});
