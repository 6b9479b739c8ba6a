/**
 * The README's programs run as written. Each block marked `<!-- example: <name> -->` in README.md is a complete
 * program, mirrored in ./examples (type-checked and linted by `npm test` like any source). This file fails when a
 * README example and its mirror differ (apart from white space, trailing commas and the package's import path), then
 * RUNS each mirror in the repository: the cdk8s program synthesizes into a temporary outdir, the Pulumi program runs
 * under Pulumi's mocks. (test/package/consumer.test.ts runs the same blocks from the packed tarball, which is slower.)
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { parseAllDocuments } from 'yaml';
import { installMocks, isSecretInput, promiseOf, settled } from '../pulumi/support/mocks';

const registrations = installMocks();
const README = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
const EXAMPLES = join(__dirname, 'examples');

/** The README's complete programs: the fenced block after each `<!-- example: <name> -->` marker, by name. */
function examples(): Map<string, string> {
  const found = new Map<string, string>();
  for (const m of README.matchAll(/<!-- example: ([a-z0-9-]+) -->\s*```ts\n([\s\S]*?)^```$/gm)) found.set(m[1], m[2]);
  return found;
}

/** Code in a form that ignores formatting: no white space, no trailing commas, the package's import paths. */
function normalised(code: string): string {
  return code
    .replace(/^\/\/ Mirror of the README[^\n]*\n/, '')
    .replace(/'(?:\.\.\/)+lib\/(cdk8s|pulumi)'/g, "'harbor-private-app/$1'")
    .replace(/\s+/g, '')
    .replace(/,(?=[}\])])/g, '');
}

const MIRRORS: Record<string, string> = { cdk8s: 'cdk8s-example.ts', pulumi: 'pulumi-example.ts' };

describe('README programs and their mirrors', () => {
  test('every marked example of the README has a mirror, and every mirror an example', () => {
    const markers = [...README.matchAll(/<!-- example: ([a-z0-9-]+) -->/g)].map((m) => m[1]);
    expect(markers).toEqual(Object.keys(MIRRORS));
    expect([...examples().keys()]).toEqual(Object.keys(MIRRORS));
    expect(readdirSync(EXAMPLES).sort()).toEqual(Object.values(MIRRORS).sort());
  });

  test.each(Object.entries(MIRRORS))('the %s example equals its mirror %s', (name, file) => {
    expect(normalised(readFileSync(join(EXAMPLES, file), 'utf8'))).toBe(normalised(examples().get(name)!));
  });
});

