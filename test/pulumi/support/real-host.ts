/**
 * Pulumi's own dynamic provider host, run and driven the way the Pulumi engine does it.
 *
 * `pulumi up` does not call a dynamic provider in the program's process: the engine starts
 * `@pulumi/pulumi/cmd/dynamic-provider/index.js` (through the `pulumi-resource-pulumi-nodejs` plugin script) as a
 * process of its own, in the program's directory, with the engine's address as its only argument; the host prints the
 * port it listens on and the engine speaks the provider gRPC protocol to it (`pulumirpc.ResourceProvider`). Every
 * value that goes in or out passes through a protobuf `Struct`: a provider result holding `undefined`, a function, a
 * `Date`, a `BigInt`... throws in the host (`Unexpected struct type.`) AFTER the provider did its work.
 *
 * {@link startRealHost} does exactly that: the host of the INSTALLED `@pulumi/pulumi` (resolved from the program's
 * directory), the proto classes and gRPC client that package ships, `Configure` first with the whole stack
 * configuration (namespaced keys, secrets sent as the engine sends them), then Check, Diff, Create, Read, Update and
 * Delete as the engine sends them (inputs serialized as the language SDK does: `undefined` properties left out).
 * A {@link RealHost} has the shape of a `dynamic.ResourceProvider`, so the test engines (./live-engine.ts,
 * ./lifecycle.ts) run every provider call through it.
 *
 * Every host started is stopped after the test file (jest `afterAll`) and when the process exits.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { dynamic } from '@pulumi/pulumi';

/** The value the engine sends for an unknown input (a preview of a value not known yet). */
export const UNKNOWN_VALUE = '04da6b54-80e4-46f7-96ec-b56ff0331ba9';
/** The signature key and value of a secret the engine sends (`rpc.specialSigKey`, `specialSecretSig`). */
const SIG_KEY = '4dabf18193072939515e22adb298388d';
const SECRET_SIG = '1b47061264138c4ac30d75fd1eb44270';

/** How a host is started. */
export interface RealHostOptions {
  /** The program's directory: the host's cwd, where `@pulumi/pulumi` and the provider's requires resolve from. */
  readonly cwd: string;
  /** The stack configuration, namespaced keys (`project:key`), plain values. */
  readonly config?: Readonly<Record<string, string>>;
  /** Which configuration keys are secrets (sent as secrets, as the engine sends them). */
  readonly secretKeys?: readonly string[];
  /** The Pulumi project's name (`PULUMI_NODEJS_PROJECT`: what the host's `Config` prefixes unqualified keys with). */
  readonly project?: string;
  /** The stack's name. */
  readonly stack?: string;
  /** The Node.js binary that runs the host. @default the one running this process */
  readonly node?: string;
  /** How long the host may take to start and each call may take, in milliseconds. @default 120000 */
  readonly timeoutMs?: number;
}

/** A check result as the engine receives it. */
export interface HostCheckResult {
  readonly inputs: Record<string, any>;
  readonly failures: { property: string; reason: string }[];
}

/** One running host: a `dynamic.ResourceProvider` whose every call crosses the wire to it. */
export interface RealHost {
  /** The `@pulumi/pulumi` version whose host runs. */
  readonly pulumiVersion: string;
  /** The host process's id. */
  readonly pid: number;
  /** The distinct `__provider` texts sent to it so far (the host deserializes and configures each once). */
  readonly providerTexts: ReadonlySet<string>;
  check(olds: Record<string, any>, news: Record<string, any>, urn?: string): Promise<HostCheckResult>;
  diff(id: string, olds: Record<string, any>, news: Record<string, any>, urn?: string): Promise<dynamic.DiffResult>;
  create(inputs: Record<string, any>, urn?: string): Promise<dynamic.CreateResult>;
  read(id: string, props: Record<string, any>, inputs?: Record<string, any>, urn?: string): Promise<dynamic.ReadResult>;
  update(
    id: string,
    olds: Record<string, any>,
    news: Record<string, any>,
    oldInputs?: Record<string, any>,
    urn?: string,
  ): Promise<dynamic.UpdateResult>;
  delete(id: string, props: Record<string, any>, urn?: string): Promise<void>;
  /** Stops the host (the engine does at the end of every `pulumi` command). */
  close(): Promise<void>;
}

