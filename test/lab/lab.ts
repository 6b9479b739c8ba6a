/**
 * The end-to-end lab: a Harbor API emulator and a Harbor-like token service on one loopback HTTP server, and a
 * real CNCF distribution registry that trusts that token service. It replays what a Kubernetes node does when
 * it pulls from a private Harbor project with an imagePullSecret: `pull(imageRef, dockerConfigJson)` runs
 * `skopeo inspect --authfile` with exactly the `.dockerconfigjson` a Secret would hold.
 *
 * @see HARBOR-FACTS.md (the team's notes on Harbor) "How a pull authenticates" and "Notes for the lab"
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HarborEmulator, answerOutsideApi } from './harbor-emulator';
import { removeOciLayout, writeOciLayout } from './oci';
import { createPki, type LabPki } from './pki';
import { startRegistry, type RunningRegistry } from './registry';
import { copy, inspect } from './skopeo';
import { createTokenHandler } from './token-service';

/** Harbor's default token issuer (`token_issuer` in harbor.yml-generated configs). */
export const LAB_TOKEN_ISSUER = 'harbor-token-issuer';
/** Harbor's registry service name, the `aud` of its tokens. */
export const LAB_TOKEN_SERVICE = 'harbor-registry';

/** Options for {@link startLab}. */
export interface StartLabOptions {
  /**
   * Harbor admin password for this run.
   * @default a random value from crypto.randomBytes
   */
  readonly adminPassword?: string;
  /**
   * Timeout of each skopeo run, in milliseconds.
   * @default 20000
   */
  readonly skopeoTimeoutMs?: number;
  /**
   * Harbor's clock, in milliseconds since the epoch (move it to expire or renew robots without waiting days). Only
   * Harbor's side follows it (robot expiry, `creation_time`, the API's `Date`); the registry and its tokens keep the
   * real time, as a real registry would.
   * @default Date.now
   */
  readonly now?: () => number;
}

/** The result of {@link Lab.pull}. */
export interface LabPullResult {
  /** True when the manifest could be fetched (the authenticated step of a pull). */
  readonly ok: boolean;
  /** skopeo's error output (credentials redacted); empty on success. */
  readonly stderr: string;
  /** The manifest digest when `ok`. */
  readonly digest?: string;
}

/** The result of {@link Lab.pushImage}. */
export interface LabPushResult {
  /** `<registryHost>/<project>/<repo>:<tag>`. */
  readonly imageRef: string;
  /** Manifest digest of the pushed image. */
  readonly digest: string;
}

/** A running lab. */
export interface Lab {
  /** Base URL of the Harbor API emulator, e.g. `http://127.0.0.1:PORT` (API under `/api/v2.0`). */
  readonly harborUrl: string;
  /** `127.0.0.1:PORT` of the registry: the host in image references and the key in `auths`. */
  readonly registryHost: string;
  /** The Harbor emulator behind {@link harborUrl}. */
  readonly emulator: HarborEmulator;
  /** Harbor admin login (the emulator's, `admin` by default). */
  readonly adminUsername: string;
  /** Harbor admin password, random per run. */
  readonly adminPassword: string;
  /**
   * Builds a tiny image, pushes it as admin with `skopeo copy --dest-creds` (the project must exist and allow
   * admin to push) and records the repository in the emulator.
   */
  pushImage(project: string, repo: string, tag: string): Promise<LabPushResult>;
  /**
   * Pulls (`skopeo inspect`) like a node: `dockerConfigJson` is the `.dockerconfigjson` of an imagePullSecret,
   * written to a temp file and passed as `--authfile`; `undefined` pulls anonymously.
   */
  pull(imageRef: string, dockerConfigJson: string | undefined): Promise<LabPullResult>;
  /**
   * How many requests the token service (`/service/token`) has answered so far: every pull asks it once for a
   * bearer token, so this proves pulls really reach it.
   */
  tokenRequests(): number;
  /** Stops the registry and the HTTP server and removes every temp file. Safe to call twice. */
  stop(): Promise<void>;
}

