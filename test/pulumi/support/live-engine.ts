/**
 * A "live" Pulumi engine for tests: `pulumi.runtime.setMocks` whose `newResource` RUNS the dynamic providers instead
 * of inventing their outputs, so a component built under it really creates its Harbor objects (e.g. in the lab's
 * Harbor emulator), and whose other resources (the Kubernetes objects) are recorded and echoed back as their state.
 *
 * What it plays of the real engine and of Pulumi's dynamic provider host (@pulumi/pulumi/cmd/dynamic-provider):
 * - a dynamic resource's `__provider` input is the serialized provider text; it is loaded like the host does
 *   (`requireFromString(text).handler()`: a fresh Node module, requires resolved from the repository, one load per
 *   distinct text), then configured like the host does (`configure({ config })` with
 *   `@pulumi/pulumi/cmd/dynamic-provider/config`'s Config over the raw stack configuration, namespaces kept, secrets
 *   decrypted: what the engine hands a dynamic provider), and its `create` gets the plain inputs (secrets unwrapped,
 *   `__provider` included);
 * - the state is the create outputs plus `__provider`, the id is the provider's id;
 * - outputs named in `additionalSecretOutputs`, or named like a secret input, come back as secrets;
 * - a failed create fails the registration (the resource's outputs reject) and is listed in `errors`;
 * - `destroyAll()` plays `pulumi destroy` for the dynamic resources: delete in reverse creation order, stopping at
 *   the first failure (a later call carries on from there).
 *
 * - `setConfig()` plays `pulumi config set`: the program reads the new configuration, and so does every provider
 *   loaded after `restart()` (a new `pulumi` run starts a new provider host, which configures the provider again).
 *
 * - `setPreview(true)` plays `pulumi preview` of a new stack: for a dynamic resource, the host's `check` (the provider's
 *   when it has one) and no `create` (the host supports no preview of create: its `Configure` answers no
 *   `supportsPreview`), its inputs as its planned state.
 * - `beforeCreate` plays what happens outside while `pulumi up` runs (an admin disabling a robot between two steps).
 *
 * Not played: diff/update (see ./lifecycle.ts), the Kubernetes API.
 *
 * Install it once per test file, before any resource is created: `const engine = installLiveEngine();`.
 */
import { join } from 'node:path';
import Module = require('node:module');
import * as pulumi from '@pulumi/pulumi';
import type { dynamic } from '@pulumi/pulumi';
import { Config as DynamicProviderConfig } from '@pulumi/pulumi/cmd/dynamic-provider/config';
import {
  isSecretInput,
  PendingRequests,
  recordRegistrationRequests,
  Registration,
  settled,
  takeRequest,
  unwrapSecrets,
} from './mocks';

/** The type token prefix of every dynamic resource (`pulumi-nodejs:dynamic:Resource`, `pulumi-nodejs:dynamic/harbor:Project`...). */
export const DYNAMIC_TYPE_PREFIX = 'pulumi-nodejs:dynamic';
/** The input that carries a dynamic resource's serialized provider. */
export const PROVIDER_KEY = '__provider';

/** Where the serialized provider's `require`s resolve from: the repository root (the program's directory). */
const REPO_ROOT = join(__dirname, '..', '..', '..');

/** One registration the live engine saw, with what it answered. */
export interface LiveRegistration extends Registration {
  /** True for a dynamic resource (run through its provider). */
  readonly dynamic: boolean;
  /** The id the engine gave it (the provider's id for a dynamic resource, `namespace/name` for a Kubernetes object). */
  id?: string;
  /** Its state as the engine returned it, with secrets unwrapped (a dynamic resource's: the create outputs + `__provider`). */
  state?: Record<string, any>;
  /** True once {@link LiveEngine.destroyAll} deleted it. */
  deleted: boolean;
  /** How long the provider's `create` took, in milliseconds (a dynamic resource, not in a preview). */
  createMs?: number;
  /** True when it was registered during a preview (planned, not created). */
  planned?: boolean;
}

