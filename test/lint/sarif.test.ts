/**
 * --format sarif: a SARIF 2.1.0 log that GitHub code scanning accepts (the properties its upload requires: version,
 * the tool's name and rules, each result's ruleId, message and physical location with a line), with the same
 * findings, input errors and positions as the JSON report.
 */
import * as path from 'node:path';
import { jsonReport, runCli } from './run-cli';

const CASE = path.join(__dirname, 'corpus', 'examples-repo', 'repo');

describe('--format sarif', () => {
  test('every finding and input error is a result on its file, line and column, under a rule of the run', async () => {
    const [sarifRun, jsonRun] = await Promise.all([
      runCli(['lint', '--format', 'sarif', '.'], { cwd: CASE }),
      runCli(['lint', '--format', 'json', '.'], { cwd: CASE }),
    ]);
    expect(sarifRun.code).toBe(jsonRun.code);
    expect(sarifRun.stderr).toBe('');
    const log = JSON.parse(sarifRun.stdout);
    expect(log.version).toBe('2.1.0');
    expect(log.$schema).toBe('https://json.schemastore.org/sarif-2.1.0.json');
    expect(log.runs).toHaveLength(1);
    const [run] = log.runs;
    expect(run.tool.driver.name).toBe('harbor-private-app');
    expect(run.tool.driver.version).toMatch(/^\d+\.\d+\.\d+/);
    const rules: string[] = run.tool.driver.rules.map((r: any) => r.id);
    expect(new Set(rules).size).toBe(rules.length);
    for (const r of run.tool.driver.rules) expect(r.shortDescription.text.length).toBeGreaterThan(10);
    for (const result of run.results) {
      expect(rules[result.ruleIndex]).toBe(result.ruleId);
      expect(result.message.text.length).toBeGreaterThan(0);
    }
    const report = jsonReport(jsonRun);
    const where = (r: any): string => {
      const loc = r.locations[0].physicalLocation;
      return `${r.ruleId} ${loc.artifactLocation.uri}:${loc.region.startLine}:${loc.region.startColumn}`;
    };
    expect(run.results.filter((r: any) => r.level === 'error').map(where)).toEqual([
      ...report.errors.map((e) => `${e.code} ${e.file}:${e.line}:${e.column}`),
      ...report.findings.map((f) => `${f.code} ${f.file}:${f.line}:${f.column}`),
    ]);
    expect(run.invocations[0].executionSuccessful).toBe(false);
  });

  test('paths are URIs with / separators; standard input and whole-file errors have no region', async () => {
    const run = await runCli(['lint', '--format', 'sarif', '--registry', 'reg.harbor.com', '-', 'no such.yaml'], {
      stdin:
        'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, image: reg.harbor.com/a/b:1}]}\n',
    });
    const [sarif] = JSON.parse(run.stdout).runs;
    const byRule = Object.fromEntries(sarif.results.map((r: any) => [r.ruleId, r]));
    expect(byRule['not-found'].locations).toEqual([
      { physicalLocation: { artifactLocation: { uri: 'no%20such.yaml' } } },
    ]);
    expect(byRule['no-pull-secret'].locations).toEqual([]);
    expect(run.code).toBe(3);
  });
});
