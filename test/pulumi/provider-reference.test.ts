/**
 * Where the package is installed, a Harbor resource registers the text of a HarborProviderReference, written by
 * providerReferenceText instead of Pulumi's closure serializer. These tests hold that text to what the serializer's
 * text does in Pulumi's dynamic provider host (`requireFromString(text).handler()`), and the resource registered with
 * it to what `pulumi.dynamic.Resource` registers.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { HarborDynamicResource } from '../../lib/pulumi/resources/dynamic-resource';
import { HarborProviderReference, providerReferenceText } from '../../lib/pulumi/resources/provider-reference';

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
  harborProvider: provider('harbor'),
  harborRobotLoginProvider: provider('login'),
  harborPullCheckProvider: provider('pullCheck'),
  harborRobotRotationProvider: provider('rotation'),
};
`,
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The text Pulumi's serializer writes for the same reference (what `pulumi.dynamic.Resource` would store). */
async function serializerText(provider: HarborProviderReference): Promise<string> {
  return (await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true })).text;
}

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
    'harborProvider',
    'harborRobotLoginProvider',
    'harborPullCheckProvider',
    'harborRobotRotationProvider',
  ] as const)('the %s reference behaves in the host as the closure serializer text does', async (exportName) => {
    const reference = new HarborProviderReference(fakeModule, exportName);
    const text = providerReferenceText(reference);
    const ours = await drive(text);
    expect(ours).toEqual(await drive(await serializerText(reference)));
    expect((ours as unknown[][])[1]).toEqual(
      ['configure', 'create', 'read', 'diff', 'diff', 'update', 'delete'].map((op) => [
        {
          harborProvider: 'harbor',
          harborRobotLoginProvider: 'login',
          harborPullCheckProvider: 'pullCheck',
          harborRobotRotationProvider: 'rotation',
        }[exportName],
        op,
      ]),
    );
  });

  test('is small, names the module and the export, holds nothing of the implementation', () => {
    const text = providerReferenceText(
      new HarborProviderReference('harbor-private-app/pulumi/dynamic-provider', 'harborRobotLoginProvider'),
    );
    expect(text).toContain('"harbor-private-app/pulumi/dynamic-provider"');
    expect(text).toContain('"harborRobotLoginProvider"');
    expect(text).not.toMatch(/HarborClient|fetch\(|undici/);
    expect(text.length).toBeLessThan(4_000);
    // No comment line: editing the class's comments must not change what every Harbor resource stores.
    expect(HarborProviderReference.toString()).toMatch(/^\s*(\/\/|\/\*|\*)/m);
    expect(text).not.toMatch(/^\s*(\/\/|\/\*|\*)/m);
  });

  test('a module that cannot be loaded fails the operation with the fix', async () => {
    const p = requireFromString(
      providerReferenceText(new HarborProviderReference('harbor-private-app-not-installed/x')),
    ).handler();
    await expect(p.create({})).rejects.toThrow(
      /^Harbor dynamic provider: cannot load "harbor-private-app-not-installed\/x" from .*Fix: run Pulumi in the program's directory, with harbor-private-app installed there/s,
    );
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
    constructor(name: string, provider: pulumi.dynamic.ResourceProvider | string) {
      super(provider, name, { a: 1, b: 'x', out: undefined }, {}, 'harbor', 'Thing');
    }
  }

  const urnOf = (r: pulumi.Resource): Promise<string> => new Promise((resolve) => r.urn.apply(resolve));

  test('registers as pulumi.dynamic.Resource would: the same type token, the same inputs, the text as __provider', async () => {
    const reference = new HarborProviderReference(fakeModule);
    const text = await serializerText(reference);
    const withText = new Thing('with-text', text);
    const withObject = new Thing('with-object', reference);
    await Promise.all([urnOf(withText), urnOf(withObject)]);
    const [a, b] = ['with-text', 'with-object'].map((n) => registered.find((r) => r.name === n)!);
    expect(a.type).toBe('pulumi-nodejs:dynamic/harbor:Thing');
    expect({ ...a, name: '' }).toEqual({ ...b, name: '' });
    expect(Object.keys(a.inputs)).toEqual(['__provider', 'a', 'b']);
    expect(a.inputs.__provider).toBe(text);
    expect(await new Promise((resolve) => withText.out.apply(resolve))).toBe(1);
  });

  test('is a pulumi.dynamic.Resource and a CustomResource, and refuses a __provider input', () => {
    const thing = new Thing('instance', 'exports.handler = () => ({});');
    expect(thing).toBeInstanceOf(pulumi.dynamic.Resource);
    expect(thing).toBeInstanceOf(pulumi.CustomResource);
    expect(thing).toBeInstanceOf(Thing);
    expect(pulumi.CustomResource.isInstance(thing)).toBe(true);
    expect(() => new HarborDynamicResource('text', 'bad', { __provider: 'x' }, {}, 'harbor', 'Thing')).toThrow(
      /must not define the __provider key/,
    );
  });
});
