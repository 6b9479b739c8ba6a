/**
 * lib/lint/workloads.ts: which objects make pods, where their images, pull Secrets and ServiceAccount are, and which
 * objects have images lint does not check.
 */
import type { ManifestObject } from '../../lib/lint/manifests';
import { EVERY, parseObjectPath } from '../../lib/lint/object-paths';
import { imagesOf, parseImagePath, workloadsOf } from '../../lib/lint/workloads';
import { runCli } from './run-cli';

const object = (value: Record<string, unknown>): ManifestObject => ({ file: 'f.yaml', line: 1, value });

describe('paths (--image-path)', () => {
  test.each([
    ['spec.image', ['spec', 'image']],
    ['.spec.templates[*].container.image', ['spec', 'templates', EVERY, 'container', 'image']],
    ['{.spec.pools[0].image}', ['spec', 'pools', 0, 'image']],
    ["$.metadata.annotations['example.com/image']", ['metadata', 'annotations', 'example.com/image']],
    ['spec.*.image', ['spec', EVERY, 'image']],
  ])('%s', (text, segments) => {
    expect(parseObjectPath(text)).toEqual(segments);
  });

  test.each([
    ['Workflow', 'is not KIND:JSONPATH'],
    ['workflow:spec.image', 'is not KIND:JSONPATH'],
    ['Workflow:', 'an empty path'],
    ['Workflow:spec..image', 'an empty field name'],
    ['Workflow:spec.containers[?(@.name=="x")].image', 'is not [n], [*] or'],
    ['Workflow:spec.containers[0', 'an unclosed ['],
  ])('--image-path %j is a usage error: %s', async (value, message) => {
    expect(() => parseImagePath(value)).toThrow(message);
    const run = await runCli(['lint', '--image-path', value, 'x.yaml']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.stderr).toContain('Fix:');
  });
});

describe('workloads of an object', () => {
  test('a kind is matched with its API group: a core Service is no Knative Service', () => {
    const pod = { spec: { template: { spec: { containers: [{ name: 'a', image: 'x/y' }] } } } };
    expect(workloadsOf(object({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, ...pod }), 'd')).toBe(
      undefined,
    );
    const knative = workloadsOf(
      object({ apiVersion: 'serving.knative.dev/v1', kind: 'Service', metadata: { name: 's' }, ...pod }),
      'd',
    );
    expect(knative?.map((w) => [w.podSpecPath, w.containers.map((c) => c.path.join('.'))])).toEqual([
      ['spec.template.spec', ['spec.template.spec.containers.0.image']],
    ]);
  });

  test('an image field takes the pull Secrets and ServiceAccount of the nearest object on its path that has them', () => {
    const workflow = object({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Workflow',
      metadata: { name: 'w', namespace: 'ci' },
      spec: {
        imagePullSecrets: [{ name: 'pull' }],
        serviceAccountName: 'runner',
        templates: [
          { name: 'a', container: { image: 'reg/a' } },
          { name: 'b', serviceAccountName: 'deployer', script: { image: 'reg/b' } },
        ],
      },
    });
    const workloads = workloadsOf(workflow, 'default')!;
    expect(
      workloads.map((w) => [w.podSpecPath, w.imagePullSecrets, w.serviceAccountName, w.containers.map((c) => c.name)]),
    ).toEqual([
      ['spec', ['pull'], 'runner', ['a']],
      ['spec', ['pull'], 'deployer', ['b']],
    ]);
  });

  test('--image-path adds image fields to any kind, with or without its group', () => {
    const tenant = object({
      apiVersion: 'minio.min.io/v2',
      kind: 'Tenant',
      metadata: { name: 't' },
      spec: { image: 'reg/minio', imagePullSecrets: [{ name: 'p' }] },
    });
    expect(workloadsOf(tenant, 'd')).toBe(undefined);
    for (const given of ['Tenant:spec.image', 'Tenant.minio.min.io:spec.image']) {
      const [w] = workloadsOf(tenant, 'd', [parseImagePath(given)])!;
      expect([w.imagePullSecrets, w.containers[0].image]).toEqual([['p'], 'reg/minio']);
    }
    expect(workloadsOf(tenant, 'd', [parseImagePath('Tenant.other.io:spec.image')])).toBe(undefined);
  });

  test('Crossplane packages: packagePullSecrets, read in crossplane-system, no ServiceAccount', () => {
    const [w] = workloadsOf(
      object({
        apiVersion: 'pkg.crossplane.io/v1',
        kind: 'Provider',
        metadata: { name: 'p' },
        spec: { package: 'reg/p:1', packagePullSecrets: [{ name: 'xpkg' }] },
      }),
      'default',
    )!;
    expect([w.namespace, w.pullSecretsField, w.imagePullSecrets, w.serviceAccountName]).toEqual([
      'crossplane-system',
      'packagePullSecrets',
      ['xpkg'],
      undefined,
    ]);
  });

  test('several pod templates in one object: one workload each (Ray)', () => {
    const ray = workloadsOf(
      object({
        apiVersion: 'ray.io/v1',
        kind: 'RayCluster',
        metadata: { name: 'r' },
        spec: {
          headGroupSpec: { template: { spec: { containers: [{ name: 'head', image: 'reg/ray' }] } } },
          workerGroupSpecs: [
            {
              template: { spec: { imagePullSecrets: [{ name: 'x' }], containers: [{ name: 'w', image: 'reg/ray' }] } },
            },
          ],
        },
      }),
      'd',
    )!;
    expect(ray.map((w) => [w.podSpecPath, w.imagePullSecrets])).toEqual([
      ['spec.headGroupSpec.template.spec', []],
      ['spec.workerGroupSpecs[0].template.spec', ['x']],
    ]);
  });
});

describe('image fields of unknown kinds (counted, not checked)', () => {
  test('string values of fields named image, at any depth; not in ConfigMaps, Secrets or CRD schemas', () => {
    expect(
      imagesOf(object({ apiVersion: 'x/v1', kind: 'Thing', spec: { a: [{ image: 'reg/a' }], b: { image: 'reg/b' } } })),
    ).toEqual(['reg/a', 'reg/b']);
    expect(imagesOf(object({ apiVersion: 'v1', kind: 'ConfigMap', data: { image: 'reg/a' } }))).toEqual([]);
    expect(
      imagesOf(object({ apiVersion: 'x/v1', kind: 'Thing', spec: { properties: { image: { type: 'string' } } } })),
    ).toEqual([]);
  });
});
