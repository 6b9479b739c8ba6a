/**
 * Runs CNCF distribution (Debian's `docker-registry`) on 127.0.0.1 with `auth: token`, the way Harbor runs its
 * registry behind its token service.
 *
 * Every started registry is tracked: {@link RunningRegistry.stop} ends it, and a `process.on('exit')` hook
 * kills whatever is still running (and removes its temp dir) if a test forgot or crashed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LabPki } from './pki';

/** Options for {@link startRegistry}. */
export interface StartRegistryOptions {
  /** Token service URL the registry sends clients to (`WWW-Authenticate: Bearer realm=...`). */
  readonly realm: string;
  /** Expected `iss` of tokens. */
  readonly issuer: string;
  /** Expected `aud` of tokens and the `service` in challenges (Harbor: `harbor-registry`). */
  readonly service: string;
  /** The certificate the registry trusts for token signatures (`rootcertbundle`). */
  readonly pki: Pick<LabPki, 'certPem'>;
  /**
   * Path of the registry binary.
   * @default '/usr/bin/docker-registry'
   */
  readonly binary?: string;
  /**
   * How long to wait for `GET /v2/` to answer 401, in milliseconds.
   * @default 30000
   */
  readonly readyTimeoutMs?: number;
}

/** A running registry. */
export interface RunningRegistry {
  /** `127.0.0.1:<port>`: the registry host as it appears in image references and docker config keys. */
  readonly host: string;
  /** Temp directory with `config.yml`, the trusted certificate and the storage. */
  readonly dir: string;
  /** Stops the process (SIGTERM, then SIGKILL after 3 s), waits for its exit and removes {@link dir}. */
  stop(): Promise<void>;
}

interface Tracked {
  readonly child: ChildProcess;
  readonly dir: string;
}

const live = new Set<Tracked>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const t of live) {
      try {
        if (t.child.exitCode === null && t.child.signalCode === null) t.child.kill('SIGKILL');
      } catch {
        /* already gone */
      }
      try {
        rmSync(t.dir, { recursive: true, force: true });
      } catch {
        /* best effort */
      }
    }
    live.clear();
  });
}

/** Number of registries started by this process that have not been stopped yet. */
export function liveRegistryCount(): number {
  return live.size;
}

/** Asks the kernel for a free port on 127.0.0.1 (listen on 0, read it, close). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => (port ? resolve(port) : reject(new Error('freePort: no port was assigned'))));
    });
  });
}

function configYaml(opts: StartRegistryOptions, dir: string, port: number): string {
  // JSON strings are valid YAML scalars, which keeps paths and URLs safely quoted.
  const q = (s: string): string => JSON.stringify(s);
  return [
    'version: 0.1',
    'log:',
    '  level: info',
    '  formatter: text',
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${q(join(dir, 'storage'))}`,
    '  delete:',
    '    enabled: true',
    '  maintenance:',
    '    uploadpurging:',
    '      enabled: false',
    'http:',
    `  addr: ${q(`127.0.0.1:${port}`)}`,
    `  secret: ${q(randomBytes(16).toString('hex'))}`,
    'auth:',
    '  token:',
    `    realm: ${q(opts.realm)}`,
    `    service: ${q(opts.service)}`,
    `    issuer: ${q(opts.issuer)}`,
    `    rootcertbundle: ${q(join(dir, 'token-cert.pem'))}`,
    'health:',
    '  storagedriver:',
    '    enabled: false',
    '',
  ].join('\n');
}

function waitExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.off('exit', onExit);
      resolve(false);
    }, ms);
    const onExit = (): void => {
      clearTimeout(timer);
      resolve(true);
    };
    child.once('exit', onExit);
  });
}

async function killAndWait(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  if (await waitExit(child, 3000)) return;
  child.kill('SIGKILL');
  await waitExit(child, 3000);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

type Attempt = { kind: 'ready' } | { kind: 'addr-in-use' } | { kind: 'failed'; reason: string };

async function waitReady(child: ChildProcess, port: number, timeoutMs: number, log: () => string): Promise<Attempt> {
  const deadline = Date.now() + timeoutMs;
  let lastStatus = 'no answer';
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      if (/address already in use/i.test(log())) return { kind: 'addr-in-use' };
      return { kind: 'failed', reason: `exited early (code ${child.exitCode}, signal ${child.signalCode})` };
    }
    try {
      const res = await fetch(`http://127.0.0.1:${port}/v2/`, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      if (res.status === 401) return { kind: 'ready' };
      lastStatus = `GET /v2/ answered ${res.status}, expected 401 (is auth.token configured?)`;
    } catch {
      /* not listening yet */
    }
    await sleep(50);
  }
  return { kind: 'failed', reason: `not ready after ${timeoutMs} ms (${lastStatus})` };
}

/**
 * Starts `docker-registry serve config.yml` on a free 127.0.0.1 port with token auth, and waits until
 * `GET /v2/` answers 401. Retries with another port when the chosen one was taken in between.
 */
export async function startRegistry(opts: StartRegistryOptions): Promise<RunningRegistry> {
  installExitHook();
  const binary = opts.binary ?? '/usr/bin/docker-registry';
  const readyTimeoutMs = opts.readyTimeoutMs ?? 120_000;
  const dir = await mkdtemp(join(tmpdir(), 'harbor-lab-registry-'));
  let lastReason = '';
  try {
    await writeFile(join(dir, 'token-cert.pem'), opts.pki.certPem);
    for (let attempt = 1; attempt <= 5; attempt++) {
      const port = await freePort();
      const configPath = join(dir, 'config.yml');
      await writeFile(configPath, configYaml(opts, dir, port));
      const child = spawn(binary, ['serve', configPath], {
        cwd: dir,
        stdio: ['ignore', 'pipe', 'pipe'],
        // A clean environment: no REGISTRY_* variable from the caller may override the config.
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir },
      });
      const tracked: Tracked = { child, dir };
      live.add(tracked);
      let output = '';
      const keep = (chunk: Buffer): void => {
        output = (output + chunk.toString('utf8')).slice(-8000);
      };
      child.stdout?.on('data', keep);
      child.stderr?.on('data', keep);
      const spawnError = new Promise<Attempt>((resolve) =>
        child.once('error', (e) => resolve({ kind: 'failed', reason: `could not start ${binary}: ${e.message}` })),
      );
      const result = await Promise.race([waitReady(child, port, readyTimeoutMs, () => output), spawnError]);
      if (result.kind === 'ready') {
        const host = `127.0.0.1:${port}`;
        let stopped: Promise<void> | undefined;
        return {
          host,
          dir,
          stop: () => {
            stopped ??= (async () => {
              await killAndWait(child);
              live.delete(tracked);
              await rm(dir, { recursive: true, force: true });
            })();
            return stopped;
          },
        };
      }
      await killAndWait(child);
      live.delete(tracked);
      if (result.kind === 'failed') {
        lastReason = `${result.reason}; last registry output:\n${output.trim().split('\n').slice(-10).join('\n')}`;
        break;
      }
      lastReason = `port ${port} was taken (attempt ${attempt})`;
    }
  } catch (err) {
    lastReason = err instanceof Error ? err.message : String(err);
  }
  await rm(dir, { recursive: true, force: true });
  throw new Error(
    `startRegistry: ${binary} did not become ready: ${lastReason}. Install it with 'apt-get install -y docker-registry' or pass opts.binary.`,
  );
}
