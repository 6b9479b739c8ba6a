/**
 * Secret hygiene, the per-test-file part (jest `setupFiles`): when the run has a ledger (see ./hygiene-ledger.js),
 * 1. writes down every secret the lab issues or is given, by wrapping the lab's modules from outside (jest module
 *    mocks whose factories return the REAL modules, wrapped; nothing is loaded until a test asks for it):
 *    - test/lab/emulator-random `randomRobotSecret`: every robot secret the Harbor emulator generates (create and
 *      PATCH refresh);
 *    - test/lab/harbor-emulator `HarborEmulator`: the admin password it is constructed with and every user password
 *      given to `addUser` or `setUserPassword`;
 *    - test/pulumi/support/mocks `MOCK_HARBOR.robotSecret`: the robot secret the Pulumi mocks hand out;
 * 2. tees the test file's console output (entries of jest's console buffer) and the worker's stdout/stderr writes
 *    into the ledger directory, so the run's end can scan everything a test printed.
 *
 * Plain CommonJS, like the reporter. Cheap: three mock registrations and two wrappers per test file.
 */
'use strict';

const path = require('node:path');
const { ledgerDir, recordOutput, recordSecret } = require('./hygiene-ledger');

const ROOT = path.join(__dirname, '..', '..');
const dir = ledgerDir();

/** A copy of a module's exports (getters and `__esModule` included) with some exports replaced. */
function withOverrides(actual, overrides) {
  const copy = Object.defineProperties({}, Object.getOwnPropertyDescriptors(actual));
  for (const [k, v] of Object.entries(overrides))
    Object.defineProperty(copy, k, { value: v, enumerable: true, writable: true, configurable: true });
  return copy;
}

/**
 * The current test file, relative to the repository (undefined before it is loaded). Read through jest's
 * `require.main` (the test file's module), never through the test's globals, which are gone after its teardown.
 */
let testFile;
function currentTestFile() {
  if (testFile === undefined) {
    const main = require.main;
    if (main && main.filename) testFile = path.relative(ROOT, main.filename);
  }
  return testFile;
}

if (dir) {
  const emulatorRandom = path.join(ROOT, 'test', 'lab', 'emulator-random');
  const harborEmulator = path.join(ROOT, 'test', 'lab', 'harbor-emulator');
  const pulumiMocks = path.join(ROOT, 'test', 'pulumi', 'support', 'mocks');

  jest.mock(emulatorRandom, () => {
    const actual = jest.requireActual(emulatorRandom);
    if (typeof actual.randomRobotSecret !== 'function')
      throw new Error(
        'hygiene-setup: test/lab/emulator-random no longer exports randomRobotSecret; update test/support/hygiene-setup.js',
      );
    return withOverrides(actual, {
      randomRobotSecret() {
        const secret = actual.randomRobotSecret();
        recordSecret('robot-secret', secret, dir);
        return secret;
      },
    });
  });

  jest.mock(harborEmulator, () => {
    const actual = jest.requireActual(harborEmulator);
    const Base = actual.HarborEmulator;
    if (typeof Base !== 'function' || typeof Base.prototype.addUser !== 'function') {
      throw new Error(
        'hygiene-setup: test/lab/harbor-emulator no longer exports HarborEmulator with addUser; update test/support/hygiene-setup.js',
      );
    }
    // Same name, same behaviour; it only writes down the passwords it is given.
    class HarborEmulator extends Base {
      constructor(opts) {
        recordSecret('admin-password', opts && opts.adminPassword, dir);
        super(opts);
      }

      addUser(username, password) {
        recordSecret('user-password', password, dir);
        return super.addUser(username, password);
      }

      setUserPassword(username, password) {
        recordSecret('user-password', password, dir);
        return super.setUserPassword(username, password);
      }
    }
    return withOverrides(actual, { HarborEmulator });
  });

  jest.mock(pulumiMocks, () => {
    const actual = jest.requireActual(pulumiMocks);
    recordSecret('mock-robot-secret', actual.MOCK_HARBOR && actual.MOCK_HARBOR.robotSecret, dir);
    return actual;
  });

  // Console calls of this test file. Jest's default console buffers each call ({type, message, origin}) and the
  // default reporter prints the buffer: tee the entries as they enter the buffer (after jest computed their origin,
  // so the printed location stays the test's line). A verbose run's console writes to stdout: teed below.
  const buffer = console._buffer;
  if (Array.isArray(buffer)) {
    const push = buffer.push;
    Object.defineProperty(buffer, 'push', {
      configurable: true,
      writable: true,
      value: function hygieneTee(...entries) {
        for (const e of entries) {
          try {
            recordOutput(currentTestFile(), `console.${e && e.type}`, String(e && e.message), dir);
          } catch {
            // never break a test for the tee
          }
        }
        return push.apply(this, entries);
      },
    });
  }

  // The worker's stdout/stderr (shared by every test file of the worker): wrapped once, attributed to the test
  // file running now.
  const STREAM_STATE = Symbol.for('harbor-private-app.hygiene.stream');
  for (const name of ['stdout', 'stderr']) {
    const stream = process[name];
    if (!stream || typeof stream.write !== 'function') continue;
    let tee = stream[STREAM_STATE];
    if (!tee) {
      tee = { dir, file: () => undefined };
      const write = stream.write;
      stream.write = function hygieneTee(chunk, ...rest) {
        try {
          const text =
            typeof chunk === 'string'
              ? chunk
              : ArrayBuffer.isView(chunk)
                ? Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString('utf8')
                : '';
          recordOutput(tee.file(), name, text, tee.dir);
        } catch {
          // never break output for the tee
        }
        return write.call(this, chunk, ...rest);
      };
      Object.defineProperty(stream, STREAM_STATE, { value: tee });
    }
    tee.dir = dir;
    tee.file = currentTestFile;
  }
}
