/**
 * The project's contract files (test/contracts/, written by `npm run contracts` from the upstream reference copies in
 * `../shared`): how they are written, and, when `../shared` is there, that they are not stale against it. Without
 * `../shared` (a clone with nothing beside it) the staleness check is skipped with a notice; everything else runs.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  CONTRACTS_DIR,
  SHARED_DIR,
  buildContracts,
  committedContracts,
  render,
  stripProse,
  type ContractFile,
} from '../../scripts/contracts';

const committed = committedContracts();

function parsed(file: string): Record<string, any> {
  return JSON.parse(committed.get(file)!);
}

describe('the committed contract files', () => {
  it('are the Harbor API contract and one CRD contract per upstream source', () => {
    expect([...committed.keys()]).toEqual([
      'crds/external-secrets.json',
      'crds/provider-harbor.json',
      'harbor-api.json',
    ]);
  });

  it('are written as the generator writes them, and name their source and version without a machine path', () => {
    for (const [file, text] of committed) {
      expect({ file, text: render(JSON.parse(text)) }).toEqual({ file, text });
      const header = parsed(file)['x-contract'];
      expect(Object.keys(parsed(file))[0]).toBe('x-contract');
      expect(header).toMatchObject({
        source: expect.stringMatching(/^\.\.\/shared\/(harbor|crds)\//),
        upstream: expect.stringMatching(/^[\w.-]+\/[\w.-]+ \S+/),
        version: expect.stringMatching(/[0-9a-f]{40}/),
        generator: 'scripts/contracts.ts (npm run contracts)',
      });
      expect(text).not.toMatch(/\/(work|root|home|tmp|Users)\//);
    }
  });

  it('keep no prose: stripping it again changes nothing', () => {
    const harbor = parsed('harbor-api.json');
    expect(stripProse(harbor)).toEqual(harbor);
    for (const file of ['crds/external-secrets.json', 'crds/provider-harbor.json']) {
      for (const crd of parsed(file).crds)
        for (const v of crd.spec.versions)
          if (v.schema) expect(stripProse(v.schema.openAPIV3Schema)).toEqual(v.schema.openAPIV3Schema);
    }
  });

  it('keep what validation needs: the Harbor operations the client calls, CEL rules, defaults, patterns', () => {
    const harbor = parsed('harbor-api.json');
    expect(harbor).toMatchObject({ swagger: '2.0', basePath: '/api/v2.0', consumes: ['application/json'] });
    for (const [template, methods] of Object.entries({
      '/projects': ['get', 'head', 'post'],
      '/projects/{project_name_or_id}': ['delete', 'get', 'put'],
      '/projects/{project_name_or_id}/members': ['get', 'post'],
      '/projects/{project_name_or_id}/members/{mid}': ['delete', 'get', 'put'],
      '/projects/{project_name}/repositories': ['get'],
      '/projects/{project_name}/repositories/{repository_name}': ['delete', 'get', 'put'],
      '/robots': ['get', 'post'],
      '/robots/{robot_id}': ['delete', 'get', 'patch', 'put'],
      '/users/current': ['get'],
    }))
      expect(Object.keys(harbor.paths[template]).filter((k) => k !== 'parameters')).toEqual(methods);
    // A property named like a prose keyword is a field, and stays.
    expect(harbor.definitions.Robot.properties.description).toEqual({ type: 'string' });
    expect(harbor.definitions.Robot.properties.duration).toMatchObject({ 'x-nullable': true });

    const robot = parsed('crds/provider-harbor.json').crds.find((c: any) => c.spec.names.kind === 'RobotAccount');
    const spec = robot.spec.versions[0].schema.openAPIV3Schema.properties.spec;
    expect(spec['x-kubernetes-validations'].map((r: any) => r.message)).toContain(
      'spec.forProvider.name is a required parameter',
    );
    expect(spec.properties.managementPolicies.default).toEqual(['*']);
    expect(spec.properties.forProvider.properties.description).toEqual({ type: 'string' });
  });

  it('stripProse drops documentation, never a named field or a value', () => {
    const schema = {
      description: 'prose',
      title: 'prose',
      example: { a: 1 },
      type: 'object',
      required: ['description'],
      properties: {
        description: { type: 'string', description: 'prose', maxLength: 10 },
        mode: { type: 'string', enum: ['a', 'b'], default: 'a', pattern: '^[ab]$' },
        list: { type: 'array', items: { type: 'string', description: 'prose' }, 'x-kubernetes-list-type': 'set' },
      },
      'x-kubernetes-validations': [{ rule: 'has(self.mode)', message: 'mode is required' }],
    };
    expect(stripProse(schema)).toEqual({
      type: 'object',
      required: ['description'],
      properties: {
        description: { type: 'string', maxLength: 10 },
        mode: { type: 'string', enum: ['a', 'b'], default: 'a', pattern: '^[ab]$' },
        list: { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'set' },
      },
      'x-kubernetes-validations': [{ rule: 'has(self.mode)', message: 'mode is required' }],
    });
  });

  it('render sorts keys, keeps array order and gives the same text for the same content', () => {
    const a = render({ b: [3, 1, 2], a: { z: 1, y: 'x'.repeat(130) } });
    expect(a).toBe(render({ a: { y: 'x'.repeat(130), z: 1 }, b: [3, 1, 2] }));
    expect(a).toBe(`{\n "a": {\n  "y": "${'x'.repeat(130)}",\n  "z": 1\n },\n "b": [3,1,2]\n}\n`);
  });
});

/** Problems of the committed files against freshly built ones: one line per differing, missing or extra file. */
function staleness(built: readonly ContractFile[], files: ReadonlyMap<string, string>): string[] {
  const problems: string[] = [];
  for (const f of built) {
    const old = files.get(f.path);
    if (old === undefined) {
      problems.push(`test/contracts/${f.path} is missing`);
    } else if (old !== f.text) {
      const a = old.split('\n');
      const b = f.text.split('\n');
      const line = a.findIndex((l, i) => l !== b[i]);
      const cut = (s: string | undefined) => JSON.stringify((s ?? '(end of file)').trim().slice(0, 100));
      problems.push(
        `test/contracts/${f.path} differs from what ${f.sources.length === 1 ? f.sources[0] : `${f.sources.length} files of ${path.posix.dirname(f.sources[0])}/`} gives, first at line ${line + 1}: committed ${cut(a[line])}, upstream gives ${cut(b[line])}`,
      );
    }
  }
  for (const p of files.keys())
    if (!built.some((f) => f.path === p)) problems.push(`test/contracts/${p} is not written by npm run contracts`);
  return problems;
}

