/**
 * Secret hygiene, the scanner: finds the secrets of a ledger (every robot secret the lab's Harbor emulator issued,
 * every password it was given) in text and files, raw or base64-encoded (once, as in a `.dockerconfigjson`'s `auth`
 * or a Secret's `data`, or twice, as in a Secret's `data` holding only an `auth`), and reports WHERE, never the
 * secret itself (a finding names the secret's kind and a short SHA-256 fingerprint).
 *
 * Plain CommonJS: jest loads reporters without transforming them. Types: ./hygiene-scan.d.ts.
 * Used by ./hygiene-reporter.js at the end of every jest run, and unit-tested by test/hardening/secret-hygiene.test.ts.
 */
'use strict';

const { createHash } = require('node:crypto');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

/** Secrets shorter than this are not scanned (they would match by chance); the reporter says how many were skipped. */
const MIN_SECRET_LENGTH = 12;
/** The rolling-hash window: every pattern is at least this long. */
const WINDOW = 12;
/** Files larger than this are not read (image layers and the like). */
const MAX_FILE_BYTES = 20 * 1024 * 1024;
/** Prefixes of the temporary directories the lab and the tests create under os.tmpdir(). */
const LAB_TMP_PREFIXES = ['harbor-lab-', 'harbor-provider-', 'harbor-tls-', 'hpa-synth-', 'hpa-bench-'];

/** A short, non-reversible name for a secret: the first 8 hex digits of its SHA-256. */
function fingerprint(secret) {
  return createHash('sha256').update(secret, 'utf8').digest('hex').slice(0, 8);
}

/**
 * The base64 text that encodes `bytes` wherever they sit in a longer byte string: for each of the 3 alignments, the
 * base64 characters whose 6 bits come from `bytes` alone.
 */
function base64Cores(bytes) {
  const cores = [];
  for (let k = 0; k < 3; k += 1) {
    const n = k + bytes.length;
    const b64 = Buffer.concat([Buffer.alloc(k), bytes]).toString('base64');
    cores.push(b64.slice(Math.ceil((8 * k) / 6), Math.floor((8 * n) / 6)));
  }
  return cores;
}

/**
 * Every form of `secret` the scanner looks for: `raw`, `base64` (3 alignments) and `base64x2` (the base64 of each of
 * those, 3 alignments each).
 * @returns {{ variant: string, text: string }[]}
 */
function secretVariants(secret) {
  const out = [{ variant: 'raw', text: secret }];
  const once = base64Cores(Buffer.from(secret, 'utf8'));
  for (const c of once) out.push({ variant: 'base64', text: c });
  for (const c of once)
    for (const cc of base64Cores(Buffer.from(c, 'latin1'))) out.push({ variant: 'base64x2', text: cc });
  return out.filter((v) => v.text.length >= WINDOW);
}

const BASE = 257;

/** Multiplies mod 2^32. */
function mul(a, b) {
  return Math.imul(a, b);
}

/**
 * A multi-pattern matcher for a ledger of secrets: a Rabin-Karp rolling hash over a 12-byte window, so a scan costs
 * one pass over the bytes whatever the number of secrets.
 *
 * @param {{ kind: string, value: string }[]} entries the ledger
 */
