/**
 * Randomness for the lab's Harbor emulator: a seeded generator for the deliberately unstable parts of Harbor's
 * answers (permission order, `effect`), so test runs are reproducible, and cryptographic secrets for robots.
 */
import { randomBytes, randomUUID } from 'node:crypto';

/** A small seeded pseudo-random generator (mulberry32). Not for secrets. */
export class SeededRandom {
  private state: number;

  /** @param seed any 32-bit integer; the same seed gives the same sequence */
  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** A shuffled copy of `items` (Fisher-Yates). */
  shuffle<T>(items: readonly T[]): T[] {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i -= 1) {
      const j = this.int(i + 1);
      [out[i], out[j]] = [out[j], out[i]];
    }
    return out;
  }
}

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * A fresh random robot secret: 32 alphanumeric characters (like Harbor's `GenerateRandomString`) that always holds
 * an upper-case letter, a lower-case letter and a digit, so it also passes Harbor's rule for chosen secrets.
 */
export function randomRobotSecret(): string {
  for (;;) {
    const bytes = randomBytes(32);
    let s = '';
    for (const b of bytes) s += ALPHANUMERIC[b % ALPHANUMERIC.length];
    if (isValidRobotSecret(s)) return s;
  }
}

/**
 * Harbor's rule for a chosen robot secret (`IsValidSec`): 8 to 128 bytes (Go's `len`, so UTF-8 bytes) with an
 * upper-case letter, a lower-case letter and a digit (ASCII classes, as Go's regexp `[a-z]`, `[A-Z]`, `\d`).
 */
export function isValidRobotSecret(s: string): boolean {
  const bytes = Buffer.byteLength(s, 'utf8');
  return bytes >= 8 && bytes <= 128 && /[a-z]/.test(s) && /[A-Z]/.test(s) && /[0-9]/.test(s);
}

/** A request id like Harbor's (a UUID). */
export function randomRequestId(): string {
  return randomUUID();
}
