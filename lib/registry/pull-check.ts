/**
 * Checks, with a robot's own credentials, that an image can be pulled: the registry token flow a container runtime
 * runs before it pulls, ending with a `HEAD` of the manifest (nothing is downloaded).
 *
 * 1. `GET /v2/` -> `401` with `WWW-Authenticate: Bearer realm=...,service=...` (Harbor's registry);
 * 2. `GET <realm>?service=...&scope=repository:<repo>:pull` with HTTP Basic `<robot>:<secret>`;
 * 3. `HEAD /v2/<repo>/manifests/<tag or digest>` with the bearer token and the Accept headers of OCI and Docker
 *    manifests and indexes.
 *
 * How the outcomes are told apart: Harbor's token service answers `200` even for credentials it does not accept,
 * with a token that grants nothing; its `sub` claim is the authenticated name, or empty when the credentials were not
 * accepted (Harbor's robot authenticator refuses a wrong secret, a deleted, a disabled and an expired robot alike, so
 * these four cannot be told apart from the registry side). Accepted credentials without pull access mean the robot has
 * no pull permission on that project (or the project does not exist: Harbor grants nothing then either).
 *
 * Framework-free, no module state, no cookies; every request has a time limit, bodies are read up to a bound, and the
 * credentials are sent to the token realm only over https (or plain http to a loopback host). No message ever holds
 * the secret, the Basic header or the token.
 *
 * @see HARBOR-FACTS.md "How a pull authenticates"
 */
import { Agent, fetch, type Response } from 'undici';
import { HarborPrivateAppError, errorMessage } from '../core/errors';
import { parseImageReference, registryHostDifference } from '../core/image-reference';
import { classifyNetworkError } from '../core/network-errors';
import { holdsPemCertificate } from '../core/pem';
import { isLoopbackHost } from '../harbor/endpoint';
import { redactSecrets } from '../harbor/errors';
import { parseAuthChallenge } from './www-authenticate';

/**
 * The outcome of a pull check. `registry-error`: the registry (or token service) answered, but not as a registry
 * does (a 5xx, an unexpected status or body, a redirect), so nothing can be said about the image.
 */
export type PullCheckOutcome =
  | 'ok'
  | 'image-or-tag-missing'
  | 'robot-denied'
  | 'robot-expired-or-disabled'
  | 'registry-unreachable'
  | 'registry-error';

/** What to check. */
export interface PullCheckOptions {
  /** The image as a workload names it, e.g. `reg.harbor.com/k8s/coredns:1.2.6`. */
  readonly image: string;
  /** The robot's full name (`robot$k8s+coredns-pull`), as in the pull Secret. */
  readonly username: string;
  /** The robot's secret. Never logged, never put in a message. */
  readonly password: string;
  /**
   * PEM certificate(s) of the CA that signed the registry's (and token service's) certificate; replaces Node's
   * default trust store. Verification cannot be turned off.
   * @default - Node's default trust store
   */
  readonly caBundle?: string;
  /**
   * Talk plain `http://` to the registry. Only for a loopback registry (a local test registry).
   * @default false
   */
  readonly plainHttp?: boolean;
  /**
   * Time limit of each request, in milliseconds.
   * @default 10000
   */
  readonly timeoutMs?: number;
}

/** The result of {@link checkPull}. */
export interface PullCheckResult {
  /** The outcome. */
  readonly outcome: PullCheckOutcome;
  /** `outcome === 'ok'`. */
  readonly ok: boolean;
  /** The image checked, as given. */
  readonly image: string;
  /** The registry host (`host[:port]`). */
  readonly registry: string;
  /** The repository (`k8s/coredns`) and the tag or digest asked for. */
  readonly repository: string;
  readonly reference: string;
  /** What happened and, unless ok, the fix. Names the image, the registry and the robot, never the secret. */
  readonly message: string;
  /** The manifest digest the registry answered with, when ok. */
  readonly digest?: string;
  /** The requests made and their statuses (`GET /v2/ 401`, `GET token 200`, `HEAD manifest 200`). */
  readonly steps: readonly string[];
}

/** The Accept header of a runtime that pulls OCI and Docker images, single-platform or multi-platform. */
export const MANIFEST_ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

const MAX_BODY_BYTES = 1024 * 1024;

const CREDENTIALS_FIX =
  'in Harbor (Projects > Robot Accounts), enable the robot or renew it; a deleted or expired robot needs a new one and a new pull Secret (the Pulumi component does both on "pulumi up"; on the YAML path Crossplane recreates it and External Secrets refreshes the Secret)';

interface Claims {
  readonly sub?: unknown;
  readonly access?: unknown;
}

