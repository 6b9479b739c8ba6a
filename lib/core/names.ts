import { createHash } from 'node:crypto';
import { HarborPrivateAppError } from './errors';
import { HARBOR_PROJECT_NAME, HARBOR_ROBOT_NAME } from './harbor-names';

/** Harbor's name rules (their one copy is lib/core/harbor-names.ts). */
export { HARBOR_PROJECT_NAME, HARBOR_ROBOT_NAME };

/** RFC 1123 label (Kubernetes namespaces): at most 63 characters. */
export const RFC1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** RFC 1123 subdomain (Secret, Deployment, ServiceAccount names): at most 253 characters. */
export const RFC1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Checks a Harbor project name; throws naming the field, the value and the fix. */
export function checkHarborProjectName(field: string, value: unknown, scope?: string): string {
  if (typeof value !== 'string' || value.length < 1 || value.length > 255 || !HARBOR_PROJECT_NAME.test(value)) {
    throw new HarborPrivateAppError({
      scope,
      field,
      value,
      problem:
        'is not a valid Harbor project name (1-255 characters of lowercase letters and digits, separated by single ".", "_" or "-")',
      fix: `use a name such as ${JSON.stringify(suggestName(value, HARBOR_PROJECT_NAME) ?? 'team-a')}`,
    });
  }
  return value;
}

/** Checks a Harbor robot short name (without prefix and project). */
export function checkHarborRobotName(field: string, value: unknown, scope?: string): string {
  if (typeof value !== 'string' || value.length < 1 || value.length > 255 || !HARBOR_ROBOT_NAME.test(value)) {
    const hasPrefix = typeof value === 'string' && (value.includes('$') || value.includes('+'));
    throw new HarborPrivateAppError({
      scope,
      field,
      value,
      problem:
        'is not a valid Harbor robot name (lowercase letters and digits, separated by single ".", "_" or "-"; Harbor rejects anything else with 400)',
      fix: hasPrefix
        ? 'give the short name only: Harbor adds the "robot$<project>+" prefix itself'
        : `use a name such as ${JSON.stringify(suggestName(value, HARBOR_ROBOT_NAME) ?? 'app-pull')}`,
    });
  }
  return value;
}

/** Checks a Kubernetes namespace name (RFC 1123 label). */
export function checkNamespaceName(field: string, value: unknown, scope?: string): string {
  return checkDns(
    field,
    value,
    RFC1123_LABEL,
    63,
    'namespace name (RFC 1123 label: at most 63 lowercase letters, digits and "-", starting and ending alphanumeric)',
    scope,
  );
}

/** Checks a Kubernetes object name that must be an RFC 1123 subdomain (Secret, Deployment, ServiceAccount). */
export function checkObjectName(field: string, value: unknown, scope?: string): string {
  return checkDns(
    field,
    value,
    RFC1123_SUBDOMAIN,
    253,
    'Kubernetes object name (RFC 1123 subdomain: at most 253 lowercase letters, digits, "-" and ".", starting and ending alphanumeric)',
    scope,
  );
}

function checkDns(field: string, value: unknown, pattern: RegExp, max: number, what: string, scope?: string): string {
  if (typeof value !== 'string' || value.length < 1 || value.length > max || !pattern.test(value)) {
    throw new HarborPrivateAppError({
      scope,
      field,
      value,
      problem: `is not a valid ${what}`,
      fix: `use a name such as ${JSON.stringify(suggestName(value, pattern, max) ?? 'my-app')}`,
    });
  }
  return value;
}

/**
 * Turns an arbitrary string into a Kubernetes-safe name part: lowercase, runs of anything outside
 * `[a-z0-9-]` become one `-`, trimmed of leading and trailing `-`, cut to `max`.
 */
export function toDnsLabel(value: string, max = 63): string {
  const cleaned = value
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-+/, '');
  return cleaned.slice(0, max).replace(/-+$/, '');
}

/** A corrected suggestion for an invalid name, or undefined when none can be made. */
function suggestName(value: unknown, pattern: RegExp, max = 63): string | undefined {
  if (typeof value !== 'string') return undefined;
  const s = toDnsLabel(value, max);
  return s && pattern.test(s) ? s : undefined;
}

/**
 * A Kubernetes object name (RFC 1123 label) for a Harbor name. When the name is already one it is used as
 * is; when making it one loses information (`team_x` and `team-x` would both become `team-x`), a short hash
 * of the original is appended, so distinct Harbor names never share a Kubernetes name.
 */
export function kubernetesNameFor(harborName: string, max = 63): string {
  const label = toDnsLabel(harborName, max);
  if (label === harborName && label.length > 0) return label;
  const hash = createHash('sha256').update(harborName).digest('hex').slice(0, 8);
  return `${toDnsLabel(harborName, max - 9) || 'x'}-${hash}`;
}

/** Kubernetes' limit of a label value. */
const LABEL_VALUE_MAX = 63;

/**
 * The label value that selects a workload's pods, from the workload's own name: the name itself when it fits a label
 * value (at most 63 characters), else its first 54 characters and a short hash of the whole. It depends on nothing
 * else (not on the app's name, nor on where the construct sits), so renaming the app never changes a selector, which
 * Kubernetes cannot change in place. Two workloads of one kind and namespace cannot share a name, so neither can they
 * share this value.
 */
export function workloadSelectorValue(workloadName: string): string {
  if (workloadName.length <= LABEL_VALUE_MAX) return workloadName;
  const hash = createHash('sha256').update(workloadName).digest('hex').slice(0, 8);
  return `${workloadName.slice(0, LABEL_VALUE_MAX - 9).replace(/[^A-Za-z0-9]+$/, '')}-${hash}`;
}
