import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import {
  HarborGroupType,
  HarborMember,
  HarborPrivateApp,
  HarborPrivateAppProps,
  HarborRole,
  PullCredentials,
  RobotAction,
  SecretStoreRef,
  SecretValue,
} from '../../lib/cdk8s';
import { CrossplaneDelivery } from '../../lib/cdk8s/crossplane-delivery';

type Obj = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  spec?: any;
  [k: string]: any;
};

const props: HarborPrivateAppProps = {
  registryHost: 'reg.harbor.com',
  project: { name: 'k8s' },
  namespaces: ['kube-system'],
};

function synth(p: Partial<HarborPrivateAppProps> = {}, id = 'coredns'): Obj[] {
  const chart = Testing.chart();
  new HarborPrivateApp(chart, id, { ...props, ...p });
  return Testing.synth(chart) as Obj[];
}
const ofKind = (objs: Obj[], kind: string): Obj[] => objs.filter((o) => o.kind === kind);
const one = (objs: Obj[], kind: string): Obj => {
  const found = ofKind(objs, kind);
  expect(found).toHaveLength(1);
  return found[0];
};

describe('Harbor objects (Crossplane provider-harbor)', () => {
  test('a private project by default', () => {
    const project = one(synth(), 'Project');
    expect(project.apiVersion).toBe('project.harbor.crossplane.io/v1alpha1');
    expect(project.metadata.name).toBe('k8s');
    expect(project.spec.forProvider).toEqual({
      name: 'k8s',
      public: false,
      vulnerabilityScanning: true,
      forceDestroy: false,
    });
    expect(project.spec.providerConfigRef).toEqual({ name: 'default' });
  });

  test('project options map to the provider fields', () => {
    const project = one(
      synth({
        project: {
          name: 'k8s',
          autoScan: false,
          storageQuotaGb: 20,
          preventVulnerableImages: true,
          forceDestroy: true,
        },
        providerConfigName: 'harbor-prod',
      }),
      'Project',
    );
    expect(project.spec.forProvider).toEqual({
      name: 'k8s',
      public: false,
      vulnerabilityScanning: false,
      storageQuota: 20,
      deploymentSecurity: 'high',
      forceDestroy: true,
    });
    expect(project.spec.providerConfigRef).toEqual({ name: 'harbor-prod' });
  });

  test('an adopted project is not emitted; members still reference it', () => {
    const objs = synth({
      project: { name: 'k8s', adopt: true },
      members: [HarborMember.user('alice', HarborRole.GUEST)],
    });
    expect(ofKind(objs, 'Project')).toHaveLength(0);
    expect(one(objs, 'MemberUser').spec.forProvider.projectIdRef).toEqual({ name: 'k8s' });
  });

  test('user and group members with their roles', () => {
    const objs = synth({
      members: [
        HarborMember.user('k8s-puller', HarborRole.GUEST),
        HarborMember.group('platform', HarborRole.LIMITED_GUEST, {
          type: HarborGroupType.LDAP,
          ldapGroupDn: 'cn=platform,dc=example,dc=org',
        }),
      ],
    });
    expect(one(objs, 'MemberUser').spec.forProvider).toEqual({
      projectIdRef: { name: 'k8s' },
      userName: 'k8s-puller',
      role: 'guest',
    });
    expect(one(objs, 'MemberGroup').spec.forProvider).toEqual({
      projectIdRef: { name: 'k8s' },
      groupName: 'platform',
      type: 'ldap',
      role: 'limitedguest',
      ldapGroupDn: 'cn=platform,dc=example,dc=org',
    });
  });

  test('a pull-only project robot with one permission, writing its connection Secret', () => {
    const robot = one(synth(), 'RobotAccount');
    expect(robot.apiVersion).toBe('robotaccount.harbor.crossplane.io/v1alpha1');
    expect(robot.spec.forProvider).toEqual({
      name: 'coredns-pull',
      description: 'Pull secret of coredns, managed by harbor-private-app',
      level: 'project',
      duration: -1,
      permissions: [{ kind: 'project', namespace: 'k8s', access: [{ action: 'pull', resource: 'repository' }] }],
    });
    expect(robot.spec.writeConnectionSecretToRef).toEqual({
      name: 'k8s-coredns-pull-robot',
      namespace: 'harbor-robots',
    });
  });

  test('robot name, duration and push opt-in', () => {
    const robot = one(
      synth({
        robot: { name: 'ci', durationDays: 30, actions: [RobotAction.PULL, RobotAction.PUSH], allowPush: true },
      }),
      'RobotAccount',
    );
    expect(robot.spec.forProvider.duration).toBe(30);
    expect(robot.spec.forProvider.name).toBe('ci');
    expect(robot.spec.forProvider.permissions[0].access).toEqual([
      { action: 'pull', resource: 'repository' },
      { action: 'push', resource: 'repository' },
    ]);
  });
});

