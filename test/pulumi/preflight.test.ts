/**
 * The Pulumi preflight's pure parts. preflightImages reads pod specs with lib/core's table of pod-bearing kinds (the
 * one owner, with API groups): its own table knew neither ReplicationController nor API groups. resolvePreflight checks
 * the connection options with lib/registry's checks (pullCheckOptionProblem): its own PEM check accepted a cut-off
 * block.
 */
import { HarborPrivateAppError } from '../../lib/core/errors';
import { preflightImages, resolvePreflight } from '../../lib/pulumi/component/preflight';
import type { KubernetesManifest } from '../../lib/render/manifest';

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

describe('resolvePreflight', () => {
  const resolve =
    (preflight: Parameters<typeof resolvePreflight>[1], host = 'reg.example.com') =>
    () =>
      resolvePreflight('app', preflight, host);

  it('takes a whole PEM block, plain http to a loopback registry, and a time limit', () => {
    const caBundle = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    // Unset plainHttp stays unset: the pull check's provider fills its default in.
    expect(resolve({ caBundle, timeoutMs: 3000 })()).toStrictEqual({ pull: true, caBundle, timeoutMs: 3000 });
    expect(resolve({ plainHttp: true }, '127.0.0.1:5000')()).toEqual({ pull: true, plainHttp: true });
  });

  it.each([
    [
      'a cut-off PEM block',
      { caBundle: '-----BEGIN CERTIFICATE-----\nMIIB' },
      /preflight\.caBundle = "<not PEM>": holds no PEM certificate/,
    ],
    ['a file path', { caBundle: '/etc/ssl/ca.pem' }, /preflight\.caBundle = "<not PEM>"/],
    [
      'plain http to a registry that is not loopback',
      { plainHttp: true },
      /preflight\.plainHttp = true: would send the robot's secret in clear text to reg\.example\.com/,
    ],
    ['a time limit of 0', { timeoutMs: 0 }, /preflight\.timeoutMs = 0: is not a whole number of milliseconds/],
  ])('refuses %s, naming the field', (_what, preflight, message) => {
    expect(resolve(preflight)).toThrow(HarborPrivateAppError);
    expect(resolve(preflight)).toThrow(message);
  });
});