function createScanner(entries) {
  const patterns = [];
  const skipped = [];
  const seen = new Set();
  for (const e of entries) {
    if (!e || typeof e.value !== 'string') continue;
    if (e.value.length < MIN_SECRET_LENGTH) {
      skipped.push(e.kind);
      continue;
    }
    if (seen.has(e.value)) continue;
    seen.add(e.value);
    const fp = fingerprint(e.value);
    for (const v of secretVariants(e.value))
      patterns.push({ kind: e.kind, fingerprint: fp, variant: v.variant, bytes: Buffer.from(v.text, 'latin1') });
  }
  let top = 1;
  for (let i = 0; i < WINDOW - 1; i += 1) top = mul(top, BASE);
  const index = new Map();
  for (const p of patterns) {
    let h = 0;
    for (let i = 0; i < WINDOW; i += 1) h = (mul(h, BASE) + p.bytes[i]) | 0;
    const list = index.get(h);
    if (list) list.push(p);
    else index.set(h, [p]);
  }

  /**
   * The secrets found in `input` (a string or a Buffer), each once, strongest evidence first (raw before base64).
   * @returns {{ kind: string, fingerprint: string, variant: string }[]}
   */
  function scan(input) {
    if (patterns.length === 0) return [];
    const buf = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
    const n = buf.length;
    if (n < WINDOW) return [];
    const hits = new Map();
    let h = 0;
    for (let i = 0; i < WINDOW; i += 1) h = (mul(h, BASE) + buf[i]) | 0;
    for (let i = 0; ; i += 1) {
      const candidates = index.get(h);
      if (candidates) {
        for (const p of candidates) {
          if (i + p.bytes.length <= n && buf.compare(p.bytes, 0, p.bytes.length, i, i + p.bytes.length) === 0) {
            const key = `${p.fingerprint}/${p.variant}`;
            if (!hits.has(key)) hits.set(key, { kind: p.kind, fingerprint: p.fingerprint, variant: p.variant });
          }
        }
      }
      if (i + WINDOW >= n) break;
      h = (mul((h - mul(buf[i], top)) | 0, BASE) + buf[i + WINDOW]) | 0;
    }
    const order = { raw: 0, base64: 1, base64x2: 2 };
    const bySecret = new Map();
    for (const hit of hits.values()) {
      const prev = bySecret.get(hit.fingerprint);
      if (!prev || order[hit.variant] < order[prev.variant]) bySecret.set(hit.fingerprint, hit);
    }
    return [...bySecret.values()];
  }

  return { scan, secretCount: seen.size, patternCount: patterns.length, skipped };
}

/** Reads every `*.jsonl` ledger file of `dir` ({kind, value} per line); a missing dir is an empty ledger. */
function readLedger(dir) {
  const entries = [];
  let names = [];
  try {
    names = fs.readdirSync(dir).filter((f) => f.startsWith('ledger-') && f.endsWith('.jsonl'));
  } catch {
    return entries;
  }
  for (const name of names) {
    for (const line of fs.readFileSync(path.join(dir, name), 'utf8').split('\n')) {
      if (!line) continue;
      try {
        entries.push(JSON.parse(line));
      } catch {
        // A line cut by a crashed worker: ignore it.
      }
    }
  }
  return entries;
}

/** Reads every `log-*.jsonl` capture file of `dir` ({file, stream, text} per line). */
function readCapturedLogs(dir) {
  const records = [];
  let names = [];
  try {
    names = fs.readdirSync(dir).filter((f) => f.startsWith('log-') && f.endsWith('.jsonl'));
  } catch {
    return records;
  }
  for (const name of names) {
    for (const line of fs.readFileSync(path.join(dir, name), 'utf8').split('\n')) {
      if (!line) continue;
      try {
        records.push(JSON.parse(line));
      } catch {
        // ignore a cut line
      }
    }
  }
  return records;
}

