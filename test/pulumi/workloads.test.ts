/**
 * The Pulumi component's engine-neutral workload args under Pulumi's mocks: `workloads` (plain manifests of the kinds
 * that run pods, wired with the pull Secret by lib/render's rule, checked, in the preflight pull check, created after
 * the pull Secrets) and `configureWorkload` (called on the `workload` Deployment, checked as written).
 */
import { randomBytes } from 'node:crypto';
import { ApiObject, App, Chart, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import * as pulumi from '@pulumi/pulumi';
import { corednsAppProps, SEED } from '../../apps/cdk8s/coredns';
import {
  HarborPrivateApp,
  HarborPrivateAppArgs,
  HarborPrivateAppError,
  KubernetesManifest,
  PullCredentials,
} from '../../lib/pulumi';
import { Registration, installMocks, promiseOf, settled, unwrapSecrets } from './support/mocks';

const registrations = installMocks();
pulumi.runtime.setAllConfig(
  { 'project:harborUsername': 'admin', 'project:harborPassword': `pw-${randomBytes(9).toString('hex')}` },
  ['project:harborPassword'],
);

const LOGIN = 'pulumi-nodejs:dynamic/harbor:RobotLogin';
const SECRET = 'kubernetes:core/v1:Secret';
const JOB = 'kubernetes:batch/v1:Job';
const CRON_JOB = 'kubernetes:batch/v1:CronJob';
const DEPLOYMENT = 'kubernetes:apps/v1:Deployment';

const seedProps = (): HarborPrivateAppArgs => corednsAppProps(new Chart(new App(), 'scratch'));

async function build(name: string, extra: Partial<HarborPrivateAppArgs>): Promise<Registration[]> {
  const app = new HarborPrivateApp(name, { ...seedProps(), ...extra });
  await settled(`HarborPrivateApp "${name}"`);
  const urn = await promiseOf(app.urn, `${name}.urn`);
  return registrations.filter((r) => r.parent === urn);
}

/** A Job written by hand. */
const job = (
  name: string,
  podSpec: Record<string, unknown>,
  namespace: string = SEED.namespace,
): KubernetesManifest => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name, namespace },
  spec: { template: { spec: { restartPolicy: 'Never', ...podSpec } } },
});

/** The error a constructor throws (none: fails the test). */
function thrown(args: Partial<HarborPrivateAppArgs>): HarborPrivateAppError {
  try {
    new HarborPrivateApp('invalid', { ...seedProps(), ...args });
  } catch (e) {
    expect(e).toBeInstanceOf(HarborPrivateAppError);
    return e as HarborPrivateAppError;
  }
  throw new Error('no error thrown');
}

