/**
 * What test/package's drivers share (plain CommonJS: they run in the scratch project that installed the package, on
 * the Node.js of the version row, where consumer.test.ts copies this file next to them): the engine's part around
 * Pulumi's dynamic provider host.
 *
 * The host is the REAL one: `./real-host.js` is test/pulumi/support/real-host.ts (the client the repository's own
 * Pulumi tests use), transpiled into the scratch project by consumer.test.ts. It starts
 * `@pulumi/pulumi/cmd/dynamic-provider` of the project's own installed @pulumi/pulumi, in this directory, on this
 * process's Node.js, and speaks the provider gRPC protocol to it as the engine does.
 */
'use strict';
const fs = require('node:fs');
const { startRealHost } = require('./real-host.js');

/** Pulumi's marker of a secret value in serialized inputs (key and value). */
const SECRET_SIG_KEY = '4dabf18193072939515e22adb298388d';
const SECRET_SIG = '1b47061264138c4ac30d75fd1eb44270';
const STACK = 'dev';

// The test stops a driver that hangs with SIGTERM: exit (not die) so that real-host's exit handler stops the hosts.
process.once('SIGTERM', () => process.exit(143));

/**
 * One `pulumi` run's dynamic provider host: started in this directory (the program's) on this process's Node.js and
 * configured with the whole stack configuration `config` (namespaced keys) of Pulumi project `project`, the keys
 * `secretKeys` sent as secrets, as the engine does before any other call.
 */
function startHost(config, project, secretKeys) {
  return startRealHost({
    cwd: __dirname,
    config: { ...config },
    secretKeys,
    project,
    stack: STACK,
    node: process.execPath,
  });
}

/**
 * What a host run shows: the @pulumi/pulumi version whose host runs, the executable of its process (read from
 * /proc where there is one: the Node.js that runs it) and how many distinct provider texts it was sent.
 */
function hostFacts(host) {
  let exe = null;
  try {
    exe = fs.realpathSync(`/proc/${host.pid}/exe`);
  } catch {
    // No /proc (not Linux): the executable is not known.
  }
  return { pulumiVersion: host.pulumiVersion, exe, providerTexts: host.providerTexts.size };
}

/** The URN the engine gives a resource of `type` named `name` in the stack. */
function urnOf(project, type, name) {
  return `urn:pulumi:${STACK}::${project}::${type}::${name}`;
}

/** `v` with every secret unwrapped (the host answers Configure with acceptSecrets false: the engine sends values). */
function unwrap(v) {
  if (Array.isArray(v)) return v.map(unwrap);
  if (v && typeof v === 'object') {
    if (v[SECRET_SIG_KEY] === SECRET_SIG) return unwrap(v.value);
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unwrap(x)]));
  }
  return v;
}

/**
 * What the engine sends the host for registered inputs: the program's registration as it is (the provider text under
 * `__provider` included), secrets unwrapped.
 */
function engineInputs(registered) {
  return unwrap(registered);
}

/**
 * The engine's Check of a registration (`olds`: the inputs the stack holds, `{}` for a new resource): the inputs the
 * host answers, which the engine then hands to Create, Diff and Update. A failure fails the step, as in `pulumi up`.
 */
async function checked(host, urn, olds, news) {
  const { inputs, failures } = await host.check(olds, news, urn);
  if (failures.length > 0) throw new Error(`check of ${urn} failed: ${JSON.stringify(failures)}`);
  return inputs;
}

/** An input as the provider reads it (a Harbor resource registers its args under their own names). */
function inputOf(inputs, key) {
  return inputs[key];
}

/** The inputs with each key of `values` set. */
function withInputs(inputs, values) {
  return { ...inputs, ...values };
}

module.exports = { startHost, hostFacts, urnOf, engineInputs, checked, inputOf, withInputs };
