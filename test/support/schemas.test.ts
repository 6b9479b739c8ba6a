import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CelEvalError, CelSyntaxError, compileCel, evaluateCel } from './cel';
import {
  CONTRACT_CRDS_DIR,
  CrdDocument,
  CrdRegistry,
  checkAll,
  checkObject,
  contractCrds,
  readContractFile,
  validateAll,
  validateObject,
  validateUpdate,
} from './schemas';

/** The validator must be able to fail: each case below is rejected, and a valid twin of it passes. */

const PLACEHOLDER = 'placeholder-not-a-secret';

function deployment(): Record<string, any> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'apps' },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'web', image: 'reg.example.com/p/web:1' }] },
      },
    },
  };
}

function robotAccount(): Record<string, any> {
  return {
    apiVersion: 'robotaccount.harbor.crossplane.io/v1alpha1',
    kind: 'RobotAccount',
    metadata: { name: 'p-nodes' },
    spec: {
      providerConfigRef: { name: 'default' },
      forProvider: {
        name: 'nodes',
        level: 'project',
        duration: -1,
        description: 'pull',
        permissions: [{ kind: 'project', namespace: 'p', access: [{ action: 'pull', resource: 'repository' }] }],
      },
      writeConnectionSecretToRef: { name: 'p-nodes-robot', namespace: 'crossplane-system' },
    },
  };
}

function externalSecret(): Record<string, any> {
  return {
    apiVersion: 'external-secrets.io/v1',
    kind: 'ExternalSecret',
    metadata: { name: 'pull', namespace: 'apps' },
    spec: {
      refreshInterval: '1h',
      secretStoreRef: { kind: 'ClusterSecretStore', name: 'harbor-robot-secrets' },
      target: {
        name: 'pull',
        creationPolicy: 'Owner',
        template: {
          type: 'kubernetes.io/dockerconfigjson',
          engineVersion: 'v2',
          data: { '.dockerconfigjson': '{{ .password }}' },
        },
      },
      data: [{ secretKey: 'password', remoteRef: { key: 'p-nodes-robot', property: 'attribute.secret' } }],
    },
  };
}

function clusterSecretStore(provider: Record<string, unknown>): Record<string, any> {
  return {
    apiVersion: 'external-secrets.io/v1',
    kind: 'ClusterSecretStore',
    metadata: { name: 'store' },
    spec: { provider },
  };
}

const KUBERNETES_PROVIDER = {
  kubernetes: {
    remoteNamespace: 'crossplane-system',
    server: {
      caProvider: { type: 'ConfigMap', name: 'kube-root-ca.crt', key: 'ca.crt', namespace: 'crossplane-system' },
    },
    auth: { serviceAccount: { name: 'reader', namespace: 'crossplane-system' } },
  },
};

function expectProblem(problems: string[], ...parts: string[]): void {
  const hit = problems.find((p) => parts.every((part) => p.includes(part)));
  if (!hit)
    throw new Error(`no problem contains ${JSON.stringify(parts)}; problems were:\n${problems.join('\n') || '(none)'}`);
}

describe('validateObject: built-in kinds (kubernetes-models)', () => {
  it('accepts a valid Deployment', () => {
    expect(validateObject(deployment())).toEqual([]);
  });

  it('rejects a Deployment with a wrong type, naming the object and the field', () => {
    const d = deployment();
    d.spec.replicas = 'two';
    d.spec.template.spec.containers[0].ports = [{ containerPort: '80x' }];
    const problems = validateObject(d);
    expectProblem(problems, 'Deployment/web (namespace apps): spec.replicas', 'must be integer', '"two"');
    expectProblem(problems, 'spec.template.spec.containers[0].ports[0].containerPort', 'must be integer');
    expect(problems).toHaveLength(2);
  });

  it('rejects a Deployment missing a required field', () => {
    const d = deployment();
    delete d.spec.selector;
    expectProblem(validateObject(d), 'Deployment/web', 'spec.selector: is required');
  });

  it('checks scope: a namespaced kind needs a namespace, a cluster-scoped one must not have one', () => {
    const d = deployment();
    delete d.metadata.namespace;
    expectProblem(validateObject(d), 'Deployment/web: metadata.namespace: is required');
    const role: Record<string, any> = {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'r', namespace: 'apps' },
      rules: [],
    };
    expectProblem(validateObject(role), 'ClusterRole/r (namespace apps): metadata.namespace: must be absent');
    delete role.metadata.namespace;
    expect(validateObject(role)).toEqual([]);
  });

  it('requires metadata.name', () => {
    const d = deployment();
    delete d.metadata.name;
    expectProblem(validateObject(d), 'metadata.name: must be a non-empty string');
  });

  it('never shows a Secret value in a message', () => {
    const secret = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 's', namespace: 'a' },
      stringData: { password: [PLACEHOLDER] },
    };
    const problems = validateObject(secret);
    expectProblem(problems, 'Secret/s (namespace a): stringData.password: must be string');
    expect(problems.join('\n')).not.toContain(PLACEHOLDER);
  });
});