describe('pull Secret', () => {
  test('default: an ExternalSecret per namespace producing a dockerconfigjson Secret from the robot', () => {
    const objs = synth({ namespaces: ['kube-system', 'apps'], pullSecretName: 'registry-secret' });
    const es = ofKind(objs, 'ExternalSecret');
    expect(es.map((o) => [o.metadata.namespace, o.metadata.name])).toEqual([
      ['kube-system', 'registry-secret'],
      ['apps', 'registry-secret'],
    ]);
    expect(es[0].spec.secretStoreRef).toEqual({ kind: 'ClusterSecretStore', name: 'harbor-robot-secrets' });
    expect(es[0].spec.data).toEqual([
      { secretKey: 'password', remoteRef: { key: 'k8s-coredns-pull-robot', property: 'attribute.secret' } },
    ]);
    expect(es[0].spec.target.name).toBe('registry-secret');
    expect(es[0].spec.target.template.type).toBe('kubernetes.io/dockerconfigjson');
    expect(es[0].spec.target.template.data['.dockerconfigjson']).toContain('"username":"robot$k8s+coredns-pull"');
    expect(ofKind(objs, 'Secret')).toHaveLength(0);
    expect(ofKind(objs, 'ClusterSecretStore')).toHaveLength(0);
    expect(ofKind(objs, 'RobotAccount')).toHaveLength(1);
  });

  test('emitStore emits the ClusterSecretStore with the RBAC to read connection Secrets', () => {
    const objs = synth({
      robotSecrets: { emitStore: true, connectionSecretNamespace: 'harbor-robots' },
    });
    const store = one(objs, 'ClusterSecretStore');
    expect(store.spec.provider.kubernetes.remoteNamespace).toBe('harbor-robots');
    expect(store.spec.provider.kubernetes.auth).toEqual({
      serviceAccount: { name: 'harbor-robot-secrets-reader', namespace: 'harbor-robots' },
    });
    expect(one(objs, 'Role').rules[0]).toEqual({
      apiGroups: [''],
      resources: ['secrets'],
      verbs: ['get', 'list', 'watch'],
    });
    expect(one(objs, 'RoleBinding').subjects).toEqual([
      { kind: 'ServiceAccount', name: 'harbor-robot-secrets-reader', namespace: 'harbor-robots' },
    ]);
    expect(one(objs, 'RobotAccount').spec.writeConnectionSecretToRef.namespace).toBe('harbor-robots');
    expect(store.spec.conditions).toEqual([{ namespaces: ['kube-system'] }]);
    expect(one(objs, 'Namespace').metadata.name).toBe('harbor-robots');
  });

  test('fromExistingSecret emits no Secret and no robot', () => {
    const objs = synth({ credentials: PullCredentials.fromExistingSecret('registry-secret') });
    expect(ofKind(objs, 'Secret')).toHaveLength(0);
    expect(ofKind(objs, 'ExternalSecret')).toHaveLength(0);
    expect(ofKind(objs, 'RobotAccount')).toHaveLength(0);
    expect(one(objs, 'Project').metadata.name).toBe('k8s');
  });

  test('fromExternalStore reads username and password from the store key', () => {
    const es = one(
      synth({
        credentials: PullCredentials.fromExternalStore({
          store: SecretStoreRef.namespaced('vault'),
          key: 'harbor/k8s-pull',
          usernameProperty: 'user',
        }),
      }),
      'ExternalSecret',
    );
    expect(es.spec.secretStoreRef).toEqual({ kind: 'SecretStore', name: 'vault' });
    expect(es.spec.data).toEqual([
      { secretKey: 'username', remoteRef: { key: 'harbor/k8s-pull', property: 'user' } },
      { secretKey: 'password', remoteRef: { key: 'harbor/k8s-pull', property: 'password' } },
    ]);
  });

  test('the literal opt-in writes a dockerconfigjson Secret keyed by host[:port]', () => {
    const password = `local-${Math.random().toString(36).slice(2)}`;
    const objs = synth({
      registryHost: 'harbor.local:8443',
      credentials: PullCredentials.fromLiteralUnsafeForLocalClustersOnly({
        username: 'robot$k8s+local',
        password: SecretValue.unsafePlainText(password),
      }),
    });
    const secret = one(objs, 'Secret');
    expect(secret.type).toBe('kubernetes.io/dockerconfigjson');
    const doc = JSON.parse(Buffer.from(secret.data['.dockerconfigjson'], 'base64').toString('utf8'));
    expect(doc).toEqual({
      auths: {
        'harbor.local:8443': {
          username: 'robot$k8s+local',
          password,
          auth: Buffer.from(`robot$k8s+local:${password}`).toString('base64'),
        },
      },
    });
    expect(ofKind(objs, 'RobotAccount')).toHaveLength(0);
  });

  test('serviceAccounts get imagePullSecrets in every namespace', () => {
    const sas = ofKind(
      synth({ namespaces: ['a', 'b'], serviceAccounts: ['default'], pullSecretName: 'pull' }),
      'ServiceAccount',
    );
    expect(sas.map((s) => [s.metadata.namespace, s.metadata.name, s.imagePullSecrets])).toEqual([
      ['a', 'default', [{ name: 'pull' }]],
      ['b', 'default', [{ name: 'pull' }]],
    ]);
  });
});

