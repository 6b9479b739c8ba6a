/** Types of ./hygiene-scan.js (the secret-hygiene scanner; see there). */

/** One leak: which secret (kind and SHA-256 fingerprint, never the value), in which form, where. */
export interface HygieneFinding {
  readonly kind: string;
  readonly fingerprint: string;
  readonly variant: 'raw' | 'base64' | 'base64x2';
  readonly where: string;
}

/** A ledger entry: a secret the lab issued or was given. */
export interface LedgerEntry {
  readonly kind: string;
  readonly value: string;
}

/** A matcher for a ledger's secrets. */
export interface SecretScanner {
  /** The secrets found in the input, each once, strongest form first. */
  scan(input: string | Buffer): Array<Omit<HygieneFinding, 'where'>>;
  readonly secretCount: number;
  readonly patternCount: number;
  /** Kinds of the entries too short to scan. */
  readonly skipped: string[];
}

/** Secrets shorter than this are not scanned. */
export const MIN_SECRET_LENGTH: number;
/** Prefixes of the lab's temporary directories under os.tmpdir(). */
export const LAB_TMP_PREFIXES: readonly string[];
/** The first 8 hex digits of the secret's SHA-256. */
export function fingerprint(secret: string): string;
/** The forms the scanner looks for: raw, base64 (3 alignments), base64 of base64. */
export function secretVariants(secret: string): Array<{ variant: string; text: string }>;
export function createScanner(entries: readonly LedgerEntry[]): SecretScanner;
export function readLedger(dir: string): LedgerEntry[];
export function readCapturedLogs(dir: string): Array<{ file?: string; stream: string; text: string }>;
/** Tracked and untracked-not-ignored files of a git work tree (relative paths), or a plain walk outside git. */
export function workingTreeFiles(root: string): string[];
export function labTmpFiles(tmpDir: string, prefixes?: readonly string[]): string[];
/** The whole check; see hygiene-scan.js. */
export function runHygieneScan(opts: {
  ledgerDir: string;
  rootDir: string;
  tmpDir?: string;
  messages?: ReadonlyArray<{ where: string; text: string }>;
}): { findings: HygieneFinding[]; secrets: number; skipped: string[]; filesScanned: number };
/** One human line per finding; never the secret. */
export function formatFinding(f: HygieneFinding): string;
