/**
 * How a Harbor resource lays out its inputs and its state: the values the program reads (its declared outputs) and the
 * provider text at the top level, everything else (its Harbor address, `resourceKind`, the settings only the provider
 * reads) under one key, `spec`.
 *
 * Why: Pulumi makes an output, with its promises and closures, for every top-level input of every resource, kept
 * for the whole program run. One key instead of five to eight per Harbor resource is about a quarter of the
 * component's outputs, and most of the memory a program of many apps needs over a hand-written one (bench/RESULTS.md,
 * Pulumi).
 *
 * The providers read both layouts: a state written before it (every key at the top level) works as it is. A state can
 * be mixed for a while: on an `up` whose diff finds no change the engine stores the new inputs (packed) and keeps the
 * old outputs (flat) until an update or a refresh writes packed ones. Imports nothing at run time but ./wire.ts (itself
 * import-free): it is part of every serialized provider.
 */
import type { dynamic } from '@pulumi/pulumi';
import { onTheWire } from './wire';

/** The key under which a Harbor resource keeps the inputs the program does not read. */
export const SPEC_KEY = 'spec';

/** The input that carries a dynamic resource's serialized provider (@pulumi/pulumi cmd/dynamic-provider `providerKey`). */
export const PROVIDER_KEY = '__provider';

/** Pulumi's marker of a value that is not known yet (during a preview), as the dynamic provider host receives it. */
export const UNKNOWN = '04da6b54-80e4-46f7-96ec-b56ff0331ba9';

/**
 * True when the stored provider text differs from the one the program registers now (both known). The engine keeps a
 * resource's outputs, and so the provider text `refresh` and `destroy` run, until an update stores new ones (the
 * host's `update` returns the outputs with the NEW text, cmd/dynamic-provider/index.js `resultIncludingProvider`), so
 * a diff reports this as a change.
 */
export function providerTextChanged(olds: unknown, news: unknown): boolean {
  const a = (olds as Props | undefined)?.[PROVIDER_KEY];
  const b = (news as Props | undefined)?.[PROVIDER_KEY];
  return typeof a === 'string' && typeof b === 'string' && b !== UNKNOWN && a !== b;
}

/**
 * The keys each kind of Harbor resource keeps at the top level: its declared outputs (what the program and users
 * read), besides `__provider`; and `connection`, the deprecated login that holds the Harbor password: states written
 * before the layout name it in `additionalSecretOutputs`, and a `pulumi refresh` keeps the stored options, so it must
 * stay where that option covers it. A kind not listed keeps every key at the top level.
 */
export const TOP_LEVEL_KEYS: Readonly<Record<string, readonly string[]>> = {
  project: ['name', 'projectId', 'created', 'connection'],
  member: ['memberId', 'role', 'connection'],
  robot: ['robotId', 'fullName', 'secret', 'expiresAt', 'disabled', 'harborName', 'connection'],
  robotLogin: ['fullName', 'secret', 'expiresAt'],
  robotRotation: ['generation', 'startedAt'],
  pullCheck: ['checked', 'secret'],
};

type Props = Readonly<Record<string, unknown>>;
/** What the dynamic provider host hands an operation (tests may hand nothing). */
type MaybeProps = Props | undefined;

function isPlainObject(v: unknown): v is Props {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Every key at the top level, as the providers' code reads them: `spec`'s keys lifted (a top-level key wins). A state
 * without `spec` (written before the layout, or of a kind that is not packed) is returned as it is.
 */
export function unpackState<T extends Props | undefined>(props: T): T {
  if (!isPlainObject(props) || !isPlainObject(props[SPEC_KEY])) return props;
  const { [SPEC_KEY]: spec, ...rest } = props;
  return { ...spec, ...rest } as unknown as T;
}

/**
 * The layout a resource registers and stores: the kind's top-level keys (and `__provider`) where they are, every
 * other key under `spec`. Takes either layout; a kind that is not packed (or no `resourceKind`) is returned as it is.
 */
export function packState<T extends Props | undefined>(props: T): T {
  return packWith(TOP_LEVEL_KEYS, props);
}

/** The top-level keys of `kind` in `table`, or undefined for a kind that is not packed. */
function topKeys(table: Readonly<Record<string, readonly string[]>>, kind: unknown): readonly string[] | undefined {
  return typeof kind === 'string' && Object.prototype.hasOwnProperty.call(table, kind) ? table[kind] : undefined;
}

/** {@link packState} with the kinds of `table` (a provider of one kind serializes only its own entry). */
function packWith<T extends Props | undefined>(table: Readonly<Record<string, readonly string[]>>, props: T): T {
  if (!isPlainObject(props)) return props;
  const flat = unpackState(props) as Props;
  const top = topKeys(table, flat.resourceKind);
  if (!top) return props;
  const out: Record<string, unknown> = {};
  const spec: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(flat)) {
    if (key === PROVIDER_KEY || top.includes(key)) out[key] = value;
    else spec[key] = value;
  }
  out[SPEC_KEY] = spec;
  return out as unknown as T;
}

/** The {@link TOP_LEVEL_KEYS} entries of `kinds`. */
export function topLevelKeysOf(...kinds: string[]): Readonly<Record<string, readonly string[]>> {
  return Object.fromEntries(kinds.map((k) => [k, TOP_LEVEL_KEYS[k] ?? []]));
}

