/** Types of ./hygiene-reporter.js (the secret-hygiene jest reporter; see there). */
import type { HygieneFinding } from './hygiene-scan';

/** Options, mostly for testing the reporter itself. */
export interface HygieneReporterOptions {
  /** @default - jest's rootDir */
  readonly rootDir?: string;
  /** @default os.tmpdir() */
  readonly tmpDir?: string;
  /** Where the ledger directory is announced. @default process.env */
  readonly env?: Record<string, string | undefined>;
  /** Print nothing. @default false */
  readonly quiet?: boolean;
}

declare class HygieneReporter {
  constructor(globalConfig: { rootDir?: string } | undefined, options?: HygieneReporterOptions);
  /** The current run's ledger directory (between onRunStart and onRunComplete). */
  ledgerDir: string | undefined;
  /** The last scan's result and duration. */
  lastScan:
    { findings: HygieneFinding[]; secrets: number; skipped: string[]; filesScanned: number; ms: number } | undefined;
  onRunStart(): void;
  onTestResult(test: { path?: string } | undefined, result: any): void;
  onRunComplete(): void;
  getLastError(): Error | undefined;
}
export = HygieneReporter;