describe('validateObject: CRD kinds (the CRD contracts)', () => {
  it('accepts valid RobotAccount, ExternalSecret and ClusterSecretStore objects', () => {
    expect(validateAll([robotAccount(), externalSecret(), clusterSecretStore(KUBERNETES_PROVIDER)])).toEqual([]);
  });

  it('rejects a misspelled forProvider field of a RobotAccount (the API server would prune it)', () => {
    const r = robotAccount();
    r.spec.forProvider.durattion = r.spec.forProvider.duration;
    delete r.spec.forProvider.duration;
    r.spec.forProvider.permissions[0].access[0].efect = 'allow';
    const problems = validateObject(r);
    expectProblem(problems, 'RobotAccount/p-nodes: spec.forProvider.durattion: unknown field');
    expectProblem(problems, 'spec.forProvider.permissions[0].access[0].efect: unknown field');
    expect(problems).toHaveLength(2);
  });

  it('rejects a wrong type and a bad enum value in a CRD object', () => {
    const r = robotAccount();
    r.spec.forProvider.duration = '90';
    r.spec.deletionPolicy = 'Keep';
    const problems = validateObject(r);
    expectProblem(problems, 'spec.forProvider.duration: must be number, got "90"');
    expectProblem(problems, 'spec.deletionPolicy: must be one of "Orphan", "Delete", got "Keep"');
  });

  it('applies the default managementPolicies ["*"] before the CEL rule that requires forProvider.name', () => {
    const r = robotAccount();
    delete r.spec.forProvider.name;
    const problems = validateObject(r);
    expectProblem(problems, 'RobotAccount/p-nodes: spec: spec.forProvider.name is a required parameter');
    expect(problems).toHaveLength(1);
    // The default went to a clone, not to the caller's object.
    expect(r.spec.managementPolicies).toBeUndefined();
    // Observe-only resources need no name: the rule depends on the (defaulted) policies.
    expect(validateObject({ ...r, spec: { ...r.spec, managementPolicies: ['Observe'] } })).toEqual([]);
    // ...and initProvider may carry it instead.
    expect(validateObject({ ...r, spec: { ...r.spec, initProvider: { name: 'nodes' } } })).toEqual([]);
  });

  it('rejects an ExternalSecret whose template engineVersion is v1', () => {
    const e = externalSecret();
    e.spec.target.template.engineVersion = 'v1';
    expect(validateObject(e)).toEqual([
      'ExternalSecret/pull (namespace apps): spec.target.template.engineVersion: must be one of "v2", got "v1"',
    ]);
  });

  it('rejects a namespaced ExternalSecret without a namespace, and a cluster-scoped object with one', () => {
    const e = externalSecret();
    delete e.metadata.namespace;
    expect(validateObject(e)).toEqual([
      'ExternalSecret/pull: metadata.namespace: is required, ExternalSecret is namespaced. Set metadata.namespace',
    ]);
    const r = robotAccount();
    r.metadata.namespace = 'apps';
    expectProblem(
      validateObject(r),
      'RobotAccount/p-nodes (namespace apps): metadata.namespace: must be absent, RobotAccount is cluster-scoped',
    );
  });

  it('rejects a custom resource name that is not a DNS subdomain', () => {
    const r = robotAccount();
    r.metadata.name = 'robot$p+nodes';
    expectProblem(validateObject(r), 'metadata.name: must be a DNS-1123 subdomain');
  });

  it('runs CEL on ClusterSecretStore providers: caBundle and caProvider together are rejected where the CRD says so', () => {
    const openBao = (server: Record<string, unknown>) =>
      clusterSecretStore({
        openBao: {
          server: 'https://bao.example.com',
          ...server,
          auth: { tokenSecretRef: { name: 'bao', key: 'token' } },
        },
      });
    const caProvider = { caProvider: { type: 'ConfigMap', name: 'ca', key: 'ca.crt', namespace: 'x' } };
    expect(validateObject(openBao(caProvider))).toEqual([]);
    expectProblem(
      validateObject(openBao({ ...caProvider, caBundle: 'Y2EK' })),
      'ClusterSecretStore/store: spec.provider.openBao: at most one of the fields in [caBundle caProvider] may be set',
    );
    // openBao's auth: exactly one of appRole, tokenSecretRef, userPass.
    expectProblem(
      validateObject(clusterSecretStore({ openBao: { server: 'https://bao.example.com', auth: {} } })),
      'spec.provider.openBao.auth: exactly one of the fields in [appRole tokenSecretRef userPass] must be set',
    );
  });

  it('reports what the CRD really says for the kubernetes provider: no CEL rule on caBundle+caProvider, but auth takes exactly one method', () => {
    const both = structuredClone(KUBERNETES_PROVIDER) as any;
    both.kubernetes.server.caBundle = 'Y2EK';
    const check = checkObject(clusterSecretStore(both));
    // The ESO CRD (v1) has no x-kubernetes-validations on provider.kubernetes: ESO checks that in its controller.
    expect(check.problems).toEqual([]);
    expect(check.celRulesEvaluated).toBe(0);
    const twoAuths = structuredClone(KUBERNETES_PROVIDER) as any;
    twoAuths.kubernetes.auth.token = { bearerToken: { name: 't', key: 'token' } };
    expectProblem(
      validateObject(clusterSecretStore(twoAuths)),
      'spec.provider.kubernetes.auth: must NOT have more than 1 properties',
    );
    const badCa = structuredClone(KUBERNETES_PROVIDER) as any;
    badCa.kubernetes.server.caBundle = 'not base64!';
    expectProblem(
      validateObject(clusterSecretStore(badCa)),
      'spec.provider.kubernetes.server.caBundle: must match format "byte"',
    );
  });

  it('reports unknown kinds, unknown CRD kinds and unserved versions instead of passing them', () => {
    expectProblem(
      validateObject({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } }),
      'Widget/w: (root): unknown apiVersion/kind example.com/v1 Widget',
    );
    expectProblem(
      validateObject({ apiVersion: 'apps/v1', kind: 'Deploymnet', metadata: { name: 'w', namespace: 'a' } }),
      'unknown apiVersion/kind apps/v1 Deploymnet',
    );
    expectProblem(
      validateObject({ apiVersion: 'v1', kind: 'Container', metadata: { name: 'w', namespace: 'a' } }),
      'unknown apiVersion/kind v1 Container',
    );
    expectProblem(
      validateObject({ apiVersion: 'external-secrets.io/v1', kind: 'SecretSink', metadata: { name: 's' } }),
      'no CRD defines kind SecretSink in group external-secrets.io',
    );
    expectProblem(
      validateObject({ ...externalSecret(), apiVersion: 'external-secrets.io/v1beta1' }),
      'apiVersion: external-secrets.io/v1beta1 is not served for ExternalSecret; use external-secrets.io/v1',
    );
    expectProblem(
      validateObject({ ...externalSecret(), apiVersion: 'external-secrets.io/v9' }),
      'is not a version of ExternalSecret',
    );
    expectProblem(validateObject('nope'), 'not an object');
    const summary = checkAll([
      { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } },
      deployment(),
      robotAccount(),
    ]);
    expect(summary.kindsByChecker).toEqual({
      none: { 'example.com/v1/Widget': 1 },
      'kubernetes-models': { 'apps/v1/Deployment': 1 },
      crd: { 'robotaccount.harbor.crossplane.io/v1alpha1/RobotAccount': 1 },
    });
  });

  it('reports two objects with the same identity in one list (kubectl apply keeps the last)', () => {
    const a = robotAccount();
    const b = robotAccount();
    b.spec.forProvider.name = 'other';
    const sa = (ns: string) => ({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'default', namespace: ns },
    });
    expect(validateAll([a, b, sa('x'), sa('y'), sa('x')])).toEqual([
      'RobotAccount/p-nodes: (root): same object (group, kind, namespace, name) as object #0 of this list; kubectl apply would keep only the last. Give each a distinct name',
      'ServiceAccount/default (namespace x): (root): same object (group, kind, namespace, name) as object #2 of this list; kubectl apply would keep only the last. Give each a distinct name',
    ]);
    // The same name in another group or kind is another object.
    expect(
      validateAll([sa('x'), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'default', namespace: 'x' } }]),
    ).toEqual([]);
  });

  it('reads the CRD contracts from test/contracts/crds, and throws naming the path when it is missing', () => {
    expect(CONTRACT_CRDS_DIR).toBe(path.resolve(__dirname, '..', 'contracts', 'crds'));
    expect(contractCrds().kinds).toEqual([
      'external-secrets.io/ClusterSecretStore',
      'external-secrets.io/ExternalSecret',
      'project.harbor.crossplane.io/MemberGroup',
      'project.harbor.crossplane.io/MemberUser',
      'project.harbor.crossplane.io/Project',
      'robotaccount.harbor.crossplane.io/RobotAccount',
    ]);
    const missing = path.join(CONTRACT_CRDS_DIR, 'no-such-folder');
    expect(() => CrdRegistry.fromDirectory(missing)).toThrow(`CRD folder ${missing} is missing`);
  });

  it('keeps every version with its flags, and the schema of the emitted ones; a served version without one throws', () => {
    const entries = ['provider-harbor.json', 'external-secrets.json'].flatMap((f) =>
      readContractFile(path.join(CONTRACT_CRDS_DIR, f)),
    );
    expect(Object.fromEntries(entries.map((e) => [e.kind, e.versions]))).toEqual({
      Project: [{ name: 'v1alpha1', served: true }],
      MemberUser: [{ name: 'v1alpha1', served: true }],
      MemberGroup: [{ name: 'v1alpha1', served: true }],
      RobotAccount: [{ name: 'v1alpha1', served: true }],
      ExternalSecret: [
        { name: 'v1', served: true },
        { name: 'v1beta1', served: false },
      ],
      ClusterSecretStore: [
        { name: 'v1', served: true },
        { name: 'v1beta1', served: false },
      ],
    });
    for (const e of entries) {
      const [emitted, ...others] = e.versions.map((v) => e.schemaOf(v.name));
      expect(emitted).toMatchObject({ type: 'object', properties: { spec: { type: 'object' } } });
      expect(others).toEqual(others.map(() => undefined));
    }
    // A served version whose schema the contracts did not keep cannot be checked: that is an error, never a pass.
    const doc: CrdDocument = {
      kind: 'CustomResourceDefinition',
      spec: {
        group: 'test.example.com',
        scope: 'Cluster',
        names: { kind: 'Thing' },
        versions: [{ name: 'v2', served: true }],
      },
    };
    expect(() =>
      new CrdRegistry([doc]).check({ apiVersion: 'test.example.com/v2', kind: 'Thing', metadata: { name: 't' } }),
    ).toThrow(/version v2 has no openAPIV3Schema .* add this one there and run npm run contracts/);
  });

  it('rejects a contract file that is not one, naming it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crd-contract-'));
    try {
      const file = path.join(dir, 'bad.json');
      fs.writeFileSync(file, JSON.stringify({ crds: [{ kind: 'CustomResourceDefinition', spec: {} }] }));
      expect(() => readContractFile(file)).toThrow(`CRD contract ${file} is not a {"crds"`);
      fs.writeFileSync(file, '{"crds": [');
      expect(() => readContractFile(file)).toThrow(`CRD contract ${file} is not valid JSON`);
      fs.writeFileSync(file, JSON.stringify({ crds: [] }));
      expect(() => CrdRegistry.fromDirectory(dir)).toThrow(`CRD folder ${dir} holds no CustomResourceDefinition`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('gives the same verdicts with schemas pruned to the data and whole schemas', () => {
    const whole = CrdRegistry.fromDirectory(CONTRACT_CRDS_DIR, { pruneSchemas: false });
    const bad = robotAccount();
    bad.spec.forProvider.nmae = 'x';
    delete bad.spec.forProvider.name;
    bad.spec.forProvider.permissions[0].access[0].action = 7;
    bad.spec.providerConfigRef.policy = { resolve: 'Sometimes' };
    const badEs = externalSecret();
    badEs.spec.target.template.engineVersion = 'v1';
    badEs.spec.data[0].remoteRef.conversionStrategy = 'Base64';
    badEs.spec.data.push({ secretKey: 'x', remoteRef: {} });
    const objs = [robotAccount(), bad, externalSecret(), badEs];
    const pruned = validateAll(objs);
    expect(pruned.length).toBeGreaterThan(5);
    expect(validateAll(objs, whole)).toEqual(pruned);
  });
});

