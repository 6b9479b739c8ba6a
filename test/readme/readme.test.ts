/**
 * The documentation's programs run as written. Every TypeScript block of README.md and docs/*.md is marked as a
 * complete program (`<!-- example: <name> -->`) or as members of the HarborPrivateApp props (`<!-- fragment: cdk8s
 * props -->`, `<!-- fragment: pulumi args -->`); ./blocks.ts says how each is compiled and run. This file fails on an
 * unmarked block, on a compiler error in any block (reported at the document's line), and on a program that throws;
 * then checks what the README's two examples (one per engine) produce. (test/package/consumer.test.ts runs the
 * README's examples again from the packed tarball, test/package/cdk8s-scaffold.test.ts in `cdk8s init` projects.)
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as cdk8s from 'cdk8s';
import * as pulumi from '@pulumi/pulumi';
import { parseAllDocuments } from 'yaml';
import { installMocks, isSecretInput, promiseOf, settled, type Registration } from '../pulumi/support/mocks';
import { BAD_INPUTS } from '../hardening/corpus';
import { EXAMPLE_FILES } from './example-files';
import { type DocBlock, asDocBlock, run, typeCheck, typescriptBlocks } from './blocks';
import { ROOT } from './markdown';

const registrations = installMocks();
const marked = typescriptBlocks().map(asDocBlock);
const blocks = marked.filter((b): b is DocBlock => typeof b !== 'string');
const examples = new Map(blocks.filter((b) => b.kind === 'example').map((b) => [b.name, b]));
const label = (b: DocBlock): string => (b.kind === 'example' ? `${b.name} (${b.document}:${b.line})` : b.name);

describe('the TypeScript blocks of README.md and docs/*.md', () => {
  test('each is marked as an example or a fragment (test/readme/blocks.ts says how)', () => {
    expect(marked.filter((b) => typeof b === 'string')).toEqual([]);
    expect(blocks.length).toBeGreaterThanOrEqual(2);
  });

  test('example names are unique, and the README has one complete example per engine', () => {
    const names = blocks.filter((b) => b.kind === 'example').map((b) => b.name);
    expect(names).toEqual([...new Set(names)]);
    expect([examples.get('cdk8s'), examples.get('pulumi')].map((b) => [b?.document, b?.engine])).toEqual([
      ['README.md', 'cdk8s'],
      ['README.md', 'pulumi'],
    ]);
  });

  test('each compiles, strict, against the library as its entry points export it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'doc-blocks-'));
    try {
      expect(typeCheck(blocks, dir)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** What a cdk8s program did: its exports and the objects it synthesized. */
interface Synthesized {
  readonly exports: Record<string, unknown>;
  readonly objects: Array<Record<string, any>>;
}

/**
 * Runs a cdk8s program: an example synthesizes into a temporary outdir (`CDK8S_OUTDIR`), in a temporary working
 * directory holding the files it reads (./example-files.ts); a fragment's app is synthesized by `Testing.synth`.
 */
function synthesize(block: DocBlock): Synthesized {
  if (block.kind === 'fragment') {
    const exports = run(block);
    return { exports, objects: exports.objects as Array<Record<string, any>> };
  }
  const work = mkdtempSync(join(tmpdir(), 'doc-cdk8s-'));
  const outdir = join(work, 'dist');
  for (const [file, text] of Object.entries(EXAMPLE_FILES[block.name] ?? {})) {
    mkdirSync(dirname(join(work, file)), { recursive: true });
    writeFileSync(join(work, file), text);
  }
  const [cwd, before] = [process.cwd(), process.env.CDK8S_OUTDIR];
  process.env.CDK8S_OUTDIR = outdir;
  process.chdir(work);
  try {
    const exports = run(block);
    // A program that never calls app.synth() (it reads app.synthYaml(), say) writes nothing.
    const objects = (existsSync(outdir) ? readdirSync(outdir) : [])
      .filter((f) => f.endsWith('.k8s.yaml'))
      .flatMap((f) => parseAllDocuments(readFileSync(join(outdir, f), 'utf8')).map((d) => d.toJSON()))
      .filter((o): o is Record<string, any> => o !== null);
    return { exports, objects };
  } finally {
    process.chdir(cwd);
    if (before === undefined) delete process.env.CDK8S_OUTDIR;
    else process.env.CDK8S_OUTDIR = before;
    rmSync(work, { recursive: true, force: true });
  }
}

const cdk8sRuns = new Map<string, Synthesized>();
describe.each(blocks.filter((b) => b.engine === 'cdk8s').map((b) => [label(b), b] as const))(
  'cdk8s: %s',
  (name, block) => {
    test('runs; what it synthesizes are Kubernetes objects', () => {
      const result = synthesize(block);
      cdk8sRuns.set(name, result);
      for (const o of result.objects) expect([typeof o.apiVersion, typeof o.kind]).toEqual(['string', 'string']);
    });
  },
);

