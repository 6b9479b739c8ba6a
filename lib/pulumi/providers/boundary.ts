/**
 * The boundary between Pulumi's dynamic provider host and the providers' code: what every exported provider's results
 * and errors pass through on their way to the engine. It changes no key of any input or state: a Harbor resource's
 * registered inputs are its declared, typed args (plus `__provider`), and its state is what its provider returns
 * (docs/pulumi-state.md).
 *
 * Imports nothing at run time but ./wire.ts (itself import-free): it is part of every serialized provider.
 */
import type { dynamic } from '@pulumi/pulumi';
import { onTheWire } from './wire';

/** The input that carries a dynamic resource's serialized provider (@pulumi/pulumi cmd/dynamic-provider `providerKey`). */
export const PROVIDER_KEY = '__provider';

/** Pulumi's marker of a value that is not known yet (during a preview), as the dynamic provider host receives it. */
export const UNKNOWN = '04da6b54-80e4-46f7-96ec-b56ff0331ba9';

type Props = Readonly<Record<string, unknown>>;
/** What the dynamic provider host hands an operation (tests may hand nothing). */
type MaybeProps = Props | undefined;

/**
 * True when the stored provider text differs from the one the program registers now (both known). The engine keeps a
 * resource's outputs, and so the provider text `refresh` and `destroy` run, until an update stores new ones (the
 * host's `update` returns the outputs with the NEW text, cmd/dynamic-provider/index.js `resultIncludingProvider`), so
 * a diff reports this as a change.
 */
export function providerTextChanged(olds: unknown, news: unknown): boolean {
  const a = (olds as MaybeProps)?.[PROVIDER_KEY];
  const b = (news as MaybeProps)?.[PROVIDER_KEY];
  return typeof a === 'string' && typeof b === 'string' && b !== UNKNOWN && a !== b;
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
      '{ adopt: true }) (docs/operations.md, "Adopting existing objects").',
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

function isPlainObject(v: unknown): v is Props {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * A provider as the dynamic provider host sees it, around the providers' own code (`inner`), which it hands the inputs
 * and states exactly as the host gives them:
 * - `check`: the inner provider's (the defaults of the args a program left unset filled in), else the inputs as given;
 * - the wire: every result is as the host carries it ({@link onTheWire}: `undefined` properties left out, anything
 *   else the host could not store refused with the path named), never a value the host throws on after the provider
 *   did its work in Harbor;
 * - `diff`: the inner provider's, and also a change (stored, with no Harbor write) when the resource's stored provider
 *   text is not the one the program registers now ({@link providerTextChanged});
 * - messages: a read handed nothing but an id (an import: no state but the provider) says to use `adopt`; a read or
 *   delete refused with Harbor's 401 says that refresh and destroy use the configuration stored by the last `up`.
 */
export class ProviderBoundary implements dynamic.ResourceProvider {
  constructor(private readonly inner: dynamic.ResourceProvider) {}

  async configure(req: dynamic.ConfigureRequest): Promise<void> {
    if (this.inner.configure) await this.inner.configure(req);
  }

  async check(olds: MaybeProps, news: MaybeProps): Promise<dynamic.CheckResult> {
    if (!this.inner.check) return { inputs: news };
    return onTheWire(await this.inner.check(olds, news));
  }

  async create(inputs: MaybeProps): Promise<dynamic.CreateResult> {
    return onTheWire(await this.inner.create(inputs));
  }

  async read(id: string, props: MaybeProps): Promise<dynamic.ReadResult> {
    if (!isPlainObject(props) || !Object.keys(props).some((k) => k !== PROVIDER_KEY)) throw importNotSupported(id);
    if (!this.inner.read) return onTheWire({ id, props });
    try {
      return onTheWire(await this.inner.read(id, props));
    } catch (e) {
      throw withStoredConfigurationHint(e);
    }
  }

  async diff(id: string, olds: MaybeProps, news: MaybeProps): Promise<dynamic.DiffResult> {
    const result = this.inner.diff ? await this.inner.diff(id, olds, news) : {};
    return !result.changes && providerTextChanged(olds, news) ? { ...result, changes: true } : result;
  }

  async update(id: string, olds: MaybeProps, news: MaybeProps): Promise<dynamic.UpdateResult> {
    if (!this.inner.update) return onTheWire({ outs: news });
    return onTheWire(await this.inner.update(id, olds, news));
  }

  async delete(id: string, props: MaybeProps): Promise<void> {
    try {
      if (this.inner.delete) await this.inner.delete(id, props);
    } catch (e) {
      throw withStoredConfigurationHint(e);
    }
  }
}
