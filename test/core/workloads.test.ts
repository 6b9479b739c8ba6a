import {
  POD_BEARING_KINDS,
  apiGroupOf,
  podSpecImages,
  podSpecPathOf,
  podSpecPullSecrets,
  recordAt,
} from '../../lib/core/workloads';

describe('the kinds that run pods', () => {
  test('each kind in the API groups Kubernetes serves it in, with where its pod spec is', () => {
    expect(
      Object.entries(POD_BEARING_KINDS).map(([kind, { groups, podSpec }]) => `${kind} ${groups} ${podSpec.join('.')}`),
    ).toEqual([
      'Pod  spec',
      'Deployment apps,extensions spec.template.spec',
      'StatefulSet apps spec.template.spec',
      'DaemonSet apps,extensions spec.template.spec',
      'ReplicaSet apps,extensions spec.template.spec',
      'ReplicationController  spec.template.spec',
      'Job batch spec.template.spec',
      'CronJob batch spec.jobTemplate.spec.template.spec',
    ]);
  });

  test('the API group decides: a custom resource of a workload kind runs no pods', () => {
    expect(podSpecPathOf('apps/v1', 'Deployment')).toEqual(['spec', 'template', 'spec']);
    expect(podSpecPathOf('v1', 'ReplicationController')).toEqual(['spec', 'template', 'spec']);
    expect(podSpecPathOf('batch/v1', 'CronJob')).toEqual(['spec', 'jobTemplate', 'spec', 'template', 'spec']);
    expect(podSpecPathOf('example.com/v1', 'Deployment')).toBeUndefined();
    expect(podSpecPathOf('apps/v1', 'Pod')).toBeUndefined();
    expect(podSpecPathOf('v1', 'ConfigMap')).toBeUndefined();
    expect(podSpecPathOf('v1', 'toString')).toBeUndefined();
    expect(podSpecPathOf(undefined, 'Pod')).toEqual(['spec']);
    expect([apiGroupOf('v1'), apiGroupOf('apps/v1'), apiGroupOf(7)]).toEqual(['', 'apps', '']);
  });
});

describe('reading a pod spec as written', () => {
  const spec = {
    containers: [{ name: 'app', image: 'reg.harbor.com/k8s/app:1' }, { name: 'no-image' }],
    initContainers: [{ name: 'init', image: 'reg.harbor.com/k8s/init:1' }],
    imagePullSecrets: [{ name: 'a' }, {}, { name: 'b' }],
  };

  test('images with their place in the object, containers first; a container without an image is listed', () => {
    expect(podSpecImages('addWorkload(x)', ['spec', 'template', 'spec'], spec)).toEqual([
      { field: 'addWorkload(x).spec.template.spec.containers[0].image', image: 'reg.harbor.com/k8s/app:1' },
      { field: 'addWorkload(x).spec.template.spec.containers[1].image', image: undefined },
      { field: 'addWorkload(x).spec.template.spec.initContainers[0].image', image: 'reg.harbor.com/k8s/init:1' },
    ]);
    expect(podSpecImages('w', ['spec'], undefined)).toEqual([]);
  });

  test('the names of imagePullSecrets, entries without one skipped', () => {
    expect(podSpecPullSecrets(spec)).toEqual(['a', 'b']);
    expect(podSpecPullSecrets({})).toEqual([]);
    expect(podSpecPullSecrets(undefined)).toEqual([]);
  });

  test('recordAt follows objects only', () => {
    expect(recordAt({ spec: { template: { spec } } }, ['spec', 'template', 'spec'])).toBe(spec);
    expect(recordAt({ spec: [] }, ['spec'])).toBeUndefined();
    expect(recordAt({ spec: { template: 'x' } }, ['spec', 'template', 'spec'])).toBeUndefined();
  });
});
