import * as pulumi from '@pulumi/pulumi';
import { failIn, HarborPrivateAppError } from '../../core/errors';
import { describeNotPemCertificate } from '../../core/pem';
import { canonicalHarborUrl, harborEndpointProblem } from '../../harbor/endpoint';
import { CONNECTION_TUNING, CONNECTION_TUNING_KEYS, connectionTuningProblem } from '../../harbor/tuning';
import { HarborTarget, HarborTuning, loginKeys } from '../providers/connection';

/** Options of {@link HarborConnection.fromConfig}. */
export interface HarborConnectionOptions extends HarborTuning {
  /**
   * The configuration namespace of the keys.
   * @default - the Pulumi project's name (the namespace `new pulumi.Config()` reads)
   */
  readonly namespace?: string;
}

/** The fully qualified stack configuration keys of a {@link HarborConnection}. */
export interface HarborConnectionKeys {
  /** Harbor's base URL (optional). */
  readonly url: string;
  /** The Harbor user. */
  readonly username: string;
  /** Its password (a secret: `pulumi config set --secret`). */
  readonly password: string;
  /** PEM of the CA that signed Harbor's certificate (optional). */
  readonly caBundle: string;
}

/** A connection name: a camelCase word, the prefix of its configuration keys. */
const NAME = /^[A-Za-z][A-Za-z0-9]*$/;
/** A configuration namespace (no `:`). */
const NAMESPACE = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/**
 * Where HarborPrivateApp's Harbor objects live and how their provider logs in: named keys of the stack configuration.
 * The Harbor resources store only Harbor's canonical URL and the name of the keys; Pulumi hands the stack
 * configuration (secrets decrypted) to the dynamic provider before every operation, and the provider reads the user
 * and the password from it. So no resource's state holds the password, and rotating it is a configuration change.
 *
 * `HarborConnection.fromConfig()` reads, in the project's namespace:
 *
 * | key | |
 * | --- | --- |
 * | `harborUrl` | Harbor's base URL (optional: the app's `harborUrl`, `https://<registryHost>` by default) |
 * | `harborUsername` | a user that may create projects and robots |
 * | `harborPassword` | its password, set with `pulumi config set --secret` |
 * | `harborCaBundle` | PEM of a private CA (optional) |
 *
 * Several Harbors in one stack: one name each, `HarborConnection.fromConfig('harborStaging')` reads
 * `harborStagingUrl`, `harborStagingUsername`, `harborStagingPassword`, `harborStagingCaBundle`.
 */
export class HarborConnection {
  /**
   * The connection whose keys are `<name>Url`, `<name>Username`, `<name>Password` and `<name>CaBundle`.
   * @param name the keys' prefix, a camelCase word
   * @throws HarborPrivateAppError for a name or namespace that cannot prefix configuration keys, or bad tuning values
   */
  public static fromConfig(name = 'harbor', options: HarborConnectionOptions = {}): HarborConnection {
    const scope = 'HarborConnection.fromConfig';
    if (typeof name !== 'string' || !NAME.test(name)) {
      throw new HarborPrivateAppError({
        scope,
        field: 'name',
        value: name,
        problem:
          'is not a camelCase word (letters and digits, starting with a letter), the prefix of its configuration keys',
        fix: 'use e.g. "harbor" (keys harborUrl, harborUsername, harborPassword) or "harborStaging"',
      });
    }
    if (
      options.namespace !== undefined &&
      (typeof options.namespace !== 'string' || !NAMESPACE.test(options.namespace))
    ) {
      throw new HarborPrivateAppError({
        scope,
        field: 'namespace',
        value: options.namespace,
        problem: 'is not a configuration namespace',
        fix: 'give a namespace without ":", e.g. your Pulumi project name, or leave it out',
      });
    }
    // The Harbor client's own rule (lib/harbor/tuning.ts), checked now rather than at `pulumi up`.
    for (const key of CONNECTION_TUNING_KEYS) {
      const v: unknown = options[key];
      const problem = v === undefined ? undefined : connectionTuningProblem(key, v);
      if (problem) {
        throw new HarborPrivateAppError({
          scope,
          field: key,
          value: v,
          problem,
          fix: `give a number of milliseconds (or of retries for maxRetries), or leave it out for the default (${CONNECTION_TUNING[key].defaultValue})`,
        });
      }
    }
    const tuning = Object.fromEntries(
      CONNECTION_TUNING_KEYS.filter((k) => options[k] !== undefined).map((k) => [k, options[k]]),
    ) as HarborTuning;
    return new HarborConnection(name, options.namespace, tuning);
  }

