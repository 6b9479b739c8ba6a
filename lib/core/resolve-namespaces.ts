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
  const nsSeen = new Set<string>();
  namespaces.forEach((ns, i) => {
    checkNamespaceName(`namespaces[${i}]`, ns, scope);
    if (nsSeen.has(ns)) fail(`namespaces[${i}]`, ns, 'is listed twice', 'list each namespace once');
    nsSeen.add(ns);
  });
  return [...namespaces];
}

/** Checks the ServiceAccounts emitted with the pull Secret: a list of object names, each listed once. */
export function resolveServiceAccounts(given: string[] | undefined, scope: string): string[] {
  const fail = failIn(scope);
  const serviceAccounts = given ?? [];
  if (!Array.isArray(serviceAccounts))
    fail('serviceAccounts', serviceAccounts, 'must be a list of names', 'e.g. ["default"]');
  const saSeen = new Set<string>();
  serviceAccounts.forEach((sa, i) => {
    checkObjectName(`serviceAccounts[${i}]`, sa, scope);
    if (saSeen.has(sa)) fail(`serviceAccounts[${i}]`, sa, 'is listed twice', 'list each ServiceAccount once');
    saSeen.add(sa);
  });
  return [...serviceAccounts];
}
