/**
 * The packed layout of a Harbor resource's inputs and state (lib/pulumi/providers/state-shape.ts): its declared outputs at the top
 * level, everything else under `spec`; the providers read both layouts and write the packed one.
 */
import type { dynamic } from '@pulumi/pulumi';
import {
  packedSecretOutputs,
  PackedStateProvider,
  packState,
  SPEC_KEY,
  TOP_LEVEL_KEYS,
  topLevelKeysOf,
  unpackState,
} from '../../lib/pulumi/providers/state-shape';

const FLAT_ROBOT = {
  resourceKind: 'robot',
  harbor: { url: 'https://harbor.example', config: 'project:harbor' },
  project: 'k8s',
  name: 'coredns-pull',
  permissions: [{ kind: 'project', namespace: 'k8s', access: [{ resource: 'repository', action: 'pull' }] }],
  robotId: 9,
  fullName: 'robot$k8s+coredns-pull',
  expiresAt: -1,
  __provider: 'exports.handler = () => provider;',
};

describe('packState / unpackState', () => {
  test('a robot: its declared outputs and __provider at the top level, the rest under spec', () => {
    const packed = packState(FLAT_ROBOT);
    expect(packed).toEqual({
      robotId: 9,
      fullName: 'robot$k8s+coredns-pull',
      expiresAt: -1,
      __provider: FLAT_ROBOT.__provider,
      spec: {
        resourceKind: 'robot',
        harbor: FLAT_ROBOT.harbor,
        project: 'k8s',
        name: 'coredns-pull',
        permissions: FLAT_ROBOT.permissions,
      },
    });
    expect(unpackState(packed)).toEqual(FLAT_ROBOT);
  });

  test('every kind keeps exactly its table at the top level', () => {
    for (const [kind, top] of Object.entries(TOP_LEVEL_KEYS)) {
      const flat = Object.fromEntries([...top, 'resourceKind', 'harbor', 'other'].map((k) => [k, `${kind}-${k}`]));
      flat.resourceKind = kind;
      const packed = packState(flat);
      expect(Object.keys(packed).sort()).toEqual([...top, SPEC_KEY].sort());
      expect(Object.keys(packed[SPEC_KEY] as unknown as object).sort()).toEqual(['harbor', 'other', 'resourceKind']);
      expect(unpackState(packed)).toEqual(flat);
    }
  });

  test('packing is idempotent; a flat state (written before the layout) unpacks to itself', () => {
    const packed = packState(FLAT_ROBOT);
    expect(packState(packed)).toEqual(packed);
    expect(unpackState(FLAT_ROBOT)).toBe(FLAT_ROBOT);
  });

  test('a top-level key wins over the same key under spec', () => {
    expect(unpackState({ name: 'new', spec: { name: 'old', resourceKind: 'project' } })).toEqual({
      name: 'new',
      resourceKind: 'project',
    });
  });

  test('an unknown kind, no resourceKind, or not an object is left as it is', () => {
    const other = { resourceKind: 'somethingElse', a: 1 };
    expect(packState(other)).toBe(other);
    const none = { a: 1 };
    expect(packState(none)).toBe(none);
    expect(packState(undefined)).toBeUndefined();
    // A `spec` that is not an object (another resource's own key) is not lifted.
    const k8sLike = { kind: 'Deployment', spec: 'x' };
    expect(unpackState(k8sLike)).toBe(k8sLike);
  });

  test('secret outputs of packed keys become spec; top-level ones stay', () => {
    expect(packedSecretOutputs('robot', ['secret', 'harbor']).sort()).toEqual(['secret', 'spec']);
    expect(packedSecretOutputs('robot', ['secret', 'connection']).sort()).toEqual(['connection', 'secret']);
    expect(packedSecretOutputs('project', ['harbor'])).toEqual(['spec']);
    expect(packedSecretOutputs('somethingElse', ['connection'])).toEqual(['connection']);
  });

  test('topLevelKeysOf picks the named kinds only', () => {
    expect(topLevelKeysOf('robotLogin')).toEqual({ robotLogin: TOP_LEVEL_KEYS.robotLogin });
  });
});

