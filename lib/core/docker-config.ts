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

/** Where the `.dockerconfigjson` template finds a value: a fixed string, or a template variable (`.password`). */
export type TemplateValue = { readonly literal: string } | { readonly variable: string };

/**
 * An External Secrets (template engine v2: Go templates + sprig) template that renders the same
 * document as `dockerConfigJson`, with the password (and maybe the username) read from the fetched
 * secret's keys. No credential is in the template itself.
 */
export function dockerConfigJsonTemplate(
  registryHost: string,
  username: TemplateValue,
  password: TemplateValue,
): string {
  const expr = (v: TemplateValue): string => ('literal' in v ? JSON.stringify(v.literal) : `.${v.variable}`);
  const json = (v: TemplateValue): string =>
    'literal' in v ? JSON.stringify(v.literal) : `{{ .${v.variable} | toJson }}`;
  return (
    `{"auths":{${JSON.stringify(registryHost)}:{"username":${json(username)},"password":${json(password)},` +
    `"auth":{{ printf "%s:%s" ${expr(username)} ${expr(password)} | b64enc | toJson }}}}}`
  );
}
