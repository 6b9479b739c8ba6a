/**
 * Pulumi's SDK records a stack trace on every promise it makes for a resource (`debuggablePromise` in
 * `@pulumi/pulumi/runtime/debuggable.js`): four per output property, each `new Error().stack` formatted at once and
 * kept for the life of the program. It prints them only when the program leaked promises AND the environment
 * variable `PULUMI_DEBUG_PROMISE_LEAKS` is set. For a component that registers seven resources with ~70 outputs, those
 * strings are most of its construction time and a third of its heap (bench/RESULTS.md, Pulumi).
 *
 * While the component declares its resources, {@link quietPromiseStacks} sets `Error.stackTraceLimit` to 0, so those
 * records are empty, unless `PULUMI_DEBUG_PROMISE_LEAKS` is set (then nothing changes). What Pulumi shows is unchanged:
 * a resource's source position is taken by `Resource.callsites()`, which raises the limit itself; outputs made later
 * (`apply`, registration) are made outside the window; an error thrown inside the window gets its stack trace back
 * (taken where the window closes).
 */

/** The environment variable that makes Pulumi print the recorded stack traces of leaked promises. */
export const PULUMI_DEBUG_PROMISE_LEAKS = 'PULUMI_DEBUG_PROMISE_LEAKS';

/**
 * Opens the window; returns what closes it (restores `Error.stackTraceLimit`; idempotent). Give the closer an error
 * thrown inside the window and it also records that error's stack trace.
 */
export function quietPromiseStacks(): (thrown?: unknown) => void {
  if (process.env[PULUMI_DEBUG_PROMISE_LEAKS]) return () => undefined;
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  let open = true;
  return (thrown?: unknown) => {
    if (open) {
      open = false;
      Error.stackTraceLimit = limit;
    }
    if (thrown instanceof Error && !/\n\s+at /.test(thrown.stack ?? '')) Error.captureStackTrace(thrown);
  };
}
