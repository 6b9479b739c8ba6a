/**
 * Secret hygiene, the ledger: where the secrets the lab issues during a jest run are written down, so that the run's
 * end can look for them everywhere they must not be (see ./hygiene-scan.js and ./hygiene-reporter.js).
 *
 * The reporter creates a private temporary directory per run and names it in the environment variable
 * {@link LEDGER_ENV} before any test file starts, so every jest worker appends to it: `ledger-<pid>.jsonl`
 * (`{kind, value}` per line) and `log-<pid>.jsonl` (captured console and stdout/stderr output). The directory is
 * mode 0700 and removed when the run ends. Without the variable (jest run with other reporters) nothing is recorded.
 *
 * Plain CommonJS (loaded by the reporter untransformed). Types: ./hygiene-ledger.d.ts.
 */
'use strict';

const fs = require('node:fs');
const path = require('node:path');

/** The environment variable that names the ledger directory of the current run. */
const LEDGER_ENV = 'HPA_HYGIENE_LEDGER_DIR';

/** The ledger directory of the current run, or undefined when hygiene is off. */
function ledgerDir(env = process.env) {
  const dir = env[LEDGER_ENV];
  return typeof dir === 'string' && dir !== '' ? dir : undefined;
}

/**
 * Writes down a secret the lab issued or was given. Never throws (a run whose ledger is gone records nothing more).
 * @param {string} kind e.g. `robot-secret`, `admin-password`, `user-password`
 * @param {unknown} value the secret; anything but a non-empty string is ignored
 * @param {string} [dir] the ledger directory (default: from the environment)
 * @returns {boolean} whether it was written
 */
function recordSecret(kind, value, dir = ledgerDir()) {
  if (!dir || typeof value !== 'string' || value === '') return false;
  try {
    fs.appendFileSync(path.join(dir, `ledger-${process.pid}.jsonl`), `${JSON.stringify({ kind, value })}\n`, {
      mode: 0o600,
    });
    return true;
  } catch {
    return false;
  }
}

/**
 * Appends captured output (a console call or a stdout/stderr write) of a test file. Never throws.
 * @returns {boolean} whether it was written
 */
function recordOutput(file, stream, text, dir = ledgerDir()) {
  if (!dir || typeof text !== 'string' || text === '') return false;
  try {
    fs.appendFileSync(path.join(dir, `log-${process.pid}.jsonl`), `${JSON.stringify({ file, stream, text })}\n`, {
      mode: 0o600,
    });
    return true;
  } catch {
    return false;
  }
}

module.exports = { LEDGER_ENV, ledgerDir, recordSecret, recordOutput };
