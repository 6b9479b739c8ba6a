/**
 * What the Harbor resources give `pulumi.dynamic.Resource` as their provider, and so what Pulumi serializes into each
 * resource's state (`__provider`) and runs later in its dynamic provider host for create, read, diff, update and delete.
 *
 * Pulumi's closure serializer captures a provider BY VALUE: its code and, recursively, what that code uses. A module it
 * uses is referenced by its package path only when the module sits under `node_modules`, and then only through a path
 * the package's `exports` map lists; anything else (this repository, a symlinked install) is copied in whole. So:
 * - where this package is installed (under `node_modules`, or symlinked there by `npm install <dir>`), the provider
 *   is a {@link HarborProviderReference}: a few lines that `require('harbor-private-app/pulumi/dynamic-provider')` when
 *   they run. The host resolves that from the program's directory, as the program did, so the stored text is small,
 *   holds no copy of this package, and `refresh`/`destroy` run the installed version of the package. Its text is
 *   written by {@link providerReferenceText}, not by Pulumi's closure serializer: the serializer loads TypeScript and
 *   enables the V8 debugger (an inspector session that stays open), which slows every later resource of the program;
 * - where the package cannot be found by that name from the program's directory (this repository's own apps and
 *   tests), the implementation itself is serialized, by value, as before.
 */
import { realpathSync } from 'node:fs';
import type { dynamic } from '@pulumi/pulumi';
import { harborProvider } from '../providers/harbor-provider';
import { harborPullCheckProvider } from '../providers/pull-check-provider';
import { harborRobotLoginProvider } from '../providers/robot-login-provider';
import { harborRobotRotationProvider } from '../providers/robot-rotation-provider';

/** The package path the serialized provider loads. Never change it: stored states reference it. */
export const DYNAMIC_PROVIDER_MODULE = 'harbor-private-app/pulumi/dynamic-provider';

/** The exports of {@link DYNAMIC_PROVIDER_MODULE} a reference may forward to. */
export type DynamicProviderExport =
  'harborProvider' | 'harborRobotLoginProvider' | 'harborRobotRotationProvider' | 'harborPullCheckProvider';

/** The shape of {@link DYNAMIC_PROVIDER_MODULE}'s exports that the reference relies on. */
type DynamicProviderModule = Readonly<Record<DynamicProviderExport, dynamic.ResourceProvider | undefined>>;

/**
 * A dynamic provider that forwards every operation to the export `exportName` of the module at `module`, loaded with
 * the host's own `require` when the first operation runs. Only the class, the module path and the export's name are
 * serialized.
 */
export class HarborProviderReference implements dynamic.ResourceProvider {
  constructor(
    /** The package path of the module to load, {@link DYNAMIC_PROVIDER_MODULE}. */
    public readonly module: string,
    /**
     * The export to forward to.
     * @default 'harborProvider'
     */
    public readonly exportName: DynamicProviderExport = 'harborProvider',
  ) {}

  /** Hands the stack configuration (the Harbor login) to the installed implementation. */
  async configure(req: dynamic.ConfigureRequest): Promise<void> {
    const target = this.target();
    if (target.configure) await target.configure(req);
  }

  async create(inputs: unknown): Promise<dynamic.CreateResult> {
    return this.target().create(inputs);
  }

  async read(id: string, props: unknown): Promise<dynamic.ReadResult> {
    const target = this.target();
    return target.read ? target.read(id, props) : { id, props };
  }

  async diff(id: string, olds: unknown, news: unknown): Promise<dynamic.DiffResult> {
    const target = this.target();
    return target.diff ? target.diff(id, olds, news) : { changes: true };
  }

  async update(id: string, olds: unknown, news: unknown): Promise<dynamic.UpdateResult> {
    const target = this.target();
    return target.update ? target.update(id, olds, news) : { outs: news };
  }

  async delete(id: string, props: unknown): Promise<void> {
    const target = this.target();
    if (target.delete) await target.delete(id, props);
  }

  /** The installed implementation. `require` here is the host's: the serializer never captures it. */
  private target(): dynamic.ResourceProvider {
    let loaded: DynamicProviderModule;
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      loaded = require(this.module) as DynamicProviderModule;
    } catch (e) {
      throw new Error(
        `Harbor dynamic provider: cannot load ${JSON.stringify(this.module)} from ${process.cwd()}: ` +
          // Duck-typed, and no import: this class's text is stored in the state on its own (providerReferenceText).
          `${typeof (e as { message?: unknown } | null)?.message === 'string' ? (e as Error).message : String(e)}. ` +
          "Fix: run Pulumi in the program's directory, with " +
          'harbor-private-app installed there (npm install harbor-private-app).',
        { cause: e },
      );
    }
    const target = loaded[this.exportName];
    if (!target) {
      throw new Error(
        `Harbor dynamic provider: ${JSON.stringify(this.module)} exports no ${this.exportName}; the installed ` +
          'harbor-private-app is older than the one that wrote this state. Fix: install that version or a newer one.',
      );
    }
    return target;
  }
}

