/**
 * The dynamic provider of the Pulumi preflight: before a workload is created or changed, it checks with the robot's
 * own login that every image of the app's workloads on its registry can be pulled (lib/registry/pull-check.ts: the
 * registry's token flow and a `HEAD` of each manifest; nothing is downloaded). A provider of its own, like the robot
 * login's: where the package is installed, the state stores a reference to it (see provider-reference.ts).
 *
 * When the pull runs, and when it never does:
 * - `create` and `update` run the check (`update` only when an image, the registry, the robot's login or how to reach
 *   the registry changed; a change of the Harbor address, of the robot's id or of the provider text is stored without
 *   a pull). A failed check throws: the engine stops before the workloads that depend on this resource.
 * - `check` only fills the defaults in (`plainHttp` false) and `diff` only compares, so a preview never pulls: Pulumi's dynamic provider host
 *   supports no preview of `create`/`update` (its `Configure` answers no `supportsPreview`), so the engine calls neither
 *   during `pulumi preview`.
 * - `read` returns the state (a refresh never pulls); `delete` does nothing.
 *
 * Why a login is refused: Harbor's token service answers alike for a disabled, an expired, a deleted robot and a wrong
 * secret. When the check knows the robot's id and its Harbor (the stack configuration's login, handed to `configure`
 * as to the other Harbor resources), it asks Harbor (`GET /robots/{id}`) which one it is.
 */
import type { dynamic } from '@pulumi/pulumi';
import { ProviderBoundary, providerTextChanged, UNKNOWN } from './boundary';
import { checkPull, type PullCheckOutcome, type PullCheckResult } from '../../registry/pull-check';
import { configValue, type HarborTarget, loginKeys, StackConfiguredProvider, withHarbor } from './connection';
import { errorMessage } from '../../core/errors';
import { withDefaults } from '../../core/defaults';

/** The defaults `check` fills in, for the args a program leaves unset. */
const PULL_CHECK_DEFAULTS = { plainHttp: false } as const;

/** How many images are checked at once. */
const CONCURRENCY = 4;

/** The inputs of a pull check resource. */
export interface HarborPullCheckInputs {
  /** The images to check, sorted and without duplicates, all on {@link registryHost}. */
  readonly images: readonly string[];
  /** The registry host (`host[:port]`) the pull Secret is keyed by. */
  readonly registryHost: string;
  /** The login the pull Secret holds: the robot's full name. */
  readonly username: string;
  /** Its secret (a Pulumi secret). */
  readonly secret: string;
  /** Talk plain http to the registry (loopback registries only). */
  readonly plainHttp: boolean;
  /**
   * PEM of the CA that signed the registry's certificate.
   * @default - the CA bundle of the Harbor login in the stack configuration (`harbor` given), else Node's trust store
   */
  readonly caBundle?: string;
  /**
   * Time limit of each registry request, in milliseconds.
   * @default 10000
   */
  readonly timeoutMs?: number;
  /**
   * Harbor's robot id (the robot login's id), to ask Harbor why a login is refused.
   * @default - not asked
   */
  readonly robotId?: string;
  /**
   * The robot's Harbor and the configuration keys of its admin login, to ask it why a login is refused.
   * @default - not asked
   */
  readonly harbor?: HarborTarget;
}

/** What the state keeps besides the inputs: the digest of each image when it was checked. */
export interface HarborPullCheckOutputs extends HarborPullCheckInputs {
  /** Each image and the manifest digest the registry answered with. */
  readonly checked: ReadonlyArray<{ readonly image: string; readonly digest: string }>;
}

/** The inputs whose change makes the next `pulumi up` pull again. */
const CHECKED_KEYS = ['images', 'registryHost', 'username', 'secret', 'plainHttp', 'caBundle'] as const;
/** The inputs that are only stored. */
const STORED_KEYS = ['timeoutMs', 'robotId', 'harbor'] as const;

