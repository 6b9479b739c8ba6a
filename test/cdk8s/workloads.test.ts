/**
 * addWorkload() and addWorkloadsIn() on every kind of pod-bearing object a cdk8s project holds: the workloads of
 * cdk8s-plus-27 and cdk8s-plus-33 (both installed here, so two copies of cdk8s-plus at once, as a project on plus-33
 * that also uses the construct's own `workload` prop has), generated `Kube*` classes, plain `ApiObject`s and what an
 * `Include` of existing YAML brings in. The pull Secret reaches each pod spec through a JSON patch on the written
 * object; the checks run at wiring and again at synthesis on the object as written.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiObject, ApiObjectProps, Chart, Cron, Include, JsonPatch, Testing } from 'cdk8s';
import * as plus27 from 'cdk8s-plus-27';
import * as plus33 from 'cdk8s-plus-33';
import { Construct } from 'constructs';
import { HarborPrivateApp, HarborPrivateAppProps } from '../../lib/cdk8s';
import { synthError } from './synth-error';

type Obj = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string }; spec?: any };

const props: HarborPrivateAppProps = {
  registryHost: 'reg.harbor.com',
  project: { name: 'k8s' },
  namespaces: ['web'],
  pullSecretName: 'pull',
};
const IMAGE = 'reg.harbor.com/k8s/app:1.0';
const POD_SPEC: Record<string, string[]> = {
  Pod: ['spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};
const podSpecOf = (o: Obj): any =>
  (POD_SPEC[o.kind] ?? ['spec', 'template', 'spec']).reduce((at, k) => at[k], o as any);
const named = (objs: Obj[], kind: string, name: string): Obj =>
  objs.find((o) => o.kind === kind && o.metadata.name === name)!;

function setup(): { chart: Chart; app: HarborPrivateApp } {
  const chart = Testing.chart();
  return { chart, app: new HarborPrivateApp(chart, 'web', props) };
}

/** A Deployment as raw YAML or `ApiObject` props would hold it. */
function deploymentManifest(name: string, image = IMAGE, namespace = 'web'): ApiObjectProps & Record<string, any> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace },
    spec: {
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name, image }] } },
    },
  };
}

describe.each([
  ['cdk8s-plus-27', plus27 as unknown as typeof plus33],
  ['cdk8s-plus-33', plus33],
])('workloads of %s', (_name, kplus) => {
  test('every workload kind gets the pull Secret in its pod spec, through its own object', () => {
    const { chart, app } = setup();
    const metadata = { namespace: 'web' };
    const containers = [{ image: IMAGE, portNumber: 8080 }];
    const made = [
      new kplus.Deployment(chart, 'deploy', { metadata, containers }),
      new kplus.StatefulSet(chart, 'sts', { metadata, containers }),
      new kplus.DaemonSet(chart, 'ds', { metadata, containers }),
      new kplus.Job(chart, 'job', { metadata, containers }),
      new kplus.CronJob(chart, 'cron', { metadata, containers, schedule: Cron.daily() }),
      new kplus.Pod(chart, 'pod', { metadata, containers }),
    ];
    for (const w of made) app.addWorkload(w);
    const objs = Testing.synth(chart) as Obj[];
    for (const w of made) {
      const o = objs.find((x) => x.metadata.name === w.name)!;
      expect([o.kind, podSpecOf(o).imagePullSecrets]).toEqual([o.kind, [{ name: 'pull' }]]);
      // Nothing of cdk8s-plus' was overwritten: its readonly dockerRegistryAuth is still unset.
      expect(w.dockerRegistryAuth).toBeUndefined();
    }
    expect(new Set(objs.map((o) => o.kind))).toEqual(
      new Set([
        'Deployment',
        'StatefulSet',
        'DaemonSet',
        'Job',
        'CronJob',
        'Pod',
        'Service', // the StatefulSet's headless Service
        'Project',
        'RobotAccount',
        'ExternalSecret',
      ]),
    );
  });

  test('wiring writes nothing on the workload: its own properties are the same before and after', () => {
    const { chart, app } = setup();
    const d = new kplus.Deployment(chart, 'deploy', { metadata: { namespace: 'web' }, containers: [{ image: IMAGE }] });
    const before = Object.getOwnPropertyDescriptors(d);
    app.addWorkload(d);
    expect(Object.getOwnPropertyDescriptors(d)).toEqual(before);
    expect(podSpecOf(named(Testing.synth(chart) as Obj[], 'Deployment', d.name)).imagePullSecrets).toEqual([
      { name: 'pull' },
    ]);
  });

  test('its images are checked at wiring, and containers added later at synthesis', () => {
    const { chart, app } = setup();
    const bad = new kplus.Deployment(chart, 'bad', {
      metadata: { namespace: 'web' },
      containers: [{ image: IMAGE }],
      initContainers: [{ image: 'docker.io/library/busybox' }],
    });
    expect(() => app.addWorkload(bad)).toThrow(
      'HarborPrivateApp "web": addWorkload(test/bad).spec.template.spec.initContainers[0].image = "docker.io/library/busybox": is on registry "docker.io"',
    );
    const late = new kplus.Deployment(chart, 'late', { metadata: { namespace: 'web' } });
    app.addWorkload(late); // no container yet: cdk8s-plus cannot render it, its API says what it runs
    late.addContainer({ image: 'reg.harbor.com/library/tool:1' });
    expect(synthError(chart)).toMatch(
      /addWorkload\(test\/late\)\.spec\.template\.spec\.containers\[0\]\.image = "reg\.harbor\.com\/library\/tool:1": is in Harbor project "library"/,
    );
  });
});

