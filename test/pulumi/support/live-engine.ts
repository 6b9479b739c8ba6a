/**
 * A "live" Pulumi engine for tests: `pulumi.runtime.setMocks` whose `newResource` RUNS the dynamic providers instead
 * of inventing their outputs, so a component built under it really creates its Harbor objects (e.g. in the lab's
 * Harbor emulator), and whose other resources (the Kubernetes objects) are recorded and echoed back as their state.
 *
 * What it plays of the real engine; the provider calls themselves go to Pulumi's own dynamic provider host:
 * - a dynamic resource's `__provider` input is the serialized provider text; the inputs the program registers go
 *   through the provider's `check` first (which fills in the defaults of unset args), as the engine does; every provider call (check, diff,
 *   create, update, delete) goes over gRPC to a real `@pulumi/pulumi/cmd/dynamic-provider` process (./real-host.ts),
 *   started in the repository (the program's directory) and configured with the whole stack configuration, which
 *   loads each distinct text once (`requireFromString(text).handler()`) and passes every value through a protobuf
 *   `Struct`, as under `pulumi up`; its `create` gets the plain inputs (secrets unwrapped, `__provider` included);
 * - the state is the create outputs plus `__provider`, the id is the provider's id;
 * - outputs named in `additionalSecretOutputs`, or named like a secret input, come back as secrets;
 * - a failed create fails the registration (the resource's outputs reject) and is listed in `errors`;
 * - `destroyAll()` plays `pulumi destroy` for the dynamic resources: delete in reverse creation order, stopping at
 *   the first failure (a later call carries on from there); `refreshAll()` plays `pulumi refresh` (read each; one
 *   read as gone is dropped). Both run a host of their own configured, as the engine does, with the configuration
 *   stored by the last `up` (the default provider's inputs in the state), or the current one with `runProgram`
 *   (`--run-program`).
 *
 * - `setConfig()` plays `pulumi config set`: the program reads the new configuration, and so does every provider
 *   loaded after `restart()` (a new `pulumi` run starts a new provider host, which configures the provider again).
 * - `beginUp()` ... `finishUp()` plays a later `pulumi up` of the same stack: the program runs again (build the
 *   component again with the same name), and each registration meets the resource of the same type and name in the
 *   stack. A dynamic one is diffed (`diff(id, olds, news)`, the old state against the new inputs), then left as it is,
 *   updated (`update`, the id kept) or replaced as Pulumi's engine does (pkg/resource/deploy/step_generator.go):
 *   create-before-delete by default (the replacement is created at once, the old resource is deleted only in the
 *   post-steps, after every registration of the run succeeded: "the delete step is generated later on, after all
 *   creates/updates finish", deployment_executor.go `performPostSteps`), delete-before-replace when the provider's
 *   diff asks for it (or the run forces it). A Kubernetes object's recorded state becomes its new inputs (the apply).
 *   `finishUp()` then deletes the replaced resources and those the program no longer registers. Every step is in
 *   `events`, with its time; `afterStep` holds the next dependent step until what watches the stack saw this one.
 *
 * - `setPreview(true)` plays `pulumi preview` of a new stack: for a dynamic resource, the host's `check` (the provider's
 *   when it has one) and no `create` (the host supports no preview of create: its `Configure` answers no
 *   `supportsPreview`), its inputs as its planned state.
 * - `beforeCreate` plays what happens outside while `pulumi up` runs (an admin disabling a robot between two steps).
 *
 * Not played: the preview of a later up (see ./lifecycle.ts), the Kubernetes API (an object's state is its inputs).
 *
 * Install it once per test file, before any resource is created: `const engine = installLiveEngine();`.
 */
import { join } from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import type { dynamic } from '@pulumi/pulumi';
import { startRealHost, type RealHost } from './real-host';
import { wireChecked } from './wire-check';
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

/** One step of a run, as the engine took it. */
export interface LiveEvent {
  /** When the step finished (its outcome visible), milliseconds since the epoch. */
  readonly at: number;
  /**
   * What was done: `create` (a new resource), `same` (no change), `update` (in place, or a Kubernetes object's new
   * inputs applied), `create-replacement` (the new resource of a replacement), `delete-replaced` (the old resource of
   * a replacement), `delete` (a resource the program no longer registers).
   */
  readonly op: 'create' | 'same' | 'update' | 'create-replacement' | 'delete-replaced' | 'delete';
  readonly type: string;
  readonly name: string;
  /** The resource's id after the step (the deleted one's for deletes). */
  readonly id?: string;
}

