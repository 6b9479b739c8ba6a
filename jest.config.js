/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    // Type checking is done once by `npm run typecheck` (part of `npm test`'s pretest); jest only transpiles.
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.jest.json', diagnostics: false }],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  // Jest's default leaves one of the machine's two cores idle; the suite is I/O- and process-bound enough to use both.
  maxWorkers: '100%',
  // A hang guard, not a speed check: a test doing real work (Pulumi mocks, Pulumi's provider host, the lab) may take
  // tens of seconds on a 2-core machine that CI shares with other work (a 30 s guard failed there), and a tight guard
  // then fails it for no fault of its own. Speed is measured by \`npm run bench\`.
  testTimeout: 180_000,
  snapshotFormat: { escapeString: false, printBasicPrototype: false },
  // Secret hygiene (test/support/hygiene-*.js): the reporter opens a ledger per run, the setup file records every
  // secret the lab issues and tees each test file's output, and the run FAILS if any of those secrets shows up in a
  // log line, a failure message, a snapshot or any file of the working tree.
  setupFiles: ['<rootDir>/test/support/hygiene-setup.js'],
  reporters: ['default', '<rootDir>/test/support/hygiene-reporter.js'],
};