/** Starts the lab: pki, one HTTP server (Harbor API + `/service/token`) and the registry. */
export async function startLab(opts: StartLabOptions = {}): Promise<Lab> {
  const adminPassword = opts.adminPassword ?? `Lab${randomBytes(18).toString('base64url')}`;
  const cleanups: Array<() => Promise<void>> = [];
  const runCleanups = async (): Promise<void> => {
    const errors: unknown[] = [];
    while (cleanups.length > 0) {
      try {
        await cleanups.pop()!();
      } catch (e) {
        errors.push(e);
      }
    }
    if (errors.length > 0)
      throw new Error(`Lab cleanup: ${errors.map((e) => (e instanceof Error ? e.message : String(e))).join('; ')}`);
  };

  try {
    const work = await mkdtemp(join(tmpdir(), 'harbor-lab-'));
    cleanups.push(() => rm(work, { recursive: true, force: true }));
    const pki: LabPki = await createPki();
    cleanups.push(() => pki.cleanup());

    const emulator = new HarborEmulator({ adminPassword, ...(opts.now ? { now: opts.now } : {}) });
    const adminUsername = emulator.adminUsername;
    cleanups.push(async () => emulator.dispose());
    const tokenHandler = createTokenHandler({
      issuer: LAB_TOKEN_ISSUER,
      service: LAB_TOKEN_SERVICE,
      pki,
      // Wrong or missing credentials are anonymous for the emulator: pull on public projects only.
      authorize: (username, password, project) => emulator.authorize(username, password, project),
      authenticate: (username, password) => emulator.authenticates(username, password),
      isSystemAdmin: (username, password) => emulator.isSystemAdmin(username, password),
    });

    let tokenRequests = 0;
    const server: Server = createServer((req, res) => {
      void (async () => {
        try {
          if (tokenHandler(req, res)) {
            tokenRequests += 1;
            return;
          }
          if (await emulator.handle(req, res)) return;
          answerOutsideApi(req, res);
        } catch {
          // Never echo the request (it may carry an Authorization header).
          if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'application/json' });
          res.end(JSON.stringify({ errors: [{ code: 'UNKNOWN', message: 'internal error in the lab server' }] }));
        }
      })();
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    );
    const address = server.address();
    if (!address || typeof address === 'string') throw new Error('startLab: the lab HTTP server has no TCP port.');
    const harborUrl = `http://127.0.0.1:${address.port}`;

    const registry: RunningRegistry = await startRegistry({
      realm: `${harborUrl}/service/token`,
      issuer: LAB_TOKEN_ISSUER,
      service: LAB_TOKEN_SERVICE,
      pki,
    });
    cleanups.push(() => registry.stop());

    const timeoutMs = opts.skopeoTimeoutMs;
    let counter = 0;
    let stopped: Promise<void> | undefined;

    return {
      harborUrl,
      registryHost: registry.host,
      emulator,
      adminUsername,
      adminPassword,
      async pushImage(project, repo, tag) {
        const layout = await writeOciLayout({
          tag,
          dir: join(work, `oci-${++counter}`),
          content: `${project}/${repo}:${tag}\n`,
        });
        try {
          const imageRef = `${registry.host}/${project}/${repo}:${tag}`;
          const r = await copy(layout.reference, imageRef, {
            destCreds: `${adminUsername}:${adminPassword}`,
            timeoutMs,
          });
          if (!r.ok) {
            throw new Error(
              `Lab.pushImage: pushing ${imageRef} as ${adminUsername} failed (does project '${project}' exist in the emulator?): ${r.stderr.trim()}`,
            );
          }
          emulator.addArtifact(project, repo, layout.manifest.digest, [tag]);
          return { imageRef, digest: layout.manifest.digest };
        } finally {
          await removeOciLayout(layout);
        }
      },
      async pull(imageRef, dockerConfigJson) {
        let authfile: string | undefined;
        if (dockerConfigJson !== undefined) {
          authfile = join(work, `auth-${++counter}.json`);
          await writeFile(authfile, dockerConfigJson, { mode: 0o600 });
        }
        try {
          const r = await inspect(imageRef, { authfile, timeoutMs });
          let digest: string | undefined;
          if (r.ok) {
            try {
              digest = (JSON.parse(r.stdout) as { Digest?: string }).Digest;
            } catch {
              /* not JSON: leave undefined */
            }
          }
          return { ok: r.ok, stderr: r.stderr, digest };
        } finally {
          if (authfile) await rm(authfile, { force: true });
        }
      },
      tokenRequests() {
        return tokenRequests;
      },
      stop() {
        stopped ??= runCleanups();
        return stopped;
      },
    };
  } catch (err) {
    await runCleanups().catch(() => undefined);
    throw err;
  }
}
