import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';

/** A finished process. */
export interface Finished {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Wall time from spawn to exit, in ms. */
  readonly ms: number;
}

/** Options of {@link spawnTimed}. */
export interface SpawnOptions {
  readonly cwd: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Kill the process (and its group) after this long. */
  readonly timeoutMs: number;
  /** Run through a shell (for commands written as one string). @default false */
  readonly shell?: boolean;
}

/**
 * Runs a command to completion and times it from spawn to exit. The process gets its own process group,
 * which is killed on timeout so no grandchild outlives the bench.
 */
export function spawnTimed(command: string, args: readonly string[], opts: SpawnOptions): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(command, args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      shell: opts.shell ?? false,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid !== undefined) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          /* already gone */
        }
      }
    }, opts.timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const ms = performance.now() - t0;
      const stdout = Buffer.concat(out).toString('utf8');
      const stderr = Buffer.concat(err).toString('utf8');
      if (timedOut) {
        reject(
          new Error(
            `bench: "${[command, ...args].join(' ')}" ran longer than ${opts.timeoutMs} ms and was killed; stderr ends with:\n${tail(stderr)}`,
          ),
        );
        return;
      }
      resolve({ code, signal, stdout, stderr, ms });
    });
  });
}

/** The last lines of a process's output, for error messages. */
export function tail(text: string, lines = 15): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}
