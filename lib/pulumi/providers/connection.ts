/**
 * How the dynamic providers reach Harbor. Shared by the provider code that Pulumi serializes, so this file imports
 * nothing but the Harbor client (no `@pulumi/pulumi` at run time).
 *
 * A Harbor resource's state names its Harbor (a {@link HarborTarget}: the canonical URL, and which stack configuration
 * keys hold the login) and never holds a credential: the provider reads the user name and the password from the stack
 * configuration that Pulumi's dynamic provider host hands to `configure`. Facts this rests on (Pulumi 3.248):
 * - the engine configures a dynamic provider with the WHOLE stack configuration, namespaces kept (`example:harborUrl`),
 *   secrets decrypted (pulumi/pulumi pkg/resource/deploy/target.go, `GetPackageConfig`: "For dynamic providers, we
 *   always pass the full configuration"); the host unwraps secrets (`acceptSecrets: false`) and calls
 *   `provider.configure({ config })` once per provider text and process, with `config.get(key)` over those raw values
 *   (@pulumi/pulumi cmd/dynamic-provider/index.js `getProvider`, config.js);
 * - `pulumi up` configures the stack's default `pulumi-nodejs` provider with the current configuration and stores it
 *   in the state (a changed configuration is a provider update, never a replacement: the host has no DiffConfig, and
 *   the engine then reports "no replace", sdk/go/common/resource/plugin/provider_plugin.go `DiffConfig`);
 *   `pulumi refresh` and `pulumi destroy` configure it from that stored state unless run with `--run-program`
 *   (pkg/resource/deploy/providers/registry.go `Same`: `Configure(... Inputs: res.Inputs)`).
 */
import type { dynamic } from '@pulumi/pulumi';
import { HarborClient, isHarborApiError } from '../../harbor';
import { canonicalHarborUrl } from '../../harbor/endpoint';
import { CONNECTION_TUNING_KEYS } from '../../harbor/tuning';

/**
 * The stack configuration as Pulumi's dynamic provider host passes it to `configure`
 * (`@pulumi/pulumi/cmd/dynamic-provider/config` `Config`): raw values by fully qualified key, secrets decrypted.
 */
export interface StackConfig {
  /** The value of `key` (`<namespace>:<name>`), or `undefined` when the stack does not set it. */
  get(key: string): string | undefined;
}

/**
 * The base of the providers that call Harbor: keeps the stack configuration (the Harbor login) that Pulumi's dynamic
 * provider host hands to `configure` before any operation.
 */
export abstract class StackConfiguredProvider {
  /** The stack configuration, from the dynamic provider host's `configure` (tests may call operations without it). */
  protected config?: StackConfig;
  /** The Harbor clients of this provider, made on first use (none when serialized). */
  private clients?: HarborClients;

  async configure(req: dynamic.ConfigureRequest): Promise<void> {
    this.config = req.config;
  }

  /**
   * Runs `fn` with this provider's client for the resource's Harbor and login. The client is kept for the provider's
   * life (the dynamic provider host's process: one `pulumi` command), so its connections are reused from one operation
   * to the next: a refresh of many resources on one Harbor makes a TLS handshake per connection, not per request.
   */
  protected withHarbor<T>(
    located: HarborLocated | undefined,
    resource: string,
    fn: (client: HarborClient, login: HarborLogin) => Promise<T>,
  ): Promise<T> {
    this.clients ??= new HarborClients();
    const login = resolveLogin(this.config, located, resource);
    return fn(this.clients.of(login), login);
  }
}

/** How many logins' clients a provider keeps. */
export const MAX_HARBOR_CLIENTS = 8;

/**
 * Harbor clients kept for a process, one per login (URL, user name, password, CA and tuning: a rotated password or a
 * moved Harbor gets a client of its own). Idle connections do not keep the process alive (the client's own rule), so
 * nothing needs closing; the least recently used client is closed beyond {@link MAX_HARBOR_CLIENTS}. No field
 * initializers here or in the providers: Pulumi's closure serializer (source mode) drops them.
 */
export class HarborClients {
  private readonly byLogin: Map<string, HarborClient>;

  constructor() {
    this.byLogin = new Map();
  }