class Unreachable extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function networkFailure(e: unknown): Unreachable {
  const { code, message } = classifyNetworkError(e);
  if (code === 'TIMEOUT') return new Unreachable(code, 'no answer within the time limit');
  return new Unreachable(code, message ?? (code === 'NETWORK_ERROR' ? errorMessage(e) : code));
}

async function readBody(res: Response): Promise<string> {
  if (!res.body) return '';
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body) {
    size += (chunk as Uint8Array).byteLength;
    if (size > MAX_BODY_BYTES) {
      await res.body.cancel().catch(() => undefined);
      throw new Error(`the answer is larger than ${MAX_BODY_BYTES} bytes`);
    }
    chunks.push(Buffer.from(chunk as Uint8Array));
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function discard(res: Response): Promise<void> {
  await res.body?.cancel().catch(() => undefined);
}

function decodeClaims(token: string): Claims | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    return typeof claims === 'object' && claims !== null ? claims : undefined;
  } catch {
    return undefined;
  }
}

function grantsPull(claims: Claims, repository: string): boolean {
  if (!Array.isArray(claims.access)) return false;
  return claims.access.some((a: unknown) => {
    const entry = a as { type?: unknown; name?: unknown; actions?: unknown };
    return (
      entry.type === 'repository' &&
      entry.name === repository &&
      Array.isArray(entry.actions) &&
      entry.actions.some((x) => x === 'pull' || x === '*')
    );
  });
}

/** The time limit of each request of the check when none is given, in milliseconds. */
const DEFAULT_TIMEOUT_MS = 10_000;

/** A field of the pull check that cannot be used: the field, the value to show, what is wrong, the fix. */
export interface PullCheckOptionProblem {
  /** The option (an image of the list by its index: `images[2]`). */
  readonly field: 'plainHttp' | 'caBundle' | 'timeoutMs' | 'images' | `images[${number}]` | 'registryHost';
  /** The value as it may be shown (a CA bundle is not echoed). */
  readonly value: unknown;
  readonly problem: string;
  readonly fix: string;
}

/**
 * The checks of the pull check's connection options, the one copy of them ({@link checkPull} and the Pulumi
 * component's `preflight` prop both use it): plain http only to a loopback registry, a CA bundle that holds a PEM
 * certificate, a whole number of milliseconds >= 1. A `caBundle` that is not a string (a Pulumi output not known
 * yet) is left for later.
 * @param registryHost the registry's `host[:port]`
 * @returns the first problem, or `undefined`
 */
export function pullCheckOptionProblem(
  registryHost: string,
  opts: Pick<PullCheckOptions, 'plainHttp' | 'timeoutMs'> & { readonly caBundle?: unknown },
): PullCheckOptionProblem | undefined {
  if (opts.plainHttp === true && !isLoopbackHost(registryHost.replace(/:\d+$/, ''))) {
    return {
      field: 'plainHttp',
      value: true,
      problem: `would send the robot's secret in clear text to ${registryHost}, which is not a loopback address`,
      fix: 'leave plainHttp out: the check talks https to the registry (with caBundle for a private CA)',
    };
  }
  if (typeof opts.caBundle === 'string' && !holdsPemCertificate(opts.caBundle)) {
    return {
      field: 'caBundle',
      value: '<not PEM>',
      problem: 'holds no PEM certificate',
      fix: "pass the PEM text of the CA that signed the registry's certificate",
    };
  }
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1) {
    return {
      field: 'timeoutMs',
      value: timeoutMs,
      problem: 'is not a whole number of milliseconds >= 1',
      fix: 'e.g. 10000',
    };
  }
  return undefined;
}

/**
 * What is wrong with a list of images to check with a robot's login on `registryHost`, or undefined: not a non-empty
 * list of image references, or an image on another registry (the login would go there).
 */
export function pullCheckImagesProblem(images: unknown, registryHost: unknown): PullCheckOptionProblem | undefined {
  if (typeof registryHost !== 'string' || registryHost === '') {
    return {
      field: 'registryHost',
      value: registryHost,
      problem: 'is not a registry host',
      fix: 'give the host[:port] the pull Secret is keyed by, e.g. "reg.harbor.com"',
    };
  }
  if (!Array.isArray(images) || images.length === 0 || images.some((i) => typeof i !== 'string')) {
    return {
      field: 'images',
      value: images,
      problem: 'is not a non-empty list of image references',
      fix: `list the images to check, e.g. ["${registryHost}/<project>/<repository>:<tag>"], or leave pullCheck out`,
    };
  }
  for (const [i, image] of (images as string[]).entries()) {
    let host: string;
    try {
      host = parseImageReference(image).host;
    } catch {
      return {
        field: `images[${i}]`,
        value: image,
        problem: 'is not an image reference',
        fix: `write it as ${registryHost}/<project>/<repository>:<tag> (or @sha256:<digest>)`,
      };
    }
    const difference = registryHostDifference(host, registryHost);
    if (difference === 'case') {
      return {
        field: `images[${i}]`,
        value: image,
        problem: `is on "${host}", which kubelet does not take for ${registryHost}: it matches the pull Secret's key case-sensitively, so the pull would go without the login`,
        fix: `write the registry host as the pull Secret's key: "${registryHost}/${image.startsWith(`${host}/`) ? image.slice(host.length + 1) : image}"`,
      };
    }
    if (difference !== undefined) {
      return {
        field: `images[${i}]`,
        value: image,
        problem: `is not an image on ${registryHost}: the check would send the robot's login to another registry`,
        fix: `check only the images on ${registryHost} (the pull Secret's login is not used for the others)`,
      };
    }
  }
  return undefined;
}