/** A registration that failed (the provider's create threw). */
export interface LiveEngineError {
  readonly type: string;
  readonly name: string;
  readonly message: string;
}

/** Options of {@link installLiveEngine}. */
export interface LiveEngineOptions {
  /**
   * How the dynamic provider is obtained: `'serialized'` loads the `__provider` text of each resource as Pulumi's
   * dynamic provider host does; a provider object is used as is.
   * @default 'serialized'
   */
  readonly provider?: 'serialized' | dynamic.ResourceProvider;
  /**
   * Project and stack names of the mock runtime.
   * @default 'project' and 'stack'
   */
  readonly project?: string;
  readonly stack?: string;
  /**
   * The stack configuration (fully qualified keys), as the program and the dynamic provider host see it.
   * @default - none
   */
  readonly config?: Readonly<Record<string, string>>;
  /**
   * Which configuration keys are secrets.
   * @default - none
   */
  readonly secretKeys?: readonly string[];
  /**
   * Called before each dynamic resource's `create` with its type, name and plain inputs: plays what happens outside
   * while `pulumi up` runs.
   * @default - nothing
   */
  readonly beforeCreate?: (type: string, name: string, inputs: Record<string, any>) => void | Promise<void>;
  /**
   * What a failed create does to the program: `'reject'` fails its registration (its outputs, and those of everything
   * that depends on it, reject: jest reports them as errors of the running test); `'stop'` never answers it, as the
   * deployment stopped: nothing that waits for the resource is registered, and nothing rejects (the registrations
   * never settle after that: wait for registrations, not with {@link LiveEngine.settled}).
   * @default 'reject'
   */
  readonly onCreateFailure?: 'reject' | 'stop';
}

/** The running live engine. */
export interface LiveEngine {
  /** Every registration (components, Kubernetes objects, dynamic resources), in the order the engine received them. */
  readonly registrations: readonly LiveRegistration[];
  /** Registrations whose create failed. */
  readonly errors: readonly LiveEngineError[];
  /** Names of the dynamic resources deleted by {@link destroyAll}, in deletion order, over every call. */
  readonly deletions: readonly string[];
  /** How many distinct serialized provider texts were loaded (1 for HarborPrivateApp: one shared provider). */
  readonly providerLoads: number;
  /** The dynamic resources created and not yet deleted, in creation order. */
  liveDynamicResources(): LiveRegistration[];
  /** The registrations of one type token, optionally of one name. */
  byType(type: string, name?: string): LiveRegistration[];
  /**
   * Waits until every registration went through the engine. Rejects as soon as a create fails (naming the resource
   * and the provider's message) and after `ms` otherwise. A failed create also rejects the outputs that depend on
   * it, which jest reports as errors of the running test, as `pulumi up` would fail.
   * @default ms 60000 (a hang guard: the real closure serialization alone may take many seconds on a busy machine)
   */
  settled(what: string, ms?: number): Promise<void>;
  /**
   * `pulumi config set`: the stack configuration from now on (the program reads it at once; providers loaded after
   * {@link restart} are configured with it).
   */
  setConfig(config: Readonly<Record<string, string>>, secretKeys?: readonly string[]): void;
  /** A new `pulumi` run: the providers loaded so far are forgotten, the next operation loads and configures them again. */
  restart(): void;
  /** `pulumi preview` (true) or `pulumi up` (false, the default) for the registrations from now on. */
  setPreview(preview: boolean): void;
  /**
   * `pulumi destroy` for the dynamic resources: calls the provider's `delete(id, state)` for each live one in reverse
   * creation order (robot, members, project for a HarborPrivateApp), checking that nothing still alive depends on it.
   * Stops at the first failure with an error naming the resource (the provider's message included); the resources
   * deleted so far stay deleted, so calling it again carries on.
   * @returns the names deleted by this call, in order.
   */
  destroyAll(): Promise<string[]>;
}

