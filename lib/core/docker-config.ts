import { goStringLiteral, goTemplateText } from './template';

/**
 * The `.dockerconfigjson` document kubelet reads from a `kubernetes.io/dockerconfigjson` Secret:
 * `{"auths":{"<host[:port]>":{"username","password","auth"}}}`, `auth` being base64 of
 * `username:password`. The key must equal the registry host of the image reference exactly.
 */
export interface DockerConfigJson {
  /** One entry per registry host (`host[:port]`, exactly as in image references). */
  readonly auths: Record<string, DockerConfigAuth>;
}

/** The credentials of one registry host in a `.dockerconfigjson`. */
export interface DockerConfigAuth {
  /** The login name (a robot's full name, `robot$<project>+<name>`). */
  readonly username: string;
  /** The password or robot secret. */
  readonly password: string;
  /** base64 of `username:password`, which is what kubelet and containerd send. */
  readonly auth: string;
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
export type TemplateValue =
  | {
      /** A fixed string, written into the template (escaped for Go's template syntax). */
      readonly literal: string;
    }
  | {
      /** The name of a key of the fetched secret, read as `.name`. */
      readonly variable: string;
    };

/**
 * An External Secrets (template engine v2: Go templates + sprig) template that renders the same
 * document as `dockerConfigJson`, with the password (and maybe the username) read from the fetched
 * secret's keys. No credential is in the template itself.
 *
 * Fixed strings are escaped for Go's template syntax: outside actions a `{{` is written as `{{ "{{" }}`, inside an
 * action a string is a quoted Go string literal, so any host or login name renders as itself and never breaks the
 * template.
 *
 * @throws Error when a variable name is not a plain identifier (`password`, `username`).
 */
export function dockerConfigJsonTemplate(
  registryHost: string,
  username: TemplateValue,
  password: TemplateValue,
): string {
  for (const v of [username, password]) {
    if ('variable' in v && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(v.variable)) {
      throw new Error(
        `dockerConfigJsonTemplate: variable ${JSON.stringify(v.variable)} is not an identifier. Fix: use a plain ` +
          'identifier such as "password" (letters, digits and "_", not starting with a digit).',
      );
    }
  }
  const expr = (v: TemplateValue): string => ('literal' in v ? goStringLiteral(v.literal) : `.${v.variable}`);
  const json = (v: TemplateValue): string =>
    'literal' in v ? goTemplateText(JSON.stringify(v.literal)) : `{{ .${v.variable} | toJson }}`;
  return (
    `{"auths":{${goTemplateText(JSON.stringify(registryHost))}:{"username":${json(username)},"password":${json(password)},` +
    `"auth":{{ printf "%s:%s" ${expr(username)} ${expr(password)} | b64enc | toJson }}}}}`
  );
}
