import { randomBytes } from 'node:crypto';
import { describeLab, labBinaries, labMode, missingMessage } from './binaries';
import { startLab, type Lab } from './lab';

const API = '/api/v2.0';

/** Builds a `.dockerconfigjson` by hand, exactly as HARBOR-FACTS.md describes it. */
function dockerConfigJson(host: string, username: string, password: string): string {
  return JSON.stringify({
    auths: { [host]: { username, password, auth: Buffer.from(`${username}:${password}`).toString('base64') } },
  });
}

interface Robot {
  readonly id: number;
  readonly name: string;
  readonly secret: string;
}

describeLab('end-to-end lab: a node pulls from a private Harbor project', () => {
  let lab: Lab;
  let coredns: string;
  let coreDigest: string;
  let startedAt: number;
  let labStartMs: number;
  const memberName = `dev${randomBytes(3).toString('hex')}`;
  const memberPassword = `Lab${randomBytes(12).toString('hex')}`;

  async function api(
    method: string,
    path: string,
    body?: unknown,
    auth?: { user: string; pass: string },
  ): Promise<Response> {
    const who = auth ?? { user: lab.adminUsername, pass: lab.adminPassword };
    return fetch(`${lab.harborUrl}${API}${path}`, {
      method,
      headers: {
        Authorization: `Basic ${Buffer.from(`${who.user}:${who.pass}`).toString('base64')}`,
        'Content-Type': 'application/json',
        'X-Is-Resource-Name': 'true',
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }

  async function expectStatus(res: Response, status: number, what: string): Promise<void> {
    if (res.status !== status)
      throw new Error(`${what}: expected HTTP ${status}, got ${res.status}: ${await res.text()}`);
  }

  async function createProject(name: string, isPublic: boolean): Promise<void> {
    await expectStatus(
      await api('POST', '/projects', { project_name: name, metadata: { public: String(isPublic) } }),
      201,
      `create project ${name}`,
    );
  }

  async function createPullRobot(project: string, name: string): Promise<Robot> {
    const res = await api('POST', '/robots', {
      name,
      description: 'lab pull robot',
      level: 'project',
      duration: -1,
      permissions: [{ kind: 'project', namespace: project, access: [{ resource: 'repository', action: 'pull' }] }],
    });
    await expectStatus(res, 201, `create robot ${name} in ${project}`);
    return (await res.json()) as Robot;
  }

  beforeAll(async () => {
    startedAt = Date.now();
    lab = await startLab();
    labStartMs = Date.now() - startedAt;
    await createProject('k8s', false);
    await createProject('other', false);
    await createProject('pub', true);
    const pushed = await lab.pushImage('k8s', 'coredns', '1.2.6');
    coredns = pushed.imageRef;
    coreDigest = pushed.digest;
    await lab.pushImage('other', 'app', '1.0');
    await lab.pushImage('pub', 'hello', '1.0');
  });

  afterAll(async () => {
    const violations = lab ? [...lab.emulator.contractViolations] : [];
    await lab?.stop();
    expect(violations).toEqual([]);
    if (startedAt) {
      console.log(`lab wall time: startLab ${labStartMs} ms, whole suite ${Date.now() - startedAt} ms`);
    }
  });

  it('pushed k8s/coredns:1.2.6 as admin to the loopback registry', () => {
    expect(coredns).toBe(`${lab.registryHost}/k8s/coredns:1.2.6`);
    expect(coreDigest).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('denies an anonymous pull from the private project', async () => {
    const r = await lab.pull(coredns, undefined);
    expect(r.ok).toBe(false);
    expect(r.stderr).toMatch(/unauthorized|denied/i);
  });

  it('allows an anonymous pull from a public project (the denial above is about privacy)', async () => {
    const r = await lab.pull(`${lab.registryHost}/pub/hello:1.0`, undefined);
    expect(r.stderr).toBe('');
    expect(r.ok).toBe(true);
  });

  it('denies a docker config whose auths key is another host', async () => {
    const robot = await createPullRobot('k8s', 'wrong-host');
    const r = await lab.pull(coredns, dockerConfigJson('harbor.invalid', robot.name, robot.secret));
    expect(r.ok).toBe(false);
    expect(r.stderr).toMatch(/unauthorized|denied/i);
  });

  describe('with a member and a pull robot made through the Harbor API', () => {
    let robot: Robot;
    let otherRobot: Robot;

    beforeAll(async () => {
      // Harbor users come from its database/LDAP; the emulator's set-up API stands in for that (no REST call).
      lab.emulator.addUser(memberName, memberPassword);
      await expectStatus(
        await api('POST', '/projects/k8s/members', { role_id: 3, member_user: { username: memberName } }),
        201,
        'add guest member',
      );
      robot = await createPullRobot('k8s', 'kubelet');
      otherRobot = await createPullRobot('other', 'kubelet');
    });

    it('gets the robot full name with the robot$ prefix and the project', () => {
      expect(robot.name).toBe('robot$k8s+kubelet');
      expect(robot.secret.length).toBeGreaterThanOrEqual(8);
    });

    it('pulls with the robot dockerconfigjson, like kubelet with an imagePullSecret', async () => {
      const r = await lab.pull(coredns, dockerConfigJson(lab.registryHost, robot.name, robot.secret));
      expect(r.stderr).toBe('');
      expect(r.ok).toBe(true);
      expect(r.digest).toBe(coreDigest);
    });

    it('pulls with the guest member credentials', async () => {
      const r = await lab.pull(coredns, dockerConfigJson(lab.registryHost, memberName, memberPassword));
      expect(r.stderr).toBe('');
      expect(r.ok).toBe(true);
    });

    it('denies the robot of another project', async () => {
      const own = await lab.pull(
        `${lab.registryHost}/other/app:1.0`,
        dockerConfigJson(lab.registryHost, otherRobot.name, otherRobot.secret),
      );
      expect(own.ok).toBe(true);
      const r = await lab.pull(coredns, dockerConfigJson(lab.registryHost, otherRobot.name, otherRobot.secret));
      expect(r.ok).toBe(false);
      expect(r.stderr).toMatch(/unauthorized|denied/i);
      expect(r.stderr).not.toContain(otherRobot.secret);
    });

    it('denies the robot name with a wrong secret', async () => {
      const r = await lab.pull(
        coredns,
        dockerConfigJson(lab.registryHost, robot.name, 'Wrong-placeholder-not-a-secret1'),
      );
      expect(r.ok).toBe(false);
      expect(r.stderr).toMatch(/unauthorized|denied/i);
    });

    it('denies the robot after it is deleted', async () => {
      const before = await lab.pull(coredns, dockerConfigJson(lab.registryHost, robot.name, robot.secret));
      expect(before.ok).toBe(true);
      await expectStatus(await api('DELETE', `/robots/${robot.id}`), 200, 'delete robot');
      const after = await lab.pull(coredns, dockerConfigJson(lab.registryHost, robot.name, robot.secret));
      expect(after.ok).toBe(false);
      expect(after.stderr).toMatch(/unauthorized|denied/i);
      expect(after.stderr).not.toContain(robot.secret);
    });
  });
});

describe('describeLab policy (runs everywhere, lab programs or not)', () => {
  it('runs when nothing is missing, fails under CI=true and skips elsewhere when something is', () => {
    expect(labMode([], { CI: 'true' })).toBe('run');
    expect(labMode([], {})).toBe('run');
    expect(labMode(['skopeo'], { CI: 'true' })).toBe('fail');
    expect(labMode(['skopeo'], {})).toBe('skip');
    expect(labMode(['skopeo'], { CI: 'false' })).toBe('skip');
  });

  it('names the missing program and how to install it', () => {
    const message = missingMessage('my suite', ['docker-registry']);
    expect(message).toContain('my suite');
    expect(message).toContain('docker-registry');
    expect(message).toContain('apt-get install -y docker-registry skopeo');
  });

  it('finds the lab programs outside PATH in /usr/bin, and reports an unknown PATH entry as nothing extra', () => {
    const found = labBinaries('/nonexistent-lab-path');
    for (const name of ['docker-registry', 'skopeo', 'openssl'] as const) {
      expect(found.missing.includes(name)).toBe(found.paths[name] === undefined);
    }
  });
});
