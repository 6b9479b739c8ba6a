/**
 * The command line of `harbor-private-app`:
 *
 * ```
 * harbor-private-app lint      [options] PATH...
 * harbor-private-app preflight [options] PATH...
 * harbor-private-app --help | --version
 * ```
 */
import { HarborPrivateAppError } from '../core/errors';
import { checkNamespaceName } from '../core/names';
import { CheckedRegistries, RegistryFlagError } from '../lint/checked-registries';
import { DeclaredSecretError, parseDeclaredSecret } from '../lint/declared-secrets';
import { FORMATS, type Format } from '../lint/format';
import { ObjectPathError } from '../lint/object-paths';
import { parseImagePath } from '../lint/workloads';

/** The commands. */
export const COMMANDS = ['lint', 'preflight'] as const;
/** One of {@link COMMANDS}. */
export type Command = (typeof COMMANDS)[number];

/** What a command runs with. */
export interface CommandArgs {
  readonly command: Command;
  /** `--registry` values, in order. */
  readonly registries: readonly string[];
  /** `--format`. @default 'text' */
  readonly format: Format;
  /** `--namespace`: where objects without a namespace go. @default 'default' */
  readonly namespace: string;
  /** `--assume-secret` values (`NAMESPACE/NAME=HOST[,HOST]`), in order. */
  readonly assumeSecrets: readonly string[];
  /** `--image-path` values (`KIND[.GROUP]:JSONPATH`), in order. */
  readonly imagePaths: readonly string[];
  /** `--allow-nothing-to-check` (preflight): asking Harbor about no image is no error. */
  readonly allowNothingToCheck: boolean;
  /** `--max-file-size`: the largest input read, in MiB. @default 128 */
  readonly maxFileMib: number;
  /** `--config FILE`; `null` for `--no-config`; `undefined`: look for `.harbor-private-app.yaml`. */
  readonly config?: string | null;
  /** Files, directories, `-` for standard input. */
  readonly paths: readonly string[];
}

/** The parsed command line. */
export type ParsedArgs =
  | { readonly kind: 'help'; readonly command?: Command }
  | { readonly kind: 'version' }
  | { readonly kind: 'run'; readonly args: CommandArgs };

/** A command line that cannot be run (exit code 2). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The usage text. */
export const USAGE = `Usage:
  harbor-private-app lint      [options] PATH...
  harbor-private-app preflight [options] PATH...

lint       finds images that kubelet would pull without credentials (ErrImagePull) in Kubernetes YAML or JSON:
           the output of cdk8s synth, helm template or kustomize build.
preflight  lint, then asks Harbor whether each image exists and whether the pull Secret's robot may pull it.
           Reads HARBOR_URL, HARBOR_USERNAME, HARBOR_PASSWORD, HARBOR_CA_FILE (optional) from the environment.

PATH                 a file, a directory (searched recursively for *.yaml, *.yml, *.json) or - for standard input
--registry HOST      check images on HOST (host or host:port; repeatable). Default: lint checks every registry a
                     pull Secret names; preflight checks the host of HARBOR_URL
--assume-secret NAMESPACE/NAME=HOST[,HOST]
                     pull Secret NAME exists in NAMESPACE (* for every namespace) outside the input, keyed by the
                     HOSTs (made by kubectl create secret, SOPS, another repository...); repeatable
--image-path KIND:JSONPATH
                     also check the images at JSONPATH of objects of KIND (KIND or KIND.GROUP), e.g.
                     'Workflow.argoproj.io:spec.templates[*].container.image'; repeatable
--namespace NS       the namespace of objects that name none (as kubectl apply -n NS). Default: default
--format FORMAT      text (default), json, github (GitHub Actions annotations) or sarif (code scanning)
--max-file-size MIB  the largest input read, in MiB (a larger file, pipe or device is an input error). Default: 128
--allow-nothing-to-check
                     preflight: no error when no image is left to ask Harbor about (by default that is exit 2)
--config FILE        read FILE instead of the nearest .harbor-private-app.yaml (registries, assumeSecrets,
                     imagePaths)
--no-config          read no config file

Exit codes: 0 no finding; 1 findings; 2 an input could not be read (the rest was checked), a usage error or, for
preflight, no connection to Harbor; 3 findings and an input that could not be read.
More: docs/lint.md in the package (node_modules/harbor-private-app/docs/lint.md).
`;

/** Runs a check of a flag's value; the errors checks throw for bad values become usage errors (exit code 2). */
function asUsage<T>(check: () => T): T {
  try {
    return check();
  } catch (e) {
    if (
      e instanceof DeclaredSecretError ||
      e instanceof ObjectPathError ||
      e instanceof HarborPrivateAppError ||
      e instanceof RegistryFlagError
    ) {
      throw new UsageError(e.message);
    }
    throw e;
  }
}