describe('objects that are not cdk8s-plus workloads', () => {
  test('a generated KubeDeployment, and KubeReplicationController, ReplicaSet and Pod ApiObjects', () => {
    const { chart, app } = setup();
    const template = { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'x', image: IMAGE }] } };
    const selector = { matchLabels: { app: 'x' } };
    const kube = new plus33.k8s.KubeDeployment(chart, 'kube', {
      metadata: { name: 'kube', namespace: 'web' },
      spec: { selector, template },
    });
    const rc = new plus27.k8s.KubeReplicationController(chart, 'rc', {
      metadata: { name: 'rc', namespace: 'web' },
      spec: { selector: { app: 'x' }, template },
    });
    const rs = new ApiObject(chart, 'rs', {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: 'rs', namespace: 'web' },
      spec: { selector, template },
    });
    const pod = new ApiObject(chart, 'pod', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'pod', namespace: 'web' },
      spec: template.spec,
    });
    for (const o of [kube, rc, rs, pod]) app.addWorkload(o);
    const objs = Testing.synth(chart) as Obj[];
    for (const [kind, name] of [
      ['Deployment', 'kube'],
      ['ReplicationController', 'rc'],
      ['ReplicaSet', 'rs'],
      ['Pod', 'pod'],
    ]) {
      expect([kind, podSpecOf(named(objs, kind, name)).imagePullSecrets]).toEqual([kind, [{ name: 'pull' }]]);
    }
  });

  test('an object listing pull Secrets keeps them, the app adds its own after them, once', () => {
    const { chart, app } = setup();
    const manifest = deploymentManifest('listed');
    manifest.spec.template.spec.imagePullSecrets = [{ name: 'mirror' }];
    const d = new ApiObject(chart, 'listed', manifest);
    app.addWorkload(d);
    app.addWorkload(d);
    expect(podSpecOf(named(Testing.synth(chart) as Obj[], 'Deployment', 'listed')).imagePullSecrets).toEqual([
      { name: 'mirror' },
      { name: 'pull' },
    ]);
  });

  test('two apps wiring one object give it both pull Secrets', () => {
    const chart = Testing.chart();
    const a = new HarborPrivateApp(chart, 'a', props);
    const b = new HarborPrivateApp(chart, 'b', {
      ...props,
      project: { name: 'k8s', adopt: true },
      pullSecretName: 'pull-b',
      robot: { name: 'b-pull' },
    });
    const d = new plus33.Deployment(chart, 'd', { metadata: { namespace: 'web' }, containers: [{ image: IMAGE }] });
    a.addWorkload(d);
    b.addWorkload(d);
    expect(podSpecOf(named(Testing.synth(chart) as Obj[], 'Deployment', d.name)).imagePullSecrets).toEqual([
      { name: 'pull' },
      { name: 'pull-b' },
    ]);
  });

  test('an object that runs no pods, a custom resource named like a workload, an empty construct: refused', () => {
    const { chart, app } = setup();
    const cm = new ApiObject(chart, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' } });
    expect(() => app.addWorkload(cm)).toThrow(
      'HarborPrivateApp "web": addWorkload(test/cm) = "v1 ConfigMap": runs no pods, so it has no imagePullSecrets. Fix: wire the objects that run its pods: a Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob',
    );
    const cr = new ApiObject(chart, 'cr', {
      apiVersion: 'example.com/v1',
      kind: 'Deployment',
      metadata: { name: 'cr', namespace: 'web' },
    });
    expect(() => app.addWorkload(cr)).toThrow(/addWorkload\(test\/cr\) = "example.com\/v1 Deployment": runs no pods/);
    expect(() => app.addWorkload(new Construct(chart, 'empty'))).toThrow(
      /addWorkload\(test\/empty\) = "test\/empty": holds no object that runs pods/,
    );
    const hollow = new ApiObject(chart, 'hollow', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'hollow', namespace: 'web' },
    });
    expect(() => app.addWorkload(hollow)).toThrow(
      /addWorkload\(test\/hollow\) = "apps\/v1 Deployment": has no pod spec at spec.template.spec, where a Deployment keeps it/,
    );
  });

  test("an object outside the app's namespaces is refused", () => {
    const { chart, app } = setup();
    const elsewhere = new ApiObject(chart, 'elsewhere', deploymentManifest('elsewhere', IMAGE, 'default'));
    expect(() => app.addWorkload(elsewhere)).toThrow(
      /addWorkload\(test\/elsewhere\)\.metadata\.namespace = "default": is not one of this app's namespaces \["web"\]/,
    );
  });

  test("an object without a namespace is written in the app's first namespace, where its pull Secret is", () => {
    const { chart, app } = setup();
    app.addWorkload(new plus27.Deployment(chart, 'p27', { containers: [{ image: IMAGE }] }));
    app.addWorkload(new plus33.Deployment(chart, 'p33', { containers: [{ image: IMAGE }] }));
    const raw = deploymentManifest('raw');
    app.addWorkload(new ApiObject(chart, 'raw', { ...raw, metadata: { name: 'raw' } }));
    const deployments = (Testing.synth(chart) as Obj[]).filter((o) => o.kind === 'Deployment');
    expect(deployments.map((o) => o.metadata.namespace)).toEqual(['web', 'web', 'web']);
    // In a chart with a namespace, cdk8s gives it to its objects: kept as it is.
    const own = new Chart(Testing.app(), 'ns', { namespace: 'web' });
    new HarborPrivateApp(own, 'web', props).addWorkload(
      new plus33.Deployment(own, 'd', { containers: [{ image: IMAGE }] }),
    );
    const d = (Testing.synth(own) as Obj[]).find((o) => o.kind === 'Deployment')!;
    expect(d.metadata.namespace).toBe('web');
    expect(ApiObject.of(own.node.findChild('d')).toJson().metadata.namespace).toBe('web');
  });
});

