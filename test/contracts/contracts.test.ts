/**
 * The project's contract files (test/contracts/, written by `npm run contracts` from the upstream reference copies in
 * `../shared`): how they are written, and, when `../shared` is there, that they are not stale against it. Without
 * `../shared` (a clone with nothing beside it) the staleness check is skipped with a notice; everything else runs.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  CONTRACTS_DIR,
  HARBOR_GIT_DIR_ENV,
  HARBOR_RBAC_TAG,
  ROBOT_ACCESS_MODULE,
  SHARED_DIR,
  buildContracts,
  committedContracts,
  parseRobotAccess,
  render,
  robotAccessContract,
  robotAccessModule,
  stripProse,
  type ContractFile,
} from '../../scripts/contracts';
import { HARBOR_ROBOT_ACCESS, HARBOR_ROBOT_ACCESS_ORIGIN } from '../../lib/harbor/robot-access';

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
  });
});

describe("Harbor's robot permissions, shipped in lib/harbor/robot-access.ts", () => {
  const committedModule = fs.readFileSync(path.join(__dirname, '..', '..', ROBOT_ACCESS_MODULE), 'utf8');

  it('is written as the generator writes it, from the release of the swagger contract, without a machine path', () => {
    expect(robotAccessModule(HARBOR_ROBOT_ACCESS, HARBOR_ROBOT_ACCESS_ORIGIN)).toBe(committedModule);
    expect(HARBOR_ROBOT_ACCESS_ORIGIN).toEqual({
      upstream: 'goharbor/harbor src/common/rbac/const.go',
      version: expect.stringMatching(
        new RegExp(`^${HARBOR_RBAC_TAG.replace(/\./g, '\\.')} \\(commit [0-9a-f]{40}\\)$`),
      ),
    });
    expect(parsed('harbor-api.json')['x-contract'].version.split(' ')[0]).toBe(HARBOR_RBAC_TAG);
    expect(committedModule).not.toMatch(/\/(work|root|home|tmp|Users)\//);
  });

  it("holds what Harbor's robot API checks (HARBOR-FACTS): repository:pull and push, tag:list, artifact:read; not repository:* or tag:read", () => {
    const { project } = HARBOR_ROBOT_ACCESS;
    expect(project.repository).toEqual(['delete', 'list', 'pull', 'push', 'read', 'update']);
    expect(project.tag).toEqual(['create', 'delete', 'list']);
    expect(project.artifact).toContain('read');
    // NolimitProvider's additions to PoliciesMap.
    expect(project.robot).toEqual(['create', 'delete', 'list', 'read']);
    expect(project.member).toEqual(['create', 'delete', 'list', 'read', 'update']);
    expect(HARBOR_ROBOT_ACCESS.system.quota).toEqual(['list', 'read', 'update']);
  });

  /** A Go file shaped like Harbor's const.go (written here, not copied): constants, PoliciesMap, NolimitProvider. */
  const goFile = (
    provider = 'return &NolimitProvider{}',
    projectBase = 'n.BaseProvider.GetPermissions(ScopeProject)',
  ) => `
package rbac
const (
\tActionPull = Action("pull")
\tActionRead   = Action("read")
\tActionCreate = Action("create")
)
const (
\tResourceRepository = Resource("repository")
\tResourceRobot      = Resource("robot")
\tResourceTagRetention = Resource("tag-retention")
)
func GetPermissionProvider() RobotPermissionProvider {
\t// TODO will determine by the ui configuration
\t${provider}
}
func (n *NolimitProvider) GetPermissions(s scope) []*types.Policy {
\tif s == ScopeSystem {
\t\treturn append(n.BaseProvider.GetPermissions(ScopeSystem),
\t\t\t&types.Policy{Resource: ResourceRobot, Action: ActionCreate})
\t}
\tif s == ScopeProject {
\t\treturn append(${projectBase},
\t\t\t&types.Policy{Resource: ResourceRobot, Action: ActionRead},
\t\t\t&types.Policy{Resource: ResourceRobot, Action: ActionCreate})
\t}
\treturn []*types.Policy{}
}
var (
\tPoliciesMap = map[scope][]*types.Policy{
\t\tScopeSystem: {
\t\t\t{Resource: ResourceRepository, Action: ActionRead},
\t\t},
\t\tScopeProject: {
\t\t\t{Resource: ResourceTagRetention, Action: ActionRead},
\t\t\t{Resource: ResourceRepository, Action: ActionPull},
\t\t\t{Resource: ResourceRepository, Action: ActionPull},
\t\t},
\t}
)
`;

  it('parseRobotAccess reads PoliciesMap and the NolimitProvider additions, sorted and without duplicates', () => {
    expect(parseRobotAccess(goFile())).toEqual({
      project: { repository: ['pull'], robot: ['create', 'read'], 'tag-retention': ['read'] },
      system: { repository: ['read'], robot: ['create'] },
    });
  });

  it('parseRobotAccess fails, naming what changed, when the file no longer has the shape it reads', () => {
    expect(() => parseRobotAccess(goFile('return &BaseProvider{}'))).toThrow(
      /GetPermissionProvider no longer returns &NolimitProvider\{\}/,
    );
    expect(() => parseRobotAccess(goFile(undefined, '[]*types.Policy{}'))).toThrow(
      /NolimitProvider's ScopeProject branch no longer starts from PoliciesMap/,
    );
    expect(() => parseRobotAccess(goFile().replace('ResourceRobot      = Resource("robot")', ''))).toThrow(
      /ResourceRobot is not a Resource or Action constant/,
    );
    expect(() => parseRobotAccess(goFile().replace('PoliciesMap =', 'OtherMap ='))).toThrow(/no PoliciesMap/);
  });

  const gitDir = process.env[HARBOR_GIT_DIR_ENV];
  if (!gitDir) {
    console.warn(
      `test/contracts: ${HARBOR_GIT_DIR_ENV} is not set, so ${ROBOT_ACCESS_MODULE} is not compared with Harbor's const.go (the staleness test is skipped). Set it to a git directory of goharbor/harbor to check it.`,
    );
    test.skip(`SKIPPED: ${HARBOR_GIT_DIR_ENV} is not set; ${ROBOT_ACCESS_MODULE} was not compared with upstream`, () => {});
    return;
  }
  it(`${ROBOT_ACCESS_MODULE} is what npm run contracts writes from ${HARBOR_GIT_DIR_ENV}`, () => {
    const built = robotAccessContract(gitDir);
    if (built.text !== committedModule)
      throw new Error(
        `${ROBOT_ACCESS_MODULE} is stale against ${built.sources[0]}. Run \`${HARBOR_GIT_DIR_ENV}=<dir> npm run contracts\`, review the diff and commit it.`,
      );
  });
});
