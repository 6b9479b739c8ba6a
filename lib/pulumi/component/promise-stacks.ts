/**
 * Pulumi's SDK records a stack trace on every promise it makes for a resource (`debuggablePromise` in
 * `@pulumi/pulumi/runtime/debuggable.js`): four per output property, each `new Error().stack`, formatted at once and
 * kept for the life of the program. It prints them only when the program leaked promises AND the environment
 * variable `PULUMI_DEBUG_PROMISE_LEAKS` is set. For a component that registers seven resources with ~70 outputs,
 * those traces are most of its construction time and a large part of its heap (bench/RESULTS.md, Pulumi).
 *
 * While the component declares its resources, {@link quietPromiseStacks} sets `Error.stackTraceLimit` to 0, so those
 * records are empty. What that window changes, and what it does not:
 * - source positions are taken as before (`Resource.callsites()` raises the limit itself);
 * - outputs made later (`apply`, the registrations' own work) are made outside the window;
 * - an error thrown inside the window by the component's own code gets a stack trace when the window closes (taken
 *   there: it points at the program's `new HarborPrivateApp(...)`);
 * - the component does not open the window when resource transformations (`transformations`, also inherited from a
 *   parent or the stack) run inside its constructor: their code, and what it throws, keeps its stack traces;
 * - Pulumi prepares, at each registration, the error it throws if the engine refuses the resource (a duplicate URN,
 *   say); for the component's resources that error has its message (which names the resource and its type) but no
 *   stack trace.
 * With `PULUMI_DEBUG_PROMISE_LEAKS` set, the window is never opened: everything is as without it.
 */

/** The environment variable that makes Pulumi print the recorded stack traces of leaked promises. */
export const PULUMI_DEBUG_PROMISE_LEAKS = 'PULUMI_DEBUG_PROMISE_LEAKS';

/** A function or class whose frame (and the frames above it) a recorded stack trace leaves out. */
type Caller = ((...args: never[]) => unknown) | (abstract new (...args: never[]) => unknown);

/**
 * Opens the window (unless `PULUMI_DEBUG_PROMISE_LEAKS` is set); returns what closes it: restores
 * `Error.stackTraceLimit` (idempotent). Given an error thrown inside the window that has no stack frames, it also
 * records the error's stack trace where the window closes, starting below `from` (when the error can take it).
 */
export function quietPromiseStacks(): (thrown?: unknown, from?: Caller) => void {
  if (process.env[PULUMI_DEBUG_PROMISE_LEAKS]) return () => undefined;
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  let open = true;
  return (thrown?: unknown, from?: Caller) => {
    if (open) {
      open = false;
      Error.stackTraceLimit = limit;
    }
    if (!(thrown instanceof Error) || !Object.isExtensible(thrown)) return;
    try {
      if (!/\n\s+at /.test(String(thrown.stack))) Error.captureStackTrace(thrown, from);
    } catch {
      // An error that cannot take a stack trace is thrown as it is.
    }
  };
}

/** True when resource transformations (Pulumi's `transformations`, also inherited) apply to `resource`'s children. */
export function hasTransformations(resource: object): boolean {
  const transformations = (resource as { __transformations?: unknown }).__transformations;
  return Array.isArray(transformations) && transformations.length > 0;
}