/** Lists files under `dir` recursively (skipping `.git` and `node_modules`), as paths relative to `dir`. */
function walk(dir, rel = '', out = []) {
  let entries;
  try {
    entries = fs.readdirSync(path.join(dir, rel), { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    if (e.name === '.git' || e.name === 'node_modules') continue;
    const r = rel ? path.join(rel, e.name) : e.name;
    if (e.isDirectory()) walk(dir, r, out);
    else if (e.isFile()) out.push(r);
  }
  return out;
}

/**
 * The working tree's files: tracked and untracked but not ignored (`git ls-files -co --exclude-standard`), or every
 * file but `.git` and `node_modules` when `root` is not a git work tree.
 */
function workingTreeFiles(root) {
  try {
    const out = execFileSync('git', ['ls-files', '-z', '-co', '--exclude-standard'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'ignore'],
      maxBuffer: 64 * 1024 * 1024,
    });
    return [...new Set(out.toString('utf8').split('\0').filter(Boolean))];
  } catch {
    return walk(root);
  }
}

/** Files under the lab's temporary directories in `tmpDir` (what a test left behind), as absolute paths. */
function labTmpFiles(tmpDir, prefixes = LAB_TMP_PREFIXES) {
  let names = [];
  try {
    names = fs.readdirSync(tmpDir).filter((n) => prefixes.some((p) => n.startsWith(p)));
  } catch {
    return [];
  }
  const out = [];
  for (const n of names) {
    const abs = path.join(tmpDir, n);
    let st;
    try {
      st = fs.lstatSync(abs);
    } catch {
      continue;
    }
    if (st.isDirectory()) for (const r of walk(abs)) out.push(path.join(abs, r));
    else if (st.isFile()) out.push(abs);
  }
  return out;
}

/** Scans files; unreadable, vanished, non-regular or huge files are skipped. */
function scanFiles(scanner, files, label) {
  const findings = [];
  for (const file of files) {
    let buf;
    try {
      const st = fs.statSync(file);
      if (!st.isFile() || st.size > MAX_FILE_BYTES) continue;
      buf = fs.readFileSync(file);
    } catch {
      continue;
    }
    for (const hit of scanner.scan(buf)) findings.push({ ...hit, where: `${label(file)}` });
  }
  return findings;
}

/**
 * The whole check: the ledger in `ledgerDir` against the captured logs there, the given messages (failure messages,
 * buffered console output), every file of the working tree at `rootDir` (snapshots included) and the lab's leftovers
 * in `tmpDir`.
 *
 * @param {{ ledgerDir: string, rootDir: string, tmpDir?: string, messages?: { where: string, text: string }[] }} opts
 * @returns {{ findings: { kind: string, fingerprint: string, variant: string, where: string }[], secrets: number, skipped: string[], filesScanned: number }}
 */
function runHygieneScan(opts) {
  const scanner = createScanner(readLedger(opts.ledgerDir));
  const result = { findings: [], secrets: scanner.secretCount, skipped: scanner.skipped, filesScanned: 0 };
  if (scanner.secretCount === 0) return result;
  for (const r of readCapturedLogs(opts.ledgerDir)) {
    for (const hit of scanner.scan(String(r.text ?? '')))
      result.findings.push({ ...hit, where: `log (${r.stream}) of ${r.file || 'an unknown test file'}` });
  }
  for (const m of opts.messages ?? []) {
    for (const hit of scanner.scan(String(m.text ?? ''))) result.findings.push({ ...hit, where: m.where });
  }
  const tree = workingTreeFiles(opts.rootDir);
  result.findings.push(
    ...scanFiles(
      scanner,
      tree.map((f) => path.join(opts.rootDir, f)),
      (f) => `file ${path.relative(opts.rootDir, f)}`,
    ),
  );
  result.filesScanned += tree.length;
  if (opts.tmpDir) {
    const tmp = labTmpFiles(opts.tmpDir);
    result.findings.push(...scanFiles(scanner, tmp, (f) => `temporary file left behind: ${f}`));
    result.filesScanned += tmp.length;
  }
  return result;
}

/** One line per finding, for humans: kind, fingerprint, encoding and place; never the secret. */
function formatFinding(f) {
  return `${f.kind} #${f.fingerprint} (${f.variant}) in ${f.where}`;
}

module.exports = {
  MIN_SECRET_LENGTH,
  LAB_TMP_PREFIXES,
  fingerprint,
  secretVariants,
  createScanner,
  readLedger,
  readCapturedLogs,
  workingTreeFiles,
  labTmpFiles,
  runHygieneScan,
  formatFinding,
};