describe('PackedStateProvider', () => {
  /** A provider on the flat layout that records what it was given. */
  function flatProvider(seen: unknown[]): dynamic.ResourceProvider {
    return {
      async configure(req) {
        seen.push(['configure', req.config]);
      },
      async create(inputs: Record<string, unknown>) {
        seen.push(['create', inputs]);
        return { id: '9', outs: { ...inputs, robotId: 9, fullName: 'robot$k8s+coredns-pull' } };
      },
      async read(id: string, props: Record<string, unknown>) {
        seen.push(['read', props]);
        return { id, props: { ...props, expiresAt: 5 } };
      },
      async diff(_id: string, olds: Record<string, unknown>, news: Record<string, unknown>) {
        seen.push(['diff', olds, news]);
        return { changes: olds.project !== news.project, replaces: olds.project !== news.project ? ['project'] : [] };
      },
      async update(_id: string, olds: Record<string, unknown>, news: Record<string, unknown>) {
        seen.push(['update', olds, news]);
        return { outs: { ...news, robotId: olds.robotId } };
      },
      async delete(_id: string, props: Record<string, unknown>) {
        seen.push(['delete', props]);
      },
    };
  }

  test('hands its provider the flat layout, whichever it gets, and returns the packed one', async () => {
    const seen: unknown[] = [];
    const p = new PackedStateProvider(flatProvider(seen), topLevelKeysOf('robot'));
    const { __provider, robotId, fullName, expiresAt, ...inputs } = FLAT_ROBOT;
    void robotId;
    void fullName;
    void expiresAt;
    const packedInputs = packState({ ...inputs, __provider });

    const created = await p.create(packedInputs);
    expect(seen[0]).toEqual(['create', { ...inputs, __provider }]);
    expect(created.outs).toEqual(packState({ ...inputs, __provider, robotId: 9, fullName: 'robot$k8s+coredns-pull' }));
    expect(Object.keys(created.outs as object).sort()).toEqual(['__provider', 'fullName', 'robotId', 'spec']);

    // An old state (flat) against new inputs (packed): the provider compares like with like.
    const flatOld = { ...inputs, __provider, robotId: 9, fullName: 'robot$k8s+coredns-pull' };
    expect(await p.diff('9', flatOld, packedInputs)).toEqual({ changes: false, replaces: [] });
    expect(await p.diff('9', flatOld, packState({ ...inputs, project: 'k9s' }))).toEqual({
      changes: true,
      replaces: ['project'],
    });
    const updated = await p.update('9', flatOld, packedInputs);
    expect(updated.outs).toEqual(packState({ ...inputs, __provider, robotId: 9 }));

    const read = await p.read('9', created.outs);
    expect(seen.at(-1)).toEqual(['read', unpackState(created.outs)]);
    expect(read.props).toEqual(packState({ ...unpackState(created.outs), expiresAt: 5 }));

    await p.delete('9', created.outs);
    expect(seen.at(-1)).toEqual(['delete', unpackState(created.outs)]);

    await p.configure({ config: { get: () => undefined } as never });
    expect(seen.at(-1)).toEqual(['configure', expect.anything()]);
  });

  test('a flat state holding the deprecated connection (its password) keeps it at the top level when read', async () => {
    // States written before the layout mark `connection` secret (additionalSecretOutputs), and `pulumi refresh` keeps
    // the stored options: the password must stay under that name, not move under `spec`.
    for (const kind of ['project', 'member', 'robot']) {
      const connection = { url: 'https://harbor.example', username: 'admin', password: 'placeholder-not-a-secret' };
      const flatState = { resourceKind: kind, name: 'k8s', connection, adopt: false };
      const p = new PackedStateProvider(
        { create: async () => ({ id: '1' }), read: async (id: string, props: unknown) => ({ id, props }) },
        topLevelKeysOf(kind),
      );
      const props = (await p.read('1', flatState)).props as Record<string, unknown>;
      expect([kind, props.connection]).toEqual([kind, connection]);
      expect([kind, JSON.stringify(props.spec).includes('placeholder')]).toEqual([kind, false]);
      expect(packedSecretOutputs(kind, ['connection'])).toEqual(['connection']);
    }
  });

  test('a state read as gone stays gone (no props), as the host drops it', async () => {
    const p = new PackedStateProvider(
      { create: async () => ({ id: 'x' }), read: async () => ({}) },
      topLevelKeysOf('project'),
    );
    expect(await p.read('1', packState({ resourceKind: 'project', name: 'k8s' }))).toEqual({});
  });
});