/** Loads a serialized provider exactly as the dynamic provider host does (require-from-string, then `handler()`). */
export function loadSerializedProvider(text: string): dynamic.ResourceProvider {
  const M = Module as unknown as { new (id: string, parent?: unknown): any; _nodeModulePaths(dir: string): string[] };
  const filename = join(REPO_ROOT, '__pulumi_dynamic_provider__.js');
  const m = new M(filename, undefined);
  m.filename = filename;
  m.paths = M._nodeModulePaths(REPO_ROOT);
  m._compile(text, filename);
  if (typeof m.exports?.handler !== 'function') {
    throw new Error(
      `live engine: the ${PROVIDER_KEY} text does not export handler(); it is not a serialized dynamic provider.`,
    );
  }
  return m.exports.handler();
}

/**
 * The message Pulumi's provider host would report for an error thrown by a provider (`e.message`). Duck-typed:
 * errors thrown by the serialized provider come from Node's realm, not jest's, so `instanceof Error` is false here.
 */
function messageOf(e: unknown): string {
  const message = (e as { message?: unknown } | null)?.message;
  if (typeof message === 'string') return message;
  return `(the error has no message, so Pulumi would report none; it is ${JSON.stringify(String(e))})`;
}

/** `namespace/name` (or `name`) of a Kubernetes object's inputs, as @pulumi/kubernetes makes ids. */
function kubernetesId(inputs: Record<string, any>, fallback: string): string {
  const metadata = unwrapSecrets(inputs.metadata) as { name?: string; namespace?: string } | undefined;
  if (!metadata?.name) return `${fallback}-id`;
  return metadata.namespace ? `${metadata.namespace}/${metadata.name}` : metadata.name;
}

/**
 * Installs the live engine (`pulumi.runtime.setMocks`) and returns it. Call once per test file, before creating
 * resources.
 */