describe('CRD features, on small in-memory CRDs', () => {
  function crd(spec: Record<string, unknown>, scope: 'Cluster' | 'Namespaced' = 'Cluster'): CrdRegistry {
    const doc: CrdDocument = {
      kind: 'CustomResourceDefinition',
      spec: {
        group: 'test.example.com',
        scope,
        names: { kind: 'Thing' },
        versions: [
          {
            name: 'v1',
            served: true,
            schema: {
              openAPIV3Schema: {
                type: 'object',
                properties: {
                  apiVersion: { type: 'string' },
                  kind: { type: 'string' },
                  metadata: { type: 'object' },
                  spec,
                },
              },
            },
          },
        ],
      },
    };
    return new CrdRegistry([doc]);
  }
  const thing = (spec: unknown) => ({
    apiVersion: 'test.example.com/v1',
    kind: 'Thing',
    metadata: { name: 't' },
    spec,
  });

  it('reports a CEL rule it cannot evaluate (a Kubernetes-only function), only where the data is present', () => {
    const reg = crd({
      type: 'object',
      properties: {
        a: {
          type: 'object',
          properties: { x: { type: 'string' } },
          'x-kubernetes-validations': [{ rule: 'isURL(self.x)', message: 'x is a URL' }],
        },
        b: { type: 'string' },
      },
    });
    expect(validateObject(thing({ a: { x: 'q' } }), reg)).toEqual([
      'Thing/t: unsupported CEL rule at spec.a: isURL(self.x) (unbound function: isURL)',
    ]);
    expect(validateObject(thing({ b: 'only b' }), reg)).toEqual([]);
  });

  it('evaluates standard CEL and the strings extension, as the API server does', () => {
    const reg = crd({
      type: 'object',
      properties: { x: { type: 'string' } },
      'x-kubernetes-validations': [
        { rule: "self.x.startsWith('p') && self.x.lowerAscii() == self.x", message: 'x: lowercase, starts with p' },
      ],
    });
    expect(validateObject(thing({ x: 'pull' }), reg)).toEqual([]);
    expectProblem(validateObject(thing({ x: 'Pull' }), reg), 'spec: x: lowercase, starts with p');
    expectProblem(validateObject(thing({ x: 'pUll' }), reg), 'spec: x: lowercase, starts with p');
  });

  it('reports a rule that is not CEL', () => {
    const reg = crd({ type: 'object', 'x-kubernetes-validations': [{ rule: 'self.a +', message: 'm' }] });
    expectProblem(validateObject(thing({}), reg), 'Thing/t: invalid CEL rule at spec: self.a +');
  });

  it('reports a CEL rule that fails to evaluate (no such key)', () => {
    const reg = crd({
      type: 'object',
      properties: { a: { type: 'object', properties: { b: { type: 'string' } } } },
      'x-kubernetes-validations': [{ rule: 'has(self.a.b)', message: 'needs a.b' }],
    });
    expectProblem(validateObject(thing({}), reg), 'Thing/t: spec: CEL rule failed to evaluate (field not found: a)');
    expectProblem(validateObject(thing({ a: {} }), reg), 'Thing/t: spec: needs a.b');
    expect(validateObject(thing({ a: { b: 'x' } }), reg)).toEqual([]);
  });

  it('types numbers from the schema: integer is CEL int, number is double', () => {
    const reg = crd({
      type: 'object',
      properties: { level: { type: 'integer' }, ratio: { type: 'number' } },
      'x-kubernetes-validations': [
        { rule: '!has(self.level) || self.level + 1 > 3', message: 'level above 2' },
        { rule: '!has(self.ratio) || self.ratio + 1 > 3', message: 'ratio above 2' },
      ],
    });
    expect(validateObject(thing({ level: 3 }), reg)).toEqual([]);
    expectProblem(validateObject(thing({ level: 2 }), reg), 'spec: level above 2');
    // int + double has no overload in CEL: Kubernetes rejects this rule at CRD creation; here it fails to evaluate.
    expectProblem(
      validateObject(thing({ ratio: 3 }), reg),
      "no matching overload for '_+_' applied to '(double, int)'",
    );
  });

  it('messages: messageExpression when it gives a string, else message; a result that is not a bool', () => {
    const reg = crd({
      type: 'object',
      properties: { level: { type: 'integer' } },
      'x-kubernetes-validations': [
        {
          rule: 'self.level >= 3',
          message: 'level >= 3',
          messageExpression: "'level must be at least 3, got ' + string(self.level)",
        },
        { rule: 'self.level <= 9', message: 'level <= 9', messageExpression: 'self.level' },
      ],
    });
    expectProblem(
      validateObject(thing({ level: 2 }), reg),
      'spec: level must be at least 3, got 2 (CEL rule: self.level >= 3)',
    );
    // A rule must return a bool: anything else is reported with the value.
    const notBool = crd({ type: 'object', 'x-kubernetes-validations': [{ rule: 'self', message: 'm' }] });
    expectProblem(validateObject(thing({ a: 1 }), notBool), 'spec: CEL rule returned {"a":1}, not a bool');
    // A messageExpression that is not a string falls back to message.
    expectProblem(validateObject(thing({ level: 10 }), reg), 'spec: level <= 9 (CEL rule: self.level <= 9)');
  });

  it('evaluates transition rules (oldSelf) on updates only, where the old object has a value', () => {
    const reg = crd({
      type: 'object',
      properties: {
        name: {
          type: 'string',
          'x-kubernetes-validations': [{ rule: 'self == oldSelf', message: 'name is immutable' }],
        },
        ports: {
          type: 'array',
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['name'],
          items: {
            type: 'object',
            properties: { name: { type: 'string' }, port: { type: 'integer' } },
            'x-kubernetes-validations': [{ rule: 'self.port >= oldSelf.port', message: 'a port only grows' }],
          },
        },
      },
      'x-kubernetes-validations': [{ rule: "self.name != 'forbidden'", message: 'not forbidden' }],
    });
    const v1 = thing({ name: 'a', ports: [{ name: 'http', port: 80 }] });
    // A create: the transition rules do not apply; only the plain rule on spec was evaluated.
    expect(checkAll([v1], reg)).toMatchObject({ problems: [], celRulesEvaluated: 1 });
    expect(validateUpdate(v1, v1, reg)).toEqual([]);
    expect(validateUpdate(v1, thing({ name: 'b', ports: [{ name: 'http', port: 80 }] }), reg)).toEqual([
      'Thing/t: spec.name: name is immutable (CEL rule: self == oldSelf)',
    ]);
    // List items are correlated by their map keys: a new item has no old value, a kept one is compared.
    const httpPortTo = (port: number) =>
      validateUpdate(
        v1,
        thing({
          name: 'a',
          ports: [
            { name: 'dns', port: 53 },
            { name: 'http', port },
          ],
        }),
        reg,
      );
    expect(httpPortTo(81)).toEqual([]);
    expect(httpPortTo(79)).toEqual(['Thing/t: spec.ports[1]: a port only grows (CEL rule: self.port >= oldSelf.port)']);
  });

  it('reports an optionalOldSelf transition rule as unsupported (it needs CEL optional types)', () => {
    const reg = crd({
      type: 'object',
      'x-kubernetes-validations': [
        { rule: '!oldSelf.hasValue() || self == oldSelf.value()', message: 'immutable', optionalOldSelf: true },
      ],
    });
    expectProblem(validateObject(thing({}), reg), 'unsupported CEL rule at spec', 'optionalOldSelf');
  });

  it('runs CEL on list items and map values, with the item path', () => {
    const item = {
      type: 'object',
      properties: { value: { type: 'string' }, secretRef: { type: 'string' } },
      'x-kubernetes-validations': [
        { rule: 'has(self.value) != has(self.secretRef)', message: 'exactly one of value or secretRef' },
      ],
    };
    const reg = crd({
      type: 'object',
      properties: { list: { type: 'array', items: item }, map: { type: 'object', additionalProperties: item } },
    });
    expect(
      validateObject(thing({ list: [{ value: 'a' }, { value: 'a', secretRef: 'b' }], map: { k: {} } }), reg),
    ).toEqual([
      'Thing/t: spec.list[1]: exactly one of value or secretRef (CEL rule: has(self.value) != has(self.secretRef))',
      'Thing/t: spec.map.k: exactly one of value or secretRef (CEL rule: has(self.value) != has(self.secretRef))',
    ]);
    const summary = checkAll([thing({ list: [{ value: 'a' }, { secretRef: 'b' }], map: { k: { value: 'c' } } })], reg);
    expect(summary.problems).toEqual([]);
    expect(summary.celRulesEvaluated).toBe(3);
  });

  it('handles x-kubernetes-int-or-string and x-kubernetes-preserve-unknown-fields', () => {
    const reg = crd({
      type: 'object',
      properties: {
        port: { anyOf: [{ type: 'integer' }, { type: 'string' }], 'x-kubernetes-int-or-string': true },
        free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
        closed: { type: 'object', properties: { a: { type: 'string' } } },
        empty: { type: 'object' },
      },
    });
    expect(validateObject(thing({ port: 8080, free: { anything: { goes: 1 } }, closed: { a: 'x' } }), reg)).toEqual([]);
    expect(validateObject(thing({ port: '50%' }), reg)).toEqual([]);
    expectProblem(validateObject(thing({ port: true }), reg), 'spec.port: must be integer,string');
    expectProblem(validateObject(thing({ closed: { b: 'x' } }), reg), 'spec.closed.b: unknown field');
    expectProblem(validateObject(thing({ empty: { x: 1 } }), reg), 'spec.empty.x: unknown field');
    expectProblem(validateObject(thing({ other: 1 }), reg), 'spec.other: unknown field');
    expectProblem(validateObject({ ...thing({}), extra: 1 }, reg), 'Thing/t: extra: unknown field');
  });

  it('applies nested defaults before CEL, as the API server does', () => {
    const reg = crd({
      type: 'object',
      properties: {
        mode: { type: 'string', default: 'strict' },
        opts: { type: 'object', properties: { level: { type: 'integer', default: 3 } } },
      },
      'x-kubernetes-validations': [
        { rule: "self.mode == 'strict' && (!has(self.opts) || self.opts.level >= 3)", message: 'strict, level >= 3' },
      ],
    });
    expect(validateObject(thing({}), reg)).toEqual([]);
    expect(validateObject(thing({ opts: {} }), reg)).toEqual([]);
    expectProblem(validateObject(thing({ mode: 'lax' }), reg), 'spec: strict, level >= 3');
    expectProblem(validateObject(thing({ opts: { level: 2 } }), reg), 'spec: strict, level >= 3');
  });
});

