import { failIn } from './errors';
import { checkNamespaceName, checkObjectName } from './names';

/** Checks the namespaces that get the pull Secret: at least one, each a namespace name, each listed once. */
export function resolveNamespaces(namespaces: string[], scope: string): string[] {
  const fail = failIn(scope);
  if (!Array.isArray(namespaces) || namespaces.length === 0) {
    fail(
      'namespaces',
      namespaces,
      'must list at least one namespace',
      'list the namespaces whose pods pull these images, e.g. ["kube-system"]',
    );
  }
  checkListedOnce('namespaces', namespaces, checkNamespaceName, 'namespace', scope);
  return [...namespaces];
}

/** Checks the ServiceAccounts emitted with the pull Secret: a list of object names, each listed once. */
export function resolveServiceAccounts(given: string[] | undefined, scope: string): string[] {
  const fail = failIn(scope);
  const serviceAccounts = given ?? [];
  if (!Array.isArray(serviceAccounts))
    fail('serviceAccounts', serviceAccounts, 'must be a list of names', 'e.g. ["default"]');
  checkListedOnce('serviceAccounts', serviceAccounts, checkObjectName, 'ServiceAccount', scope);
  return [...serviceAccounts];
}

/** Checks each name of `list` (`<field>[i]`) with `check`, in order, and refuses a name listed twice. */
function checkListedOnce(
  field: string,
  list: readonly string[],
  check: (field: string, value: unknown, scope: string) => string,
  what: string,
  scope: string,
): void {
  const fail = failIn(scope);
  const seen = new Set<string>();
  list.forEach((name, i) => {
    check(`${field}[${i}]`, name, scope);
    if (seen.has(name)) fail(`${field}[${i}]`, name, 'is listed twice', `list each ${what} once`);
    seen.add(name);
  });
}
