/**
 * Kubernetes label selectors (`matchLabels`, `matchExpressions`) against a namespace, as `metav1.LabelSelectorAsSelector`
 * reads them: every requirement must hold; an empty selector matches everything; an unknown operator makes the
 * selector invalid, and an invalid selector selects nothing.
 *
 * The API server labels every namespace `kubernetes.io/metadata.name=<name>`. When the Namespace object is not in the
 * input, that is the only label known, and a requirement on any other label is `unknown`.
 */

/** Whether a selector matches: `unknown` when it depends on labels the input does not show. */
export type LabelMatch = 'yes' | 'no' | 'unknown';

/** The label the API server sets on every namespace. */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Matches a label selector against namespace `namespace`, whose labels are `labels` (`undefined` when its Namespace
 * object is not in the input).
 */
export function labelSelectorMatch(
  selector: unknown,
  namespace: string,
  labels: Readonly<Record<string, string>> | undefined,
): LabelMatch {
  if (!isRecord(selector)) return 'no';
  const known = (key: string): string | undefined | null => {
    if (key === NAMESPACE_NAME_LABEL) return namespace;
    if (!labels) return null; // unknown
    return Object.prototype.hasOwnProperty.call(labels, key) ? labels[key] : undefined;
  };
  let result: LabelMatch = 'yes';
  const require = (key: string, test: (value: string | undefined) => boolean): void => {
    const value = known(key);
    if (value === null) {
      if (result === 'yes') result = 'unknown';
      return;
    }
    if (!test(value)) result = 'no';
  };
  const matchLabels = isRecord(selector.matchLabels) ? selector.matchLabels : {};
  for (const [key, want] of Object.entries(matchLabels)) {
    require(key, (v) => v === String(want));
  }
  const expressions = Array.isArray(selector.matchExpressions) ? selector.matchExpressions : [];
  for (const e of expressions) {
    if (!isRecord(e) || typeof e.key !== 'string') return 'no';
    const values = Array.isArray(e.values) ? e.values.map(String) : [];
    switch (e.operator) {
      case 'In':
        if (values.length === 0) return 'no';
        require(e.key, (v) => v !== undefined && values.includes(v));
        break;
      case 'NotIn':
        if (values.length === 0) return 'no';
        require(e.key, (v) => v === undefined || !values.includes(v));
        break;
      case 'Exists':
        if (values.length > 0) return 'no';
        require(e.key, (v) => v !== undefined);
        break;
      case 'DoesNotExist':
        if (values.length > 0) return 'no';
        require(e.key, (v) => v === undefined);
        break;
      default:
        return 'no';
    }
  }
  return result;
}
