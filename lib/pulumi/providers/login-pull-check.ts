/**
 * The Pulumi preflight's pull check, run by the robot login resource (robot-login-provider.ts): with the login the pull
 * Secret holds, every image of the app's workloads on its registry must be pullable (lib/registry/pull-check.ts: the
 * registry's token flow and a `HEAD` of each manifest; nothing is downloaded), or the login's create or update fails,
 * and with it the `pulumi up`, before the pull Secret and the workloads that depend on the login are created or
 * changed.
 *
 * Why a login is refused: Harbor's token service answers alike for a disabled, an expired, a deleted robot and a wrong
 * secret. When the check knows its Harbor (the stack configuration's login, handed to `configure` as to the other
 * Harbor resources), it asks Harbor (`GET /robots/{id}`) which one it is.
 */
import {
  checkPull,
  pullCheckImagesProblem,
  pullCheckOptionProblem,
  type PullCheckOptionProblem,
  type PullCheckOutcome,
  type PullCheckResult,
} from '../../registry/pull-check';
import { configValue, type HarborTarget, loginKeys, type StackConfig, withHarbor } from './connection';
import { errorMessage } from '../../core/errors';
import { withDefaults } from '../../core/defaults';
import { UNKNOWN } from './boundary';

/** The defaults the login's `check` fills in, for the pull check options a program leaves unset. */
const PULL_CHECK_DEFAULTS = { plainHttp: false } as const;

/** How many images are checked at once. */
const CONCURRENCY = 4;

/** What a robot login checks, and how (its `pullCheck` input). */
export interface LoginPullCheck {
  /** The images to check, sorted and without duplicates, all on {@link registryHost}. */
  readonly images: readonly string[];
  /** The registry host (`host[:port]`) the pull Secret is keyed by. */
  readonly registryHost: string;
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
   * The robot's Harbor and the configuration keys of its admin login, to ask it why a login is refused.
   * @default - not asked
   */
  readonly harbor?: HarborTarget;
}

/** Each image checked, and the manifest digest the registry answered for it. */
export type CheckedImages = ReadonlyArray<{ readonly image: string; readonly digest: string }>;

/** The login a check pulls with. */
export interface CheckedLogin {
  /** Harbor's robot id, to ask Harbor why the login is refused. */
  readonly robotId: string;
  /** The robot's full name. */
  readonly username: string;
  /** Its secret. */
  readonly secret: string;
}

/** `pullCheck` with the defaults of the options a program left unset. */
export function withPullCheckDefaults(pullCheck: LoginPullCheck): LoginPullCheck {
  return withDefaults(pullCheck, PULL_CHECK_DEFAULTS);
}

/** What is wrong with a login's `pullCheck`: lib/registry's problem, or `pullCheck` itself (field `''`). */
export type LoginPullCheckProblem = Omit<PullCheckOptionProblem, 'field'> & {
  readonly field: PullCheckOptionProblem['field'] | '';
};

/**
 * What is wrong with a login's `pullCheck`, or undefined; the field is named under `pullCheck`. Checked where the
 * resource is declared (values known then), by the provider's `check` (so a preview refuses it), and before any pull:
 * the robot's login is sent to `registryHost` only (every image must be there), with the connection rules of
 * lib/registry's pull check (plain http only to loopback, a PEM CA bundle, a time limit >= 1 ms). A value not known yet
 * (a preview) is left for the run that knows it.
 */
export function loginPullCheckProblem(pullCheck: unknown): LoginPullCheckProblem | undefined {
  if (pullCheck === null || typeof pullCheck !== 'object' || Array.isArray(pullCheck)) {
    return {
      field: '',
      value: pullCheck,
      problem: 'is not an object',
      fix: 'give { images, registryHost }, or leave pullCheck out',
    };
  }
  const c = pullCheck as Partial<LoginPullCheck>;
  const known = <T>(v: T): T | undefined => (isUnknown(v) ? undefined : v);
  if (isUnknown(c.registryHost)) return undefined;
  const images = isUnknown(c.images) ? undefined : pullCheckImagesProblem(c.images, c.registryHost);
  return (
    images ??
    pullCheckOptionProblem(c.registryHost as string, {
      plainHttp: known(c.plainHttp),
      caBundle: known(c.caBundle),
      timeoutMs: known(c.timeoutMs),
    })
  );
}

/** A {@link loginPullCheckProblem} as the one-line reason a check failure or an error gives. */
export function pullCheckProblemText(p: LoginPullCheckProblem): string {
  return `pullCheck${p.field ? `.${p.field}` : ''} = ${JSON.stringify(p.value)}: ${p.problem}. Fix: ${p.fix}`;
}