describe('workloads', () => {
  test('the workload is a Deployment in the first namespace whose pods use the pull Secret', () => {
    const objs = synth({
      pullSecretName: 'registry-secret',
      workload: { metadata: { name: 'coredns' }, containers: [{ image: 'reg.harbor.com/k8s/coredns:1.2.6' }] },
    });
    const d = one(objs, 'Deployment');
    expect(d.metadata.namespace).toBe('kube-system');
    expect(d.spec.template.spec.imagePullSecrets).toEqual([{ name: 'registry-secret' }]);
    expect(d.spec.template.spec.containers[0].image).toBe('reg.harbor.com/k8s/coredns:1.2.6');
  });

  test("the selector is a label from the Deployment's own name: the same under another app name or construct path", () => {
    const workload = { metadata: { name: 'coredns' }, containers: [{ image: 'reg.harbor.com/k8s/coredns:1.2.6' }] };
    const spec = (id: string, select?: boolean) =>
      one(synth({ workload: { ...workload, select } }, id), 'Deployment').spec;
    const d = spec('coredns');
    expect(d.selector).toEqual({ matchLabels: { 'cdk8s.io/metadata.addr': 'coredns' } });
    expect(d.template.metadata.labels).toEqual({ 'cdk8s.io/metadata.addr': 'coredns' });
    expect(spec('dns').selector).toEqual(d.selector);
    // select: true keeps cdk8s-plus' own, derived from the construct's path: another id, another selector.
    expect(spec('coredns', true).selector).not.toEqual(spec('dns', true).selector);
    // A name too long for a label value: cut, with a hash of the whole.
    const long = `a${'b'.repeat(80)}`;
    const labels = one(synth({ workload: { ...workload, metadata: { name: long } } }), 'Deployment').spec.selector
      .matchLabels['cdk8s.io/metadata.addr'] as string;
    expect(labels).toMatch(/^ab{53}-[0-9a-f]{8}$/);
  });

  test('an image outside the registry host or the project fails at construction, naming it', () => {
    expect(() => synth({ workload: { containers: [{ image: 'docker.io/coredns/coredns:1.2.6' }] } })).toThrow(
      'HarborPrivateApp "coredns": workload.containers[0].image = "docker.io/coredns/coredns:1.2.6": is on registry "docker.io", not on "reg.harbor.com"',
    );
    expect(() =>
      synth({
        workload: {
          containers: [{ image: 'reg.harbor.com/k8s/app' }],
          initContainers: [{ image: 'reg.harbor.com/library/busybox' }],
        },
      }),
    ).toThrow(
      /workload.initContainers\[0\].image = "reg.harbor.com\/library\/busybox": is in Harbor project "library"/,
    );
  });

  test("a workload outside the app's namespaces is rejected", () => {
    expect(() =>
      synth({ workload: { metadata: { namespace: 'default' }, containers: [{ image: 'reg.harbor.com/k8s/app' }] } }),
    ).toThrow(/workload.metadata.namespace = "default": is not one of this app's namespaces/);
  });

  test('addWorkload wires a cdk8s-plus workload and checks it', () => {
    const chart = Testing.chart();
    const app = new HarborPrivateApp(chart, 'web', { ...props, namespaces: ['web'], pullSecretName: 'pull' });
    const sts = new kplus.StatefulSet(chart, 'db', {
      metadata: { namespace: 'web' },
      containers: [{ image: 'reg.harbor.com/k8s/db:1', portNumber: 5432 }],
    });
    app.addWorkload(sts);
    const job = new kplus.Job(chart, 'migrate', {
      metadata: { namespace: 'web' },
      containers: [{ image: 'reg.harbor.com/k8s/migrate:1' }],
    });
    app.addWorkload(job);
    const objs = Testing.synth(chart) as Obj[];
    expect(one(objs, 'StatefulSet').spec.template.spec.imagePullSecrets).toEqual([{ name: 'pull' }]);
    expect(one(objs, 'Job').spec.template.spec.imagePullSecrets).toEqual([{ name: 'pull' }]);

    const other = new kplus.Deployment(chart, 'other', {
      metadata: { namespace: 'web' },
      containers: [{ image: 'quay.io/x/y' }],
    });
    expect(() => app.addWorkload(other)).toThrow(/is on registry "quay.io"/);
    const elsewhere = new kplus.Deployment(chart, 'elsewhere', {
      metadata: { namespace: 'default' },
      containers: [{ image: 'reg.harbor.com/k8s/y' }],
    });
    expect(() => app.addWorkload(elsewhere)).toThrow(/"default": is not one of this app's namespaces/);
    // A pod may list several pull Secrets (kubelet tries each): the app's comes after the one the pod has.
    const mixed = new kplus.Deployment(chart, 'mixed', {
      metadata: { namespace: 'web' },
      dockerRegistryAuth: kplus.Secret.fromSecretName(chart, 's', 'other-secret'),
      containers: [{ image: 'reg.harbor.com/k8s/y' }],
    });
    app.addWorkload(mixed);
    const written = (Testing.synth(chart) as Obj[]).find((o) => o.metadata.name === mixed.name)!;
    expect(written.spec.template.spec.imagePullSecrets).toEqual([{ name: 'other-secret' }, { name: 'pull' }]);
    // cdk8s-plus' own fields are left alone: the Secret reaches the pod spec through a JSON patch on its object.
    expect(mixed.dockerRegistryAuth!.name).toBe('other-secret');
  });

  test('a container added after construction is checked at synthesis', () => {
    const app = new App({ outdir: require('node:os').tmpdir() });
    const chart = new Chart(app, 'late');
    const hpa = new HarborPrivateApp(chart, 'coredns', {
      ...props,
      workload: { containers: [{ image: 'reg.harbor.com/k8s/coredns:1.2.6' }] },
    });
    hpa.workload!.addContainer({ name: 'sidecar', image: 'docker.io/library/busybox' });
    expect(() => app.synthYaml()).toThrow(
      /containers\[1\].image = "docker.io\/library\/busybox": is on registry "docker.io"/,
    );
  });
});

describe('adopting existing members', () => {
  // The robot's adopt is a Pulumi-only arg (test/types/engine-props.ts); members are values both engines share.
  test("is the Pulumi engine's: the YAML engine refuses it, naming the field", () => {
    expect(() => synth({ members: [HarborMember.user('k8s-puller', HarborRole.GUEST, { adopt: true })] })).toThrow(
      /members\[0\]\.adopt = true: is supported by the Pulumi engine only.*Fix: drop adopt on the YAML engine/,
    );
  });
});

describe('several apps in one chart', () => {
  test('two apps declaring the same project clash unless one adopts it', () => {
    const chart = Testing.chart();
    new HarborPrivateApp(chart, 'a', { ...props, namespaces: ['a'] });
    expect(() => new HarborPrivateApp(chart, 'b', { ...props, namespaces: ['b'] })).toThrow(
      /project.name = "k8s": clashes with HarborPrivateApp "test\/a".*set project.adopt: true/,
    );
    new HarborPrivateApp(chart, 'c', { ...props, namespaces: ['c'], project: { name: 'k8s', adopt: true } });
    expect(ofKind(Testing.synth(chart) as Obj[], 'RobotAccount').map((r) => r.spec.forProvider.name)).toEqual([
      'a-pull',
      'c-pull',
    ]);
  });

  test('two apps writing the same pull Secret in one namespace clash', () => {
    const chart = Testing.chart();
    new HarborPrivateApp(chart, 'a', { ...props, pullSecretName: 'pull' });
    expect(
      () => new HarborPrivateApp(chart, 'b', { ...props, project: { name: 'other' }, pullSecretName: 'pull' }),
    ).toThrow(/pullSecretName = "pull": clashes with .* pick another pullSecretName for namespace "kube-system"/);
  });

  test('Harbor names that sanitize alike get distinct Kubernetes names', () => {
    const chart = Testing.chart();
    new HarborPrivateApp(chart, 'a', {
      ...props,
      project: { name: 'team_x' },
      robot: { name: 'p' },
      namespaces: ['a'],
    });
    new HarborPrivateApp(chart, 'b', {
      ...props,
      project: { name: 'team-x' },
      robot: { name: 'p' },
      namespaces: ['b'],
    });
    const objs = Testing.synth(chart) as Obj[];
    const projects = ofKind(objs, 'Project').map((p) => p.metadata.name);
    expect(projects[1]).toBe('team-x');
    expect(projects[0]).toMatch(/^team-x-[0-9a-f]{8}$/);
    const secrets = ofKind(objs, 'RobotAccount').map((r) => r.spec.writeConnectionSecretToRef.name);
    expect(new Set(secrets).size).toBe(2);
    expect(ofKind(objs, 'ExternalSecret').map((e) => e.spec.data[0].remoteRef.key)).toEqual(secrets);
  });

  test('two apps emitting the same ServiceAccount in one namespace clash', () => {
    const chart = Testing.chart();
    new HarborPrivateApp(chart, 'a', { ...props, serviceAccounts: ['default'] });
    expect(
      () => new HarborPrivateApp(chart, 'b', { ...props, project: { name: 'other' }, serviceAccounts: ['default'] }),
    ).toThrow(/serviceAccounts = "default": clashes with HarborPrivateApp "test\/a".*in one app only/);
  });

  test('a thousand apps synthesize into one chart', () => {
    const chart = Testing.chart();
    for (let i = 0; i < 1000; i++)
      new HarborPrivateApp(chart, `app${i}`, { ...props, project: { name: `team${i}` }, namespaces: [`ns${i}`] });
    expect(ofKind(Testing.synth(chart) as Obj[], 'ExternalSecret')).toHaveLength(1000);
  });
});

describe("delivery (the YAML engine's part)", () => {
  test("the robot pull Secret is the Crossplane delivery's manifest, written as is in each namespace", () => {
    const chart = Testing.chart();
    const app = new HarborPrivateApp(chart, 'a', { ...props, namespaces: ['a', 'b'] });
    const objs = Testing.synth(chart) as Obj[];
    const delivery = new CrossplaneDelivery();
    expect(ofKind(objs, 'ExternalSecret')).toEqual(['a', 'b'].map((ns) => delivery.robotPullSecret(app.config, ns)));
  });

  test('providerConfigName reaches every Crossplane resource (default: "default")', () => {
    const refs = (objs: Obj[]) => objs.filter((o) => o.spec?.providerConfigRef).map((o) => o.spec.providerConfigRef);
    const members = { members: [HarborMember.user('alice', HarborRole.GUEST)] };
    expect(refs(synth(members))).toEqual([{ name: 'default' }, { name: 'default' }, { name: 'default' }]);
    const withConfig = refs(synth({ ...members, providerConfigName: 'harbor-prod' }));
    expect(withConfig).toEqual([{ name: 'harbor-prod' }, { name: 'harbor-prod' }, { name: 'harbor-prod' }]);
  });

  test('lib/cdk8s knows nothing of the Pulumi engine', () => {
    const dir = join(__dirname, '..', '..', 'lib', 'cdk8s');
    for (const file of readdirSync(dir)) {
      const text = readFileSync(join(dir, file), 'utf8');
      expect([file, /from '(\.\.\/pulumi|@pulumi\/)/.test(text), /RENDER_FOR_PULUMI|forPulumi/.test(text)]).toEqual([
        file,
        false,
        false,
      ]);
    }
  });
});

describe('robot rotation (blue/green, YAML engine)', () => {
  const rotating = (step: number, extra: Partial<HarborPrivateAppProps> = {}): Obj[] =>
    synth({ robot: { name: 'coredns-pull', rotation: { step } }, namespaces: ['kube-system', 'apps'], ...extra });
  const key = (o: Obj): string => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
  /** Objects of `after` that are new or differ from `before`, and keys of `before` gone from `after`. */
  const changes = (before: Obj[], after: Obj[]): { changed: string[]; gone: string[] } => {
    const old = new Map(before.map((o) => [key(o), JSON.stringify(o)]));
    const now = new Set(after.map(key));
    return {
      changed: after.filter((o) => old.get(key(o)) !== JSON.stringify(o)).map(key),
      gone: [...old.keys()].filter((k) => !now.has(k)),
    };
  };
  const activeOf = (objs: Obj[]) =>
    ofKind(objs, 'ExternalSecret').map((e) => ({
      key: e.spec.data[0].remoteRef.key,
      username: JSON.parse(e.spec.target.template.data['.dockerconfigjson'].replace(/\{\{[^}]*\}\}/g, '"x"')).auths[
        'reg.harbor.com'
      ].username,
    }));

  test('step 0 is the output without rotation plus an idle green robot', () => {
    const plain = synth({ robot: { name: 'coredns-pull' }, namespaces: ['kube-system', 'apps'] });
    const start = rotating(0);
    expect(changes(plain, start)).toEqual({ changed: ['RobotAccount//k8s-coredns-pull-green-0'], gone: [] });
    const green = start.find((o) => o.metadata.name === 'k8s-coredns-pull-green-0')!;
    const blue = start.find((o) => o.metadata.name === 'k8s-coredns-pull')!;
    expect(green.spec).toEqual({
      ...blue.spec,
      forProvider: { ...blue.spec.forProvider, name: 'coredns-pull-green-0' },
      writeConnectionSecretToRef: { name: 'k8s-coredns-pull-green-0-robot', namespace: 'harbor-robots' },
    });
  });

  test('an odd step moves only the ExternalSecrets to the other robot; an even one replaces only the idle robot', () => {
    let before = rotating(0);
    const seen: string[] = [];
    for (let step = 1; step <= 4; step++) {
      const after = rotating(step);
      const { changed, gone } = changes(before, after);
      const robots = ofKind(after, 'RobotAccount').map((r) => r.spec.forProvider.name);
      seen.push(`${step}: ${robots.join(',')} <- ${activeOf(after)[0].username}`);
      if (step % 2 === 1) {
        expect(changed).toEqual(['ExternalSecret/kube-system/harbor-k8s', 'ExternalSecret/apps/harbor-k8s']);
        expect(gone).toEqual([]);
      } else {
        expect(changed).toHaveLength(1);
        expect(changed[0]).toMatch(/^RobotAccount\/\//);
        expect(gone).toHaveLength(1);
        expect(gone[0]).toMatch(/^RobotAccount\/\//);
      }
      // Both namespaces follow the same robot, through its own connection Secret.
      const active = activeOf(after);
      expect(new Set(active.map((a) => JSON.stringify(a))).size).toBe(1);
      const activeRobot = ofKind(after, 'RobotAccount').find(
        (r) => `robot$k8s+${r.spec.forProvider.name}` === active[0].username,
      )!;
      expect(activeRobot.spec.writeConnectionSecretToRef.name).toBe(active[0].key);
      before = after;
    }
    expect(seen).toEqual([
      '1: coredns-pull,coredns-pull-green-0 <- robot$k8s+coredns-pull-green-0',
      '2: coredns-pull-blue-1,coredns-pull-green-0 <- robot$k8s+coredns-pull-green-0',
      '3: coredns-pull-blue-1,coredns-pull-green-0 <- robot$k8s+coredns-pull-blue-1',
      '4: coredns-pull-blue-1,coredns-pull-green-1 <- robot$k8s+coredns-pull-blue-1',
    ]);
  });

  test('renewal: a new durationDays changes only the robots duration, in both slots', () => {
    const { changed, gone } = changes(
      rotating(3, { robot: { name: 'coredns-pull', durationDays: 30, rotation: { step: 3 } } }),
      rotating(3, { robot: { name: 'coredns-pull', durationDays: 90, rotation: { step: 3 } } }),
    );
    expect(changed).toEqual(['RobotAccount//k8s-coredns-pull-blue-1', 'RobotAccount//k8s-coredns-pull-green-0']);
    expect(gone).toEqual([]);
  });

  test('the app exposes the robot the pull Secret uses; slot names are claimed in the chart', () => {
    const chart = Testing.chart();
    const app = new HarborPrivateApp(chart, 'a', { ...props, robot: { name: 'pull', rotation: { step: 1 } } });
    expect(app.robot?.metadata.name).toBe('k8s-pull-green-0');
    expect(app.config.robot?.rotation?.active).toBe('green');
    expect(
      () =>
        new HarborPrivateApp(chart, 'b', {
          ...props,
          project: { name: 'k8s', adopt: true },
          robot: { name: 'pull-green-0' },
          pullSecretName: 'other',
        }),
    ).toThrow(/robot.name = "pull-green-0": clashes with HarborPrivateApp "test\/a"/);
  });
});
