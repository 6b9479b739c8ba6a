/**
 * What a dynamic provider's result may hold. Pulumi's dynamic provider host (@pulumi/pulumi
 * `cmd/dynamic-provider/index.js`) turns every result into a protobuf `Struct` (`Struct.fromJavaScript`), which
 * carries only JSON's values: `null`, booleans, finite numbers, strings, arrays and plain objects. Anything else
 * (`undefined`, a function, `NaN`, `Infinity`, a `Date`, a `BigInt`, a class instance) makes the host throw
 * `Unexpected struct type.` AFTER the provider did its work in Harbor, so the state is not updated and every later
 * `pulumi up` repeats the same Harbor write and fails again.
 *
 * Imports nothing at run time: it is part of every serialized provider.
 */

/** A result value the wire cannot carry, named by its path (`outs.generation`). */
export class WireValueError extends Error {
  constructor(
    readonly path: string,
    readonly kind: string,
  ) {
    super(
      `harbor-private-app: the provider's result holds ${kind} at ${path}, which Pulumi's dynamic provider host cannot ` +
        'store (a protobuf Struct carries only null, booleans, finite numbers, strings, arrays and plain objects). ' +
        'This is a bug in harbor-private-app: please report it with this message.',
    );
    this.name = 'WireValueError';
  }
}

function kindOf(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return undefined;
    case 'number':
      return Number.isFinite(value) ? undefined : String(value);
    case 'object':
      if (value === null || Array.isArray(value)) return undefined;
      // A plain object of any realm (a provider called across realms, as in tests): its prototype is an
      // Object.prototype, or null. A class instance (a Date...) has one more link.
      return Object.getPrototypeOf(value) === null || Object.getPrototypeOf(Object.getPrototypeOf(value)) === null
        ? undefined
        : `a ${(value as { constructor?: { name?: string } }).constructor?.name ?? 'class'} instance`;
    case 'undefined':
      return 'undefined';
    default:
      return `a ${typeof value}`;
  }
}

/**
 * `value` as the host will carry it: object properties whose value is `undefined` are left out (what "not set" means
 * on the wire, as the language SDK does for inputs); any other value the wire cannot carry throws a
 * {@link WireValueError} naming its path, before the host would.
 */
export function onTheWire<T>(value: T, path = 'result'): T {
  if (Array.isArray(value)) {
    return value.map((v, i) => {
      if (v === undefined) throw new WireValueError(`${path}[${i}]`, 'undefined');
      return onTheWire<unknown>(v, `${path}[${i}]`);
    }) as unknown as T;
  }
  const kind = kindOf(value);
  if (kind !== undefined) throw new WireValueError(path, kind);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (v !== undefined) out[k] = onTheWire(v, `${path}.${k}`);
  }
  return out as T;
}