/** Options of one later `pulumi up` ({@link LiveEngine.beginUp}). */
export interface LiveUpOptions {
  /**
   * Called after each step (a create, an update, a delete, a Kubernetes object applied) before the next dependent
   * step starts: lets what watches the stack (a pull loop) see every state the up goes through, however loaded the
   * machine is: a barrier, not a delay. Real steps call APIs and take time; here they wait for the watcher.
   * @default - no wait
   */
  readonly afterStep?: () => Promise<void>;
  /**
   * Replace with delete-before-replace whatever the provider says, as the resource option `deleteBeforeReplace: true`
   * would: the run the rotation must never be, to show what a pull loop sees then.
   * @default false
   */
  readonly forceDeleteBeforeReplace?: boolean;
  /**
   * Makes the apply of a Kubernetes object fail (the API server refusing it): return the error message for the
   * objects that should fail, `undefined` for the others. The run then fails like `pulumi up`: the registration
   * errors, and {@link LiveEngine.finishUp} deletes nothing (the replaced resources stay pending deletion until the
   * next up that succeeds, as in Pulumi's state).
   * @default - every apply succeeds
   */
  readonly failApply?: (type: string, name: string) => string | undefined;
}

/**
 * Options of a command that does not run the program ({@link LiveEngine.refreshAll}, {@link LiveEngine.destroyAll}):
 * like the engine, it configures the provider with the configuration stored by the last `up`, unless `runProgram`.
 */
export interface LiveCommandOptions {
  /** `--run-program`: run with the current configuration instead of the stored one. @default false */
  readonly runProgram?: boolean;
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
   * How the dynamic provider is run: `'serialized'` sends each call, with the resource's `__provider` text, to Pulumi's
   * own dynamic provider host (./real-host.ts); a provider object is called in this process (unit tests only), each
   * result checked to cross the wire unchanged (./wire-check.ts).
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
  /** How many distinct serialized provider texts the current host run was sent (one per kind of Harbor resource). */
  readonly providerLoads: number;
  /** The dynamic resources created and not yet deleted, in creation order (a replacement in its old one's place). */
  liveDynamicResources(): LiveRegistration[];
  /** Every step of the runs since {@link beginUp} (the first `up`'s creates included), in the order they finished. */
  readonly events: readonly LiveEvent[];
  /**
   * The current registration of a resource of the stack by type and name (its `state` as the engine last recorded
   * it: a dynamic resource's outputs, a Kubernetes object's applied inputs), or undefined.
   */
  current(type: string, name: string): LiveRegistration | undefined;
  /**
   * A later `pulumi up` of the same stack begins: build the component again (same name, the new props), await
   * {@link settled}, then {@link finishUp}. Providers are loaded and configured anew (a new provider host).
   */
  beginUp(options?: LiveUpOptions): void;
  /**
   * The end of that `up`, once every registration went through: the post-steps, deleting the resources replaced
   * create-before-delete and those the program did not register again, dependents first.
   * @returns the names deleted, in order.
   */
  finishUp(): Promise<string[]>;
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
  destroyAll(options?: LiveCommandOptions): Promise<string[]>;
  /**
   * `pulumi refresh` for the dynamic resources: reads each live one; one that reads as gone is dropped from the
   * stack, the others take the state read.
   * @returns the names dropped.
   */
  refreshAll(options?: LiveCommandOptions): Promise<string[]>;
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
  /** The provider host of the current `pulumi` run, started at its first provider call. */
  let host: Promise<RealHost> | undefined;
  /** That host, once started. */
  let runningHost: RealHost | undefined;
  const pending: PendingRequests = new Map();
  const mode = options.provider ?? 'serialized';
  const onError: Array<(e: Error) => void> = [];
  const project = options.project ?? 'project';
  let rawConfig: Record<string, string> = { ...(options.config ?? {}) };
  let secretConfigKeys: readonly string[] = [...(options.secretKeys ?? [])];
  const inProcess = mode === 'serialized' ? undefined : wireChecked(mode);
  const events: LiveEvent[] = [];
  /** The stack: the current registration of each resource, by `type::name`. */
  const stack = new Map<string, LiveRegistration>();
  /** The later `up` in progress: what it registered, and the old resources it replaced create-before-delete. */
  let run: { seen: Set<string>; errorsBefore: number; options: LiveUpOptions } | undefined;
  /** Old resources of create-before-delete replacements, not deleted yet (Pulumi's `delete: true` state entries). */
  const pendingDeletes: LiveRegistration[] = [];
  const keyOf = (r: { type: string; name: string }): string => `${r.type}::${r.name}`;
  const step = async (): Promise<void> => {
    await run?.options.afterStep?.();
  };
  const event = (op: LiveEvent['op'], r: LiveRegistration, id = r.id): void => {
    events.push({ at: Date.now(), op, type: r.type, name: r.name, ...(id !== undefined ? { id } : {}) });
  };
  /** The state the engine hands the program: outputs named secret come back as secrets. */
  const answer = (reg: LiveRegistration, inputs: Record<string, any>, outs: Record<string, any>) => {
    const secretKeys = new Set([
      ...reg.additionalSecretOutputs,
      ...Object.keys(inputs).filter((k) => isSecretInput(inputs[k])),
    ]);
    return Object.fromEntries(
      Object.entries(outs).map(([k, v]) => [k, secretKeys.has(k) && v !== undefined ? pulumi.secret(v) : v]),
    );
  };
  let preview = false;

