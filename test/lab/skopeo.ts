/**
 * Runs skopeo the way a node's container runtime pulls: against the loopback lab registry, with either a docker
 * config file (`--authfile`, what kubelet hands containerd from an imagePullSecret) or `--creds`.
 *
 * skopeo is started with `execFile` (never a shell, so the `$` of `robot$...` survives), in a private
 * environment: empty `registries.conf`, an accept-anything policy, and `HOME`, `XDG_RUNTIME_DIR`,
 * `XDG_CONFIG_HOME`, `DOCKER_CONFIG` and `REGISTRY_AUTH_FILE` pointing into a temp dir, so the user's own auth
 * files are never read. Credentials never appear in the returned output or in errors.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Result of one skopeo run. */
export interface SkopeoResult {
  /** True when skopeo exited 0. */
  readonly ok: boolean;
  /** Exit code, or null when it was killed (timeout). */
  readonly code: number | null;
  /** Standard output, with any credential replaced by `***`. */
  readonly stdout: string;
  /** Standard error, with any credential replaced by `***`. */
  readonly stderr: string;
}

/** Options shared by {@link inspect} and {@link copy}. */
export interface SkopeoCommonOptions {
  /**
   * Path of skopeo.
   * @default '/usr/bin/skopeo'
   */
  readonly binary?: string;
  /**
   * Kill skopeo after this many milliseconds.
   * @default 20000
   */
  readonly timeoutMs?: number;
}

/** Options for {@link inspect}. */
export interface InspectOptions extends SkopeoCommonOptions {
  /** A docker config file (`{"auths":{...}}`) to authenticate with. */
  readonly authfile?: string;
  /** `USERNAME:PASSWORD`. */
  readonly creds?: string;
  /** A bearer token to send as is (`--registry-token`), bypassing the token service. */
  readonly registryToken?: string;
}

/** Options for {@link copy}. */
export interface CopyOptions extends SkopeoCommonOptions {
  /** `USERNAME:PASSWORD` for the destination registry. */
  readonly destCreds?: string;
  /** A docker config file for the destination registry. */
  readonly destAuthfile?: string;
  /** `USERNAME:PASSWORD` for the source registry. */
  readonly srcCreds?: string;
}

/** Adds `docker://` when `ref` names no transport. */
export function dockerRef(ref: string): string {
  return /^[a-z-]+:\/\//.test(ref) || /^(oci|dir|oci-archive|docker-archive):/.test(ref) ? ref : `docker://${ref}`;
}

/** Replaces every secret (and the `user:secret` pair) in `text` with `***`. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of [...secrets].filter((x) => x.length >= 4).sort((a, b) => b.length - a.length)) {
    out = out.split(s).join('***');
  }
  return out;
}

function secretsOf(creds: string | undefined): string[] {
  if (!creds) return [];
  const colon = creds.indexOf(':');
  const pw = colon >= 0 ? creds.slice(colon + 1) : '';
  return [creds, pw, Buffer.from(creds).toString('base64')];
}

async function run(subcommand: string[], secrets: readonly string[], opts: SkopeoCommonOptions): Promise<SkopeoResult> {
  const binary = opts.binary ?? '/usr/bin/skopeo';
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const home = await mkdtemp(join(tmpdir(), 'harbor-lab-skopeo-'));
  try {
    const registriesConf = join(home, 'registries.conf');
    const policy = join(home, 'policy.json');
    const registriesD = join(home, 'registries.d');
    await mkdir(registriesD);
    await mkdir(join(home, 'run'), { mode: 0o700 });
    await writeFile(registriesConf, '');
    await writeFile(policy, JSON.stringify({ default: [{ type: 'insecureAcceptAnything' }] }));
    const args = [
      '--registries-conf',
      registriesConf,
      '--registries.d',
      registriesD,
      '--policy',
      policy,
      '--tmpdir',
      home,
      '--command-timeout',
      `${Math.max(1, Math.floor(timeoutMs / 1000))}s`,
      ...subcommand,
    ];
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: home,
      XDG_RUNTIME_DIR: join(home, 'run'),
      XDG_CONFIG_HOME: join(home, 'config'),
      DOCKER_CONFIG: join(home, 'docker'),
      REGISTRY_AUTH_FILE: join(home, 'no-auth.json'),
      TMPDIR: home,
    };
    return await new Promise<SkopeoResult>((resolve) => {
      execFile(
        binary,
        args,
        { env, timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 4 * 1024 * 1024 },
        (error, stdout, stderr) => {
          const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
          let err = String(stderr);
          if (error && typeof error.code === 'string')
            err += `\nskopeo could not run (${error.code}); install it with 'apt-get install -y skopeo'.`;
          if (error && error.killed) err += `\nskopeo was killed after ${timeoutMs} ms.`;
          resolve({ ok: !error, code, stdout: redact(String(stdout), secrets), stderr: redact(err, secrets) });
        },
      );
    });
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}

/**
 * `skopeo inspect --tls-verify=false [--authfile F | --creds U:P] docker://<imageRef>`: fetches the manifest,
 * which is exactly the authenticated step of a pull. Only for the plain-HTTP loopback lab registry.
 */
export function inspect(imageRef: string, opts: InspectOptions = {}): Promise<SkopeoResult> {
  const given = [opts.authfile, opts.creds, opts.registryToken].filter((x) => x !== undefined).length;
  if (given > 1) throw new Error('skopeo.inspect: pass at most one of authfile, creds and registryToken.');
  const args = ['inspect', '--tls-verify=false'];
  if (opts.authfile) args.push('--authfile', opts.authfile);
  if (opts.creds) args.push('--creds', opts.creds);
  if (opts.registryToken) args.push('--registry-token', opts.registryToken);
  args.push(dockerRef(imageRef));
  return run(args, [...secretsOf(opts.creds), ...(opts.registryToken ? [opts.registryToken] : [])], opts);
}

/**
 * `skopeo copy --src-tls-verify=false --dest-tls-verify=false [creds] <src> <dest>`. Only for the plain-HTTP
 * loopback lab registry.
 */
export function copy(src: string, dest: string, opts: CopyOptions = {}): Promise<SkopeoResult> {
  if (opts.destAuthfile && opts.destCreds)
    throw new Error('skopeo.copy: pass either destAuthfile or destCreds, not both.');
  const args = ['copy', '--quiet', '--src-tls-verify=false', '--dest-tls-verify=false'];
  if (opts.srcCreds) args.push('--src-creds', opts.srcCreds);
  if (opts.destCreds) args.push('--dest-creds', opts.destCreds);
  if (opts.destAuthfile) args.push('--dest-authfile', opts.destAuthfile);
  args.push(dockerRef(src), dockerRef(dest));
  return run(args, [...secretsOf(opts.destCreds), ...secretsOf(opts.srcCreds)], opts);
}
