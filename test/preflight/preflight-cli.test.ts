/**
 * `harbor-private-app preflight` against the lab's Harbor emulator (every request and answer checked against Harbor's
 * swagger): artifacts by tag and digest, missing images and projects, and the pull Secret's robot in every state.
 */
import { randomBytes } from 'node:crypto';
import { HarborClient } from '../../lib/harbor/client';
import { HarborEmulator, startEmulatorServer } from '../lab/harbor-emulator';
import { FIXTURES, jsonReport, runCli } from '../lint/run-cli';

const DIGEST = `sha256:${'5e'.repeat(32)}`;

describe('harbor-private-app preflight', () => {
  const adminPassword = `Lab${randomBytes(12).toString('hex')}`;
  const devPassword = `Dev${randomBytes(12).toString('hex')}`;
  const padminPassword = `Padm${randomBytes(12).toString('hex')}`;
  let emulator: HarborEmulator;
  let server: { url: string; close(): Promise<void> };
  let env: Record<string, string>;

  beforeAll(async () => {
    emulator = new HarborEmulator({ adminPassword });
    server = await startEmulatorServer(emulator);
    env = { HARBOR_URL: server.url, HARBOR_USERNAME: emulator.adminUsername, HARBOR_PASSWORD: adminPassword };
    const admin = new HarborClient({ url: server.url, username: emulator.adminUsername, password: adminPassword });
    try {
      for (const [name, isPublic] of [
        ['k8s', false],
        ['other', false],
        ['pub', true],
      ] as const) {
        await admin.createProject({ name, public: isPublic, autoScan: false, preventVul: false });
      }
      const robot = (name: string, action = 'pull', resource = 'repository') =>
        admin.createRobot({
          name,
          duration: -1,
          level: 'project',
          permissions: [{ kind: 'project', namespace: 'k8s', access: [{ resource, action }] }],
        });
      for (const name of ['coredns-pull', 'off', 'old', 'gone']) await robot(name);
      // Harbor gives a project robot's repository:push a pull too (src/common/security/robot/context.go).
      await robot('pusher', 'push');
      await robot('reader', 'read', 'artifact');
    } finally {
      await admin.close();
    }
    // Logins that are no system administrator: a developer of both private projects, and a projectAdmin of k8s who is
    // a guest of other (Harbor answers them 403 for a project that does not exist, and lets developers read robots).
    emulator.addUser('dev', devPassword);
    emulator.addProjectAdmin('k8s', 'padmin', padminPassword);
    const asAdmin = new HarborClient({ url: server.url, username: emulator.adminUsername, password: adminPassword });
    try {
      for (const [user, project, role] of [
        ['dev', 'k8s', 'developer'],
        ['dev', 'other', 'developer'],
        ['padmin', 'other', 'guest'],
      ] as const)
        await asAdmin.addMember(project, { kind: 'user', name: user }, role);
    } finally {
      await asAdmin.close();
    }
    emulator.addArtifact('k8s', 'coredns', DIGEST, ['1.2.6']);
    emulator.addArtifact('other', 'app', `sha256:${'7a'.repeat(32)}`, ['1.0']);
    emulator.addArtifact('pub', 'tool', `sha256:${'8b'.repeat(32)}`, ['1.0']);
    emulator.setRobotDisabled('robot$k8s+off', true);
    emulator.setRobotExpiresAt('robot$k8s+old', Math.floor(Date.now() / 1000) - 3600);
    emulator.deleteRobotOutOfBand('robot$k8s+gone');
  });

  afterAll(async () => {
    await server?.close();
    expect(emulator.contractViolations).toEqual([]);
  });

  test('each image: present or not, and whether the robot of its pull Secret may pull it', async () => {
    emulator.resetLog();
    const run = await runCli(
      ['preflight', '--registry', 'reg.harbor.com', '--format', 'json', `${FIXTURES}/preflight.yaml`],
      {
        env,
      },
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
    const report = jsonReport(run);
    expect(report.command).toBe('preflight');
    // coredns (tag), pinned (digest), pusher (push grants pull), public (a public project needs no robot) pass; store's
    // robot is unknown.
    expect(report.findings.map((f) => [f.name, f.code])).toEqual([
      ['typo', 'image-missing'],
      ['ghost', 'project-missing'],
      ['other', 'robot-denied'],
      ['off', 'robot-disabled'],
      ['old', 'robot-expired'],
      ['gone', 'robot-missing'],
      ['reader', 'robot-denied'],
      ['bare', 'no-pull-secret'],
    ]);
    const by = (name: string) => report.findings.find((f) => f.name === name)!;
    expect(by('typo').problem).toBe('is not in Harbor: project k8s has no coredns:1.2.7 (tag)');
    expect(by('ghost').problem).toBe('is in project ghost, which does not exist in Harbor');
    expect(by('other').problem).toContain(
      'robot "robot$k8s+coredns-pull" belongs to project k8s, and a project robot pulls only from its own project, not from other',
    );
    expect(by('off').problem).toContain('"robot$k8s+off" is disabled in Harbor');
    expect(by('old').problem).toMatch(/"robot\$k8s\+old" expired on \d{4}-/);
    expect(by('gone').problem).toContain('"robot$k8s+gone" does not exist in Harbor');
    expect(by('reader').problem).toContain(
      '"robot$k8s+reader" has no repository:pull (or push) permission on project k8s',
    );
    expect(report.notes.map((n) => n.message)).toEqual([
      'Secret "store-pull" in apps names its user only when it is created, so the robot\'s access to project k8s was not checked',
      '"k8s-puller" is not a robot account (no "robot$" prefix), so its access to project k8s was not checked',
    ]);
    // Each artifact, project and robot is asked for once, and only read.
    expect(emulator.writes()).toBe(0);
    const asked = emulator.requests.map((r) => `${r.method} ${decodeURIComponent(r.path).replace('/api/v2.0', '')}`);
    expect(asked.filter((a) => a.includes('/artifacts/'))).toEqual([
      'GET /projects/k8s/repositories/coredns/artifacts/1.2.6',
      `GET /projects/k8s/repositories/coredns/artifacts/${DIGEST}`,
      'GET /projects/k8s/repositories/coredns/artifacts/1.2.7',
      'GET /projects/ghost/repositories/app/artifacts/1.0',
      'GET /projects/other/repositories/app/artifacts/1.0',
      'GET /projects/pub/repositories/tool/artifacts/1.0',
    ]);
    expect(run.stdout).not.toContain(adminPassword);
    expect(run.stdout).not.toContain('not-a-real-secret');
  });

  test('as a developer or a projectAdmin (no system administrator): the same findings, a missing project included', async () => {
    const findings = async (username: string, password: string) => {
      const run = await runCli(
        ['preflight', '--registry', 'reg.harbor.com', '--format', 'json', `${FIXTURES}/preflight.yaml`],
        { env: { ...env, HARBOR_USERNAME: username, HARBOR_PASSWORD: password } },
      );
      expect([run.code, run.stderr]).toEqual([1, '']);
      return jsonReport(run).findings.map((f) => [f.name, f.code, f.problem]);
    };
    const asAdmin = await findings(emulator.adminUsername, adminPassword);
    emulator.resetLog();
    expect(await findings('dev', devPassword)).toEqual(asAdmin);
    // Harbor hid the missing project behind 403 (base.go); HEAD /projects?project_name= told it apart.
    const ghost = emulator.requests.filter((r) => r.query.includes('ghost') || r.path.includes('/ghost'));
    expect(ghost.map((r) => `${r.method} ${r.status}`)).toEqual(['GET 403', 'HEAD 404', 'GET 403', 'HEAD 404']);
    expect(await findings('padmin', padminPassword)).toEqual(asAdmin);
  });

  test('HarborClient.getArtifact: a repository with "/" is encoded twice, as Harbor wants; absent is undefined', async () => {
    emulator.addArtifact('k8s', 'tools/debug', `sha256:${'9c'.repeat(32)}`, ['1.0', 'latest']);
    const client = new HarborClient({ url: server.url, username: emulator.adminUsername, password: adminPassword });
    try {
      emulator.resetLog();
      expect(await client.getArtifact('k8s', 'tools/debug', 'latest')).toEqual({
        digest: `sha256:${'9c'.repeat(32)}`,
        tags: ['1.0', 'latest'],
      });
      expect(emulator.requests.map((r) => r.path)).toEqual([
        '/api/v2.0/projects/k8s/repositories/tools%252Fdebug/artifacts/latest',
      ]);
      expect(await client.getArtifact('k8s', 'tools/debug', '2.0')).toBeUndefined();
      expect(await client.getArtifact('k8s', 'tools', '1.0')).toBeUndefined();
    } finally {
      await client.close();
    }
  });

  test('by default it checks the registry on the host of HARBOR_URL', async () => {
    const host = new URL(server.url).host;
    const yaml = [
      'apiVersion: v1',
      'kind: Secret',
      'metadata: { name: pull, namespace: apps }',
      'type: kubernetes.io/dockerconfigjson',
      'stringData:',
      `  .dockerconfigjson: '{"auths":{"${host}":{"username":"robot$k8s+coredns-pull","password":"not-a-real-secret"}}}'`,
      '---',
      'apiVersion: v1',
      'kind: Pod',
      'metadata: { name: ok, namespace: apps }',
      'spec:',
      '  imagePullSecrets: [{ name: pull }]',
      `  containers: [{ name: ok, image: ${host}/k8s/coredns:1.2.6 }, { name: gone, image: ${host}/k8s/coredns:0.1 }]`,
    ].join('\n');
    const run = await runCli(['preflight', '-'], { env, stdin: yaml });
    expect(run.code).toBe(1);
    // The line and column of the image itself.
    const column = yaml.split('\n')[12].indexOf(`${host}/k8s/coredns:0.1`) + 1;
    expect(run.stdout).toContain(
      `<stdin>:13:${column}: Pod apps/ok, container "gone", image "${host}/k8s/coredns:0.1" is not in Harbor`,
    );
    expect(run.stdout).toContain(`registries (--registry): ${host}.`);
  });

  test('nothing to ask Harbor about (the images name another host than HARBOR_URL): exit 2 saying so, unless allowed', async () => {
    emulator.resetLog();
    const run = await runCli(['preflight', `${FIXTURES}/seed`], { env });
    expect(run.code).toBe(2);
    expect(run.stdout).toContain(
      'error: preflight asked Harbor about nothing: no container image of the input is on the checked registries',
    );
    expect(run.stdout).toContain('Fix: give --registry with the registry host your images name');
    expect(emulator.requests).toEqual([]);
    const allowed = await runCli(['preflight', '--allow-nothing-to-check', '--format', 'json', `${FIXTURES}/seed`], {
      env,
    });
    expect(allowed.code).toBe(0);
    expect(jsonReport(allowed).notes.map((n) => n.message)).toEqual([
      expect.stringContaining('preflight asked Harbor about nothing'),
    ]);
    const lint = await runCli(['lint', '--allow-nothing-to-check', `${FIXTURES}/seed`]);
    expect(lint.code).toBe(2);
    expect(lint.stderr).toContain('--allow-nothing-to-check is an option of preflight');
  });

  test('without HARBOR_URL, HARBOR_USERNAME or HARBOR_PASSWORD: exit 2 naming the variable', async () => {
    for (const missing of ['HARBOR_URL', 'HARBOR_USERNAME', 'HARBOR_PASSWORD']) {
      const run = await runCli(['preflight', `${FIXTURES}/preflight.yaml`], { env: { ...env, [missing]: '' } });
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(`preflight needs ${missing} in the environment`);
    }
  });

  test("a wrong password: exit 2 with Harbor's 401, never the password", async () => {
    const wrong = `Wrong${randomBytes(8).toString('hex')}`;
    const run = await runCli(['preflight', '--registry', 'reg.harbor.com', `${FIXTURES}/preflight.yaml`], {
      env: { ...env, HARBOR_PASSWORD: wrong },
    });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('HTTP 401');
    expect(run.stderr).not.toContain(wrong);
  });
});