  const providerFor = async (state: Record<string, any>, what: string): Promise<dynamic.ResourceProvider> => {
    const text = state[PROVIDER_KEY];
    if (typeof text !== 'string' || text === '') {
      throw new Error(
        `live engine: ${what} has no ${PROVIDER_KEY} input; a dynamic resource always carries its serialized provider.`,
      );
    }
    if (inProcess) return inProcess;
    // What this `pulumi up` stores (the default provider's inputs): later refreshes and destroys run with it.
    storedConfig = { config: rawConfig, secretKeys: secretConfigKeys };
    // A new host per `pulumi` run, configured once with the stack configuration (the engine's Configure).
    host ??= startRealHost({
      cwd: REPO_ROOT,
      config: rawConfig,
      secretKeys: secretConfigKeys,
      project,
      stack: options.stack ?? 'stack',
    });
    const h = await host;
    if (host !== undefined) runningHost = h;
    return h;
  };
  /**
   * The provider for a command that does not run the program (`pulumi refresh`, `pulumi destroy`): a host of its own,
   * configured with the configuration the last `up` stored, or the current one with `--run-program`.
   */
  let storedConfig: { config: Record<string, string>; secretKeys: readonly string[] } | undefined;
  const commandProvider = async (
    runProgram: boolean,
  ): Promise<{ provider: dynamic.ResourceProvider; end(): Promise<void> }> => {
    if (inProcess) return { provider: inProcess, end: async () => undefined };
    endRun();
    const used =
      runProgram || storedConfig === undefined ? { config: rawConfig, secretKeys: secretConfigKeys } : storedConfig;
    const h = await startRealHost({ cwd: REPO_ROOT, ...used, project, stack: options.stack ?? 'stack' });
    return { provider: h as unknown as dynamic.ResourceProvider, end: () => h.close() };
  };
  /** Ends the current host run (the engine stops the host at the end of every `pulumi` command). */
  const endRun = (): void => {
    const ending = host;
    host = undefined;
    runningHost = undefined;
    if (ending) void ending.then((h) => h.close()).catch(() => undefined);
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
        const key = keyOf(reg);
        run?.seen.add(key);
        const prior = run ? stack.get(key) : undefined;

        if (!dynamicResource) {
          // Kubernetes objects and components: the inputs are the state (a Kubernetes object's apply).
          const refused = args.custom ? run?.options.failApply?.(args.type, args.name) : undefined;
          if (refused !== undefined) {
            errors.push({ type: args.type, name: args.name, message: refused });
            const error = new Error(`live engine: applying ${args.type} "${args.name}" failed: ${refused}`);
            for (const listener of onError.splice(0)) listener(error);
            throw error;
          }
          reg.id = args.custom ? kubernetesId(args.inputs, args.name) : undefined;
          reg.state = unwrapSecrets(args.inputs);
          const changed = prior !== undefined && JSON.stringify(prior.state) !== JSON.stringify(reg.state);
          stack.set(key, reg);
          if (args.custom) {
            event(prior === undefined ? 'create' : changed ? 'update' : 'same', reg);
            if (prior === undefined || changed) await step();
          }
          return { id: reg.id, state: { ...args.inputs } };
        }

        const what = `${args.type} "${args.name}"`;
        const fail = (doing: string, e: unknown): Error => {
          const message = messageOf(e);
          errors.push({ type: args.type, name: args.name, message });
          const error = new Error(`live engine: ${doing} ${what} failed: ${message}`);
          for (const listener of onError.splice(0)) listener(error);
          return error;
        };
        // The engine's Check before any diff or create: the provider's check fills in the defaults of the args the
        // program left unset; what it returns are the inputs the engine hands on (and stores).
        const given = unwrapSecrets(args.inputs) as Record<string, any>;
        let plain: Record<string, any>;
        try {
          const checker = await providerFor(given, what);
          plain = checker.check ? ((await checker.check({}, given)).inputs ?? given) : given;
        } catch (e) {
          throw fail('checking', e);
        }

        if (prior !== undefined && !prior.deleted) {
          // A later up: diff the stack's resource against the new inputs, as the engine does.
          const provider = await providerFor(plain, what).catch((e: unknown) => {
            throw fail('loading the provider of', e);
          });
          let diff: dynamic.DiffResult;
          try {
            diff = provider.diff ? await provider.diff(prior.id!, prior.state, plain) : { changes: true };
          } catch (e) {
            throw fail('diffing', e);
          }
          const replaces = diff.replaces ?? [];
          if (!diff.changes) {
            reg.id = prior.id;
            reg.state = prior.state;
            created[created.indexOf(prior)] = reg;
            stack.set(key, reg);
            event('same', reg);
            return { id: reg.id, state: answer(reg, args.inputs, prior.state!) };
          }
          if (replaces.length === 0) {
            let result: dynamic.UpdateResult;
            try {
              result = provider.update ? await provider.update(prior.id!, prior.state, plain) : { outs: plain };
            } catch (e) {
              throw fail('updating', e);
            }
            const outs: Record<string, any> = { ...(result.outs ?? {}), [PROVIDER_KEY]: plain[PROVIDER_KEY] };
            reg.id = prior.id;
            reg.state = outs;
            created[created.indexOf(prior)] = reg;
            stack.set(key, reg);
            event('update', reg);
            await step();
            return { id: reg.id, state: answer(reg, args.inputs, outs) };
          }
          // A replacement.
          const deleteFirst = run!.options.forceDeleteBeforeReplace === true || diff.deleteBeforeReplace === true;
          if (deleteFirst) {
            try {
              const old = await providerFor(prior.state!, what);
              if (old.delete) await old.delete(prior.id!, prior.state);
            } catch (e) {
              throw fail('deleting (before replacing)', e);
            }
            prior.deleted = true;
            deletions.push(prior.name);
            event('delete-replaced', prior);
            await step();
          }
          let result: dynamic.CreateResult;
          try {
            result = await provider.create(plain);
          } catch (e) {
            throw fail('creating the replacement of', e);
          }
          const outs: Record<string, any> = { ...(result.outs ?? {}), [PROVIDER_KEY]: plain[PROVIDER_KEY] };
          reg.id = result.id;
          reg.state = outs;
          created[created.indexOf(prior)] = reg;
          stack.set(key, reg);
          if (!deleteFirst) pendingDeletes.push(prior);
          event('create-replacement', reg);
          await step();
          return { id: result.id, state: answer(reg, args.inputs, outs) };
        }

        if (preview) {
          // The host's check() (above): the provider's own when it has one, else the inputs as they are; no create.
          reg.planned = true;
          reg.state = { ...plain };
          return { id: undefined, state: { ...args.inputs } };
        }
        let result: dynamic.CreateResult;
        const started = Date.now();
        try {
          if (options.beforeCreate) await options.beforeCreate(args.type, args.name, plain);
          result = await (await providerFor(plain, what)).create(plain);
          reg.createMs = Date.now() - started;
        } catch (e) {
          const error = fail('creating', e);
          // 'stop': the deployment ends here, as `pulumi up` does; nothing that waits for this resource registers.
          if (options.onCreateFailure === 'stop') return new Promise<never>(() => undefined);
          throw error;
        }
        // The host's resultIncludingProvider(): the outputs keep the provider text.
        const outs: Record<string, any> = { ...(result.outs ?? {}), [PROVIDER_KEY]: plain[PROVIDER_KEY] };
        reg.id = result.id;
        reg.state = outs;
        created.push(reg);
        stack.set(key, reg);
        event('create', reg);
        await step();
        // The engine marks as secret the outputs listed in additionalSecretOutputs and those named like a secret input.
        return { id: result.id, state: answer(reg, args.inputs, outs) };
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

  /** Deletes one dynamic resource through its stored provider text, as the engine's delete step does. */
  const deleteOne = async (r: LiveRegistration, op: 'delete-replaced' | 'delete', done: string[]): Promise<void> => {
    const what = `${r.type} "${r.name}" (id ${r.id})`;
    try {
      const provider = await providerFor(r.state!, what);
      if (provider.delete) await provider.delete(r.id!, r.state);
    } catch (e) {
      throw new Error(`live engine: deleting ${what} failed after deleting [${done.join(', ')}]: ${messageOf(e)}`, {
        cause: e,
      });
    }
    r.deleted = true;
    done.push(r.name);
    deletions.push(r.name);
    event(op, r);
    await step();
  };

  /** The post-steps of a later up (see {@link LiveEngine.finishUp}). */
  const postSteps = async (current: NonNullable<typeof run>): Promise<string[]> => {
    if (errors.length > current.errorsBefore) {
      // A step failed: the engine stops before its post-steps (deployment_executor.go: the main loop returns on
      // the failure, performPostSteps is not reached); the replaced resources stay pending deletion.
      throw new Error(
        `live engine: the up failed (${errors[current.errorsBefore].type} "${errors[current.errorsBefore].name}": ` +
          `${errors[current.errorsBefore].message}); nothing deleted, ${pendingDeletes.length} replaced resource(s) ` +
          'pending deletion.',
      );
    }
    const done: string[] = [];
    // The post-steps: the old resources of create-before-delete replacements (this run's and earlier failed runs'),
    // then those not registered again (dependents first: reverse creation order).
    for (const r of pendingDeletes.splice(0)) await deleteOne(r, 'delete-replaced', done);
    const gone = [...created].reverse().filter((r) => !r.deleted && !current.seen.has(keyOf(r)));
    for (const r of gone) {
      await deleteOne(r, 'delete', done);
      stack.delete(keyOf(r));
    }
    return done;
  };

  return {
    registrations,
    errors,
    deletions,
    events,
    current: (type, name) => stack.get(`${type}::${name}`),
    beginUp(upOptions = {}) {
      if (run) throw new Error('live engine: beginUp() while another up is in progress; call finishUp() first.');
      endRun();
      run = { seen: new Set(), errorsBefore: errors.length, options: upOptions };
    },
    async finishUp() {
      if (!run) throw new Error('live engine: finishUp() without beginUp().');
      const current = run;
      try {
        return await postSteps(current);
      } finally {
        run = undefined;
      }
    },
    get providerLoads() {
      return runningHost?.providerTexts.size ?? 0;
    },
    liveDynamicResources,
    byType: (type, name) => registrations.filter((r) => r.type === type && (name === undefined || r.name === name)),
    setConfig(config, secretKeys = []) {
      rawConfig = { ...config };
      secretConfigKeys = [...secretKeys];
      pulumi.runtime.setAllConfig(rawConfig, [...secretKeys]);
    },
    restart() {
      endRun();
    },
    setPreview(on) {
      preview = on;
    },
    async settled(what, ms = 150_000) {
      if (errors.length > 0)
        throw new Error(
          `live engine: ${what}: creating ${errors[0].type} "${errors[0].name}" failed: ${errors[0].message}`,
        );
      const failed = new Promise<never>((_, reject) => onError.push(reject));
      failed.catch(() => undefined);
      await Promise.race([settled(what, ms), failed]);
    },
    async destroyAll(destroyOptions = {}) {
      const done: string[] = [];
      const command = await commandProvider(destroyOptions.runProgram === true);
      const provider = command.provider;
      try {
        for (const r of [...liveDynamicResources()].reverse()) {
          const what = `${r.type} "${r.name}" (id ${r.id})`;
          const dependents = liveDynamicResources().filter((o) => o !== r && o.dependencies.includes(r.urn));
          if (dependents.length > 0) {
            throw new Error(
              `live engine: destroyAll would delete ${what} before ${dependents.map((d) => `"${d.name}"`).join(', ')}, which depend on it.`,
            );
          }
          try {
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
      } finally {
        await command.end();
      }
      return done;
    },
    async refreshAll(refreshOptions = {}) {
      const dropped: string[] = [];
      const command = await commandProvider(refreshOptions.runProgram === true);
      const provider = command.provider;
      try {
        for (const r of liveDynamicResources()) {
          const what = `${r.type} "${r.name}" (id ${r.id})`;
          let result: dynamic.ReadResult;
          try {
            result = provider.read ? await provider.read(r.id!, r.state) : { id: r.id, props: r.state };
          } catch (e) {
            throw new Error(`live engine: reading ${what} failed: ${messageOf(e)}`, { cause: e });
          }
          if (!result.id) {
            // Gone: the engine drops it from the state.
            r.deleted = true;
            stack.delete(keyOf(r));
            dropped.push(r.name);
          } else {
            r.id = result.id;
            r.state = result.props;
          }
        }
      } finally {
        await command.end();
      }
      return dropped;
    },
  };
}
