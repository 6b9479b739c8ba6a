/**
 * Where the package is installed, a Harbor resource registers providerReferenceText: a fixed, hand-written, versioned
 * text that requires the installed package's provider module. These tests hold that text to what Pulumi's dynamic
 * provider host does with it (`requireFromString(text).handler()`: every operation reaches the module's export), and
 * HarborDynamicResource to what `pulumi.dynamic.Resource` registers.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { HarborDynamicResource } from '../../lib/pulumi/resources/dynamic-resource';
import {
  PROVIDER_REFERENCE_VERSION,
  providerReferenceText,
  providerText,
} from '../../lib/pulumi/resources/provider-reference';

const requireFromString = require(
  require.resolve('require-from-string', { paths: [require.resolve('@pulumi/pulumi')] }),
) as (code: string) => { handler(): pulumi.dynamic.ResourceProvider };

let dir: string;
/**
 * A module standing in for harbor-private-app/pulumi/dynamic-provider: it appends every call it gets to calls.log (the
 * host's require is Node's own, not jest's: a file is what both see).
 */
let fakeModule: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hpa-provider-reference-'));
  fakeModule = join(dir, 'fake-dynamic-provider.js');
  writeFileSync(
    fakeModule,
    `const fs = require('node:fs');
const calls = { push: (c) => fs.appendFileSync(${JSON.stringify(join(dir, 'calls.log'))}, JSON.stringify(c) + '\\n') };
const provider = (name) => ({
  configure: async (req) => { calls.push([name, 'configure', req.config]); },
  create: async (inputs) => { calls.push([name, 'create', inputs]); return { id: 'id-1', outs: { ...inputs, made: name } }; },
  read: async (id, props) => { calls.push([name, 'read', id]); return { id, props: { ...props, read: true } }; },
  diff: async (id, olds, news) => { calls.push([name, 'diff', id]); return { changes: olds.v !== news.v }; },
  update: async (id, olds, news) => { calls.push([name, 'update', id]); return { outs: { ...news, updated: true } }; },
  delete: async (id) => { calls.push([name, 'delete', id]); },
});
module.exports = {
  harborProjectProvider: provider('project'),
  harborMemberProvider: provider('member'),
  harborRobotProvider: provider('robot'),
  harborRobotLoginProvider: provider('login'),
  harborRobotRotationProvider: provider('rotation'),
};
`,
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Every operation through a provider loaded from `text` as the host loads it, and the calls the module got. */
async function drive(text: string): Promise<unknown[]> {
  const log = join(dir, 'calls.log');
  writeFileSync(log, '');
  const p = requireFromString(text).handler();
  const results = [
    await p.configure!({ config: { get: () => undefined } as never }),
    await p.create({ v: 1 }),
    await p.read!('id-1', { v: 1 }),
    await p.diff!('id-1', { v: 1 }, { v: 2 }),
    await p.diff!('id-1', { v: 2 }, { v: 2 }),
    await p.update!('id-1', { v: 1 }, { v: 2 }),
    await p.delete!('id-1', { v: 2 }),
  ];
  const calls = readFileSync(log, 'utf8')
    .trim()
    .split('\n')
    .map((l) => (JSON.parse(l) as unknown[]).slice(0, 2));
  return [results, calls];
}

describe('providerReferenceText', () => {
  test.each([
    'harborProjectProvider',
    'harborMemberProvider',
    'harborRobotProvider',
    'harborRobotLoginProvider',
    'harborRobotRotationProvider',
  ] as const)('the %s reference hands every operation of the host to that export', async (exportName) => {
    const ours = (await drive(providerReferenceText(exportName, fakeModule))) as unknown[][];
    const name = {
      harborProjectProvider: 'project',
      harborMemberProvider: 'member',
      harborRobotProvider: 'robot',
      harborRobotLoginProvider: 'login',
      harborRobotRotationProvider: 'rotation',
    }[exportName];
    expect(ours[1]).toEqual(
      ['configure', 'create', 'read', 'diff', 'diff', 'update', 'delete'].map((op) => [name, op]),
    );
    expect(ours[0]).toEqual([
      undefined,
      { id: 'id-1', outs: { v: 1, made: name } },
      { id: 'id-1', props: { v: 1, read: true } },
      { changes: true },
      { changes: false },
      { outs: { v: 2, updated: true } },
      undefined,
    ]);
  });

  test('is a fixed, versioned text: small, the module and the export named, nothing of the implementation', () => {
    const text = providerReferenceText('harborRobotLoginProvider');
    expect(text.split('\n')[0]).toBe(
      `// harbor-private-app dynamic provider reference, version ${PROVIDER_REFERENCE_VERSION}`,
    );
    expect(text).toContain('require("harbor-private-app/pulumi/dynamic-provider")');
    expect(text).toContain('loaded["harborRobotLoginProvider"]');
    expect(text).not.toMatch(/HarborClient|fetch\(|undici/);
    expect(text.length).toBeLessThan(2_000);
    // The same text for every call: what every Harbor resource stores, build after build.
    expect(providerReferenceText('harborRobotLoginProvider')).toBe(text);
  });

  test('a module that cannot be loaded fails with the fix when the host loads the text', () => {
    expect(() =>
      requireFromString(providerReferenceText('harborProjectProvider', 'harbor-private-app-not-installed/x')).handler(),
    ).toThrow(
      /^harbor-private-app: the Harbor dynamic provider cannot load "harbor-private-app-not-installed\/x" from .*Fix: run Pulumi in the program's directory, with harbor-private-app installed there/s,
    );
  });

  test('a module without the export fails with the fix', () => {
    const empty = join(dir, 'empty.js');
    writeFileSync(empty, 'module.exports = {};');
    expect(() => requireFromString(providerReferenceText('harborRobotLoginProvider', empty)).handler()).toThrow(
      /exports no "harborRobotLoginProvider"; the installed harbor-private-app is older than the one that wrote this state/,
    );
  });
});

describe('providerText where the package is not installed (this repository)', () => {
  test('is the implementations serialized by value with pulumi.runtime.serializeFunction, each text its own export', async () => {
    const text = providerText('harborRobotRotationProvider');
    expect(providerText('harborRobotRotationProvider')).toBe(text);
    const loaded = requireFromString(await text).handler();
    // The rotation provider behind its boundary: generation 0 on create, and undefined left off the wire.
    const created = await loaded.create({ trigger: undefined });
    expect(created).toMatchObject({ id: 'generation', outs: { generation: 0 } });
    expect(Object.keys(created.outs)).not.toContain('trigger');
    // The project's text hands over the project provider: its check fills the project defaults in.
    const project = requireFromString(await providerText('harborProjectProvider')).handler();
    const checked = await project.check!(
      {},
      { harbor: { url: 'https://harbor.example.com', config: 'p:harbor' }, name: 'k8s' },
    );
    expect(checked.inputs).toMatchObject({ name: 'k8s', public: false, autoScan: true });
  });
});

describe('HarborDynamicResource', () => {
  const registered: Array<{ type: string; name: string; inputs: Record<string, unknown> }> = [];
  beforeAll(async () => {
    await pulumi.runtime.setMocks(
      {
        newResource: (args) => {
          registered.push({ type: args.type, name: args.name, inputs: args.inputs as Record<string, unknown> });
          return { id: `${args.name}-id`, state: { ...args.inputs, out: 1 } };
        },
        call: (args) => args.inputs,
      },
      'project',
      'stack',
      false,
    );
  });

  class Thing extends HarborDynamicResource {
    declare public readonly out: pulumi.Output<number>;
    constructor(name: string, provider: string | Promise<string>) {
      super(provider, name, { a: 1, b: 'x', out: undefined }, {}, 'harbor', 'Thing');
    }
  }

  const urnOf = (r: pulumi.Resource): Promise<string> => new Promise((resolve) => r.urn.apply(resolve));

  test('registers as pulumi.dynamic.Resource would: the type token, the inputs as given, the text as __provider', async () => {
    const text = providerReferenceText('harborProjectProvider', fakeModule);
    const withText = new Thing('with-text', text);
    const withPromise = new Thing('with-promise', Promise.resolve(text));
    const reference = { create: async () => ({ id: 'x' }) };
    class SdkThing extends pulumi.dynamic.Resource {}
    const dynamic = new SdkThing(reference, 'with-sdk', { a: 1, b: 'x', out: undefined }, {}, 'harbor', 'Thing');
    await Promise.all([urnOf(withText), urnOf(withPromise), urnOf(dynamic)]);
    const [a, b, c] = ['with-text', 'with-promise', 'with-sdk'].map((n) => registered.find((r) => r.name === n)!);
    expect(a.type).toBe('pulumi-nodejs:dynamic/harbor:Thing');
    expect({ ...a, name: '' }).toEqual({ ...b, name: '' });
    expect(c.type).toBe(a.type);
    expect(Object.keys(a.inputs).sort()).toEqual(Object.keys(c.inputs).sort());
    expect(Object.keys(a.inputs).sort()).toEqual(['__provider', 'a', 'b']);
    expect(a.inputs.__provider).toBe(text);
    expect(await new Promise((resolve) => withText.out.apply(resolve))).toBe(1);
  });

  test('is a plain CustomResource subclass (no prototype changed), and refuses a __provider input', () => {
    const thing = new Thing('instance', 'exports.handler = () => ({});');
    expect(Object.getPrototypeOf(HarborDynamicResource)).toBe(pulumi.CustomResource);
    expect(Object.getPrototypeOf(HarborDynamicResource.prototype)).toBe(pulumi.CustomResource.prototype);
    expect(thing).toBeInstanceOf(pulumi.CustomResource);
    expect(thing).toBeInstanceOf(Thing);
    expect(pulumi.CustomResource.isInstance(thing)).toBe(true);
    expect(() => new HarborDynamicResource('text', 'bad', { __provider: 'x' }, {}, 'harbor', 'Thing')).toThrow(
      /must not define the __provider key/,
    );
  });
});
