/**
 * The `harbor-private-app` command: `main(argv, io)` runs one command in-process and returns its exit code, so tests
 * call it directly; `bin/harbor-private-app.js` wires it to the process.
 *
 * Exit codes add up: 1 when there are findings, 2 when an input could not be read (each is reported with its file,
 * line and column, and the rest is still checked), so 3 is both. A usage error, and for preflight no usable
 * connection to Harbor, is 2 with nothing checked.
 */
import { promises as fs, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { HarborClient } from '../harbor/client';
import { CheckedRegistries, RegistryFlagError } from '../lint/checked-registries';
import { DeclaredSecretError, parseDeclaredSecret, type DeclaredSecret } from '../lint/declared-secrets';
import { formatReport } from '../lint/format';
import { lintSources, type LintResult } from '../lint/lint';
import type { Report } from '../lint/findings';
import { ManifestParseError } from '../lint/manifests';
import { ObjectPathError } from '../lint/object-paths';
import { parseImagePath } from '../lint/workloads';
import { ManifestInputError, readManifestSources } from '../lint/sources';
import { PreflightConnectionError } from '../preflight/errors';
import { parseArgs, UsageError, USAGE, type CommandArgs } from './args';
import { ConfigFileError, findConfigFile, readConfigFile, type ConfigFile } from './config';

/** No finding. */
export const EXIT_OK = 0;
/** Findings (added to {@link EXIT_ERROR} when some input could not be read too). */
export const EXIT_FINDINGS = 1;
/** Usage or connection error, or an input that could not be read. */
export const EXIT_ERROR = 2;

/** The exit code of a report: 1 for findings, plus 2 for inputs that could not be read. */
export function exitCodeOf(report: Report): number {
  return (report.findings.length > 0 ? EXIT_FINDINGS : EXIT_OK) | (report.errors.length > 0 ? EXIT_ERROR : EXIT_OK);
}

/** What the command needs from the outside world. */
export interface CliIo {
  /** Writes to standard output. */
  stdout(text: string): void;
  /** Writes to standard error. */
  stderr(text: string): void;
  /**
   * Reads standard input (for the path `-`), stopping once more than `maxBytes` bytes have come: bytes, or text
   * already decoded.
   */
  readStdin(maxBytes: number): Promise<Uint8Array | string>;
  /** The working directory relative paths are read from. */
  readonly cwd: string;
  /** The environment (preflight reads HARBOR_* from it). */
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** The environment variables preflight reads. */
export const PREFLIGHT_ENV = {
  url: 'HARBOR_URL',
  username: 'HARBOR_USERNAME',
  password: 'HARBOR_PASSWORD',
  caFile: 'HARBOR_CA_FILE',
  robotNamePrefix: 'HARBOR_ROBOT_NAME_PREFIX',
} as const;

function version(): string {
  // dist-lib/lib/cli/main.js and lib/cli/main.ts both find the package's own package.json above them.
  for (let dir = __dirname, i = 0; i < 5; i++, dir = path.dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
        name?: unknown;
        version?: unknown;
      };
      if (pkg.name === 'harbor-private-app' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      /* not here */
    }
  }
  return 'unknown';
}

/** The facts a run has: the command line's, added to the config file's. */
interface RunFacts {
  readonly config?: ConfigFile;
  /** `--registry` values and the config file's `registries`. */
  readonly registries: readonly string[];
  readonly declaredSecrets: readonly DeclaredSecret[];
  /** `--image-path` values and the config file's `imagePaths`. */
  readonly imagePaths: readonly string[];
}

/**
 * Reads the config file that applies (`--config`, else the nearest `.harbor-private-app.yaml`, none with
 * `--no-config`) and adds the command line's facts to it.
 * @throws ConfigFileError for a config file that cannot be read or whose values are wrong
 */
async function factsFor(args: CommandArgs, io: CliIo): Promise<RunFacts> {
  let file: string | undefined;
  if (args.config === null) file = undefined;
  else if (args.config !== undefined) {
    file = path.resolve(io.cwd, args.config);
    const stat = await fs.stat(file).catch(() => undefined);
    if (!stat?.isFile()) throw new ConfigFileError(`--config ${args.config}: no such file.`);
  } else file = await findConfigFile(io.cwd);
  const config = file ? await readConfigFile(file, io.cwd) : undefined;
  if (config) {
    try {
      CheckedRegistries.fromFlags(config.registries);
    } catch (e) {
      if (e instanceof RegistryFlagError) throw new ConfigFileError(`${config.file}: registries: ${e.message}`);
      throw e;
    }
  }
  const declaredSecrets: DeclaredSecret[] = [];
  try {
    for (const v of config?.assumeSecrets ?? []) declaredSecrets.push(parseDeclaredSecret(v, config!.file));
  } catch (e) {
    if (e instanceof DeclaredSecretError) throw new ConfigFileError(`${e.message} (assumeSecrets)`);
    throw e;
  }
  for (const v of args.assumeSecrets) declaredSecrets.push(parseDeclaredSecret(v, '--assume-secret'));
  for (const v of config?.imagePaths ?? []) {
    try {
      parseImagePath(v);
    } catch (e) {
      if (e instanceof ObjectPathError) throw new ConfigFileError(`${config!.file}: imagePaths: ${e.message}`);
      throw e;
    }
  }
  return {
    ...(config ? { config } : {}),
    registries: [...(config?.registries ?? []), ...args.registries],
    declaredSecrets,
    imagePaths: [...(config?.imagePaths ?? []), ...args.imagePaths],
  };
}

async function lintFor(
  args: CommandArgs,
  io: CliIo,
  facts: RunFacts,
  registries: readonly string[],
): Promise<LintResult> {
  const read = await readManifestSources(
    args.paths,
    { cwd: io.cwd, readStdin: (max) => io.readStdin(max) },
    { maxFileBytes: args.maxFileMib * 1024 * 1024 },
  );
  return lintSources(
    read.sources,
    {
      registries,
      defaultNamespace: args.namespace,
      declaredSecrets: facts.declaredSecrets,
      imagePaths: facts.imagePaths,
      ...(facts.config ? { configFile: facts.config.file } : {}),
    },
    read.errors,
  );
}

async function runPreflight(args: CommandArgs, io: CliIo, facts: RunFacts): Promise<number> {
  const need = (name: string): string => {
    const v = io.env[name];
    if (v === undefined || v === '') {
      throw new UsageError(
        `preflight needs ${name} in the environment (${PREFLIGHT_ENV.url}, ${PREFLIGHT_ENV.username}, ${PREFLIGHT_ENV.password}; the password never on the command line).`,
      );
    }
    return v;
  };
  const url = need(PREFLIGHT_ENV.url);
  const username = need(PREFLIGHT_ENV.username);
  const password = need(PREFLIGHT_ENV.password);
  const caFile = io.env[PREFLIGHT_ENV.caFile];
  let caBundle: string | undefined;
  if (caFile) {
    try {
      caBundle = await fs.readFile(path.resolve(io.cwd, caFile), 'utf8');
    } catch {
      throw new UsageError(
        `${PREFLIGHT_ENV.caFile}=${caFile} cannot be read: give the path of the CA certificate (PEM).`,
      );
    }
  }
  // Loaded here so that lint never pays for the HTTP client.
  const { HarborClient: Client } = await import('../harbor/client');
  const { preflight } = await import('../preflight/harbor-preflight');
  let client: HarborClient;
  try {
    client = new Client({ url, username, password, caBundle, maxRetries: 2, timeoutMs: 15_000 });
  } catch (e) {
    throw new UsageError(
      `${PREFLIGHT_ENV.url}, ${PREFLIGHT_ENV.username} or ${PREFLIGHT_ENV.password}: ${(e as Error).message}`,
    );
  }
  try {
    const registries = facts.registries.length > 0 ? facts.registries : [new URL(client.origin).host];
    const lint = await lintFor(args, io, facts, registries);
    const prefix = io.env[PREFLIGHT_ENV.robotNamePrefix];
    const report = await preflight(lint, client, {
      ...(prefix ? { robotNamePrefix: prefix } : {}),
      allowNothingToCheck: args.allowNothingToCheck,
    });
    io.stdout(formatReport(report, args.format, version()));
    return exitCodeOf(report);
  } finally {
    await client.close();
  }
}

/**
 * Runs `harbor-private-app` with `argv` (the arguments after the program name).
 * @returns the exit code
 */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    const parsed = parseArgs(argv);
    if (parsed.kind === 'help') {
      io.stdout(USAGE);
      return EXIT_OK;
    }
    if (parsed.kind === 'version') {
      io.stdout(`${version()}\n`);
      return EXIT_OK;
    }
    const args = parsed.args;
    const facts = await factsFor(args, io);
    if (args.command === 'preflight') return await runPreflight(args, io, facts);
    const report = await lintFor(args, io, facts, facts.registries);
    io.stdout(formatReport(report, args.format, version()));
    return exitCodeOf(report);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`harbor-private-app: ${e.message}\n\n${USAGE}`);
      return EXIT_ERROR;
    }
    if (
      e instanceof ManifestParseError ||
      e instanceof ManifestInputError ||
      e instanceof ConfigFileError ||
      e instanceof RegistryFlagError ||
      e instanceof PreflightConnectionError
    ) {
      io.stderr(`harbor-private-app: ${e.message}\n`);
      return EXIT_ERROR;
    }
    throw e;
  }
}

/** The process's own I/O, for the executable. */
export function processIo(): CliIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    readStdin: async (maxBytes) => {
      const chunks: Buffer[] = [];
      let total = 0;
      for await (const chunk of process.stdin) {
        const b = Buffer.from(chunk as Uint8Array);
        chunks.push(b);
        total += b.length;
        if (total > maxBytes) break; // the caller reports it as too large; the rest is not read
      }
      return Buffer.concat(chunks, total);
    },
    cwd: process.cwd(),
    env: process.env,
  };
}