  private constructor(
    /** The keys' prefix. */
    public readonly name: string,
    private readonly namespaceOption: string | undefined,
    /** Retry and timeout tuning of the Harbor client (stored in the resources' state; not secret). */
    public readonly tuning: HarborTuning,
  ) {}

  /** The configuration namespace: the one given, else the Pulumi project's name. */
  public get namespace(): string {
    return this.namespaceOption ?? pulumi.getProject();
  }

  /** The fully qualified configuration keys, e.g. `coredns:harborPassword`. */
  public keys(): HarborConnectionKeys {
    const prefix = `${this.namespace}:${this.name}`;
    return { url: `${prefix}Url`, ...loginKeys({ config: prefix }) };
  }

  /**
   * Checks the stack configuration and returns what the Harbor resources store: Harbor's canonical URL (the `Url` key,
   * else `defaultUrl`) and the name of the keys. Nothing secret.
   * @param scope who asks, to name in an error message, e.g. `HarborProject "k8s"`
   * @param defaultUrl Harbor's URL when the stack configuration sets no `Url` key, e.g. `https://reg.harbor.com`
   * @throws HarborPrivateAppError naming the key and the fix when the user or the password is not set, the password is
   * not a secret, or the URL or the CA bundle is unusable
   */
  public target(scope: string, defaultUrl: string): HarborTarget {
    const keys = this.keys();
    const get = (key: string): string | undefined => {
      const v = pulumi.runtime.getConfig(key);
      return typeof v === 'string' && v !== '' ? v : undefined;
    };
    const fail = failIn(scope);
    const short = (key: string): string => (key.startsWith(`${pulumi.getProject()}:`) ? key.split(':')[1] : key);
    // A key that is not set shows `undefined`, one set to "" shows `""`: the user's and the password's alike.
    const unset = (key: string): string => (pulumi.runtime.getConfig(key) === undefined ? 'is not set' : 'is empty');
    if (get(keys.username) === undefined) {
      fail(
        keys.username,
        pulumi.runtime.getConfig(keys.username),
        `${unset(keys.username)} in the stack configuration`,
        `pulumi config set ${short(keys.username)} <a Harbor user that may create projects and robots>`,
      );
    }
    if (get(keys.password) === undefined) {
      fail(
        keys.password,
        pulumi.runtime.getConfig(keys.password),
        `${unset(keys.password)} in the stack configuration`,
        `pulumi config set --secret ${short(keys.password)}`,
      );
    }
    const isConfigSecret = (pulumi.runtime as unknown as { isConfigSecret?: (key: string) => boolean }).isConfigSecret;
    if (isConfigSecret && !isConfigSecret(keys.password)) {
      fail(
        keys.password,
        '<not shown>',
        'is stored in clear text in the stack configuration',
        `pulumi config set --secret ${short(keys.password)} (and declare it secret: true in Pulumi.yaml)`,
      );
    }
    const url = get(keys.url) ?? defaultUrl;
    const caBundle = get(keys.caBundle);
    // The client's own messages advise its allowPlainHttp option, which a connection does not have: this engine's fix.
    const bad = harborEndpointProblem(url, caBundle);
    if (bad?.field === 'caBundle') {
      const given = describeNotPemCertificate(caBundle ?? '');
      // The path the value names, when the shell takes it as written.
      const file = given.path !== undefined && /^[^\s"'$`\\]{1,200}$/.test(given.path) ? given.path : 'ca.pem';
      fail(
        keys.caBundle,
        given.shown,
        given.problem,
        `pulumi config set ${short(keys.caBundle)} "$(cat ${file})", with the PEM text of the CA that signed Harbor's certificate`,
      );
    }
    if (bad) {
      fail(
        keys.url,
        url,
        bad.problem,
        bad.httpsForm !== undefined
          ? `pulumi config set ${short(keys.url)} ${bad.httpsForm} (with ${short(keys.caBundle)} for a private CA); plain http:// is allowed only to a loopback host (127.0.0.1, ::1, localhost)`
          : `pulumi config set ${short(keys.url)} https://<harbor> (plain http:// only on loopback)`,
      );
    }
    return { url: canonicalHarborUrl(url) ?? url, config: `${this.namespace}:${this.name}`, ...this.tuning };
  }
}