function bad(field: string, value: unknown, problem: string, fix: string): never {
  throw new HarborPrivateAppError({ scope: 'checkPull', field, value, problem, fix });
}

/**
 * Runs the pull check. Never throws for what the registry answers (that is the outcome); throws
 * HarborPrivateAppError, before any request, for a malformed image, empty credentials, or a connection option
 * {@link pullCheckOptionProblem} refuses (plain http to a host that is not loopback, a CA bundle without a PEM
 * certificate, a bad time limit).
 */
export async function checkPull(opts: PullCheckOptions): Promise<PullCheckResult> {
  const ref = parseImageReference(opts.image, 'image', 'checkPull');
  if (typeof opts.username !== 'string' || opts.username === '' || opts.username.includes(':')) {
    bad(
      'username',
      opts.username,
      'is empty or contains ":"',
      'give the robot\'s full name, e.g. "robot$k8s+coredns-pull"',
    );
  }
  if (typeof opts.password !== 'string' || opts.password === '') {
    bad('password', '<redacted>', 'is empty', "give the robot's secret");
  }
  const problem = pullCheckOptionProblem(ref.host, opts);
  if (problem) bad(problem.field, problem.value, problem.problem, problem.fix);
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;

  const registry = ref.host;
  const apiHost = registry === 'docker.io' ? 'registry-1.docker.io' : registry;
  const base = `${opts.plainHttp ? 'http' : 'https'}://${apiHost}`;
  const repository = ref.path;
  const reference = ref.digest ?? ref.tag ?? 'latest';
  const user = opts.username;
  const secrets = [opts.password, Buffer.from(`${user}:${opts.password}`, 'utf8').toString('base64')];
  const steps: string[] = [];
  const agent = new Agent({
    connect:
      opts.caBundle !== undefined ? { ca: opts.caBundle, rejectUnauthorized: true } : { rejectUnauthorized: true },
  });
  const result = (outcome: PullCheckOutcome, message: string, digest?: string): PullCheckResult => ({
    outcome,
    ok: outcome === 'ok',
    image: opts.image,
    registry,
    repository,
    reference,
    message: redactSecrets(`${opts.image}: ${message}`, secrets),
    ...(digest ? { digest } : {}),
    steps,
  });
  const request = async (
    step: string,
    url: string,
    init: { method: string; headers?: Record<string, string> },
  ): Promise<Response> => {
    try {
      const res = await fetch(url, {
        method: init.method,
        headers: init.headers,
        redirect: 'manual',
        dispatcher: agent,
        signal: AbortSignal.timeout(timeoutMs),
      });
      steps.push(`${step} ${res.status}`);
      return res;
    } catch (e) {
      steps.push(`${step} failed`);
      throw networkFailure(e);
    }
  };

  try {
    // 1. Which authentication does the registry want?
    const ping = await request('GET /v2/', `${base}/v2/`, { method: 'GET' });
    await discard(ping);
    let authorization: string | undefined;
    let authenticated: boolean | undefined;
    let granted: boolean | undefined;
    if (ping.status === 401) {
      const challenge = parseAuthChallenge(ping.headers.get('www-authenticate'));
      if (challenge?.scheme === 'basic') {
        authorization = `Basic ${secrets[1]}`;
      } else if (challenge?.scheme === 'bearer' && challenge.params.realm) {
        // 2. A token for pulling this repository, asked with the robot's credentials.
        let realm: URL;
        try {
          realm = new URL(challenge.params.realm);
        } catch {
          return result(
            'registry-error',
            `registry ${registry} names a token realm that is no URL. Fix: check that ${base} is the registry`,
          );
        }
        if (realm.protocol !== 'https:' && !(realm.protocol === 'http:' && isLoopbackHost(realm.hostname))) {
          return result(
            'registry-error',
            `registry ${registry} sends clients to the token service ${realm.origin}, which is not https: the credentials were not sent. Fix: serve the token service over https`,
          );
        }
        realm.searchParams.set('service', challenge.params.service ?? '');
        realm.searchParams.set('scope', `repository:${repository}:pull`);
        const tokenRes = await request('GET token', realm.href, {
          method: 'GET',
          headers: { Authorization: `Basic ${secrets[1]}`, Accept: 'application/json' },
        });
        if (tokenRes.status === 401 || tokenRes.status === 403) {
          await discard(tokenRes);
          return result(
            'robot-expired-or-disabled',
            `the token service of ${registry} refused the credentials of ${user} (HTTP ${tokenRes.status}): the robot is disabled, expired or deleted, or its secret is wrong. Fix: ${CREDENTIALS_FIX}`,
          );
        }
        if (tokenRes.status !== 200) {
          await discard(tokenRes);
          return result(
            'registry-error',
            `the token service of ${registry} answered HTTP ${tokenRes.status}. Fix: retry later, or check the registry's health`,
          );
        }
        let token: string | undefined;
        try {
          const body = JSON.parse(await readBody(tokenRes)) as { token?: unknown; access_token?: unknown };
          token =
            typeof body.token === 'string' && body.token !== ''
              ? body.token
              : typeof body.access_token === 'string' && body.access_token !== ''
                ? body.access_token
                : undefined;
        } catch {
          token = undefined;
        }
        if (!token) {
          return result(
            'registry-error',
            `the token service of ${registry} answered without a token. Fix: check the registry's token service`,
          );
        }
        secrets.push(token);
        const claims = decodeClaims(token);
        if (claims && typeof claims.sub === 'string') authenticated = claims.sub !== '';
        if (claims) granted = grantsPull(claims, repository);
        authorization = `Bearer ${token}`;
      } else {
        return result(
          'registry-error',
          `registry ${registry} answered GET /v2/ with 401 but no usable challenge. Fix: check that ${base} is a registry`,
        );
      }
    } else if (ping.status !== 200) {
      return result(
        'registry-error',
        `GET ${base}/v2/ answered HTTP ${ping.status}, not a registry's 200 or 401. Fix: check the registry host in the image (a redirect or a proxy page?)`,
      );
    }

    // 3. The manifest, as a runtime asks for it before pulling.
    const head = await request('HEAD manifest', `${base}/v2/${repository}/manifests/${reference}`, {
      method: 'HEAD',
      headers: { Accept: MANIFEST_ACCEPT, ...(authorization ? { Authorization: authorization } : {}) },
    });
    await discard(head);
    if (head.status === 200) {
      const digest = head.headers.get('docker-content-digest') ?? undefined;
      const warn =
        authenticated === false
          ? ` Note: the registry did not accept the credentials of ${user} (disabled, expired or deleted robot, or wrong secret); the pull works because the project allows anonymous pulls.`
          : '';
      return result('ok', `${user} can pull it from ${registry}${digest ? ` (${digest})` : ''}.${warn}`, digest);
    }
    if (head.status === 404) {
      return result(
        'image-or-tag-missing',
        `${registry} has no manifest ${reference} in repository ${repository} (HTTP 404): the image or that ${ref.digest ? 'digest' : 'tag'} is not in Harbor. Fix: push ${repository}:${reference} to ${registry}, or correct the image reference of the workload`,
      );
    }
    if (head.status === 401 || head.status === 403) {
      if (authenticated === false) {
        return result(
          'robot-expired-or-disabled',
          `${registry} did not accept the credentials of ${user}: Harbor's token service answered with an anonymous token, which it does for a disabled, expired or deleted robot and for a wrong secret alike. Fix: ${CREDENTIALS_FIX}`,
        );
      }
      if (granted === true) {
        return result(
          'registry-error',
          `${registry} refused a token that grants pull on ${repository} (HTTP ${head.status}): the registry does not trust its token service. Fix: check the registry's token configuration (issuer, service, certificate)`,
        );
      }
      const project = repository.split('/')[0];
      return result(
        'robot-denied',
        `${user} may not pull ${repository} from ${registry} (HTTP ${head.status}): ${authenticated ? 'its credentials are valid, but ' : ''}the token service granted no pull, so the robot has no pull permission on project ${project}, or the project does not exist. Fix: use the pull Secret of a robot of project ${project}, or give this robot repository:pull on it (HarborPrivateApp: keep the workload's images in the app's project)`,
      );
    }
    return result(
      'registry-error',
      `HEAD ${base}/v2/${repository}/manifests/${reference} answered HTTP ${head.status}. Fix: retry later, or check the registry's health`,
    );
  } catch (e) {
    if (e instanceof Unreachable) {
      return result(
        'registry-unreachable',
        `registry ${registry} could not be reached (${e.code}: ${e.message}). Fix: check the registry host in the image, the network, and for TLS errors the CA bundle`,
      );
    }
    return result('registry-error', `the check failed: ${errorMessage(e)}`);
  } finally {
    await agent.close().catch(() => undefined);
  }
}
