/**
 * preflightImages reads pod specs with lib/core's table of pod-bearing kinds (the one owner, with API groups). Its own
 * table knew neither ReplicationController nor API groups.
 */
import { preflightImages } from '../../lib/pulumi/preflight';
import type { KubernetesManifest } from '../../lib/pulumi/kubernetes-objects';

const pod = (image: string, init?: string) => ({
  containers: [{ name: 'app', image }],
  ...(init ? { initContainers: [{ name: 'init', image: init }] } : {}),
});

const manifests: KubernetesManifest[] = [
  {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'd' },
    spec: { template: { spec: pod('reg.example.com/k8s/a:1', 'reg.example.com/k8s/init:1') } },
  },
  {
    apiVersion: 'v1',
    kind: 'ReplicationController',
    metadata: { name: 'rc' },
    spec: { template: { spec: pod('reg.example.com/k8s/rc:1') } },
  },
  {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: 'c' },
    spec: { jobTemplate: { spec: { template: { spec: pod('reg.example.com/k8s/cron:1') } } } },
  },
  { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: pod('other.example.com/k8s/elsewhere:1') },
  // A custom resource that shares a built-in kind's name runs no pod of that shape.
  {
    apiVersion: 'example.com/v1',
    kind: 'Deployment',
    metadata: { name: 'x' },
    spec: { template: { spec: pod('reg.example.com/k8s/custom:1') } },
  },
];

it("checks the images of every pod-bearing kind on the app's registry, by kind and API group", () => {
  expect(preflightImages(manifests, 'reg.example.com')).toEqual([
    'reg.example.com/k8s/a:1',
    'reg.example.com/k8s/cron:1',
    'reg.example.com/k8s/init:1',
    'reg.example.com/k8s/rc:1',
  ]);
});
