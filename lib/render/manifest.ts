/** A Kubernetes object as it is written: what cdk8s' `chart.toJson()` returns, parsed YAML, or an object by hand. */
export interface KubernetesManifest {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name?: string; readonly namespace?: string; readonly [key: string]: unknown };
  readonly [key: string]: unknown;
}