describe('CEL rules through @bufbuild/cel (./cel)', () => {
  const self = {
    name: 'nodes',
    n: 2,
    on: true,
    off: false,
    list: ['a', 'b'],
    policies: ['*'],
    nested: { a: { b: 'x' } },
    map: { k: 'v', 'dotted.key': 1 },
    items: [{ v: 1 }, { v: 5 }],
  };
  const ev = (rule: string) => evaluateCel(rule, self);

  it('binds self as the API server types it: whole numbers are int, objects are maps, results come back plain', () => {
    expect(ev('self.n')).toBe(2n);
    expect(ev('self.nested.a.b')).toBe('x');
    expect(ev("self.map['dotted.key']")).toBe(1n);
    expect(ev('self.items.filter(i, i.v > 2)')).toEqual([new Map([['v', 5n]])]);
    expect(evaluateCel('self.r', { r: 2 }, { type: 'object', properties: { r: { type: 'number' } } })).toBe(2);
    expect(evaluateCel('type(self.r) == double', { r: 2 }, { properties: { r: { type: 'number' } } })).toBe(true);
    expect(evaluateCel('type(self.r) == int', { r: 2 }, { properties: { r: { type: 'integer' } } })).toBe(true);
    expect(
      evaluateCel('type(self.r[0]) == double', { r: [2] }, { properties: { r: { items: { type: 'number' } } } }),
    ).toBe(true);
  });

  it('a missing key is an error; has() tells presence', () => {
    expect(() => ev('self.missing')).toThrow(new CelEvalError('field not found: missing', false));
    expect(() => ev('self.list[2]')).toThrow(CelEvalError);
    expect(ev('has(self.name)')).toBe(true);
    expect(ev('has(self.missing)')).toBe(false);
    expect(ev('has(self.nested.a.c)')).toBe(false);
    expect(() => ev('has(self.missing.b)')).toThrow('field not found: missing');
  });

  it('&& and || absorb errors as CEL says', () => {
    expect(ev('self.missing || true')).toBe(true);
    expect(ev('self.missing && false')).toBe(false);
    expect(() => ev('self.missing || false')).toThrow('field not found: missing');
    expect(() => ev('!self.name')).toThrow(CelEvalError);
  });

  it("'x' in list, 'k' in map, size() and the filter macro of the ESO rules", () => {
    expect(ev("'*' in self.policies")).toBe(true);
    expect(ev("!('esoNamespace' in self.map)")).toBe(true);
    expect(ev("'é'.size()")).toBe(1n);
    expect(ev('[has(self.name),has(self.missing)].filter(x,x==true).size() <= 1')).toBe(true);
    expect(ev('[has(self.name),has(self.n)].filter(x,x==true).size() <= 1')).toBe(false);
    expect(ev('[has(self.name),has(self.missing),has(self.on)].filter(x,x==true).size() == 1')).toBe(false);
  });

  it('the rules of the contracted CRDs evaluate as Kubernetes would', () => {
    const required =
      "!('*' in self.managementPolicies || 'Create' in self.managementPolicies || 'Update' in self.managementPolicies) || has(self.forProvider.name) || (has(self.initProvider) && has(self.initProvider.name))";
    expect(evaluateCel(required, { managementPolicies: ['*'], forProvider: {} })).toBe(false);
    expect(evaluateCel(required, { managementPolicies: ['*'], forProvider: { name: 'x' } })).toBe(true);
    expect(evaluateCel(required, { managementPolicies: ['Observe'], forProvider: {} })).toBe(true);
    expect(
      evaluateCel(required, { managementPolicies: ['Create'], forProvider: {}, initProvider: { name: 'x' } }),
    ).toBe(true);
  });

  it('tells transition rules (oldSelf) from the others, and binds oldSelf', () => {
    expect(compileCel('self == oldSelf').transition).toBe(true);
    expect(compileCel("self.x == 'oldSelf'").transition).toBe(false);
    expect(evaluateCel('self.n >= oldSelf.n', { n: 3 }, undefined, { n: 2 })).toBe(true);
    expect(evaluateCel('self.n >= oldSelf.n', { n: 1 }, undefined, { n: 2 })).toBe(false);
  });

  it('flags what it cannot evaluate: text that is not CEL, and functions of the Kubernetes libraries', () => {
    for (const rule of ['self.a +', 'self.a,', '(self.a']) expect(() => compileCel(rule)).toThrow(CelSyntaxError);
    expect(() => ev('self.list.isSorted()')).toThrow(new CelEvalError('unbound function: isSorted', true));
    expect(() => ev('self.list.isSorted()')).toThrow(expect.objectContaining({ unsupported: true }));
  });
});
