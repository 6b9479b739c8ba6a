/**
 * The files a documented example reads from its project, by example name: what the tests put beside the program
 * (test/readme/readme.test.ts, test/package/cdk8s-scaffold.test.ts).
 */

/** The Include'd YAML of docs/getting-started-cdk8s.md's program: a Deployment of the project and one of a public image. */
export const LEGACY_YAML = [
  { name: 'legacy', image: 'reg.harbor.com/shop/legacy:1.4.2' },
  { name: 'redis', image: 'docker.io/library/redis:7.2' },
]
  .map(({ name, image }) =>
    [
      'apiVersion: apps/v1',
      'kind: Deployment',
      `metadata: { name: ${name}, namespace: shop }`,
      'spec:',
      `  selector: { matchLabels: { app: ${name} } }`,
      '  template:',
      `    metadata: { labels: { app: ${name} } }`,
      '    spec:',
      `      containers: [{ name: ${name}, image: "${image}" }]`,
    ].join('\n'),
  )
  .join('\n---\n');

/** Each example's files, by path relative to its project. */
export const EXAMPLE_FILES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  'cdk8s-any-workload': { 'manifests/legacy.yaml': `${LEGACY_YAML}\n` },
};
