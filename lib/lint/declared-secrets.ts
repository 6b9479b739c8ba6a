/**
 * Pull Secrets that exist outside the input: made with `kubectl create secret docker-registry`, by a controller the
 * input does not show, or kept in another repository. Declared as `NAMESPACE/NAME=HOST[,HOST]` (`--assume-secret`,
 * or `assumeSecrets` in the config file): Secret NAME of type `kubernetes.io/dockerconfigjson` in NAMESPACE (`*` for
 * every namespace) whose `auths` keys are the HOSTs, written as in a `.dockerconfigjson` and matched as kubelet
 * matches them (`reg.harbor.com`, `reg.harbor.com:8443`, `*.harbor.com`, `https://index.docker.io/v1/`).
 */
import { HarborPrivateAppError } from '../core/errors';
import { checkNamespaceName, checkObjectName } from '../core/names';
import type { DockerConfigEntry } from './docker-config-document';
import { DOCKER_CONFIG_JSON_TYPE, type PullSecret, type SpreadSecret } from './pull-secrets';
import { parseRegistryKey } from './registry-keys';

/** A declaration that cannot be read: the message names the value, what is wrong and the fix. */
export class DeclaredSecretError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeclaredSecretError';
  }
}

/** A declared Secret, as read. */
export interface DeclaredSecret {
  /** The namespace, or `*` for every namespace. */
  readonly namespace: string;
  readonly name: string;
  /** The `auths` keys, as written. */
  readonly hosts: readonly string[];
  /** Where it is declared: `--assume-secret`, or the config file's path. */
  readonly declaredIn: string;
}

const FORM = 'NAMESPACE/NAME=HOST[,HOST] (NAMESPACE may be * for every namespace)';

/**
 * Reads one declaration.
 * @param declaredIn `--assume-secret`, or the config file's path (shown in findings and errors)
 * @throws DeclaredSecretError naming the value and the fix
 */
export function parseDeclaredSecret(value: string, declaredIn: string): DeclaredSecret {
  const shown = `${declaredIn} ${JSON.stringify(value)}`;
  const eq = value.indexOf('=');
  const slash = value.indexOf('/');
  if (eq < 0 || slash < 0 || slash > eq) {
    throw new DeclaredSecretError(`${shown} is not ${FORM}. Fix: e.g. kube-system/registry-secret=reg.harbor.com`);
  }
  const namespace = value.slice(0, slash);
  const name = value.slice(slash + 1, eq);
  const hosts = value
    .slice(eq + 1)
    .split(',')
    .map((h) => h.trim());
  try {
    if (namespace !== '*') checkNamespaceName(`the namespace of ${shown}`, namespace);
    checkObjectName(`the Secret name of ${shown}`, name);
  } catch (e) {
    if (e instanceof HarborPrivateAppError) throw new DeclaredSecretError(e.message);
    throw e;
  }
  if (hosts.some((h) => h === '')) {
    throw new DeclaredSecretError(
      `${shown} names an empty registry host. Fix: list the registry hosts the Secret's .dockerconfigjson is keyed by, separated by commas, e.g. ${namespace}/${name}=reg.harbor.com`,
    );
  }
  for (const host of hosts) {
    if (!parseRegistryKey(host)) {
      throw new DeclaredSecretError(
        `${shown}: ${JSON.stringify(host)} is no registry address kubelet can read (a port must be digits; no spaces). Fix: write the host as the Secret's .dockerconfigjson key, e.g. reg.harbor.com or reg.harbor.com:8443`,
      );
    }
  }
  return { namespace, name, hosts, declaredIn };
}

function entries(hosts: readonly string[]): DockerConfigEntry[] {
  return hosts.map((rawKey) => {
    const key = parseRegistryKey(rawKey);
    return { rawKey, ...(key ? { key } : {}) };
  });
}

/** The Secret a declaration stands for: in one namespace, or (namespace `*`) in every namespace. */
export function declaredPullSecret(d: DeclaredSecret): { one: PullSecret } | { spread: SpreadSecret } {
  const file = d.declaredIn.startsWith('--') ? undefined : d.declaredIn;
  const secret = (namespace: string): PullSecret => ({
    source: 'declared',
    name: d.name,
    namespace,
    objectName: d.declaredIn,
    ...(file ? { file } : {}),
    type: DOCKER_CONFIG_JSON_TYPE,
    content: { state: 'entries', entries: entries(d.hosts) },
  });
  if (d.namespace !== '*') return { one: secret(d.namespace) };
  const perNamespace = new Map<string, PullSecret>();
  return {
    spread: {
      name: d.name,
      content: { state: 'entries', entries: entries(d.hosts) },
      maker: d.declaredIn,
      in(namespace) {
        let s = perNamespace.get(namespace);
        if (!s) perNamespace.set(namespace, (s = secret(namespace)));
        return s;
      },
    },
  };
}
