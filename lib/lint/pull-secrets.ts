/**
 * The Secrets of the input as kubelet would see them when a pod names them in `imagePullSecrets`:
 *
 * - literal `Secret`s (a SOPS-encrypted one keeps its type in clear, its data is known only once decrypted);
 * - the Secret an External Secrets `ExternalSecret` creates (its name, its template's type, and the registry hosts of
 *   its `.dockerconfigjson` template, which is how this project delivers a robot's credentials on the YAML path), and
 *   those a `ClusterExternalSecret` makes in the namespaces it selects;
 * - the Secret a Bitnami `SealedSecret` unseals to (its own name and namespace, the type of `spec.template`; the
 *   hosts are sealed, unless `spec.template.data` writes the document around the sealed values);
 * - Secrets declared to exist outside the input (`--assume-secret`, or the config file): see declared-secrets.ts.
 *
 * Only registry keys and user names are kept, never a password or an `auth` value.
 */
import { apiGroupOf } from '../core/workloads';
import {
  readDockerConfig,
  readDockerConfigTemplate,
  type DockerConfigContent,
  type DockerConfigFormat,
} from './docker-config-document';
import { labelSelectorMatch, type LabelMatch } from './label-selectors';
import type { ManifestObject } from './manifests';
import { objectName } from './workloads';

/** The Secret type kubelet reads `.dockerconfigjson` from. */
export const DOCKER_CONFIG_JSON_TYPE = 'kubernetes.io/dockerconfigjson';
/** The legacy Secret type kubelet reads `.dockercfg` from. */
export const DOCKER_CFG_TYPE = 'kubernetes.io/dockercfg';

/** Where a Secret comes from: the input's own object, the object that makes it, or a declaration. */
export type PullSecretSource = 'Secret' | 'ExternalSecret' | 'ClusterExternalSecret' | 'SealedSecret' | 'declared';

/** What a Secret's docker config says, or that it has none kubelet would read. */
export type PullSecretContent = DockerConfigContent | { readonly state: 'missing'; readonly problem: string };

/** A Secret as kubelet would find it (literal, made by an object of the input, or declared to exist). */
export interface PullSecret {
  /** Where it comes from. */
  readonly source: PullSecretSource;
  /** The Secret's name. */
  readonly name: string;
  /** Its namespace. */
  readonly namespace: string;
  /**
   * The name of the object in the input that is or makes it (an ExternalSecret's own name may differ from its
   * target's); for a declared Secret, where it is declared (`--assume-secret`, or the config file's path).
   */
  readonly objectName: string;
  /** The file and line of that object (absent for a Secret declared on the command line). */
  readonly file?: string;
  readonly line?: number;
  /**
   * The Secret's type (`Opaque` when none is set); `undefined` when it is known only once the Secret exists (a
   * SealedSecret that seals the whole Secret, in the deprecated `spec.data`).
   */
  readonly type: string | undefined;
  /**
   * What its docker config says. `missing` when it has none kubelet would read (e.g. an `Opaque` Secret, or a
   * `kubernetes.io/dockerconfigjson` one without a `.dockerconfigjson` key).
   */
  readonly content: PullSecretContent;
  /**
   * Set when the Secret may not exist in this namespace: why (a ClusterExternalSecret selects namespaces by labels,
   * and the namespace's labels are not in the input). It then counts as present, with a note.
   */
  readonly uncertain?: string;
}

/**
 * A Secret made in several namespaces: by a ClusterExternalSecret, or declared for every namespace (`*\/NAME=HOST`).
 * {@link SpreadSecret.in} says whether a namespace holds it.
 */
export interface SpreadSecret {
  /** The Secret's name. */
  readonly name: string;
  /** What its docker config says (the same in every namespace). */
  readonly content: PullSecretContent;
  /** The object that makes it, for messages: `ClusterExternalSecret "x"`. */
  readonly maker: string;
  /** The Secret in `namespace`, or `undefined` when it is not made there. */
  in(namespace: string, labels: NamespaceLabels | undefined): PullSecret | undefined;
}

