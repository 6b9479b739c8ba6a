/**
 * Secret hygiene, the run-wide part (a jest reporter, next to jest's default one):
 * - `onRunStart`: creates the run's ledger directory (mode 0700, under os.tmpdir()) and names it in the environment
 *   before any worker starts, so ./hygiene-setup.js records into it;
 * - `onTestResult`: keeps every failure message and buffered console entry;
 * - `onRunComplete`: scans the captured logs, those messages, every file of the working tree (tracked and untracked,
 *   not ignored: snapshots included) and the lab's leftovers in os.tmpdir() for any secret of the ledger (raw or
 *   base64), removes the ledger, and FAILS the run (`getLastError`) naming each place, never the secret.
 *
 * Options (jest.config.js `['<path>', {...}]`, all for tests of the reporter itself): `rootDir` (default: jest's
 * rootDir), `tmpDir` (default: os.tmpdir()), `env` (default: process.env), `quiet` (default: false).
 */
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { LEDGER_ENV } = require('./hygiene-ledger');
const { formatFinding, runHygieneScan } = require('./hygiene-scan');

class HygieneReporter {
  constructor(globalConfig, options = {}) {
    this.rootDir = options.rootDir ?? (globalConfig && globalConfig.rootDir) ?? process.cwd();
    this.tmpDir = options.tmpDir ?? os.tmpdir();
    this.env = options.env ?? process.env;
    this.quiet = options.quiet ?? false;
    this.messages = [];
    this.error = undefined;
    this.ledgerDir = undefined;
    this.lastScan = undefined;
    this.setupMs = 0;
  }

  onRunStart() {
    this.setupMs = 0;
    this.messages = [];
    this.error = undefined;
    this.ledgerDir = fs.mkdtempSync(path.join(this.tmpDir, 'hpa-hygiene-'));
    fs.chmodSync(this.ledgerDir, 0o700);
    this.env[LEDGER_ENV] = this.ledgerDir;
  }

  onTestResult(test, result) {
    const file = path.relative(this.rootDir, (result && result.testFilePath) || (test && test.path) || '');
    const perf = result.perfStats;
    if (perf && perf.setupFilesEnd >= perf.setupFilesStart) this.setupMs += perf.setupFilesEnd - perf.setupFilesStart;
    if (result.failureMessage) this.messages.push({ where: `failure message of ${file}`, text: result.failureMessage });
    if (result.testExecError)
      this.messages.push({
        where: `error running ${file}`,
        text: `${result.testExecError.message}\n${result.testExecError.stack ?? ''}`,
      });
    for (const a of result.testResults ?? []) {
      for (const m of a.failureMessages ?? [])
        this.messages.push({ where: `failure of "${a.fullName}" in ${file}`, text: m });
    }
    for (const c of result.console ?? [])
      this.messages.push({ where: `console.${c.type} of ${file}`, text: String(c.message) });
  }

  onRunComplete() {
    const dir = this.ledgerDir;
    if (!dir) return;
    const started = Date.now();
    try {
      const scan = runHygieneScan({
        ledgerDir: dir,
        rootDir: this.rootDir,
        tmpDir: this.tmpDir,
        messages: this.messages,
      });
      this.lastScan = { ...scan, ms: Date.now() - started };
      if (scan.findings.length > 0) {
        const lines = scan.findings.map((f) => `  - ${formatFinding(f)}`);
        this.error = new Error(
          `Secret hygiene: ${scan.findings.length} leak(s) of secrets the lab issued (of ${scan.secrets} recorded this run):\n${lines.join('\n')}\n` +
            'A robot secret or password must only ever be inside a Secret object or a Pulumi secret: never in a log line, an error message, a snapshot or a file.',
        );
        if (!this.quiet) process.stderr.write(`\n${this.error.message}\n`);
      } else if (!this.quiet && this.env.HPA_HYGIENE_VERBOSE) {
        process.stderr.write(
          `Secret hygiene: ${scan.secrets} secret(s), ${scan.filesScanned} file(s), ${this.messages.length} message(s), no leak (scan ${this.lastScan.ms} ms, setup files ${this.setupMs} ms in all)${scan.skipped.length ? `; ${scan.skipped.length} too short to scan` : ''}\n`,
        );
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
      if (this.env[LEDGER_ENV] === dir) delete this.env[LEDGER_ENV];
      this.ledgerDir = undefined;
      this.messages = [];
    }
  }

  getLastError() {
    return this.error;
  }
}

module.exports = HygieneReporter;