/**
 * The text Pulumi's dynamic provider host loads for a {@link HarborProviderReference} (`requireFromString(text)
 * .handler()` returns the provider): the class's own JavaScript source, without its comment lines, and one instance of
 * it. It holds no copy of this package and no secret; `require` in it is the host's, resolved from the program's
 * directory. Every Harbor resource stores this text, and a new text shows as an update of each of them at the next
 * `pulumi up`: comments are left out so that editing them changes nothing stored.
 */
export function providerReferenceText(reference: HarborProviderReference): string {
  return [
    'exports.handler = () => provider;',
    `const HarborProviderReference = ${withoutCommentLines(HarborProviderReference.toString())};`,
    `const provider = new HarborProviderReference(${JSON.stringify(reference.module)}, ${JSON.stringify(reference.exportName)});`,
    '',
  ].join('\n');
}

/**
 * `source` without the lines that are only a comment (`//`, or inside a `/** ... *\/` block). The class's source has
 * no multi-line string, so no such line is part of one.
 */
function withoutCommentLines(source: string): string {
  return source
    .split('\n')
    .filter((line) => !/^\s*(\/\/|\/\*|\*)/.test(line))
    .join('\n');
}

/** The implementation behind each export of {@link DYNAMIC_PROVIDER_MODULE}. */
const IMPLEMENTATIONS: Readonly<Record<DynamicProviderExport, dynamic.ResourceProvider>> = {
  harborProvider,
  harborRobotLoginProvider,
  harborPullCheckProvider,
  harborRobotRotationProvider,
};

/** Per export: the provider its resources register with, and what they give as `__provider`; chosen once per process. */
const chosen = new Map<
  DynamicProviderExport,
  { readonly provider: dynamic.ResourceProvider; readonly input: dynamic.ResourceProvider | string }
>();

/** Whether the package is installed where the program runs: worked out once per process (see {@link installedHere}). */
let installed: boolean | undefined;

function choose(exportName: DynamicProviderExport): {
  readonly provider: dynamic.ResourceProvider;
  readonly input: dynamic.ResourceProvider | string;
} {
  let choice = chosen.get(exportName);
  if (choice === undefined) {
    installed ??= installedHere();
    const provider = installed
      ? new HarborProviderReference(DYNAMIC_PROVIDER_MODULE, exportName)
      : IMPLEMENTATIONS[exportName];
    const input = provider instanceof HarborProviderReference ? providerReferenceText(provider) : provider;
    choice = { provider, input };
    chosen.set(exportName, choice);
  }
  return choice;
}

/**
 * The provider object the resources of `exportName` register with (one per process, so Pulumi serializes it once): a
 * {@link HarborProviderReference} to that export when {@link DYNAMIC_PROVIDER_MODULE}, resolved from the program's
 * directory, is this very package; otherwise the implementation itself.
 */
export function serializableProvider(exportName: DynamicProviderExport): dynamic.ResourceProvider {
  return choose(exportName).provider;
}

/**
 * What a resource of `exportName` registers as its provider: the text of the {@link HarborProviderReference} where the
 * package is installed (written once per process), else the implementation, which `pulumi.dynamic.Resource`
 * serializes.
 */
export function providerInput(exportName: DynamicProviderExport): dynamic.ResourceProvider | string {
  return choose(exportName).input;
}

/** {@link serializableProvider} of the project, member and robot provider (`harborProvider`). */
export function serializableHarborProvider(): dynamic.ResourceProvider {
  return serializableProvider('harborProvider');
}

/** {@link serializableProvider} of the robot login provider (`harborRobotLoginProvider`). */
export function serializableRobotLoginProvider(): dynamic.ResourceProvider {
  return serializableProvider('harborRobotLoginProvider');
}

/** {@link serializableProvider} of the preflight pull check provider (`harborPullCheckProvider`). */
export function serializablePullCheckProvider(): dynamic.ResourceProvider {
  return serializableProvider('harborPullCheckProvider');
}

/** {@link serializableProvider} of the robot rotation provider (`harborRobotRotationProvider`). */
export function serializableRobotRotationProvider(): dynamic.ResourceProvider {
  return serializableProvider('harborRobotRotationProvider');
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