function isUnknown(v: unknown): boolean {
  if (v === UNKNOWN) return true;
  if (Array.isArray(v)) return v.some(isUnknown);
  if (v && typeof v === 'object') return Object.values(v).some(isUnknown);
  return false;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

function changedKeys(olds: Record<string, unknown>, news: Record<string, unknown>, keys: readonly string[]): string[] {
  return keys.filter((k) => isUnknown(news[k]) || !same(olds[k], news[k]));
}

/** The words a failed check's message uses for each outcome. */
const CAUSE: Readonly<Record<PullCheckOutcome, string>> = {
  ok: 'ok',
  'image-or-tag-missing': 'image or tag missing',
  'robot-denied': 'robot denied',
  'robot-expired-or-disabled': 'robot expired or disabled',
  'registry-unreachable': 'registry unreachable',
  'registry-error': 'registry error',
};

/** One failed image, with what Harbor said about the robot when it was asked. */
interface Failure {
  readonly result: PullCheckResult;
  readonly cause: string;
  readonly detail: string;
}

/** Runs `fn` over `items`, at most `limit` at once, keeping the order of the results. */
async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * Create, read, diff, update and delete of the preflight pull check (see the file's comment). `configure` keeps the
 * stack configuration, to read Harbor's admin login when a robot's login is refused.
 */
export class HarborPullCheckProvider extends StackConfiguredProvider implements dynamic.ResourceProvider {
  /** The inputs with the defaults of the args the program left unset (the engine stores what this returns). */
  async check(_olds: unknown, news: HarborPullCheckInputs): Promise<dynamic.CheckResult> {
    return { inputs: withDefaults(news, PULL_CHECK_DEFAULTS) };
  }

  async create(inputs: HarborPullCheckInputs): Promise<dynamic.CreateResult> {
    const outs = await this.run(inputs);
    return { id: `${inputs.username}@${inputs.registryHost}`, outs };
  }

  async read(id: string, props: HarborPullCheckOutputs): Promise<dynamic.ReadResult> {
    return { id, props };
  }

  async diff(_id: string, olds: HarborPullCheckOutputs, news: HarborPullCheckInputs): Promise<dynamic.DiffResult> {
    const o = olds as unknown as Record<string, unknown>;
    const n = news as unknown as Record<string, unknown>;
    const keys = [...changedKeys(o, n, CHECKED_KEYS), ...changedKeys(o, n, STORED_KEYS)];
    return { changes: keys.length > 0 || providerTextChanged(olds, news) };
  }

  async update(_id: string, olds: HarborPullCheckOutputs, news: HarborPullCheckInputs): Promise<dynamic.UpdateResult> {
    const pull = changedKeys(
      olds as unknown as Record<string, unknown>,
      news as unknown as Record<string, unknown>,
      CHECKED_KEYS,
    );
    if (pull.length === 0) return { outs: { ...news, checked: olds.checked ?? [] } };
    return { outs: await this.run(news) };
  }

  async delete(): Promise<void> {
    // Nothing: the check made nothing.
  }

  /** Checks every image; throws one error naming every image that cannot be pulled and why. */
  private async run(inputs: HarborPullCheckInputs): Promise<HarborPullCheckOutputs> {
    const images: readonly string[] = Array.isArray(inputs.images) ? inputs.images : [];
    const ca = inputs.caBundle ?? this.configuredCaBundle(inputs.harbor);
    const results = await mapLimited(images, CONCURRENCY, (image) =>
      checkPull({
        image,
        username: inputs.username,
        password: inputs.secret,
        plainHttp: inputs.plainHttp === true,
        ...(ca !== undefined ? { caBundle: ca } : {}),
        ...(inputs.timeoutMs !== undefined ? { timeoutMs: inputs.timeoutMs } : {}),
      }),
    );
    const failed = results.filter((r) => !r.ok);
    if (failed.length > 0) {
      const why = failed.some((r) => r.outcome === 'robot-expired-or-disabled')
        ? await this.askHarbor(inputs)
        : undefined;
      const failures: Failure[] = failed.map((result) =>
        result.outcome === 'robot-expired-or-disabled' && why
          ? { result, cause: why.cause, detail: why.detail }
          : { result, cause: CAUSE[result.outcome], detail: '' },
      );
      throw new Error(failureMessage(inputs, images.length, failures));
    }
    return { ...inputs, checked: results.map((r) => ({ image: r.image, digest: r.digest ?? '' })) };
  }

  /** The CA bundle of the Harbor login in the stack configuration, when the check names its Harbor. */
  private configuredCaBundle(harbor: HarborTarget | undefined): string | undefined {
    if (!harbor || typeof harbor.config !== 'string') return undefined;
    return configValue(this.config, loginKeys(harbor).caBundle);
  }

  /**
   * Asks Harbor (`GET /robots/{id}`, with the admin login of the stack configuration) why the robot's login was
   * refused: deleted, disabled, expired, or none of these (then the secret the stack holds is not the robot's).
   */
  private async askHarbor(
    inputs: HarborPullCheckInputs,
  ): Promise<{ readonly cause: string; readonly detail: string } | undefined> {
    const id = Number(inputs.robotId);
    if (!inputs.harbor || !Number.isSafeInteger(id) || id <= 0) return undefined;
    const robot = inputs.username;
    try {
      const found = await withHarbor(this.config, { harbor: inputs.harbor }, `Pull check of ${robot}`, (client) =>
        client.getRobot(id),
      );
      if (!found) {
        return {
          cause: 'robot deleted',
          detail: `Harbor has no robot ${id} any more (${robot} was deleted outside this stack). Fix: "pulumi refresh", then "pulumi up": the stack creates the robot again and updates the pull Secret.`,
        };
      }
      if (found.disabled) {
        return {
          cause: 'robot disabled',
          detail: `Harbor says ${robot} is disabled. Fix: "pulumi refresh", then "pulumi up" enables it again (or enable it in Harbor: Projects > Robot Accounts).`,
        };
      }
      if (found.expiresAt !== -1 && found.expiresAt * 1000 <= Date.now()) {
        return {
          cause: 'robot expired',
          detail: `Harbor says ${robot} expired on ${new Date(found.expiresAt * 1000).toISOString()}. Fix: "pulumi refresh", then "pulumi up" replaces it (a new robot and secret; the pull Secret follows), or renew it in Harbor (Projects > Robot Accounts); robot.durationDays: -1 never expires.`,
        };
      }
      return {
        cause: 'robot secret out of date',
        detail: `Harbor has ${robot} enabled and unexpired, so the secret this stack holds is no longer the robot's (it was refreshed outside the stack). Fix: have the stack make a new one ("pulumi up --replace" on the robot), which updates the pull Secret.`,
      };
    } catch (e) {
      return {
        cause: 'robot expired or disabled',
        detail: `(Harbor could not be asked which: ${errorMessage(e)})`,
      };
    }
  }
}

/** The message of a failed check: which images, why, and what to do. */
function failureMessage(inputs: HarborPullCheckInputs, total: number, failures: readonly Failure[]): string {
  const causes = [...new Set(failures.map((f) => f.cause))].join(', ');
  const lines = failures.map((f) => {
    const prefix = `${f.result.image}: `;
    let message = f.result.message.startsWith(prefix) ? f.result.message.slice(prefix.length) : f.result.message;
    // Harbor told which, with its own fix: that replaces the registry side's general one (kept when Harbor could not
    // be asked).
    if (f.detail.includes(' Fix: ') && message.includes(' Fix: '))
      message = message.slice(0, message.indexOf(' Fix: '));
    return `- ${f.result.image}: ${f.cause}. ${message}${f.detail ? `\n  ${f.detail}` : ''}`;
  });
  return [
    `Pull check: ${failures.length} of ${total} image(s) cannot be pulled from ${inputs.registryHost} with the login of ${inputs.username} (${causes}); ` +
      'the workloads that use them were not created or changed.',
    ...lines,
    'To deploy without this check, set preflight: { pull: false } on the HarborPrivateApp.',
  ].join('\n');
}

/**
 * The one instance every pull check registers with (so Pulumi serializes it once per program), behind the host
 * boundary ({@link ProviderBoundary}).
 */
export const harborPullCheckProvider: dynamic.ResourceProvider = new ProviderBoundary(new HarborPullCheckProvider());