describe('the cdk8s program, run', () => {
  let outdir: string;
  let objects: Array<Record<string, any>>;
  let example: typeof import('./examples/cdk8s-example');
  /** The cdk8s the example was loaded with (its own module registry). */
  let cdk8s: typeof import('cdk8s');
  beforeAll(() => {
    outdir = mkdtempSync(join(tmpdir(), 'readme-cdk8s-'));
    const before = process.env.CDK8S_OUTDIR;
    process.env.CDK8S_OUTDIR = outdir;
    try {
      jest.isolateModules(() => {
        example = require('./examples/cdk8s-example');
        cdk8s = require('cdk8s');
      });
    } finally {
      if (before === undefined) delete process.env.CDK8S_OUTDIR;
      else process.env.CDK8S_OUTDIR = before;
    }
    objects = parseAllDocuments(readFileSync(join(outdir, 'coredns.k8s.yaml'), 'utf8')).map(
      (d) => d.toJSON() as Record<string, any>,
    );
  });
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  test('synthesizes the Harbor objects, the ExternalSecret and the Deployment using the pull Secret', () => {
    const kinds = objects.map((o) => o.kind);
    expect(kinds).toEqual(expect.arrayContaining(['Project', 'MemberUser', 'RobotAccount', 'ExternalSecret']));
    const deployment = objects.find((o) => o.kind === 'Deployment')!;
    expect(deployment.metadata.namespace).toBe('kube-system');
    expect(deployment.spec.template.spec.imagePullSecrets).toEqual([{ name: 'registry-secret' }]);
  });

  test("has the shape of cdk8s init typescript-app's main.ts: its main.test.ts synthesizes the exported MyChart", () => {
    // What the template's main.test.ts does (node_modules/cdk8s-cli/templates/typescript-app/main.test.ts); the
    // template's own files run it in test/package/cdk8s-scaffold.test.ts.
    const template = readFileSync(
      join(__dirname, '..', '..', 'node_modules', 'cdk8s-cli', 'templates', 'typescript-app', 'main.test.ts'),
      'utf8',
    );
    expect(template).toContain("import {MyChart} from './main';");
    expect(template).toContain("const chart = new MyChart(app, 'test-chart');");
    const chart = new example.MyChart(cdk8s.Testing.app(), 'test-chart');
    const results = cdk8s.Testing.synth(chart) as Array<Record<string, any>>;
    expect(results.find((o) => o.kind === 'Deployment')!.spec.template.spec.imagePullSecrets).toEqual([
      { name: 'registry-secret' },
    ]);
  });

  test('the store the ExternalSecret reads is emitted too, and admits its namespace', () => {
    const es = objects.find((o) => o.kind === 'ExternalSecret')!;
    expect([es.metadata.namespace, es.spec.target.name]).toEqual(['kube-system', 'registry-secret']);
    const store = objects.find(
      (o) => o.kind === es.spec.secretStoreRef.kind && o.metadata.name === es.spec.secretStoreRef.name,
    );
    expect(store).toBeDefined();
    expect(store!.spec.conditions).toEqual([{ namespaces: ['kube-system'] }]);
    // The store reads the namespace the robot's connection Secret is written to.
    const robot = objects.find((o) => o.kind === 'RobotAccount')!;
    expect(store!.spec.provider.kubernetes.remoteNamespace).toBe(robot.spec.writeConnectionSecretToRef.namespace);
  });
});

describe('the Pulumi program, run under mocks', () => {
  let exported: { robotFullName: pulumi.Output<string | undefined>; robotSecret: pulumi.Output<string | undefined> };
  beforeAll(async () => {
    pulumi.runtime.setAllConfig(
      { 'project:harborUsername': 'admin', 'project:harborPassword': 'not-a-real-password' },
      ['project:harborPassword'],
    );
    exported = require('./examples/pulumi-example');
    await settled('the README Pulumi program');
  });

  test('registers the component, the Harbor objects and, through configure, the Service on port 53', () => {
    const types = registrations.map((r) => r.type);
    expect(types).toEqual(
      expect.arrayContaining([
        'harbor-private-app:index:HarborPrivateApp',
        'pulumi-nodejs:dynamic/harbor:Project',
        'pulumi-nodejs:dynamic/harbor:ProjectMember',
        'pulumi-nodejs:dynamic/harbor:RobotAccount',
        'kubernetes:apps/v1:Deployment',
        'kubernetes:core/v1:Service',
      ]),
    );
    const service = registrations.find((r) => r.type === 'kubernetes:core/v1:Service')!;
    expect(service.inputs.spec.ports).toEqual([{ port: 53 }]);
    const secret = registrations.find((r) => r.type === 'kubernetes:core/v1:Secret')!;
    expect(isSecretInput(secret.inputs.data)).toBe(true);
  });

  test('exports the robot name (under mocks, the name the mocked Harbor returns) and the robot secret', async () => {
    expect(await promiseOf(exported.robotFullName, 'robotFullName')).toMatch(/^robot\$k8s\+coredns-pull$/);
    expect(await pulumi.isSecret(exported.robotSecret)).toBe(true);
  });
});

test("the lab's suite count in the README is the number of test files in test/lab", () => {
  const stated = /the (\d+) `\*\.test\.ts` files of `test\/lab`/.exec(README);
  expect(stated).not.toBeNull();
  const files = readdirSync(join(__dirname, '..', 'lab')).filter((f) => f.endsWith('.test.ts'));
  expect(Number(stated![1])).toBe(files.length);
});