describe('workloads: more objects that run pods, wired with the pull Secret', () => {
  test('the pull Secret after the Secrets listed already, once; the objects given are not changed', async () => {
    const image = 'reg.harbor.com/k8s/migrate:2.0';
    const listing = job('listing', { containers: [{ name: 'm', image }], imagePullSecrets: [{ name: 'mirror' }] });
    const already = job('already', {
      containers: [{ name: 'm', image }],
      imagePullSecrets: [{ name: 'registry-secret' }],
    });
    const cron: KubernetesManifest = {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'nightly', namespace: SEED.namespace },
      spec: {
        schedule: '0 3 * * *',
        jobTemplate: { spec: { template: { spec: { containers: [{ name: 'n', image }] } } } },
      },
    };
    const given = JSON.stringify([listing, already, cron]);
    const children = await build('wired', { workloads: [listing, already, cron] });
    expect(JSON.stringify([listing, already, cron])).toBe(given);
    const podSpecOf = (type: string, name: string) => {
      const r = children.find((c) => c.type === type && c.name === `wired-${SEED.namespace}-${name}`)!;
      const spec = unwrapSecrets(r.inputs).spec;
      return type === CRON_JOB ? spec.jobTemplate.spec.template.spec : spec.template.spec;
    };
    expect(podSpecOf(JOB, 'listing').imagePullSecrets).toEqual([{ name: 'mirror' }, { name: 'registry-secret' }]);
    expect(podSpecOf(JOB, 'already').imagePullSecrets).toEqual([{ name: 'registry-secret' }]);
    expect(podSpecOf(CRON_JOB, 'nightly').imagePullSecrets).toEqual([{ name: 'registry-secret' }]);
    expect(podSpecOf(JOB, 'listing').containers).toEqual([{ name: 'm', image }]);
  });

  test("in the robot login's preflight pull check, and created after the pull Secret and the login", async () => {
    const children = await build('ordered', {
      workloads: [
        job('migrate', {
          initContainers: [{ name: 'i', image: 'reg.harbor.com/k8s/init:1.0' }],
          containers: [{ name: 'm', image: 'reg.harbor.com/k8s/migrate:2.0' }],
        }),
      ],
    });
    const [login] = children.filter((c) => c.type === LOGIN);
    expect(unwrapSecrets(login.inputs).pullCheck.images).toEqual([
      'reg.harbor.com/k8s/coredns:1.2.6',
      'reg.harbor.com/k8s/init:1.0',
      'reg.harbor.com/k8s/migrate:2.0',
    ]);
    const [secret] = children.filter((c) => c.type === SECRET);
    const [migrate] = children.filter((c) => c.type === JOB);
    expect(migrate.dependencies).toEqual(expect.arrayContaining([secret.urn, login.urn]));
    // Registered once the pull Secret is (the engine creates it after that too).
    const order = children.map((c) => c.type);
    expect(order.indexOf(JOB)).toBeGreaterThan(order.indexOf(SECRET));
  });

  test('with an existing Secret, the objects list that Secret', async () => {
    const children = await build('existing', {
      credentials: PullCredentials.fromExistingSecret('regcred'),
      pullSecretName: undefined,
      robot: undefined,
      workloads: [job('migrate', { containers: [{ name: 'm', image: 'reg.harbor.com/k8s/migrate:2.0' }] })],
    });
    const [migrate] = children.filter((c) => c.type === JOB);
    expect(unwrapSecrets(migrate.inputs).spec.template.spec.imagePullSecrets).toEqual([{ name: 'regcred' }]);
  });

  test("an object that names no namespace is created in the app's first namespace, where its pull Secret is", async () => {
    const unplaced: KubernetesManifest = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'unplaced' },
      spec: { template: { spec: { containers: [{ name: 'm', image: 'reg.harbor.com/k8s/migrate:2.0' }] } } },
    };
    const children = await build('unplaced', {
      namespaces: ['apps', 'tools'],
      workload: undefined,
      workloads: [unplaced],
    });
    const [created] = children.filter((c) => c.type === JOB);
    expect(unwrapSecrets(created.inputs).metadata).toEqual({ name: 'unplaced', namespace: 'apps' });
    const secrets = children.filter((c) => c.type === SECRET).map((c) => unwrapSecrets(c.inputs).metadata.namespace);
    expect(secrets).toContain('apps');
    expect(unplaced.metadata).toEqual({ name: 'unplaced' });
  });

  test.each<[string, () => Partial<HarborPrivateAppArgs>, string, RegExp]>([
    [
      'an image of another registry',
      () => ({ workloads: [job('m', { containers: [{ name: 'm', image: 'docker.io/library/busybox:1.36' }] })] }),
      'workloads[0].spec.template.spec.containers[0].image',
      /is on registry "docker.io", not on "reg.harbor.com"/,
    ],
    [
      'an image of another project (an init container)',
      () => ({
        workloads: [
          job('ok', { containers: [{ name: 'm', image: 'reg.harbor.com/k8s/a:1' }] }),
          job('m', {
            containers: [{ name: 'm', image: 'reg.harbor.com/k8s/a:1' }],
            initContainers: [{ name: 'i', image: 'reg.harbor.com/other/b:1' }],
          }),
        ],
      }),
      'workloads[1].spec.template.spec.initContainers[0].image',
      /is in Harbor project "other"/,
    ],
    [
      'a namespace without the pull Secret',
      () => ({ workloads: [job('m', { containers: [{ name: 'm', image: 'reg.harbor.com/k8s/a:1' }] }, 'apps')] }),
      'workloads[0].metadata.namespace',
      /kubelet reads imagePullSecrets only from the pod's own namespace/,
    ],
    [
      'a kind that runs no pods',
      () => ({
        workloads: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: SEED.namespace } }],
      }),
      'workloads[0]',
      /workloads\[0\] = "v1 ConfigMap": runs no pods.*Fix: create it beside the app instead, e.g. with kubernetesResources/,
    ],
    [
      'a Deployment of another API group (a custom resource of the same kind)',
      () => ({ workloads: [{ apiVersion: 'example.com/v1', kind: 'Deployment', metadata: { name: 'd' } }] }),
      'workloads[0]',
      /"example.com\/v1 Deployment": runs no pods/,
    ],
    [
      'an object without a name',
      () => ({ workloads: [{ ...job('x', { containers: [] }), metadata: { namespace: SEED.namespace } }] }),
      'workloads[0].metadata.name',
      /is missing/,
    ],
    [
      'a Job without a pod spec',
      () => ({
        workloads: [{ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j', namespace: SEED.namespace } }],
      }),
      'workloads[0].spec.template.spec',
      /a Job keeps its pod spec there/,
    ],
    ['not a list', () => ({ workloads: {} as never }), 'workloads', /is not a list/],
  ])('refused before anything is registered: %s', async (_what, args, field, message) => {
    await settled('earlier tests');
    const before = registrations.length;
    const e = thrown(args());
    expect([e.field, e.message]).toEqual([field, expect.stringMatching(message)]);
    await settled('the invalid app');
    expect(registrations.length).toBe(before);
  });
});