describe('the staleness check', () => {
  it('reports an altered, a missing and an extra file (the check can fail)', () => {
    const built: ContractFile[] = [
      { path: 'a.json', text: '{\n "x": 1\n}\n', sources: ['../shared/a.yaml'] },
      { path: 'b.json', text: '{}\n', sources: ['../shared/b.yaml'] },
    ];
    expect(
      staleness(
        built,
        new Map([
          ['a.json', '{\n "x": 2\n}\n'],
          ['c.json', '{}\n'],
        ]),
      ),
    ).toEqual([
      'test/contracts/a.json differs from what ../shared/a.yaml gives, first at line 2: committed "\\"x\\": 2", upstream gives "\\"x\\": 1"',
      'test/contracts/b.json is missing',
      'test/contracts/c.json is not written by npm run contracts',
    ]);
  });
});

describe('staleness against ../shared', () => {
  if (!fs.existsSync(SHARED_DIR)) {
    console.warn(
      'test/contracts: ../shared is absent, so the committed contracts are not compared with upstream (the staleness test is skipped). Put the shared/ folder next to the repository to check them.',
    );
    test.skip('SKIPPED: ../shared is absent; the committed contracts were not compared with upstream', () => {});
    return;
  }

  it('the committed contracts are what npm run contracts writes from ../shared', () => {
    const problems = staleness(buildContracts(SHARED_DIR), committedContracts(CONTRACTS_DIR));
    if (problems.length > 0)
      throw new Error(
        `The contracts in test/contracts/ are stale against ../shared. Run \`npm run contracts\`, review the diff and commit it:\n${problems.join('\n')}`,
      );
  }, 60_000);
});
