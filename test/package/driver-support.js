/**
 * What test/package's drivers share (plain CommonJS: they run from the scratch project that installed the package,
 * where this file is copied next to them, and cannot import the TypeScript test support): Pulumi's dynamic provider
 * host's part (load a registered provider text, configure it, hand it plain inputs), and where a Harbor resource
 * registers an input (lib/pulumi/state-shape.ts: the inputs only its provider reads under one key, `spec`).
 */
'use strict';
const requireFromString = require(
  require.resolve('require-from-string', { paths: [require.resolve('@pulumi/pulumi')] }),
);
const DynConfig = require('@pulumi/pulumi/cmd/dynamic-provider/config').Config;

/** Pulumi's marker of a secret value in serialized inputs (key and value). */
const SECRET_SIG_KEY = '4dabf18193072939515e22adb298388d';
const SECRET_SIG = '1b47061264138c4ac30d75fd1eb44270';
const SPEC = 'spec';

/**
 * A provider loaded from its registered text the way the host loads it (`requireFromString(text).handler()`), then
 * configured with the raw stack configuration `config` of Pulumi project `project`.
 */
async function loadProvider(text, config, project) {
  const provider = requireFromString(text).handler();
  if (provider.configure) await provider.configure({ config: new DynConfig({ ...config }, project) });
  return provider;
}

/** `v` with every secret unwrapped (the host does not accept secrets, so the engine hands their values). */
function unwrap(v) {
  if (Array.isArray(v)) return v.map(unwrap);
  if (v && typeof v === 'object') {
    if (v[SECRET_SIG_KEY] === SECRET_SIG) return unwrap(v.value);
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unwrap(x)]));
  }
  return v;
}

/** What the host hands a provider: the inputs without the provider text, secrets unwrapped. */
function plain(inputs) {
  const { __provider, ...rest } = inputs;
  return unwrap(rest);
}

function underSpec(inputs, key) {
  const spec = inputs[SPEC];
  return !(key in inputs) && spec !== null && typeof spec === 'object' && key in spec;
}

/** An input as the provider reads it: at the top level, or under `spec`. */
function inputOf(inputs, key) {
  return underSpec(inputs, key) ? inputs[SPEC][key] : inputs[key];
}

/** The inputs with each key of `values` set where the program registered it (the top level or `spec`). */
function withInputs(inputs, values) {
  return Object.entries(values).reduce(
    (acc, [key, value]) =>
      underSpec(acc, key) ? { ...acc, [SPEC]: { ...acc[SPEC], [key]: value } } : { ...acc, [key]: value },
    inputs,
  );
}

module.exports = { loadProvider, plain, inputOf, withInputs };