  /** The client of `login`, made on first use. */
  public of(login: HarborLogin): HarborClient {
    // The login itself is the key (no digest: the client holds the password anyway, and a hash per operation cost
    // more than the map lookup it serves).
    const key = JSON.stringify([
      login.url,
      login.username,
      login.password,
      login.caBundle ?? null,
      ...CONNECTION_TUNING_KEYS.map((k) => login[k] ?? null),
    ]);
    let client = this.byLogin.get(key);
    if (client) {
      this.byLogin.delete(key);
    } else {
      client = clientFor(login);
      for (const [oldest, old] of this.byLogin) {
        if (this.byLogin.size < MAX_HARBOR_CLIENTS) break;
        this.byLogin.delete(oldest);
        void old.close();
      }
    }
    this.byLogin.set(key, client);
    return client;
  }
}

/** The optional tuning fields of a connection (not secret; stored in the state). */
export interface HarborTuning {
  /**
   * Retries after the first attempt of an idempotent call (and the bound of checked re-creates).
   * @default 3
   * @see HarborClientOptions.maxRetries
   */
  readonly maxRetries?: number;
  /**
   * Time limit of one attempt, in milliseconds; raise it for a slow Harbor.
   * @default 30000
   */
  readonly timeoutMs?: number;
  /**
   * Base of the exponential backoff between retries, in milliseconds.
   * @default 200
   */
  readonly retryBaseDelayMs?: number;
  /**
   * Upper bound of one wait between retries (also of Harbor's `Retry-After`), in milliseconds.
   * @default 10000
   */
  readonly maxRetryDelayMs?: number;
}

/**
 * Which Harbor a resource lives in, as its inputs and outputs store it: Harbor's identity and where the login is read,
 * never a credential.
 */
export interface HarborTarget extends HarborTuning {
  /** Harbor's canonical base URL (see `canonicalHarborUrl`), e.g. `https://reg.harbor.com`. */
  readonly url: string;
  /**
   * The stack configuration keys of the login, as `<namespace>:<name>`: the provider reads `<namespace>:<name>Username`,
   * `<namespace>:<name>Password` and, when set, `<namespace>:<name>CaBundle`.
   */
  readonly config: string;
}

/** A Harbor login as the provider uses it: the target's URL and tuning, with the user and password from the configuration. */
export interface HarborLogin extends HarborTuning {
  /** Harbor's base URL, e.g. `https://reg.harbor.com`. */
  readonly url: string;
  /** A Harbor user allowed to create projects and robots (system admin, or projectAdmin of an adopted project). */
  readonly username: string;
  /** The user's password. */
  readonly password: string;
  /**
   * PEM of the CA that signed Harbor's certificate.
   * @default - Node's default trust store
   */
  readonly caBundle?: string;
}

/** What every Harbor resource's inputs and state hold about its Harbor. */
export interface HarborLocated {
  readonly harbor?: HarborTarget;
}

/** The configuration keys a target's login is read from. */
export function loginKeys(target: Pick<HarborTarget, 'config'>): {
  readonly username: string;
  readonly password: string;
  readonly caBundle: string;
} {
  return {
    username: `${target.config}Username`,
    password: `${target.config}Password`,
    caBundle: `${target.config}CaBundle`,
  };
}

