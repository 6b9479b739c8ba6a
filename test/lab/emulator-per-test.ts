/**
 * One Harbor emulator per test, on its own 127.0.0.1 server: the set-up and teardown the Pulumi and lab tests share.
 *
 * `emulatorPerTest(options)` registers, in the describe block it is called in, a `beforeEach` that builds a
 * {@link HarborEmulator} from `options` and serves it ({@link startEmulatorServer}), and an `afterEach` that closes
 * the server and then checks `contractViolations` is empty: a test whose requests (or the emulator's answers) broke
 * Harbor's swagger fails, whatever it asserted itself. Without `options` nothing starts by itself: the test (or a
 * nested `beforeEach`) calls {@link EmulatorPerTest.start} with the options it needs; the `afterEach` is the same.
 *
 * Hooks of one block run in the order they are declared (beforeEach and afterEach alike): a file's own `beforeEach`
 * declared after this call sees the running emulator, and its own `afterEach` declared before this call runs while
 * the server is still up (e.g. to close a client first).
 */
import { HarborEmulator, startEmulatorServer, type HarborEmulatorOptions } from './harbor-emulator';

/** What a test reads of its emulator. The accessors throw outside a test (before `beforeEach`, after `afterEach`). */
export interface EmulatorPerTest {
  /** The running test's emulator. */
  readonly emulator: HarborEmulator;
  /** Its server's base URL, `http://127.0.0.1:<port>` (the API is below `/api/v2.0`). */
  readonly url: string;
  /** The TCP connections its clients opened so far. */
  readonly connections: number;
  /**
   * Starts an emulator built from `options` for the rest of the test. One already running is closed first and its
   * contract checked, as the `afterEach` does.
   * @param prepare called with the new emulator before its server starts (e.g. `(e) => e.addUser('k8s-puller')`);
   *   by default the one given to {@link emulatorPerTest}
   */
  start(options: HarborEmulatorOptions, prepare?: (emulator: HarborEmulator) => void): Promise<void>;
}

interface Running {
  readonly emulator: HarborEmulator;
  readonly server: { url: string; close(): Promise<void>; connections(): number };
}

/**
 * Registers the per-test emulator hooks in the current describe block and returns accessors to the running one.
 * @param options the emulator of every test, or a function giving it afresh for each test (a new password, a clock);
 *   left out, each test starts its own with {@link EmulatorPerTest.start}
 * @param prepare called with each new emulator before its server starts (users to add, faults to arm)
 */
export function emulatorPerTest(
  options?: HarborEmulatorOptions | (() => HarborEmulatorOptions),
  prepare?: (emulator: HarborEmulator) => void,
): EmulatorPerTest {
  let running: Running | undefined;

  const stop = async (): Promise<void> => {
    const current = running;
    running = undefined;
    if (!current) return;
    await current.server.close();
    expect(current.emulator.contractViolations).toEqual([]);
  };
  const start = async (startOptions: HarborEmulatorOptions, startPrepare = prepare): Promise<void> => {
    await stop();
    const emulator = new HarborEmulator(startOptions);
    startPrepare?.(emulator);
    running = { emulator, server: await startEmulatorServer(emulator) };
  };
  const current = (): Running => {
    if (!running) {
      throw new Error(
        'emulatorPerTest: no emulator is running; it exists from beforeEach to afterEach' +
          (options === undefined ? ', once the test called start(options)' : ''),
      );
    }
    return running;
  };

  if (options !== undefined) beforeEach(() => start(typeof options === 'function' ? options() : options));
  afterEach(stop);

  return {
    get emulator() {
      return current().emulator;
    },
    get url() {
      return current().server.url;
    },
    get connections() {
      return current().server.connections();
    },
    start,
  };
}