/** The labels of a Namespace object of the input, by label name. */
export type NamespaceLabels = Readonly<Record<string, string>>;

/** What an object of the input contributes: one Secret, a Secret spread over namespaces, or nothing. */
export type SecretContribution = { readonly one: PullSecret } | { readonly spread: SpreadSecret } | undefined;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const q = (s: string): string => JSON.stringify(s);

/** The docker config key a Secret type is read from; for other types, the one present, so hosts are known anyway. */
function formatFor(type: string | undefined, has: (key: string) => boolean): DockerConfigFormat | undefined {
  if (type === DOCKER_CONFIG_JSON_TYPE) return '.dockerconfigjson';
  if (type === DOCKER_CFG_TYPE) return '.dockercfg';
  if (has('.dockerconfigjson')) return '.dockerconfigjson';
  if (has('.dockercfg')) return '.dockercfg';
  return undefined;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** A value SOPS encrypted (`ENC[AES256_GCM,data:...,type:str]`). */
function sopsEncrypted(v: unknown): boolean {
  return typeof v === 'string' && v.startsWith('ENC[');
}

/** True for an object SOPS encrypted: its top-level `sops` block with the key groups and the MAC. */
function isSopsFile(value: Readonly<Record<string, unknown>>): boolean {
  const sops = value.sops;
  return isRecord(sops) && ('mac' in sops || 'lastmodified' in sops || 'version' in sops);
}

function typeOf(v: unknown): string {
  return typeof v === 'string' && v !== '' ? v : 'Opaque';
}

function literalSecret(obj: ManifestObject, defaultNamespace: string): PullSecret {
  const { name, namespace } = objectName(obj, defaultNamespace);
  const sops = isSopsFile(obj.value);
  const type = sops && sopsEncrypted(obj.value.type) ? undefined : typeOf(obj.value.type);
  // One object literal (no spread): this runs for every Secret of the input.
  return {
    source: 'Secret',
    name,
    namespace,
    objectName: name,
    file: obj.file,
    line: obj.line,
    type,
    content: literalContent(obj, type),
  };
}

function literalContent(obj: ManifestObject, type: string | undefined): PullSecretContent {
  const data = isRecord(obj.value.data) ? obj.value.data : {};
  const stringData = isRecord(obj.value.stringData) ? obj.value.stringData : {};
  const format = formatFor(type, (k) => k in data || k in stringData);
  if (!format) {
    if (type === undefined) return { state: 'unknown', reason: 'SOPS encrypted its type and data' };
    return { state: 'missing', problem: 'it holds no .dockerconfigjson' };
  }
  const raw = typeof stringData[format] === 'string' ? stringData[format] : data[format];
  if (sopsEncrypted(raw)) return { state: 'unknown', reason: `SOPS encrypted its ${format}` };
  let text: string | undefined;
  if (typeof stringData[format] === 'string') text = stringData[format];
  else if (typeof data[format] === 'string') {
    const encoded = data[format].replace(/\s+/g, '');
    if (!BASE64.test(encoded)) return { state: 'unreadable', problem: `its data ${format} is not valid base64` };
    text = Buffer.from(encoded, 'base64').toString('utf8');
  }
  if (text === undefined || text === '')
    return { state: 'missing', problem: `it has no ${format} key (or an empty one)` };
  return readDockerConfig(text, format);
}

type SecretBase = Pick<PullSecret, 'source' | 'name' | 'namespace' | 'objectName' | 'file' | 'line'>;

/**
 * The Secret an ExternalSecret spec makes (an ExternalSecret's `spec`, or a ClusterExternalSecret's
 * `spec.externalSecretSpec`), or `undefined` when it makes none of its own (`creationPolicy` Merge or None).
 */
function externalSecretSpec(spec: Record<string, unknown>, base: SecretBase): PullSecret | undefined {
  const target = isRecord(spec.target) ? spec.target : {};
  const policy = typeof target.creationPolicy === 'string' ? target.creationPolicy : 'Owner';
  if (policy === 'Merge' || policy === 'None') return undefined;
  const name = typeof target.name === 'string' && target.name !== '' ? target.name : base.name;
  const template = isRecord(target.template) ? target.template : undefined;
  const type = typeOf(template?.type);
  const templateData = isRecord(template?.data) ? template.data : {};
  const fetched = (k: string): boolean =>
    (Array.isArray(spec.data) && spec.data.some((d) => isRecord(d) && d.secretKey === k)) ||
    Array.isArray(spec.dataFrom);
  const secret = { ...base, name, type };
  const format = formatFor(type, (k) => k in templateData || fetched(k));
  if (!format) {
    return { ...secret, content: { state: 'missing', problem: 'its template makes no .dockerconfigjson' } };
  }
  const body = templateData[format];
  if (typeof body === 'string') return { ...secret, content: readDockerConfigTemplate(body, format) };
  if (fetched(format) || Array.isArray(template?.templateFrom)) {
    return { ...secret, content: { state: 'unknown', reason: `its ${format} comes from the secret store` } };
  }
  return { ...secret, content: { state: 'missing', problem: `its template has no ${format} key` } };
}

function externalSecret(obj: ManifestObject, defaultNamespace: string): PullSecret | undefined {
  const spec = isRecord(obj.value.spec) ? obj.value.spec : {};
  const own = objectName(obj, defaultNamespace);
  return externalSecretSpec(spec, {
    source: 'ExternalSecret',
    name: own.name,
    namespace: own.namespace,
    objectName: own.name,
    file: obj.file,
    line: obj.line,
  });
}

/**
 * A ClusterExternalSecret: an ExternalSecret named `spec.externalSecretName` (else its own name) in every namespace
 * of `spec.namespaces` and every namespace a selector of `spec.namespaceSelector` or `spec.namespaceSelectors`
 * matches (external-secrets `GetTargetNamespaces`: the namespaces are ORed; an empty selector matches all).
 */
function clusterExternalSecret(obj: ManifestObject): SpreadSecret | undefined {
  const spec = isRecord(obj.value.spec) ? obj.value.spec : {};
  const own = objectName(obj, '');
  const esName =
    typeof spec.externalSecretName === 'string' && spec.externalSecretName !== '' ? spec.externalSecretName : own.name;
  const esSpec = isRecord(spec.externalSecretSpec) ? spec.externalSecretSpec : {};
  const template = externalSecretSpec(esSpec, {
    source: 'ClusterExternalSecret',
    name: esName,
    namespace: '',
    objectName: own.name,
    file: obj.file,
    line: obj.line,
  });
  if (!template) return undefined;
  const names = new Set(Array.isArray(spec.namespaces) ? spec.namespaces.filter((n) => typeof n === 'string') : []);
  const selectors: unknown[] = [];
  if (isRecord(spec.namespaceSelector)) selectors.push(spec.namespaceSelector);
  if (Array.isArray(spec.namespaceSelectors)) selectors.push(...spec.namespaceSelectors.filter(isRecord));
  return {
    name: template.name,
    content: template.content,
    maker: `ClusterExternalSecret ${q(own.name)}`,
    in(namespace, labels) {
      if (names.has(namespace)) return { ...template, namespace };
      let unknown = false;
      for (const selector of selectors) {
        const match: LabelMatch = labelSelectorMatch(selector, namespace, labels);
        if (match === 'yes') return { ...template, namespace };
        if (match === 'unknown') unknown = true;
      }
      if (!unknown) return undefined;
      return {
        ...template,
        namespace,
        uncertain: `ClusterExternalSecret ${q(own.name)} makes it in the namespaces its selector matches, and the labels of namespace ${namespace} are not in the input`,
      };
    },
  };
}

/**
 * The Secret a SealedSecret unseals to: always its own name and namespace (the controller sets them), the type and
 * templated keys of `spec.template`, and the keys of `spec.encryptedData` (sealed: their content is unknown).
 */
function sealedSecret(obj: ManifestObject, defaultNamespace: string): PullSecret {
  const { name, namespace } = objectName(obj, defaultNamespace);
  const spec = isRecord(obj.value.spec) ? obj.value.spec : {};
  const template = isRecord(spec.template) ? spec.template : {};
  const encrypted = isRecord(spec.encryptedData) ? spec.encryptedData : {};
  const templateData = isRecord(template.data) ? template.data : {};
  const base = { source: 'SealedSecret' as const, name, namespace, objectName: name, file: obj.file, line: obj.line };
  if (spec.data !== undefined && spec.data !== null && Object.keys(encrypted).length === 0) {
    // The deprecated form seals the whole Secret, type included.
    return {
      ...base,
      type: undefined,
      content: { state: 'unknown', reason: 'it seals the whole Secret (the deprecated spec.data), type included' },
    };
  }
  const type = typeOf(template.type);
  const format = formatFor(type, (k) => k in encrypted || k in templateData);
  if (!format) return { ...base, type, content: { state: 'missing', problem: 'it seals no .dockerconfigjson' } };
  const body = templateData[format];
  if (typeof body === 'string') return { ...base, type, content: readDockerConfigTemplate(body, format) };
  if (format in encrypted) {
    return { ...base, type, content: { state: 'unknown', reason: `its ${format} is sealed` } };
  }
  return { ...base, type, content: { state: 'missing', problem: `it seals no ${format} key` } };
}

/** What an object contributes to the Secrets kubelet may find: a Secret, one made in several namespaces, or none. */
export function pullSecretOf(obj: ManifestObject, defaultNamespace: string): SecretContribution {
  const kind = obj.value.kind;
  const group = apiGroupOf(obj.value.apiVersion);
  if (kind === 'Secret' && group === '') return { one: literalSecret(obj, defaultNamespace) };
  if (group === 'external-secrets.io') {
    if (kind === 'ExternalSecret') {
      const secret = externalSecret(obj, defaultNamespace);
      return secret ? { one: secret } : undefined;
    }
    if (kind === 'ClusterExternalSecret') {
      const spread = clusterExternalSecret(obj);
      return spread ? { spread } : undefined;
    }
  }
  if (kind === 'SealedSecret' && group === 'bitnami.com') return { one: sealedSecret(obj, defaultNamespace) };
  return undefined;
}

/** True when kubelet reads docker credentials from a Secret of this type. */
export function isPullSecretType(type: string): boolean {
  return type === DOCKER_CONFIG_JSON_TYPE || type === DOCKER_CFG_TYPE;
}

/** How findings and notes name a Secret: `Secret "x"`, with the object that makes it or where it is declared. */
export function describeSecret(s: PullSecret): string {
  switch (s.source) {
    case 'Secret':
      return `Secret ${q(s.name)}`;
    case 'SealedSecret':
      return `Secret ${q(s.name)} (unsealed from SealedSecret ${q(s.objectName)})`;
    case 'declared':
      return `Secret ${q(s.name)} (declared with ${s.objectName})`;
    default:
      return `Secret ${q(s.name)} (made by ${s.source} ${q(s.objectName)})`;
  }
}

/** Where the type of a Secret is set, for a fix. */
export function typeFix(s: PullSecret): string {
  switch (s.source) {
    case 'Secret':
      return `set type: ${DOCKER_CONFIG_JSON_TYPE} on Secret ${q(s.name)}, with the document under .dockerconfigjson`;
    case 'ExternalSecret':
      return `set spec.target.template.type: ${DOCKER_CONFIG_JSON_TYPE} on ExternalSecret ${q(s.objectName)}`;
    case 'ClusterExternalSecret':
      return `set spec.externalSecretSpec.target.template.type: ${DOCKER_CONFIG_JSON_TYPE} on ClusterExternalSecret ${q(s.objectName)}`;
    case 'SealedSecret':
      return `seal a Secret of type ${DOCKER_CONFIG_JSON_TYPE} (kubectl create secret docker-registry ... --dry-run=client -o yaml | kubeseal), which sets spec.template.type`;
    default:
      return `declare it only once it is of type ${DOCKER_CONFIG_JSON_TYPE}`;
  }
}