describe('as written: the checks at synthesis see the JSON patches', () => {
  test("a user's patch that swaps an image for one outside the project fails synthesis", () => {
    const { chart, app } = setup();
    const d = new plus33.Deployment(chart, 'd', { metadata: { namespace: 'web' }, containers: [{ image: IMAGE }] });
    app.addWorkload(d);
    ApiObject.of(d).addJsonPatch(JsonPatch.replace('/spec/template/spec/containers/0/image', 'quay.io/x/app:1'));
    expect(synthError(chart)).toMatch(
      /addWorkload\(test\/d\)\.spec\.template\.spec\.containers\[0\]\.image = "quay\.io\/x\/app:1": is on registry "quay\.io"/,
    );
  });

  test("a user's patch that replaces imagePullSecrets after the app's fails synthesis with the fix", () => {
    const { chart, app } = setup();
    const d = new ApiObject(chart, 'd', deploymentManifest('d'));
    app.addWorkload(d);
    d.addJsonPatch(JsonPatch.replace('/spec/template/spec/imagePullSecrets', [{ name: 'mine' }]));
    expect(synthError(chart)).toContain(
      'addWorkload(test/d).spec.template.spec.imagePullSecrets = [{"name":"mine"}]: does not list the pull Secret "pull" any more: a JSON patch applied after the app\'s replaced or removed it. Fix: add to the list instead of replacing it: JsonPatch.add("/spec/template/spec/imagePullSecrets/-", { name: "..." })',
    );
    // Adding to the list is fine.
    const e = new ApiObject(chart, 'e', deploymentManifest('e'));
    app.addWorkload(e);
    e.addJsonPatch(JsonPatch.add('/spec/template/spec/imagePullSecrets/-', { name: 'mine' }));
    expect(podSpecOf(e.toJson()).imagePullSecrets).toEqual([{ name: 'pull' }, { name: 'mine' }]);
  });

  test("the construct's own workload: a container added later is checked as written", () => {
    const chart = Testing.chart();
    const app = new HarborPrivateApp(chart, 'web', { ...props, workload: { containers: [{ image: IMAGE }] } });
    app.workload!.addContainer({ name: 'sidecar', image: 'docker.io/library/busybox' });
    expect(synthError(chart)).toMatch(
      /workload\.spec\.template\.spec\.containers\[1\]\.image = "docker\.io\/library\/busybox": is on registry "docker\.io"/,
    );
  });

  test('each wired object is rendered once per synthesis pass, however many charts the app has', () => {
    const app0 = Testing.app();
    const charts = [0, 1, 2].map((i) => new Chart(app0, `c${i}`));
    const app = new HarborPrivateApp(charts[0], 'web', props);
    const d = new ApiObject(charts[1], 'd', deploymentManifest('d'));
    app.addWorkload(d);
    const toJson = jest.spyOn(d, 'toJson');
    app0.synthYaml();
    // One render for the checks (every chart's validation of the app reuses it), one to write the chart.
    expect(toJson).toHaveBeenCalledTimes(2);
  });
});