/** The output names to make secret in the packed layout: a key kept under `spec` makes `spec` secret. */
export function packedSecretOutputs(kind: unknown, names: readonly string[]): string[] {
  const top = topKeys(TOP_LEVEL_KEYS, kind);
  if (!top) return [...names];
  return [...new Set(names.map((n) => (n === PROVIDER_KEY || top.includes(n) ? n : SPEC_KEY)))];
}

/**
 * Why a read (`pulumi refresh`) or a delete (`pulumi destroy`) got Harbor's 401, added to its message: the engine
 * configures the provider of these commands with the configuration stored by the last `pulumi up`.
 */
export const STORED_CONFIGURATION_HINT =
  '"pulumi refresh" and "pulumi destroy" configure the provider with the stack configuration stored by the last ' +
  '"pulumi up", not the current one. If the Harbor login changed since then (a rotated password), run "pulumi up" ' +
  'first (it stores the new configuration), or pass --run-program to use the current configuration.';

/** The error of a read handed nothing but an id: what `pulumi import` (or the `import` option) hands a provider. */
export function importNotSupported(id: string): Error {
  return new Error(
    `harbor-private-app: cannot import ${JSON.stringify(id)}: Pulumi hands a dynamic provider only the id on import ` +
      '(pulumi import, or the import resource option), and a Harbor resource (its Harbor URL, project and kind) ' +
      'cannot be rebuilt from that. Fix: declare the app with adopt instead and run "pulumi up", which takes the ' +
      'existing objects over: project: { name, adopt: true }, robot: { adopt: true }, HarborMember.user(name, role, ' +
      '{ adopt: true }) (README, "Adopting existing objects").',
  );
}

/**
 * True for an error of Harbor's 401 (a HarborApiError). Duck-typed: this file imports nothing at run time, and an
 * error class serialized by value makes errors that are not `instanceof Error`.
 */
function isUnauthorized(e: unknown): e is Error {
  return (
    typeof e === 'object' &&
    e !== null &&
    typeof (e as { message?: unknown }).message === 'string' &&
    (e as { status?: unknown }).status === 401
  );
}

/** `e` with {@link STORED_CONFIGURATION_HINT} when it is Harbor's 401; otherwise `e` itself. */
function withStoredConfigurationHint(e: unknown): unknown {
  if (!isUnauthorized(e) || e.message.includes(STORED_CONFIGURATION_HINT)) return e;
  return Object.assign(new Error(`${e.message} ${STORED_CONFIGURATION_HINT}`, { cause: e }), {
    status: 401,
  });
}

/**
 * The boundary between the dynamic provider host and the providers' code, for every exported provider:
 * - layout: the code reads every key at the top level, given and returning the packed layout: each operation gets its
 *   props unpacked ({@link unpackState}), and the state it returns is packed ({@link packState}) for the kinds of
 *   `kinds` (states of other kinds are returned as they are);
 * - the wire: every state it returns is as the host carries it ({@link onTheWire}: `undefined` properties left out,
 *   anything else the host could not store refused with the path named), never a value the host throws on after the
 *   provider did its work;
 * - messages: a read handed nothing but an id (an import) says to use `adopt`; a read or delete refused with Harbor's
 *   401 says that refresh and destroy use the configuration stored by the last `up`.
 */
export class PackedStateProvider implements dynamic.ResourceProvider {
  /**
   * @param inner the provider, on the layout with every key at the top level
   * @param table the top-level keys of the kinds it serves ({@link topLevelKeysOf}): all a provider serialized by
   * value holds of {@link TOP_LEVEL_KEYS}
   */
  constructor(
    private readonly inner: dynamic.ResourceProvider,
    private readonly table: Readonly<Record<string, readonly string[]>>,
  ) {}

  async configure(req: dynamic.ConfigureRequest): Promise<void> {
    if (this.inner.configure) await this.inner.configure(req);
  }

  async create(inputs: MaybeProps): Promise<dynamic.CreateResult> {
    const result = await this.inner.create(unpackState(inputs));
    return onTheWire({ ...result, outs: this.packed(result.outs) });
  }

  async read(id: string, props: MaybeProps): Promise<dynamic.ReadResult> {
    const flat = unpackState(props);
    if (!isPlainObject(flat) || flat.resourceKind === undefined) throw importNotSupported(id);
    if (!this.inner.read) return onTheWire({ id, props });
    try {
      const result = await this.inner.read(id, flat);
      return onTheWire({ ...result, props: this.packed(result.props), inputs: this.packed(result.inputs) });
    } catch (e) {
      throw withStoredConfigurationHint(e);
    }
  }

  async diff(id: string, olds: MaybeProps, news: MaybeProps): Promise<dynamic.DiffResult> {
    return this.inner.diff ? this.inner.diff(id, unpackState(olds), unpackState(news)) : {};
  }

  async update(id: string, olds: MaybeProps, news: MaybeProps): Promise<dynamic.UpdateResult> {
    if (!this.inner.update) return onTheWire({ outs: news });
    const result = await this.inner.update(id, unpackState(olds), unpackState(news));
    return onTheWire({ ...result, outs: this.packed(result.outs) });
  }

  async delete(id: string, props: MaybeProps): Promise<void> {
    try {
      if (this.inner.delete) await this.inner.delete(id, unpackState(props));
    } catch (e) {
      throw withStoredConfigurationHint(e);
    }
  }

  private packed(props: unknown): Props | undefined {
    return props === undefined ? undefined : packWith(this.table, props as Props);
  }
}
