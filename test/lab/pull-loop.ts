/**
 * A node that keeps pulling while credentials change under it: one pull every ~200 ms, each reading the pull
 * Secret's CURRENT `.dockerconfigjson` first, as kubelet does for every pull (it hands the runtime the Secret's
 * content at that moment). Engine-neutral: it takes a function that returns the Secret's current content (the YAML
 * path's simulated cluster, a Pulumi stack's recorded Secret...) and a function that pulls with it
 * ({@link Lab.pull}: a fresh `skopeo inspect` process, so every pull asks the token service for a new token and
 * fetches the manifest from the registry; nothing is cached between pulls).
 *
 * Pulls run one after another (kubelet pulls one image at a time by default): the next starts `intervalMs` after
 * the previous one started, or at once if that one took longer. The loop stops by itself after `maxDurationMs`
 * (or `maxPulls`), or when {@link PullLoop.stop} is called, and reports every attempt with its time.
 */
import type { LabPullResult } from './lab';

/** Options of {@link startPullLoop}. */
export interface PullLoopOptions {
  /** The image to pull, `host[:port]/project/repository:tag`. */
  readonly image: string;
  /**
   * The pull Secret's `.dockerconfigjson` as it is now; `undefined` when the Secret does not exist (the pull then
   * goes without credentials, as kubelet's would). Called before every pull.
   */
  readonly readDockerConfig: () => string | undefined | Promise<string | undefined>;
  /** Pulls `image` once with that content (e.g. `lab.pull`). */
  readonly pull: (image: string, dockerConfigJson: string | undefined) => Promise<LabPullResult>;
  /**
   * Time between the starts of two pulls, in milliseconds.
   * @default 200
   */
  readonly intervalMs?: number;
  /**
   * The loop stops by itself after this long, in milliseconds (a test never hangs on it; generous, so that a busy
   * machine does not end it before the test is done).
   * @default 300000
   */
  readonly maxDurationMs?: number;
  /**
   * The loop stops by itself after this many pulls.
   * @default - no limit
   */
  readonly maxPulls?: number;
}

/** One pull of the loop. */
export interface PullAttempt {
  /** 0 for the first pull. */
  readonly index: number;
  /** When the Secret was read and the pull started, milliseconds since the epoch. */
  readonly startedAt: number;
  /** How long the pull took, in milliseconds. */
  readonly durationMs: number;
  /** True when the image's manifest was fetched. */
  readonly ok: boolean;
  /** The login name the Secret held for the image's registry host (not a secret); undefined without one. */
  readonly username?: string;
  /** Why it failed: the first line of the puller's error ('' on success). Never a credential. */
  readonly error: string;
}

/** What a loop did. */
export interface PullLoopReport {
  /** Pulls made. */
  readonly pulls: number;
  /** Pulls that failed. */
  readonly failures: number;
  /** From the first pull's start to the loop's end, in milliseconds. */
  readonly durationMs: number;
  /**
   * The longest outage: from the start of the first pull of a run of failures to the start of the next successful
   * pull (or the loop's end). 0 without failures.
   */
  readonly longestGapMs: number;
  /** Distinct login names used, in the order they first appeared. */
  readonly usernames: readonly string[];
  /** Why the loop ended. */
  readonly stoppedBy: 'stop' | 'maxDuration' | 'maxPulls';
  /** Every pull, in order. */
  readonly attempts: readonly PullAttempt[];
}

/** A running loop. */
export interface PullLoop {
  /** The pulls so far (a live list). */
  readonly attempts: readonly PullAttempt[];
  /** Settles when the loop has ended, by whatever means. */
  readonly done: Promise<PullLoopReport>;
  /** Ends the loop after the pull in flight and returns its report. Safe to call twice. */
  stop(): Promise<PullLoopReport>;
  /** Resolves once `count` more pulls than now have finished; rejects after `timeoutMs` (default 120 s: a hang guard). */
  waitForPulls(count: number, timeoutMs?: number): Promise<void>;
}

/** The login name a `.dockerconfigjson` holds for `host`, or undefined. */
export function usernameFor(dockerConfigJson: string | undefined, host: string): string | undefined {
  if (dockerConfigJson === undefined) return undefined;
  try {
    const doc = JSON.parse(dockerConfigJson) as { auths?: Record<string, { username?: unknown }> };
    const u = doc.auths?.[host]?.username;
    return typeof u === 'string' ? u : undefined;
  } catch {
    return undefined;
  }
}

