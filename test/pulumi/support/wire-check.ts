/**
 * The check every in-process provider call of the tests goes through: its result must cross Pulumi's wire unchanged.
 *
 * Pulumi's dynamic provider host turns every provider result into a protobuf `Struct` (`Struct.fromJavaScript`), which
 * throws on `undefined`, functions, `BigInt`, `Date`...; `NaN` and `Infinity` cross it but not the engine's JSON state. A provider
 * called in the test's own process never meets that, so {@link wireChecked} does the host's conversion on every
 * result and fails the call when the result does not come back equal, naming the operation and the value.
 * (Calls through ./real-host.ts need no such check: the host itself does the conversion.)
 */
import { createRequire } from 'node:module';
import { isDeepStrictEqual } from 'node:util';
import type { dynamic } from '@pulumi/pulumi';

/** google-protobuf's Struct, the one the installed @pulumi/pulumi's host uses. */
const { Struct } = createRequire(require.resolve('@pulumi/pulumi/package.json'))(
  'google-protobuf/google/protobuf/struct_pb',
) as { Struct: { fromJavaScript(v: unknown): { toJavaScript(): unknown } } };

/** The path of the first number in `value` that is not finite (a Struct holds it, the engine's JSON state cannot). */
function nonFinite(value: unknown, path = 'result'): string | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : path;
  if (value === null || typeof value !== 'object') return undefined;
  for (const [k, v] of Object.entries(value)) {
    const found = nonFinite(v, Array.isArray(value) ? `${path}[${k}]` : `${path}.${k}`);
    if (found) return found;
  }
  return undefined;
}

/**
 * Throws unless `result` comes back unchanged from a protobuf Struct, as the host would carry it, and holds no
 * number the engine cannot store (`NaN`, `Infinity`: the state is JSON).
 */
export function assertOnTheWire(operation: string, result: unknown): void {
  if (result === undefined) return;
  const bad = nonFinite(result);
  if (bad !== undefined) {
    throw new Error(`wire check: the provider's ${operation} result holds a number the engine cannot store at ${bad}`);
  }
  let back: unknown;
  try {
    back = Struct.fromJavaScript(result).toJavaScript();
  } catch (e) {
    throw new Error(
      `wire check: the provider's ${operation} result cannot cross Pulumi's dynamic provider host (${(e as Error).message}): ${describe(result)}`,
      { cause: e },
    );
  }
  if (!isDeepStrictEqual(back, result)) {
    throw new Error(
      `wire check: the provider's ${operation} result changes on Pulumi's wire: ${describe(result)} comes back as ${describe(back)}`,
    );
  }
}

function describe(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v === undefined ? '<undefined>' : typeof v === 'number' && !Number.isFinite(v) ? `<${v}>` : v,
  );
}

/**
 * `provider` with every operation's result checked by {@link assertOnTheWire}, for the parts the host carries in a
 * Struct: check's inputs, create's and update's outs, read's props and inputs (a diff result is read field by field).
 */
export function wireChecked(provider: dynamic.ResourceProvider): dynamic.ResourceProvider {
  const checked = async <T>(operation: string, result: Promise<T>, parts: (r: T) => unknown[]): Promise<T> => {
    const value = await result;
    for (const part of parts(value)) assertOnTheWire(operation, part);
    return value;
  };
  return {
    ...(provider.configure ? { configure: (req) => provider.configure!(req) } : {}),
    ...(provider.check
      ? { check: (olds, news) => checked('check', provider.check!(olds, news), (r) => [r.inputs]) }
      : {}),
    ...(provider.diff ? { diff: (id, olds, news) => provider.diff!(id, olds, news) } : {}),
    create: (inputs) => checked('create', provider.create(inputs), (r) => [r.outs]),
    ...(provider.read
      ? { read: (id, props) => checked('read', provider.read!(id, props), (r) => [r.props, r.inputs]) }
      : {}),
    ...(provider.update
      ? { update: (id, olds, news) => checked('update', provider.update!(id, olds, news), (r) => [r.outs]) }
      : {}),
    ...(provider.delete ? { delete: (id, props) => provider.delete!(id, props) } : {}),
  };
}
