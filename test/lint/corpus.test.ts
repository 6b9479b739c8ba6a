/**
 * The lint corpus: repositories in the shapes of real ones (coredns's deployment, Bitnami Sealed Secrets and SOPS in
 * GitOps layouts, External Secrets, kube-prometheus, argo-cd's install, kubernetes/examples, Helm charts), written for
 * this project (no upstream file is copied). Each case is a directory:
 *
 * - `repo/`: the repository, linted from its own root (so `.harbor-private-app.yaml` is found as in a real run);
 * - `expected.yaml`: the arguments, the exit code, every finding (`file:line:column KIND NS/NAME CONTAINER CODE`, the
 *   line and column of the image, checked against the file), every
 *   input error (`file[:line:column] CODE`) and a substring of every note, in order.
 *
 * A case fails on any finding, error or note more or fewer than expected.
 */
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { decodeManifestBytes } from '../../lib/lint/encoding';
import { jsonReport, runCli } from './run-cli';

const CORPUS = path.join(__dirname, 'corpus');

interface Expected {
  readonly args: readonly string[];
  readonly exit: number;
  readonly findings?: readonly string[];
  readonly errors?: readonly string[];
  readonly notes?: readonly string[];
  /** Fields of the summary that must be as given. */
  readonly summary?: Readonly<Record<string, unknown>>;
}

const cases = readdirSync(CORPUS).filter((name) => !name.startsWith('.'));

describe('the lint corpus', () => {
  test('has cases', () => {
    expect(cases.length).toBeGreaterThan(0);
  });

  test.each(cases)('%s', async (name) => {
    const dir = path.join(CORPUS, name);
    const expected = parse(readFileSync(path.join(dir, 'expected.yaml'), 'utf8')) as Expected;
    const run = await runCli(['lint', '--format', 'json', ...expected.args], { cwd: path.join(dir, 'repo') });
    const report = jsonReport(run);
    expect(run.stderr).toBe('');
    const findings = report.findings.map(
      (f) => `${f.file}:${f.line}:${f.column} ${f.kind} ${f.namespace}/${f.name} ${f.container} ${f.code}`,
    );
    expect(findings).toEqual(expected.findings ?? []);
    // Each finding points at its image, in the file as kubectl reads it.
    for (const f of report.findings) {
      const bytes = readFileSync(path.join(dir, 'repo', f.file));
      const decoded = decodeManifestBytes(bytes);
      if ('problem' in decoded) throw new Error(decoded.problem);
      const line = decoded.text.split(/\r?\n/)[f.line - 1];
      expect([f.file, f.line, line.slice(f.column - 1).replace(/^["']/, '')]).toEqual([
        f.file,
        f.line,
        expect.stringMatching(new RegExp(`^${f.image.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`)),
      ]);
    }
    const errors = report.errors.map((e) => `${e.file}${e.line ? `:${e.line}:${e.column}` : ''} ${e.code}`);
    expect(errors).toEqual(expected.errors ?? []);
    const notes = report.notes.map((n) => n.message as string);
    expect(notes).toHaveLength((expected.notes ?? []).length);
    (expected.notes ?? []).forEach((want, i) => expect([i, notes[i]]).toEqual([i, expect.stringContaining(want)]));
    if (expected.summary) expect(report.summary).toMatchObject(expected.summary);
    expect(run.code).toBe(expected.exit);
  });
});