/** A stack configuration value, or undefined when it is not set or empty. */
export function configValue(config: StackConfig | undefined, key: string): string | undefined {
  const v = config?.get(key);
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** The tuning fields that are set. */
function tuningOf(t: HarborTuning | undefined): HarborTuning {
  const out: { -readonly [K in keyof HarborTuning]: HarborTuning[K] } = {};
  for (const k of CONNECTION_TUNING_KEYS) {
    const v = t?.[k];
    if (v !== undefined && v !== null) out[k] = v;
  }
  return out;
}

/**
 * The login of a resource's Harbor: its {@link HarborTarget}'s URL with the user name, password and CA bundle read
 * from the stack configuration.
 * @throws Error naming the configuration keys when the login is not configured, or when the state names no Harbor.
 */
export function resolveLogin(
  config: StackConfig | undefined,
  located: HarborLocated | undefined,
  resource: string,
): HarborLogin {
  const target = located?.harbor;
  if (target && typeof target === 'object') {
    const keys = loginKeys(target);
    const read = (key: string): string | undefined => configValue(config, key);
    const username = read(keys.username);
    const password = read(keys.password);
    if (username === undefined || password === undefined) {
      const missing = [username === undefined ? keys.username : '', password === undefined ? keys.password : ''].filter(
        (k) => k !== '',
      );
      throw new Error(
        `${resource}: the Harbor login for ${target.url} is not in the stack configuration: ` +
          `${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not set` +
          (config === undefined
            ? ' (the dynamic provider was given no configuration: Pulumi >= 3.139 passes it)'
            : '') +
          `. Fix: pulumi config set ${keys.username} <user>; pulumi config set --secret ${keys.password} <password>. ` +
          '"pulumi refresh" and "pulumi destroy" use the configuration stored by the last "pulumi up": run "pulumi up" ' +
          'after changing it, or run them with --run-program.',
      );
    }
    const caBundle = read(keys.caBundle);
    return {
      url: target.url,
      username,
      password,
      ...(caBundle !== undefined ? { caBundle } : {}),
      ...tuningOf(target),
    };
  }
  throw new Error(
    `${resource}: the resource's state names no Harbor ("harbor"); it was not written by harbor-private-app.`,
  );
}

/** Opens a client with a login (see {@link resolveLogin}). */
export function clientFor(login: HarborLogin): HarborClient {
  return new HarborClient({
    url: login.url,
    username: login.username,
    password: login.password,
    ...(login.caBundle ? { caBundle: login.caBundle } : {}),
    ...tuningOf(login),
  });
}

/** Harbor's canonical URL of a state or inputs (`undefined` when unknown, e.g. during a preview). */
export function harborUrlOf(located: HarborLocated | undefined): string | undefined {
  return canonicalHarborUrl(located?.harbor?.url);
}

/**
 * True when the canonical URLs of both differ and are both known: the resource is addressed somewhere else now, and
 * whether that is the same Harbor must be checked before anything is written there.
 */
export function harborMoved(olds: HarborLocated | undefined, news: HarborLocated | undefined): boolean {
  const a = harborUrlOf(olds);
  const b = harborUrlOf(news);
  return a !== undefined && b !== undefined && a !== b;
}

/**
 * True when the state must be rewritten to match the inputs, without anything written to Harbor for it: the address
 * changed (even cosmetically: the state keeps what the program declares), the configuration keys or the tuning changed,
 * or the URL is not known yet (a preview).
 */
export function harborStateChanged(olds: HarborLocated | undefined, news: HarborLocated | undefined): boolean {
  const o = olds?.harbor;
  const n = news?.harbor;
  if (!n || !o) return o !== n;
  if (canonicalHarborUrl(n.url) === undefined) return true;
  return (
    o.url !== n.url ||
    o.config !== n.config ||
    CONNECTION_TUNING_KEYS.some((k) => (o[k] ?? undefined) !== (n[k] ?? undefined))
  );
}

/** True for Harbor's 404 (the object or its project is gone). */
export function isNotFound(e: unknown): boolean {
  return isHarborApiError(e) && e.status === 404;
}

/** Runs `fn` with a new client on the resource's Harbor (and its login), for a one-off call, and closes its connections. */
export async function withHarbor<T>(
  config: StackConfig | undefined,
  located: HarborLocated | undefined,
  resource: string,
  fn: (client: HarborClient, login: HarborLogin) => Promise<T>,
): Promise<T> {
  const login = resolveLogin(config, located, resource);
  const client = clientFor(login);
  try {
    return await fn(client, login);
  } finally {
    await client.close();
  }
}

/**
 * The error for a resource whose address changed to one that does not reach the Harbor holding it (checked before
 * anything is written there). `detail` says what the new address answered.
 */
export function otherHarborError(resource: string, oldUrl: string | undefined, newUrl: string, detail: string): Error {
  return new Error(
    `${resource}: ${newUrl} is not the Harbor this stack manages it in (${oldUrl ?? 'unknown'}): ${detail}. Nothing was ` +
      'written. Fix: if Harbor moved, point the URL at the Harbor that holds these objects; to use another Harbor, ' +
      'declare the app there in a new stack (or run "pulumi state delete" on these resources first).',
  );
}