/** An error the host answered with: its message is what `pulumi up` prints for the step. */
export class HostError extends Error {
  constructor(
    readonly operation: string,
    message: string,
    /** The gRPC status code. */
    readonly code: number,
  ) {
    super(message);
    this.name = 'HostError';
  }
}

const running = new Set<RealHost>();

/** Stops every host still running. */
export async function closeAllHosts(): Promise<void> {
  await Promise.all([...running].map((h) => h.close()));
}

process.on('exit', () => {
  for (const h of running) process.kill(h.pid, 'SIGKILL');
});
declare const afterAll: ((fn: () => Promise<void>) => void) | undefined;
if (typeof afterAll === 'function') afterAll(closeAllHosts);

/**
 * A copy of `value` as the language SDK serializes a resource's inputs: properties whose value is `undefined` are
 * left out (`serializeProperties`), recursively.
 */
export function asRegistered(value: unknown): any {
  if (Array.isArray(value)) return value.map(asRegistered);
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, asRegistered(v)]),
    );
  }
  return value;
}

/**
 * Starts `cmd/dynamic-provider/index.js` of the `@pulumi/pulumi` installed for the program in `options.cwd`, and
 * configures it with the stack configuration, as the engine does before any other call.
 */
export async function startRealHost(options: RealHostOptions): Promise<RealHost> {
  const timeoutMs = options.timeoutMs ?? 120_000;
  const fromProgram = createRequire(join(options.cwd, '__program__.js'));
  const pulumiDir = dirname(fromProgram.resolve('@pulumi/pulumi/package.json'));
  const fromPulumi = createRequire(join(pulumiDir, 'package.json'));
  const hostScript = join(pulumiDir, 'cmd', 'dynamic-provider', 'index.js');
  const pulumiVersion = (fromPulumi('./package.json') as { version: string }).version;
  // The proto classes and the gRPC client the installed @pulumi/pulumi ships (the very ones its host uses).
  const grpc = fromPulumi('@grpc/grpc-js');
  const provrpc = fromPulumi('./proto/provider_grpc_pb');
  const provproto = fromPulumi('./proto/provider_pb');
  const { Struct } = fromPulumi('google-protobuf/google/protobuf/struct_pb');

  const child: ChildProcess = spawn(options.node ?? process.execPath, [hostScript, '127.0.0.1:1'], {
    cwd: options.cwd,
    env: {
      ...process.env,
      PULUMI_NODEJS_PROJECT: options.project ?? 'project',
      PULUMI_NODEJS_STACK: options.stack ?? 'stack',
      // What the engine also hands a dynamic provider's process (pulumi/pulumi#17229): the whole configuration.
      PULUMI_CONFIG: JSON.stringify(options.config ?? {}),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    stderr = (stderr + d).slice(-20_000);
  });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the dynamic provider host did not print its port within ${timeoutMs} ms; stderr: ${stderr}`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the dynamic provider host exited (code ${code}) before printing its port; stderr: ${stderr}`));
    });
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const line = /^(\d+)\r?\n/.exec(out);
      if (line) {
        clearTimeout(timer);
        resolve(Number(line[1]));
      }
    });
  });
  child.removeAllListeners('exit');
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });

  const client = new provrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  const texts = new Set<string>();

  const call = <T>(operation: string, request: unknown): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      if (exited) {
        reject(new Error(`the dynamic provider host has exited; stderr: ${stderr}`));
        return;
      }
      client[operation](
        request,
        new grpc.Metadata(),
        { deadline: Date.now() + timeoutMs },
        (err: { details?: string; message: string; code: number } | null, resp: T) => {
          if (err) reject(new HostError(operation, err.details ?? err.message, err.code));
          else resolve(resp);
        },
      );
    });
  const struct = (value: Record<string, any>): unknown => {
    const registered = asRegistered(value) as Record<string, any>;
    if (typeof registered.__provider === 'string') texts.add(registered.__provider);
    return Struct.fromJavaScript(registered);
  };
  const js = (s: { toJavaScript(): Record<string, any> } | undefined): Record<string, any> | undefined =>
    s === undefined ? undefined : s.toJavaScript();
  const urnOf = (urn: string | undefined): string =>
    urn ?? 'urn:pulumi:stack::project::pulumi-nodejs:dynamic:Resource::r';

  // Configure: the whole stack configuration, secrets as the engine sends them; the host answers acceptSecrets false.
  const secretKeys = new Set(options.secretKeys ?? []);
  const args: Record<string, unknown> = {};
  const configure = new provproto.ConfigureRequest();
  for (const [k, v] of Object.entries(options.config ?? {})) {
    args[k] = secretKeys.has(k) ? { [SIG_KEY]: SECRET_SIG, value: v } : v;
    configure.getVariablesMap().set(k, v);
  }
  configure.setArgs(Struct.fromJavaScript(args));
  configure.setAcceptsecrets(true);
  configure.setAcceptresources(true);
  await call('configure', configure);

  const host: RealHost = {
    pulumiVersion,
    pid: child.pid!,
    providerTexts: texts,
    async check(olds, news, urn) {
      const req = new provproto.CheckRequest();
      req.setUrn(urnOf(urn));
      req.setOlds(struct(olds));
      req.setNews(struct(news));
      const resp = await call<any>('check', req);
      return {
        inputs: js(resp.getInputs()) ?? {},
        failures: resp.getFailuresList().map((f: any) => ({ property: f.getProperty(), reason: f.getReason() })),
      };
    },
    async diff(id, olds, news, urn) {
      const req = new provproto.DiffRequest();
      req.setId(id);
      req.setUrn(urnOf(urn));
      req.setOlds(struct(olds));
      req.setNews(struct(news));
      const resp = await call<any>('diff', req);
      // What the engine reads of the answer: DIFF_SOME (2), DIFF_NONE (1) or DIFF_UNKNOWN (0), the replaced
      // properties (empty when none) and deleteBeforeReplace (false when unset).
      const changes = resp.getChanges();
      return {
        changes: changes === 2 ? true : changes === 1 ? false : undefined,
        replaces: resp.getReplacesList() as string[],
        deleteBeforeReplace: resp.getDeletebeforereplace() as boolean,
      };
    },
    async create(inputs, urn) {
      const req = new provproto.CreateRequest();
      req.setUrn(urnOf(urn));
      req.setProperties(struct(inputs));
      const resp = await call<any>('create', req);
      return { id: resp.getId(), outs: js(resp.getProperties()) ?? {} };
    },
    async read(id, props, inputs, urn) {
      const req = new provproto.ReadRequest();
      req.setId(id);
      req.setUrn(urnOf(urn));
      req.setProperties(struct(props));
      if (inputs !== undefined) req.setInputs(struct(inputs));
      const resp = await call<any>('read', req);
      const readInputs = js(resp.getInputs());
      return { id: resp.getId(), props: js(resp.getProperties()) ?? {}, ...(readInputs ? { inputs: readInputs } : {}) };
    },
    async update(id, olds, news, oldInputs, urn) {
      const req = new provproto.UpdateRequest();
      req.setId(id);
      req.setUrn(urnOf(urn));
      req.setOlds(struct(olds));
      req.setNews(struct(news));
      if (oldInputs !== undefined) req.setOldInputs(struct(oldInputs));
      const resp = await call<any>('update', req);
      return { outs: js(resp.getProperties()) ?? {} };
    },
    async delete(id, props, urn) {
      const req = new provproto.DeleteRequest();
      req.setId(id);
      req.setUrn(urnOf(urn));
      req.setProperties(struct(props));
      await call('delete', req);
    },
    async close() {
      if (!running.delete(host)) return;
      client.close();
      if (!exited) {
        const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.kill('SIGKILL');
        await gone;
      }
    },
  };
  running.add(host);
  return host;
}
