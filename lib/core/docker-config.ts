/**
 * The `.dockerconfigjson` document kubelet reads from a `kubernetes.io/dockerconfigjson` Secret:
 * `{"auths":{"<host[:port]>":{"username","password","auth"}}}`, `auth` being base64 of
 * `username:password`. The key must equal the registry host of the image reference exactly.
 */
export interface DockerConfigJson {
  readonly auths: Record<string, { readonly username: string; readonly password: string; readonly auth: string }>;
}

/** Builds the `.dockerconfigjson` document for one registry host. */
export function dockerConfig(registryHost: string, username: string, password: string): DockerConfigJson {
  return {
    auths: {
      [registryHost]: {
        username,
        password,
        auth: Buffer.from(`${username}:${password}`, 'utf8').toString('base64'),
      },
    },
  };
}

/** The `.dockerconfigjson` string (what goes, base64-encoded, into the Secret's data). */
export function dockerConfigJson(registryHost: string, username: string, password: string): string {
  return JSON.stringify(dockerConfig(registryHost, username, password));
}
