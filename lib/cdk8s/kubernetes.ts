import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';

/**
 * The built-in Kubernetes objects the construct emits, as cdk8s `ApiObject`s: small typed shapes (only the fields it
 * writes), so that the construct needs no cdk8s-plus and no generated `k8s` module of its own. The test suite checks
 * every emitted object against the API server's schemas (test/schema).
 */

/** Name and namespace of an object. */
export interface ObjectMetadata {
  readonly name: string;
  readonly namespace?: string;
}

/** A reference to a Secret in the same namespace (`imagePullSecrets` entries). */
export interface LocalObjectReference {
  readonly name: string;
}

/** One rule of a Role. */
export interface PolicyRule {
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly verbs: readonly string[];
}

/** Emits a `v1` Namespace. */
export function namespaceObject(scope: Construct, id: string, name: string): ApiObject {
  return new ApiObject(scope, id, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
}

/** Emits a `v1` ServiceAccount, with `imagePullSecrets` when given. */
export function serviceAccountObject(
  scope: Construct,
  id: string,
  metadata: ObjectMetadata,
  imagePullSecrets?: readonly LocalObjectReference[],
): ApiObject {
  return new ApiObject(scope, id, { apiVersion: 'v1', kind: 'ServiceAccount', metadata, imagePullSecrets });
}

/** Emits an `rbac.authorization.k8s.io/v1` Role. */
export function roleObject(
  scope: Construct,
  id: string,
  metadata: ObjectMetadata,
  rules: readonly PolicyRule[],
): ApiObject {
  return new ApiObject(scope, id, { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata, rules });
}

/** Emits an `rbac.authorization.k8s.io/v1` RoleBinding of a Role to ServiceAccounts. */
export function roleBindingObject(
  scope: Construct,
  id: string,
  metadata: ObjectMetadata,
  role: string,
  serviceAccounts: readonly ObjectMetadata[],
): ApiObject {
  return new ApiObject(scope, id, {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata,
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: role },
    subjects: serviceAccounts.map((sa) => ({ kind: 'ServiceAccount', name: sa.name, namespace: sa.namespace })),
  });
}
