import { SecretValue } from './secret-value';

/** A reference to an External Secrets Operator store. */
export class SecretStoreRef {
  /** A cluster-wide `ClusterSecretStore`. */
  public static cluster(name: string): SecretStoreRef {
    return new SecretStoreRef('ClusterSecretStore', name);
  }

  /** A `SecretStore` in the same namespace as the ExternalSecret. */
  public static namespaced(name: string): SecretStoreRef {
    return new SecretStoreRef('SecretStore', name);
  }

  private constructor(
    /** `ClusterSecretStore` or `SecretStore`. */
    public readonly kind: 'ClusterSecretStore' | 'SecretStore',
    /** The store's name. */
    public readonly name: string,
  ) {}
}

/** The store the default credential chain reads robot secrets through. */
export const DEFAULT_ROBOT_STORE_NAME = 'harbor-robot-secrets';
/**
 * Where Crossplane writes robot connection Secrets by default: a namespace of their own, so that the
 * store reading them cannot read anything else (provider credentials live in `crossplane-system`).
 */
export const DEFAULT_CONNECTION_SECRET_NAMESPACE = 'harbor-robots';

/** Options of credentials read from an external secret store. */
export interface ExternalStoreCredentialsOptions {
  /** The External Secrets store to read from. */
  readonly store: SecretStoreRef;
  /** The key (secret name / path) in the store. */
  readonly key: string;
  /**
   * The property of that key holding the username.
   * @default 'username'
   */
  readonly usernameProperty?: string;
  /**
   * The property of that key holding the password.
   * @default 'password'
   */
  readonly passwordProperty?: string;
  /**
   * How often External Secrets re-reads the key.
   * @default '1h'
   */
  readonly refreshInterval?: string;
}

/** A literal username and password. */
export interface LiteralCredentials {
  /** The login name (a robot's full name such as `robot$k8s+ci`, or a user). */
  readonly username: string;
  /** The password or robot secret. */
  readonly password: SecretValue;
}

/**
 * Where the pull Secret's credentials come from. Choose with a static factory:
 * - `PullCredentials.fromRobot()` (default): the pull-only robot this app declares.
 * - `PullCredentials.fromExistingSecret(name)`: a Secret that already exists in every target namespace.
 * - `PullCredentials.fromExternalStore({...})`: a username/password in an External Secrets store.
 * - `PullCredentials.fromLiteralUnsafeForLocalClustersOnly({...})`: written into the output in clear text.
 */
export class PullCredentials {
  /**
   * The robot account this app declares (pull-only by default). The YAML engine delivers its secret
   * through Crossplane's connection Secret and an External Secrets `ExternalSecret` per namespace (tuned by the
   * cdk8s construct's `robotSecrets` prop); the Pulumi engine takes it from Harbor's create response as a Pulumi
   * secret. No credential is written.
   */
  public static fromRobot(): PullCredentials {
    return new PullCredentials('robot', {});
  }

  /** A `kubernetes.io/dockerconfigjson` Secret you manage, present in every target namespace. Nothing is emitted for it, and no robot is declared. */
  public static fromExistingSecret(secretName: string): PullCredentials {
    return new PullCredentials('existingSecret', { existingSecretName: secretName });
  }

  /** A username and password kept in an external store (Vault, a cloud secret manager...), re-shaped by External Secrets. No robot is declared. */
  public static fromExternalStore(options: ExternalStoreCredentialsOptions): PullCredentials {
    return new PullCredentials('externalStore', { externalStore: options });
  }

  /**
   * A literal credential written, base64-encoded only, into the synthesized Secret. For throw-away local
   * clusters only: the output then holds a credential and must never be committed. No robot is declared.
   */
  public static fromLiteralUnsafeForLocalClustersOnly(credentials: LiteralCredentials): PullCredentials {
    return new PullCredentials('literal', { literal: credentials });
  }

  private constructor(
    /** Which source. */
    public readonly kind: 'robot' | 'existingSecret' | 'externalStore' | 'literal',
    private readonly options: {
      existingSecretName?: string;
      externalStore?: ExternalStoreCredentialsOptions;
      literal?: LiteralCredentials;
    },
  ) {}

  /** Existing Secret name (kind `existingSecret`). */
  public get existingSecretName(): string | undefined {
    return this.options.existingSecretName;
  }
  /** External store options (kind `externalStore`). */
  public get externalStore(): ExternalStoreCredentialsOptions | undefined {
    return this.options.externalStore;
  }
  /** The literal credential (kind `literal`). */
  public get literal(): LiteralCredentials | undefined {
    return this.options.literal;
  }
}