/** Starts a loop; see the module comment. */
export function startPullLoop(opts: PullLoopOptions): PullLoop {
  const intervalMs = opts.intervalMs ?? 200;
  const maxDurationMs = opts.maxDurationMs ?? 300_000;
  const maxPulls = opts.maxPulls ?? Number.POSITIVE_INFINITY;
  if (!(intervalMs >= 0) || !(maxDurationMs > 0) || !(maxPulls > 0)) {
    throw new Error('startPullLoop: intervalMs must be >= 0, maxDurationMs and maxPulls > 0.');
  }
  const host = opts.image.split('/')[0];
  const attempts: PullAttempt[] = [];
  const waiters: Array<{ target: number; resolve: () => void }> = [];
  let stopRequested = false;
  let wake: (() => void) | undefined;
  const startedAt = Date.now();

  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      if (ms <= 0 || stopRequested) return resolve();
      const timer = setTimeout(() => {
        wake = undefined;
        resolve();
      }, ms);
      wake = () => {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      };
    });

  const run = async (): Promise<PullLoopReport> => {
    let stoppedBy: PullLoopReport['stoppedBy'] = 'stop';
    for (let index = 0; ; index += 1) {
      if (stopRequested) break;
      if (Date.now() - startedAt >= maxDurationMs) {
        stoppedBy = 'maxDuration';
        break;
      }
      if (index >= maxPulls) {
        stoppedBy = 'maxPulls';
        break;
      }
      const t0 = Date.now();
      let attempt: PullAttempt;
      try {
        const config = await opts.readDockerConfig();
        const r = await opts.pull(opts.image, config);
        attempt = {
          index,
          startedAt: t0,
          durationMs: Date.now() - t0,
          ok: r.ok,
          username: usernameFor(config, host),
          error: r.ok ? '' : firstLine(config === undefined ? `no pull Secret; ${r.stderr}` : r.stderr),
        };
      } catch (e) {
        attempt = {
          index,
          startedAt: t0,
          durationMs: Date.now() - t0,
          ok: false,
          error: firstLine(`the pull could not run: ${e instanceof Error ? e.message : String(e)}`),
        };
      }
      attempts.push(attempt);
      for (const w of waiters.filter((x) => attempts.length >= x.target)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
      const remaining = Math.min(intervalMs - (Date.now() - t0), maxDurationMs - (Date.now() - startedAt));
      await sleep(remaining);
    }
    return report(attempts, Date.now(), stoppedBy);
  };

  const done = run();
  return {
    attempts,
    done,
    stop() {
      stopRequested = true;
      wake?.();
      return done;
    },
    waitForPulls(count, timeoutMs = 120_000) {
      const target = attempts.length + count;
      if (attempts.length >= target) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(entry), 1);
          reject(new Error(`pull loop: ${count} more pull(s) did not finish within ${timeoutMs} ms`));
        }, timeoutMs);
        const entry = {
          target,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        };
        waiters.push(entry);
        void done.then(() => {
          if (waiters.includes(entry)) {
            waiters.splice(waiters.indexOf(entry), 1);
            clearTimeout(timer);
            reject(new Error(`pull loop: ended before ${count} more pull(s)`));
          }
        });
      });
    },
  };
}

/** The report of a finished list of attempts. */
export function report(
  attempts: readonly PullAttempt[],
  endedAt: number,
  stoppedBy: PullLoopReport['stoppedBy'],
): PullLoopReport {
  let longestGapMs = 0;
  let gapStart: number | undefined;
  for (const a of attempts) {
    if (!a.ok && gapStart === undefined) gapStart = a.startedAt;
    if (a.ok && gapStart !== undefined) {
      longestGapMs = Math.max(longestGapMs, a.startedAt - gapStart);
      gapStart = undefined;
    }
  }
  if (gapStart !== undefined) longestGapMs = Math.max(longestGapMs, endedAt - gapStart);
  const usernames: string[] = [];
  for (const a of attempts) if (a.username !== undefined && !usernames.includes(a.username)) usernames.push(a.username);
  return {
    pulls: attempts.length,
    failures: attempts.filter((a) => !a.ok).length,
    durationMs: attempts.length > 0 ? endedAt - attempts[0].startedAt : 0,
    longestGapMs,
    usernames,
    stoppedBy,
    attempts,
  };
}

/** One line for a log: pulls, failures, duration, longest gap, who pulled. */
export function describeReport(label: string, r: PullLoopReport): string {
  return (
    `pull loop ${label}: ${r.pulls} pulls, ${r.failures} failed, ${(r.durationMs / 1000).toFixed(1)} s` +
    (r.failures > 0 ? `, longest gap ${r.longestGapMs} ms` : '') +
    ` (as ${r.usernames.join(' then ') || 'nobody'}; ended by ${r.stoppedBy})`
  );
}

function firstLine(text: string): string {
  return (
    text
      .split('\n')
      .map((l) => l.trim())
      .find((l) => l !== '') ?? 'failed without a message'
  );
}
