/** Types of ./hygiene-ledger.js (where a run's issued secrets are written down; see there). */

/** The environment variable that names the ledger directory of the current run. */
export const LEDGER_ENV: string;
/** The ledger directory of the current run, or undefined when hygiene is off. */
export function ledgerDir(env?: NodeJS.ProcessEnv): string | undefined;
/** Writes down a secret; never throws. @returns whether it was written */
export function recordSecret(kind: string, value: unknown, dir?: string): boolean;
/** Appends captured output of a test file; never throws. @returns whether it was written */
export function recordOutput(file: string | undefined, stream: string, text: string, dir?: string): boolean;