function takeValue(argv: readonly string[], i: number, flag: string): [string, number] {
  const arg = argv[i];
  const eq = arg.indexOf('=');
  if (eq >= 0) return [arg.slice(eq + 1), i];
  const next = argv[i + 1];
  if (next === undefined || (next.startsWith('-') && next !== '-')) {
    throw new UsageError(`${flag} needs a value.`);
  }
  return [next, i + 1];
}

/**
 * Parses the arguments after the program name.
 * @throws UsageError naming the argument and the fix
 */
export function parseArgs(argv: readonly string[]): ParsedArgs {
  if (argv.length === 0) throw new UsageError('no command given: use "lint" or "preflight".');
  const first = argv[0];
  if (first === '--help' || first === '-h' || first === 'help') return { kind: 'help' };
  if (first === '--version' || first === '-v') return { kind: 'version' };
  if (!(COMMANDS as readonly string[]).includes(first)) {
    throw new UsageError(`unknown command ${JSON.stringify(first)}: use "lint" or "preflight".`);
  }
  const command = first as Command;
  const registries: string[] = [];
  const assumeSecrets: string[] = [];
  const imagePaths: string[] = [];
  let config: string | null | undefined;
  let maxFileMib = 128;
  let allowNothingToCheck = false;
  const paths: string[] = [];
  let format: Format = 'text';
  let namespace = 'default';
  let options = true;
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i];
    if (!options || arg === '-' || !arg.startsWith('-')) {
      paths.push(arg);
      continue;
    }
    if (arg === '--') {
      options = false;
      continue;
    }
    const flag = arg.split('=')[0];
    if (flag === '--help' || flag === '-h') return { kind: 'help', command };
    let value: string;
    if (flag === '--registry') {
      [value, i] = takeValue(argv, i, flag);
      if (value === '') throw new UsageError('--registry needs a host, e.g. --registry reg.harbor.com.');
      registries.push(value);
    } else if (flag === '--assume-secret') {
      [value, i] = takeValue(argv, i, flag);
      asUsage(() => parseDeclaredSecret(value, '--assume-secret'));
      assumeSecrets.push(value);
    } else if (flag === '--image-path') {
      [value, i] = takeValue(argv, i, flag);
      asUsage(() => parseImagePath(value));
      imagePaths.push(value);
    } else if (flag === '--config') {
      [value, i] = takeValue(argv, i, flag);
      if (value === '') throw new UsageError('--config needs a file, e.g. --config .harbor-private-app.yaml.');
      config = value;
    } else if (flag === '--max-file-size') {
      [value, i] = takeValue(argv, i, flag);
      const n = Number(value);
      if (!/^\d+$/.test(value) || n < 1 || n > 4096) {
        throw new UsageError(
          `--max-file-size ${JSON.stringify(value)} is not a whole number of MiB from 1 to 4096, e.g. --max-file-size 256.`,
        );
      }
      maxFileMib = n;
    } else if (flag === '--allow-nothing-to-check') {
      if (arg.includes('=')) throw new UsageError('--allow-nothing-to-check takes no value.');
      if (command !== 'preflight') throw new UsageError('--allow-nothing-to-check is an option of preflight.');
      allowNothingToCheck = true;
    } else if (flag === '--no-config') {
      if (arg.includes('=')) throw new UsageError('--no-config takes no value.');
      config = null;
    } else if (flag === '--format') {
      [value, i] = takeValue(argv, i, flag);
      if (!(FORMATS as readonly string[]).includes(value)) {
        throw new UsageError(`--format ${JSON.stringify(value)} is not one of ${FORMATS.join(', ')}.`);
      }
      format = value as Format;
    } else if (flag === '--namespace' || flag === '-n') {
      [value, i] = takeValue(argv, i, flag);
      // lib/core's rule and message (the value, the rule, a name to use instead).
      namespace = asUsage(() => checkNamespaceName('--namespace', value));
    } else {
      throw new UsageError(`unknown option ${JSON.stringify(flag)}.`);
    }
  }
  asUsage(() => CheckedRegistries.fromFlags(registries));
  if (paths.length === 0) {
    throw new UsageError(`${command} needs at least one PATH (a file, a directory, or - for standard input).`);
  }
  return {
    kind: 'run',
    args: {
      command,
      registries,
      assumeSecrets,
      imagePaths,
      format,
      namespace,
      maxFileMib,
      allowNothingToCheck,
      paths,
      ...(config !== undefined ? { config } : {}),
    },
  };
}
