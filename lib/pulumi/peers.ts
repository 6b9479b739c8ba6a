/**
 * Loaded first by `harbor-private-app/pulumi`: the Pulumi engine needs `@pulumi/pulumi` and `@pulumi/kubernetes`,
 * which this package declares as optional peer dependencies (a cdk8s-only project installs neither). When one is
 * missing, say what to install instead of failing on a bare "Cannot find module".
 */
const missing = ['@pulumi/pulumi', '@pulumi/kubernetes'].filter((name) => {
  try {
    require.resolve(name);
    return false;
  } catch {
    return true;
  }
});
if (missing.length > 0) {
  throw new Error(
    `harbor-private-app/pulumi needs ${missing.join(' and ')}, which ${missing.length > 1 ? 'are' : 'is'} not installed. ` +
      `Fix: npm install ${missing.join(' ')} (see the README's "Install" section for the tested versions; ` +
      'harbor-private-app/cdk8s needs neither).',
  );
}

export {};