describe('configureWorkload: called on the workload Deployment', () => {
  test('what it sets reaches the Deployment; what it adds to its chart is created', async () => {
    const children = await build('configured', {
      configureWorkload: (workload) => {
        workload.scheduling.tolerate(kplus.Node.tainted(kplus.NodeTaintQuery.exists('CriticalAddonsOnly')));
        workload.exposeViaService({ name: 'dns', ports: [{ port: 53 }] });
      },
    });
    const deployment = children.find((c) => c.type === DEPLOYMENT)!;
    expect(unwrapSecrets(deployment.inputs).spec.template.spec.tolerations).toEqual([
      { key: 'CriticalAddonsOnly', operator: 'Exists' },
    ]);
    expect(children.filter((c) => c.type === 'kubernetes:core/v1:Service').map((c) => c.name)).toEqual([
      `configured-${SEED.namespace}-dns`,
    ]);
  });

  test('a container of another registry added there fails as written, naming configureWorkload and the image', () => {
    const e = thrown({
      configureWorkload: (workload) => {
        workload.addContainer({ name: 'sidecar', image: 'docker.io/library/busybox:1.36' });
      },
    });
    expect(e.field).toBe('configureWorkload');
    expect(e.message).toContain(
      'configureWorkload = "<the Deployment as it left it, and the objects it added>": fails a check: (1) workload.spec.template.spec.containers[1].image = "docker.io/library/busybox:1.36"',
    );
    expect(e.message.split('HarborPrivateApp "invalid":').length).toBe(2);
  });

  test('a JSON patch there that replaces imagePullSecrets fails as written, the patch applied', () => {
    const e = thrown({
      configureWorkload: (workload) => {
        ApiObject.of(workload).addJsonPatch(JsonPatch.replace('/spec/template/spec/imagePullSecrets', []));
      },
    });
    expect(e.field).toBe('configureWorkload');
    expect(e.message).toContain('fails a check: (1) workload.spec.template.spec.imagePullSecrets = []');
    expect(e.message).toContain('does not list the pull Secret');
  });

  test('a patch that also renames the Deployment: the object is still checked as written', () => {
    const e = thrown({
      configureWorkload: (workload) => {
        const o = ApiObject.of(workload);
        o.addJsonPatch(JsonPatch.replace('/metadata/name', 'renamed'));
        o.addJsonPatch(JsonPatch.remove('/spec/template/spec/imagePullSecrets'));
      },
    });
    expect(e.message).toContain('does not list the pull Secret');
  });

  test('a patch that moves the Deployment to a namespace without the pull Secret fails as written', () => {
    const e = thrown({
      configureWorkload: (workload) => {
        ApiObject.of(workload).addJsonPatch(JsonPatch.replace('/metadata/namespace', 'elsewhere'));
      },
    });
    expect(e.message).toContain('workload.metadata.namespace = "elsewhere"');
  });

  test('without workload: refused, there is no Deployment to call it on', () => {
    const { workload: _none, ...noWorkload } = seedProps();
    let error: unknown;
    try {
      new HarborPrivateApp('alone', { ...noWorkload, configureWorkload: () => undefined });
    } catch (e) {
      error = e;
    }
    expect((error as HarborPrivateAppError).field).toBe('configureWorkload');
    expect((error as Error).message).toMatch(/is given without workload.*Fix: give workload/);
  });
});

test('without cdk8s-plus-27 installed, workload names the Pulumi way to bring a Deployment: workloads, not addWorkload', () => {
  // Plain props: class instances of this file's modules (HarborMember...) are not those of the isolated registry.
  const props: HarborPrivateAppArgs = {
    registryHost: 'reg.harbor.com',
    project: { name: 'k8s' },
    namespaces: ['kube-system'],
    workload: { containers: [{ name: 'app', image: 'reg.harbor.com/k8s/app:1.0' }] },
  };
  let error: unknown;
  jest.isolateModules(() => {
    jest.doMock('cdk8s-plus-27', () => {
      throw Object.assign(new Error("Cannot find module 'cdk8s-plus-27' from 'lib/cdk8s/plus-27.ts'"), {
        code: 'MODULE_NOT_FOUND',
      });
    });
    const isolated = require('../../lib/pulumi') as typeof import('../../lib/pulumi');
    try {
      new isolated.HarborPrivateApp('bare', props);
    } catch (e) {
      error = e;
    }
  });
  jest.dontMock('cdk8s-plus-27');
  expect((error as HarborPrivateAppError).field).toBe('workload');
  expect((error as Error).message).toMatch(
    /cdk8s-plus-27 \(an optional peer dependency\) is not installed\. Fix: npm install cdk8s-plus-27; or leave workload out and pass the Deployment in workloads/,
  );
  expect((error as Error).message).not.toContain('addWorkload');
});
