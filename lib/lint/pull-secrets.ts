/**
 * The Secrets of the input as kubelet would see them when a pod names them in `imagePullSecrets`: literal `Secret`s,
 * and the Secret an External Secrets `ExternalSecret` creates (its name, its template's type, and the registry hosts of
 * its `.dockerconfigjson` template, which is how this project delivers a robot's credentials on the YAML path).
 * Only registry keys and user names are kept, never a password or an `auth` value.
 */
import {
  readDockerConfig,
  readDockerConfigTemplate,
  type DockerConfigContent,
  type DockerConfigFormat,
} from './docker-config-document';
import type { ManifestObject } from './manifests';
import { apiGroup, objectName } from './workloads';

/** The Secret type kubelet reads `.dockerconfigjson` from. */
export const DOCKER_CONFIG_JSON_TYPE = 'kubernetes.io/dockerconfigjson';
/** The legacy Secret type kubelet reads `.dockercfg` from. */
export const DOCKER_CFG_TYPE = 'kubernetes.io/dockercfg';

/** A Secret of the input (literal or made by an ExternalSecret). */
export interface PullSecret {
  /** `Secret`, or `ExternalSecret` for the Secret one creates. */
  readonly source: 'Secret' | 'ExternalSecret';
  /** The Secret's name. */
  readonly name: string;
  /** Its namespace. */
  readonly namespace: string;
  /** The name of the object in the input (the ExternalSecret's own name may differ from its target's). */
  readonly objectName: string;
  /** The file and line of that object. */
  readonly file: string;
  readonly line: number;
  /** The Secret's type (`Opaque` when none is set). */
  readonly type: string;
  /**
   * What its docker config says. `missing` when it has none kubelet would read (e.g. an `Opaque` Secret, or a
   * `kubernetes.io/dockerconfigjson` one without a `.dockerconfigjson` key).
   */
  readonly content: DockerConfigContent | { readonly state: 'missing'; readonly problem: string };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The docker config key a Secret type is read from; for other types, the one present, so hosts are known anyway. */
function formatFor(type: string, has: (key: string) => boolean): DockerConfigFormat | undefined {
  if (type === DOCKER_CONFIG_JSON_TYPE) return '.dockerconfigjson';
  if (type === DOCKER_CFG_TYPE) return '.dockercfg';
  if (has('.dockerconfigjson')) return '.dockerconfigjson';
  if (has('.dockercfg')) return '.dockercfg';
  return undefined;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function literalSecret(obj: ManifestObject, defaultNamespace: string): PullSecret {
  const { name, namespace } = objectName(obj, defaultNamespace);
  const type = typeof obj.value.type === 'string' && obj.value.type !== '' ? obj.value.type : 'Opaque';
  const data = isRecord(obj.value.data) ? obj.value.data : {};
  const stringData = isRecord(obj.value.stringData) ? obj.value.stringData : {};
  const base = { source: 'Secret' as const, name, namespace, objectName: name, file: obj.file, line: obj.line, type };
  const format = formatFor(type, (k) => k in data || k in stringData);
  if (!format) return { ...base, content: { state: 'missing', problem: 'it holds no .dockerconfigjson' } };
  let text: string | undefined;
  if (typeof stringData[format] === 'string') text = stringData[format];
  else if (typeof data[format] === 'string') {
    const encoded = data[format].replace(/\s+/g, '');
    if (!BASE64.test(encoded)) {
      return { ...base, content: { state: 'unreadable', problem: `its data ${format} is not valid base64` } };
    }
    text = Buffer.from(encoded, 'base64').toString('utf8');
  }
  if (text === undefined || text === '') {
    return { ...base, content: { state: 'missing', problem: `it has no ${format} key (or an empty one)` } };
  }
  return { ...base, content: readDockerConfig(text, format) };
}

function externalSecret(obj: ManifestObject, defaultNamespace: string): PullSecret | undefined {
  const spec = isRecord(obj.value.spec) ? obj.value.spec : {};
  const target = isRecord(spec.target) ? spec.target : {};
  // With creationPolicy Merge or None the ExternalSecret makes no Secret of its own.
  const policy = typeof target.creationPolicy === 'string' ? target.creationPolicy : 'Owner';
  if (policy === 'Merge' || policy === 'None') return undefined;
  const own = objectName(obj, defaultNamespace);
  const name = typeof target.name === 'string' && target.name !== '' ? target.name : own.name;
  const template = isRecord(target.template) ? target.template : undefined;
  const type = typeof template?.type === 'string' && template.type !== '' ? template.type : 'Opaque';
  const templateData = isRecord(template?.data) ? template.data : {};
  const fetched = (k: string): boolean =>
    (Array.isArray(spec.data) && spec.data.some((d) => isRecord(d) && d.secretKey === k)) ||
    Array.isArray(spec.dataFrom);
  const base = {
    source: 'ExternalSecret' as const,
    name,
    namespace: own.namespace,
    objectName: own.name,
    file: obj.file,
    line: obj.line,
    type,
  };
  const format = formatFor(type, (k) => k in templateData || fetched(k));
  if (!format) {
    return { ...base, content: { state: 'missing', problem: 'its template makes no .dockerconfigjson' } };
  }
  const body = templateData[format];
  if (typeof body === 'string') return { ...base, content: readDockerConfigTemplate(body, format) };
  if (fetched(format) || Array.isArray(template?.templateFrom)) {
    return { ...base, content: { state: 'unknown', reason: `its ${format} comes from the secret store` } };
  }
  return { ...base, content: { state: 'missing', problem: `its template has no ${format} key` } };
}

/** The Secret an object is or makes, or `undefined` when it is neither a Secret nor an ExternalSecret. */
export function pullSecretOf(obj: ManifestObject, defaultNamespace: string): PullSecret | undefined {
  const kind = obj.value.kind;
  if (kind === 'Secret' && apiGroup(obj.value.apiVersion) === '') return literalSecret(obj, defaultNamespace);
  if (kind === 'ExternalSecret' && apiGroup(obj.value.apiVersion) === 'external-secrets.io') {
    return externalSecret(obj, defaultNamespace);
  }
  return undefined;
}

/** True when kubelet reads docker credentials from a Secret of this type. */
export function isPullSecretType(type: string): boolean {
  return type === DOCKER_CONFIG_JSON_TYPE || type === DOCKER_CFG_TYPE;
}