describe("the README's cdk8s example", () => {
  let objects: Array<Record<string, any>>;
  let exported: Record<string, unknown>;
  beforeAll(
    () =>
      ({ objects, exports: exported } =
        cdk8sRuns.get(label(examples.get('cdk8s')!)) ?? synthesize(examples.get('cdk8s')!)),
  );

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
      join(ROOT, 'node_modules', 'cdk8s-cli', 'templates', 'typescript-app', 'main.test.ts'),
      'utf8',
    );
    expect(template).toContain("import {MyChart} from './main';");
    expect(template).toContain("const chart = new MyChart(app, 'test-chart');");
    const MyChart = exported.MyChart as new (scope: cdk8s.App, id: string) => cdk8s.Chart;
    const results = cdk8s.Testing.synth(new MyChart(cdk8s.Testing.app(), 'test-chart')) as Array<Record<string, any>>;
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

/** What a Pulumi program did under the mocks: its exports and the registrations it made. */
interface Declared {
  readonly exports: Record<string, unknown>;
  readonly registered: Registration[];
}

const pulumiRuns = new Map<string, Declared>();
/** Runs a Pulumi program (or a fragment's app) under the mocks, once, and waits for its registrations. */
async function declare(block: DocBlock): Promise<Declared> {
  const known = pulumiRuns.get(label(block));
  if (known) return known;
  const from = registrations.length;
  const exports = run(block);
  await settled(label(block));
  const result = { exports, registered: registrations.slice(from) };
  pulumiRuns.set(label(block), result);
  return result;
}

beforeAll(() =>
  pulumi.runtime.setAllConfig({ 'project:harborUsername': 'admin', 'project:harborPassword': 'not-a-real-password' }, [
    'project:harborPassword',
  ]),
);

describe.each(blocks.filter((b) => b.engine === 'pulumi').map((b) => [label(b), b] as const))(
  'Pulumi: %s',
  (_name, block) => {
    test('runs under mocks, and registers the component with its Harbor project', async () => {
      const { registered } = await declare(block);
      expect(registered.map((r) => r.type)).toEqual(
        expect.arrayContaining(['harbor-private-app:index:HarborPrivateApp', 'pulumi-nodejs:dynamic/harbor:Project']),
      );
    });
  },
);

describe("the README's Pulumi example", () => {
  let declared: Declared;
  beforeAll(async () => (declared = await declare(examples.get('pulumi')!)));

  test('registers the component, the Harbor objects and, through configureWorkload, the Service on port 53', () => {
    const { registered } = declared;
    expect(registered.map((r) => r.type)).toEqual(
      expect.arrayContaining([
        'harbor-private-app:index:HarborPrivateApp',
        'pulumi-nodejs:dynamic/harbor:Project',
        'pulumi-nodejs:dynamic/harbor:ProjectMember',
        'pulumi-nodejs:dynamic/harbor:RobotAccount',
        'kubernetes:apps/v1:Deployment',
        'kubernetes:core/v1:Service',
      ]),
    );
    const service = registered.find((r) => r.type === 'kubernetes:core/v1:Service')!;
    expect(service.inputs.spec.ports).toEqual([{ port: 53 }]);
    const secret = registered.find((r) => r.type === 'kubernetes:core/v1:Secret')!;
    expect(isSecretInput(secret.inputs.data)).toBe(true);
  });

  test('exports the robot name (under mocks, the name the mocked Harbor returns) and the robot secret', async () => {
    const exported = declared.exports as {
      robotFullName: pulumi.Output<string | undefined>;
      robotSecret: pulumi.Output<string | undefined>;
    };
    expect(await promiseOf(exported.robotFullName, 'robotFullName')).toMatch(/^robot\$k8s\+coredns-pull$/);
    expect(await pulumi.isSecret(exported.robotSecret)).toBe(true);
  });
});

test("the lab's suite count in test/lab/README.md is the number of test files in test/lab", () => {
  const stated = /the (\d+) `\*\.test\.ts` files of `test\/lab`/.exec(
    readFileSync(join(ROOT, 'test', 'lab', 'README.md'), 'utf8'),
  );
  expect(stated).not.toBeNull();
  const files = readdirSync(join(ROOT, 'test', 'lab')).filter((f) => f.endsWith('.test.ts'));
  expect(Number(stated![1])).toBe(files.length);
});

test('docs/troubleshooting.md lists every field the bad-input corpus rejects on both engines', () => {
  const page = readFileSync(join(ROOT, 'docs', 'troubleshooting.md'), 'utf8');
  const fields = [
    ...new Set(BAD_INPUTS.filter((c) => c.engines === 'both').map((c) => c.field.replace(/\[\d+\]/g, '[i]'))),
  ];
  expect(fields.length).toBeGreaterThan(20);
  expect(fields.filter((f) => !page.includes(`| \`${f}\` |`))).toEqual([]);
});
