import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';

/**
 * Small typed shapes of the Crossplane provider-harbor resources this construct emits (only the fields
 * we write), checked against the provider's CRDs by the test suite.
 */
export const PROJECT_API_VERSION = 'project.harbor.crossplane.io/v1alpha1';
export const ROBOT_API_VERSION = 'robotaccount.harbor.crossplane.io/v1alpha1';

/** `spec.providerConfigRef` / `spec.deletionPolicy` shared by every managed resource. */
export interface ManagedResourceSpec {
  readonly providerConfigRef: { readonly name: string };
  readonly deletionPolicy?: 'Delete' | 'Orphan';
}

export interface ProjectForProvider {
  readonly name: string;
  readonly public: boolean;
  readonly vulnerabilityScanning: boolean;
  readonly storageQuota?: number;
  readonly deploymentSecurity?: string;
  readonly forceDestroy: boolean;
}

export interface MemberUserForProvider {
  readonly projectIdRef: { readonly name: string };
  readonly userName: string;
  readonly role: string;
}

export interface MemberGroupForProvider {
  readonly projectIdRef: { readonly name: string };
  readonly groupName: string;
  readonly type: string;
  readonly role: string;
  readonly ldapGroupDn?: string;
}

export interface RobotAccountForProvider {
  readonly name: string;
  readonly description: string;
  readonly level: 'project';
  readonly duration: number;
  readonly permissions: ReadonlyArray<{
    readonly kind: 'project';
    readonly namespace: string;
    readonly access: ReadonlyArray<{ readonly action: string; readonly resource: string }>;
  }>;
}

/** Emits one cluster-scoped Crossplane managed resource. */
export function managedResource<F>(
  scope: Construct,
  id: string,
  apiVersion: string,
  kind: string,
  name: string,
  spec: ManagedResourceSpec & { forProvider: F; writeConnectionSecretToRef?: { name: string; namespace: string } },
): ApiObject {
  return new ApiObject(scope, id, { apiVersion, kind, metadata: { name }, spec });
}