/** The options whose change makes the next `pulumi up` pull again (with the login's name and secret). */
const CHECKED_KEYS = ['images', 'registryHost', 'plainHttp', 'caBundle'] as const;

/** True when `v` is, or holds, a value not known yet (a preview). */
export function isUnknown(v: unknown): boolean {
  if (v === UNKNOWN) return true;
  if (Array.isArray(v)) return v.some(isUnknown);
  if (v && typeof v === 'object') return Object.values(v).some(isUnknown);
  return false;
}

/** Compares two values as the state stores them (JSON), `undefined` as `null`. */
export function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/**
 * True when the check must pull again: it did not run for `olds`, or what it pulls (an image, the registry, how to
 * reach it) changed. `timeoutMs` and `harbor` are only stored.
 */
export function pullCheckChanged(olds: LoginPullCheck | undefined, news: LoginPullCheck): boolean {
  if (!olds) return true;
  const o = olds as unknown as Record<string, unknown>;
  const n = news as unknown as Record<string, unknown>;
  return CHECKED_KEYS.some((k) => isUnknown(n[k]) || !sameValue(o[k], n[k]));
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
 * Checks every image of `check` with `login`; throws one error naming every image that cannot be pulled and why.
 * @param config the stack configuration (Harbor's admin login and CA bundle, when `check.harbor` names them)
 */
export async function runPullCheck(
  config: StackConfig | undefined,
  check: LoginPullCheck,
  login: CheckedLogin,
): Promise<CheckedImages> {
  // The robot's login goes to registryHost only, whatever the state or a caller hands over.
  const problem = loginPullCheckProblem(check);
  if (problem) throw new Error(`Pull check: ${pullCheckProblemText(problem)}`);
  const images: readonly string[] = check.images;
  const ca = check.caBundle ?? configuredCaBundle(config, check.harbor);
  const results = await mapLimited(images, CONCURRENCY, (image) =>
    checkPull({
      image,
      username: login.username,
      password: login.secret,
      plainHttp: check.plainHttp === true,
      ...(ca !== undefined ? { caBundle: ca } : {}),
      ...(check.timeoutMs !== undefined ? { timeoutMs: check.timeoutMs } : {}),
    }),
  );
  const failed = results.filter((r) => !r.ok);
  if (failed.length > 0) {
    const why = failed.some((r) => r.outcome === 'robot-expired-or-disabled')
      ? await askHarbor(config, check, login)
      : undefined;
    const failures: Failure[] = failed.map((result) =>
      result.outcome === 'robot-expired-or-disabled' && why
        ? { result, cause: why.cause, detail: why.detail }
        : { result, cause: CAUSE[result.outcome], detail: '' },
    );
    throw new Error(failureMessage(check, login, images.length, failures));
  }
  return results.map((r) => ({ image: r.image, digest: r.digest ?? '' }));
}

/** The CA bundle of the Harbor login in the stack configuration, when the check names its Harbor. */
function configuredCaBundle(config: StackConfig | undefined, harbor: HarborTarget | undefined): string | undefined {
  if (!harbor || typeof harbor.config !== 'string') return undefined;
  return configValue(config, loginKeys(harbor).caBundle);
}

/**
 * Asks Harbor (`GET /robots/{id}`, with the admin login of the stack configuration) why the robot's login was
 * refused: deleted, disabled, expired, or none of these (then the secret the stack holds is not the robot's).
 */
async function askHarbor(
  config: StackConfig | undefined,
  check: LoginPullCheck,
  login: CheckedLogin,
): Promise<{ readonly cause: string; readonly detail: string } | undefined> {
  const id = Number(login.robotId);
  if (!check.harbor || !Number.isSafeInteger(id) || id <= 0) return undefined;
  const robot = login.username;
  try {
    const found = await withHarbor(config, { harbor: check.harbor }, `Pull check of ${robot}`, (client) =>
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

/** The message of a failed check: which images, why, and what to do. */
function failureMessage(
  check: LoginPullCheck,
  login: CheckedLogin,
  total: number,
  failures: readonly Failure[],
): string {
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
    `Pull check: ${failures.length} of ${total} image(s) cannot be pulled from ${check.registryHost} with the login of ${login.username} (${causes}); ` +
      'the pull Secret and the workloads were not created or changed.',
    ...lines,
    'To deploy without this check, set preflight: { pull: false } on the HarborPrivateApp (or leave pullCheck out of a HarborRobotLogin of your own).',
  ].join('\n');
}
