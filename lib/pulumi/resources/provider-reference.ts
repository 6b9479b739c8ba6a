/**
 * The serialized provider each Harbor resource registers as its `__provider` input: the text Pulumi stores with the
 * resource and that its dynamic provider host loads (`requireFromString(text).handler()`, @pulumi/pulumi
 * cmd/dynamic-provider/index.js `getProvider`) for every create, read, diff, update and delete, `refresh` and `destroy`
 * included.
 * - Where this package is installed (the program's directory resolves `harbor-private-app/pulumi/dynamic-provider` to
 *   this very package): a fixed, hand-written, versioned text ({@link providerReferenceText}) that requires that module
 *   and hands over one of its exports. The state holds no copy of the package, `refresh` and `destroy` run the
 *   installed version, and the text changes only when its version does (every Harbor resource then shows an update at
 *   the next `pulumi up`).
 * - Elsewhere (this repository's own apps and tests): the implementation itself, serialized by value with Pulumi's
 *   public `pulumi.runtime.serializeFunction`, as `pulumi.dynamic.Resource` does. All the exports are serialized
 *   together, once per process (they share the Harbor client), and each resource's text ends with a line that hands
 *   over its own export.
 * Worked out once per export and process.
 */
import { realpathSync } from 'node:fs';
import * as pulumi from '@pulumi/pulumi';
import type { dynamic } from '@pulumi/pulumi';
import * as dynamicProvider from '../dynamic-provider';

/** The package path the reference text loads. Never change it: stored states reference it. */
export const DYNAMIC_PROVIDER_MODULE = 'harbor-private-app/pulumi/dynamic-provider';

/** The exports of {@link DYNAMIC_PROVIDER_MODULE} a reference may hand over: that module's, one per kind. */
export type DynamicProviderExport = keyof typeof dynamicProvider;

/**
 * The version of {@link providerReferenceText}'s text. Raise it only with a change of the text (stored states keep
 * the old text until their next update, so every version must keep loading the module's exports).
 */
export const PROVIDER_REFERENCE_VERSION = 1;

/**
 * The text a Harbor resource stores where the package is installed: a module whose `handler()` requires `module` (with
 * the host's `require`, resolved from the program's directory) and returns its export `exportName`, or throws an
 * error that says what to install. Written by hand, never by Pulumi's closure serializer: it is the same for every
 * build of the package.
 * @param exportName the export to hand over
 * @param module the module to require; {@link DYNAMIC_PROVIDER_MODULE} (tests point it elsewhere)
 */
export function providerReferenceText(
  exportName: DynamicProviderExport,
  module: string = DYNAMIC_PROVIDER_MODULE,
): string {
  const m = JSON.stringify(module);
  const e = JSON.stringify(exportName);
  return `// harbor-private-app dynamic provider reference, version ${PROVIDER_REFERENCE_VERSION}
exports.handler = () => {
  let loaded;
  try {
    loaded = require(${m});
  } catch (e) {
    throw new Error("harbor-private-app: the Harbor dynamic provider cannot load " + ${JSON.stringify(m)} + " from " +
      process.cwd() + ": " + (e && e.message) + ". Fix: run Pulumi in the program's directory, with harbor-private-app " +
      "installed there (npm install harbor-private-app).");
  }
  const provider = loaded[${e}];
  if (!provider) {
    throw new Error("harbor-private-app: " + ${JSON.stringify(m)} + " exports no " + ${JSON.stringify(e)} + "; the " +
      "installed harbor-private-app is older than the one that wrote this state. Fix: install that version or a newer one.");
  }
  return provider;
};
`;
}

/** The implementation behind each export of {@link DYNAMIC_PROVIDER_MODULE} (a plain copy of the module's exports). */
const IMPLEMENTATIONS: Readonly<Record<DynamicProviderExport, dynamic.ResourceProvider>> = { ...dynamicProvider };

/** Per export: the text its resources register, chosen once per process. */
const texts = new Map<DynamicProviderExport, string | Promise<string>>();

/** Every implementation serialized by value, once per process (where the package is not installed). */
let serialized: Promise<string> | undefined;

/** Whether the package is installed where the program runs: worked out once per process (see {@link installedHere}). */
let installed: boolean | undefined;

/**
 * What a resource of `exportName` registers as `__provider`: {@link providerReferenceText} where the package is
 * installed, else the implementation serialized by value (`pulumi.runtime.serializeFunction`).
 */
export function providerText(exportName: DynamicProviderExport): string | Promise<string> {
  let text = texts.get(exportName);
  if (text === undefined) {
    installed ??= installedHere();
    if (installed) {
      text = providerReferenceText(exportName);
    } else {
      serialized ??= pulumi.runtime.serializeFunction(() => IMPLEMENTATIONS).then((f) => f.text);
      text = serialized.then((all) => selectExport(all, exportName));
    }
    texts.set(exportName, text);
  }
  return text;
}

/**
 * `all` (a module whose `handler()` returns every implementation, as Pulumi's closure serializer writes it) with a last
 * line that makes `handler()` return the implementation of `exportName` alone.
 */
function selectExport(all: string, exportName: DynamicProviderExport): string {
  return `${all}\n// harbor-private-app: this resource's provider\nexports.handler = ((all) => () => all()[${JSON.stringify(exportName)}])(exports.handler);\n`;
}

/** True when the program's directory resolves {@link DYNAMIC_PROVIDER_MODULE} to this package's own file. */
function installedHere(): boolean {
  try {
    const fromProgram = require.resolve(DYNAMIC_PROVIDER_MODULE, { paths: [process.cwd()] });
    return realpathSync(fromProgram) === realpathSync(require.resolve('../dynamic-provider'));
  } catch {
    return false;
  }
}