describe('what an Include brings in, and a whole chart in one call', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hpa-include-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Writes `objects` as one YAML file of several documents, for `Include`. */
  function yamlFile(name: string, objects: ReadonlyArray<Record<string, any>>): string {
    const file = join(dir, name);
    writeFileSync(file, objects.map((o) => JSON.stringify(o)).join('\n---\n'));
    return file;
  }

  test('addWorkload(include) wires every object of it that runs pods', () => {
    const { chart, app } = setup();
    const vendor = new Include(chart, 'vendor', {
      url: yamlFile('vendor.yaml', [
        deploymentManifest('agent'),
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'agent-config', namespace: 'web' } },
        { ...deploymentManifest('collector'), kind: 'DaemonSet' },
      ]),
    });
    app.addWorkload(vendor);
    const objs = Testing.synth(chart) as Obj[];
    expect(podSpecOf(named(objs, 'Deployment', 'agent')).imagePullSecrets).toEqual([{ name: 'pull' }]);
    expect(podSpecOf(named(objs, 'DaemonSet', 'collector')).imagePullSecrets).toEqual([{ name: 'pull' }]);
    expect(named(objs, 'ConfigMap', 'agent-config')).toEqual(expect.not.objectContaining({ spec: expect.anything() }));
  });

  test('addWorkload(include) holding an image from elsewhere is refused, naming the object', () => {
    const { chart, app } = setup();
    const vendor = new Include(chart, 'vendor', {
      url: yamlFile('mixed.yaml', [deploymentManifest('agent'), deploymentManifest('proxy', 'quay.io/vendor/proxy:2')]),
    });
    expect(() => app.addWorkload(vendor)).toThrow(
      /addWorkload\(test\/vendor\/proxy-deployment-web\)\.spec\.template\.spec\.containers\[0\]\.image = "quay.io\/vendor\/proxy:2"/,
    );
  });

  test("addWorkloadsIn(chart) wires each object that runs an image of the app's project, whatever made it", () => {
    const chart = Testing.chart();
    const k8s = new HarborPrivateApp(chart, 'k8s', props);
    const other = new HarborPrivateApp(chart, 'tools', {
      ...props,
      project: { name: 'tools' },
      namespaces: ['tools'],
      pullSecretName: 'tools-pull',
    });
    const plusD = new plus33.Deployment(chart, 'plus', {
      metadata: { namespace: 'web' },
      containers: [{ image: IMAGE }],
    });
    new plus27.k8s.KubeDeployment(chart, 'kube', {
      metadata: { name: 'kube', namespace: 'web' },
      spec: deploymentManifest('kube').spec,
    });
    new Include(chart, 'vendor', { url: yamlFile('chart.yaml', [deploymentManifest('included')]) });
    new ApiObject(chart, 'tool', deploymentManifest('tool', 'reg.harbor.com/tools/tool:1', 'tools'));
    new ApiObject(chart, 'public', deploymentManifest('public', 'docker.io/library/nginx:1', 'web'));
    const wired = k8s.addWorkloadsIn(chart);
    expect(wired.map((o) => o.name)).toEqual([plusD.name, 'kube', 'included']);
    expect(other.addWorkloadsIn(chart).map((o) => o.name)).toEqual(['tool']);
    const objs = Testing.synth(chart) as Obj[];
    const pullSecrets = (name: string): unknown => podSpecOf(named(objs, 'Deployment', name)).imagePullSecrets;
    expect([plusD.name, 'kube', 'included', 'tool', 'public'].map(pullSecrets)).toEqual([
      [{ name: 'pull' }],
      [{ name: 'pull' }],
      [{ name: 'pull' }],
      [{ name: 'tools-pull' }],
      undefined,
    ]);
  });

  test("addWorkloadsIn also checks what it selects: the project's image outside the app's namespaces is refused", () => {
    const { chart, app } = setup();
    new ApiObject(chart, 'stray', deploymentManifest('stray', IMAGE, 'other'));
    expect(() => app.addWorkloadsIn(chart)).toThrow(
      /addWorkloadsIn\(test\/stray\)\.metadata\.namespace = "other": is not one of this app's namespaces/,
    );
  });

  test('addWorkloadsIn with nothing of the project to wire says so', () => {
    const { chart, app } = setup();
    new ApiObject(chart, 'public', deploymentManifest('public', 'docker.io/library/nginx:1'));
    expect(() => app.addWorkloadsIn(chart)).toThrow(
      'HarborPrivateApp "web": addWorkloadsIn(test) = "reg.harbor.com/k8s/": holds no object that runs pods with an image of this project',
    );
  });
});