export function installLiveEngine(options: LiveEngineOptions = {}): LiveEngine {
  const registrations: LiveRegistration[] = [];
  const errors: LiveEngineError[] = [];
  const deletions: string[] = [];
  const created: LiveRegistration[] = [];
  const providers = new Map<string, Promise<dynamic.ResourceProvider>>();
  const pending: PendingRequests = new Map();
  const mode = options.provider ?? 'serialized';
  const onError: Array<(e: Error) => void> = [];
  const project = options.project ?? 'project';
  let rawConfig: Record<string, string> = { ...(options.config ?? {}) };
  let preview = false;

  const providerFor = async (state: Record<string, any>, what: string): Promise<dynamic.ResourceProvider> => {
    const text = state[PROVIDER_KEY];
    if (typeof text !== 'string' || text === '') {
      throw new Error(
        `live engine: ${what} has no ${PROVIDER_KEY} input; a dynamic resource always carries its serialized provider.`,
      );
    }
    if (mode !== 'serialized') return mode;
    let provider = providers.get(text);
    if (!provider) {
      // The host's getProvider(): deserialize, then configure once with the stack configuration.
      const loaded = loadSerializedProvider(text);
      const config = new DynamicProviderConfig({ ...rawConfig }, project);
      provider = (loaded.configure ? loaded.configure({ config }) : Promise.resolve()).then(() => loaded);
      providers.set(text, provider);
    }
    return provider;
  };

  void pulumi.runtime.setMocks(
    {
      async newResource(args: pulumi.runtime.MockResourceArgs) {
        const dynamicResource = args.type.startsWith(DYNAMIC_TYPE_PREFIX);
        const reg: LiveRegistration = {
          ...takeRequest(pending, args),
          inputs: args.inputs,
          urn: '?',
          dynamic: dynamicResource,
          deleted: false,
        };
        registrations.push(reg);

        if (!dynamicResource) {
          // Kubernetes objects and components: the inputs are the state.
          reg.id = args.custom ? kubernetesId(args.inputs, args.name) : undefined;
          reg.state = unwrapSecrets(args.inputs);
          return { id: reg.id, state: { ...args.inputs } };
        }

        const what = `${args.type} "${args.name}"`;
        const plain = unwrapSecrets(args.inputs) as Record<string, any>;
        if (preview) {
          // The host's check(): the provider's own when it has one, else the inputs as they are; no create.
          const provider = await providerFor(plain, what);
          const checked = provider.check ? ((await provider.check({}, plain)).inputs ?? plain) : plain;
          reg.planned = true;
          reg.state = { ...checked };
          return { id: undefined, state: { ...args.inputs } };
        }
        let result: dynamic.CreateResult;
        const started = Date.now();
        try {
          if (options.beforeCreate) await options.beforeCreate(args.type, args.name, plain);
          result = await (await providerFor(plain, what)).create(plain);
          reg.createMs = Date.now() - started;
        } catch (e) {
          const message = messageOf(e);
          errors.push({ type: args.type, name: args.name, message });
          const error = new Error(`live engine: creating ${what} failed: ${message}`);
          for (const listener of onError.splice(0)) listener(error);
          // 'stop': the deployment ends here, as `pulumi up` does; nothing that waits for this resource registers.
          if (options.onCreateFailure === 'stop') return new Promise<never>(() => undefined);
          throw error;
        }
        // The host's resultIncludingProvider(): the outputs keep the provider text.
        const outs: Record<string, any> = { ...(result.outs ?? {}), [PROVIDER_KEY]: plain[PROVIDER_KEY] };
        reg.id = result.id;
        reg.state = outs;
        created.push(reg);
        // The engine marks as secret the outputs listed in additionalSecretOutputs and those named like a secret input.
        const secretKeys = new Set([
          ...reg.additionalSecretOutputs,
          ...Object.keys(args.inputs).filter((k) => isSecretInput(args.inputs[k])),
        ]);
        const state = Object.fromEntries(
          Object.entries(outs).map(([k, v]) => [k, secretKeys.has(k) && v !== undefined ? pulumi.secret(v) : v]),
        );
        return { id: result.id, state };
      },
      call: (args: pulumi.runtime.MockCallArgs) => args.inputs,
    },
    project,
    options.stack ?? 'stack',
    false,
  );
  pulumi.runtime.setAllConfig(rawConfig, [...(options.secretKeys ?? [])]);

  recordRegistrationRequests(pending, registrations);

  const liveDynamicResources = (): LiveRegistration[] => created.filter((r) => !r.deleted);

  return {
    registrations,
    errors,
    deletions,
    get providerLoads() {
      return providers.size;
    },
    liveDynamicResources,
    byType: (type, name) => registrations.filter((r) => r.type === type && (name === undefined || r.name === name)),
    setConfig(config, secretKeys = []) {
      rawConfig = { ...config };
      pulumi.runtime.setAllConfig(rawConfig, [...secretKeys]);
    },
    restart() {
      providers.clear();
    },
    setPreview(on) {
      preview = on;
    },
    async settled(what, ms = 60_000) {
      if (errors.length > 0)
        throw new Error(
          `live engine: ${what}: creating ${errors[0].type} "${errors[0].name}" failed: ${errors[0].message}`,
        );
      const failed = new Promise<never>((_, reject) => onError.push(reject));
      failed.catch(() => undefined);
      await Promise.race([settled(what, ms), failed]);
    },
    async destroyAll() {
      const done: string[] = [];
      for (const r of [...liveDynamicResources()].reverse()) {
        const what = `${r.type} "${r.name}" (id ${r.id})`;
        const dependents = liveDynamicResources().filter((o) => o !== r && o.dependencies.includes(r.urn));
        if (dependents.length > 0) {
          throw new Error(
            `live engine: destroyAll would delete ${what} before ${dependents.map((d) => `"${d.name}"`).join(', ')}, which depend on it.`,
          );
        }
        try {
          const provider = await providerFor(r.state!, what);
          if (provider.delete) await provider.delete(r.id!, r.state);
        } catch (e) {
          const message = messageOf(e);
          throw new Error(`live engine: deleting ${what} failed after deleting [${done.join(', ')}]: ${message}`, {
            cause: e,
          });
        }
        r.deleted = true;
        done.push(r.name);
        deletions.push(r.name);
      }
      return done;
    },
  };
}
