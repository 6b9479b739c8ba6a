#!/usr/bin/env node
// The `harbor-private-app` executable: runs the compiled CLI (npm run build writes dist-lib/).
'use strict';

let cli;
try {
  cli = require('../dist-lib/lib/cli/main.js');
} catch (e) {
  if (e && e.code === 'MODULE_NOT_FOUND' && String(e.message).includes('dist-lib')) {
    process.stderr.write('harbor-private-app: dist-lib/ is missing; run "npm run build" in the package first.\n');
    process.exit(2);
  }
  throw e;
}

cli.main(process.argv.slice(2), cli.processIo()).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    // An unexpected failure is no finding: exit 2, never 1.
    process.stderr.write(`harbor-private-app: internal error: ${e && e.stack ? e.stack : String(e)}\n`);
    process.exitCode = 2;
  },
);
