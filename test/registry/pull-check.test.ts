/**
 * The pull check against the lab's real registry (CNCF distribution with Harbor-style token auth) and the Harbor
 * emulator's robots: each outcome on a real token flow.
 */
import { createServer } from 'node:net';
import { HarborClient } from '../../lib/harbor/client';
import type { CreatedRobot } from '../../lib/harbor/types';
import { checkPull, type PullCheckResult } from '../../lib/registry/pull-check';
import { parseAuthChallenge } from '../../lib/registry/www-authenticate';
import { describeLab } from '../lab/binaries';
import { startLab, type Lab } from '../lab/lab';

describe('WWW-Authenticate', () => {
  test("Harbor's registry challenge", () => {
    expect(
      parseAuthChallenge(
        'Bearer realm="https://reg.harbor.com/service/token",service="harbor-registry",scope="repository:k8s/coredns:pull"',
      ),
    ).toEqual({
      scheme: 'bearer',
      params: {
        realm: 'https://reg.harbor.com/service/token',
        service: 'harbor-registry',
        scope: 'repository:k8s/coredns:pull',
      },
    });
  });

  test('Basic, unquoted values, escapes; nothing usable', () => {
    expect(parseAuthChallenge('Basic realm="a \\"b\\""')).toEqual({ scheme: 'basic', params: { realm: 'a "b"' } });
    expect(parseAuthChallenge('Bearer realm=x, service=y')).toEqual({
      scheme: 'bearer',
      params: { realm: 'x', service: 'y' },
    });
    expect(parseAuthChallenge('')).toBeUndefined();
    expect(parseAuthChallenge(null)).toBeUndefined();
  });
});

describe('checkPull input', () => {
  // The one copy of the check (pullCheckOptionProblem) with the Harbor client's PEM rule: a whole certificate block.
  test.each([
    ['a file path', '/etc/ssl/ca.pem'],
    ['a cut-off block', '-----BEGIN CERTIFICATE-----\nMIIB'],
  ])('refuses, before any request, a caBundle that is %s, without showing it', async (_what, caBundle) => {
    const thrown = await checkPull({
      image: 'reg.harbor.com/k8s/coredns:1.2.6',
      username: 'robot$k8s+a',
      password: 'x',
      caBundle,
    }).catch((e: unknown) => e);
    expect(String(thrown)).toMatch(/caBundle = "<not PEM>": holds no PEM certificate/);
    expect(String(thrown)).not.toContain(caBundle);
  });

  test('refuses, before any request, plain http to a host that is not loopback, and empty credentials', async () => {
    await expect(
      checkPull({ image: 'reg.harbor.com/k8s/coredns:1.2.6', username: 'robot$k8s+a', password: 'x', plainHttp: true }),
    ).rejects.toThrow(/plainHttp = true: would send the robot's secret in clear text to reg\.harbor\.com/);
    await expect(checkPull({ image: 'reg.harbor.com/k8s/coredns:1.2.6', username: '', password: 'x' })).rejects.toThrow(
      /username = "": is empty/,
    );
    await expect(
      checkPull({ image: 'reg.harbor.com/K8S/coredns', username: 'robot$k8s+a', password: 'x' }),
    ).rejects.toThrow(/image = "reg\.harbor\.com\/K8S\/coredns"/);
  });
});

describeLab('checkPull against the lab registry (Harbor token flow)', () => {
  let lab: Lab;
  let admin: HarborClient;
  let digest: string;
  const robots: Record<string, CreatedRobot> = {};
  const results: PullCheckResult[] = [];

  const check = async (image: string, robot: CreatedRobot, password = robot.secret): Promise<PullCheckResult> => {
    const r = await checkPull({ image, username: robot.name, password, plainHttp: true, timeoutMs: 5000 });
    results.push(r);
    return r;
  };
  const robot = (project: string, name: string): Promise<CreatedRobot> =>
    admin.createRobot({
      name,
      duration: -1,
      level: 'project',
      permissions: [{ kind: 'project', namespace: project, access: [{ resource: 'repository', action: 'pull' }] }],
    });

  beforeAll(async () => {
    lab = await startLab();
    admin = new HarborClient({ url: lab.harborUrl, username: lab.adminUsername, password: lab.adminPassword });
    for (const [name, isPublic] of [
      ['k8s', false],
      ['other', false],
      ['pub', true],
    ] as const) {
      await admin.createProject({ name, public: isPublic, autoScan: false, preventVul: false });
    }
    digest = (await lab.pushImage('k8s', 'coredns', '1.2.6')).digest;
    await lab.pushImage('other', 'app', '1.0');
    await lab.pushImage('pub', 'tool', '1.0');
    for (const name of ['puller', 'disabled', 'deleted', 'expired']) robots[name] = await robot('k8s', name);
    lab.emulator.setRobotDisabled(robots.disabled.name, true);
    lab.emulator.deleteRobotOutOfBand(robots.deleted.name);
    lab.emulator.setRobotExpiresAt(robots.expired.name, Math.floor(Date.now() / 1000) - 60);
  });

  afterAll(async () => {
    await admin?.close();
    const violations = lab ? [...lab.emulator.contractViolations] : [];
    await lab?.stop();
    expect(violations).toEqual([]);
    // No result ever carries a secret or a token.
    const text = JSON.stringify(results);
    for (const r of Object.values(robots)) expect(text).not.toContain(r.secret);
    expect(text).not.toMatch(/Bearer\s+\S{20}|Basic\s+\S{8}/);
  });

  test('a present image: ok, with the digest the registry answers, after the three steps of the token flow', async () => {
    const r = await check(`${lab.registryHost}/k8s/coredns:1.2.6`, robots.puller);
    expect(r).toMatchObject({
      outcome: 'ok',
      ok: true,
      registry: lab.registryHost,
      repository: 'k8s/coredns',
      reference: '1.2.6',
    });
    expect(r.digest).toBe(digest);
    expect(r.steps).toEqual(['GET /v2/ 401', 'GET token 200', 'HEAD manifest 200']);
    expect(r.message).toBe(
      `${lab.registryHost}/k8s/coredns:1.2.6: robot$k8s+puller can pull it from ${lab.registryHost} (${digest}).`,
    );
  });

  test('the same image by digest: ok', async () => {
    const r = await check(`${lab.registryHost}/k8s/coredns@${digest}`, robots.puller);
    expect(r.outcome).toBe('ok');
    expect(r.reference).toBe(digest);
  });

  test('a missing tag, and a missing repository: image-or-tag-missing', async () => {
    const tag = await check(`${lab.registryHost}/k8s/coredns:9.9.9`, robots.puller);
    expect(tag.outcome).toBe('image-or-tag-missing');
    expect(tag.message).toContain(`${lab.registryHost} has no manifest 9.9.9 in repository k8s/coredns (HTTP 404)`);
    expect(tag.message).toContain('Fix: push k8s/coredns:9.9.9');
    const repo = await check(`${lab.registryHost}/k8s/nothing:1.0`, robots.puller);
    expect(repo.outcome).toBe('image-or-tag-missing');
  });

  test('an image in another project: robot-denied, although the credentials are valid', async () => {
    const r = await check(`${lab.registryHost}/other/app:1.0`, robots.puller);
    expect(r.outcome).toBe('robot-denied');
    expect(r.steps).toEqual(['GET /v2/ 401', 'GET token 200', 'HEAD manifest 401']);
    expect(r.message).toContain('robot$k8s+puller may not pull other/app');
    expect(r.message).toContain('its credentials are valid, but the token service granted no pull');
    expect(r.message).toContain('Fix: use the pull Secret of a robot of project other');
  });

  test.each([
    ['disabled', 'a disabled robot'],
    ['deleted', 'a deleted robot'],
    ['expired', 'an expired robot'],
  ])('%s: robot-expired-or-disabled (%s; Harbor answers alike)', async (name) => {
    const r = await check(`${lab.registryHost}/k8s/coredns:1.2.6`, robots[name]);
    expect(r.outcome).toBe('robot-expired-or-disabled');
    expect(r.message).toContain(`did not accept the credentials of ${robots[name].name}`);
    expect(r.message).toContain('Fix: in Harbor (Projects > Robot Accounts), enable the robot or renew it');
  });

  test('a wrong secret: robot-expired-or-disabled too (the message says so)', async () => {
    const r = await check(`${lab.registryHost}/k8s/coredns:1.2.6`, robots.puller, 'not-a-real-secret-0');
    expect(r.outcome).toBe('robot-expired-or-disabled');
    expect(r.message).toContain('which it does for a disabled, expired or deleted robot and for a wrong secret alike');
  });

  test('a public project pulls even with credentials Harbor does not accept: ok, with a note', async () => {
    const r = await check(`${lab.registryHost}/pub/tool:1.0`, robots.disabled);
    expect(r.outcome).toBe('ok');
    expect(r.message).toContain('Note: the registry did not accept the credentials of robot$k8s+disabled');
  });

  test('nothing listening: registry-unreachable', async () => {
    const port = await new Promise<number>((resolve) => {
      const srv = createServer();
      srv.listen(0, '127.0.0.1', () => {
        const p = (srv.address() as { port: number }).port;
        srv.close(() => resolve(p));
      });
    });
    const r = await check(`127.0.0.1:${port}/k8s/coredns:1.2.6`, robots.puller);
    expect(r.outcome).toBe('registry-unreachable');
    expect(r.message).toContain(`registry 127.0.0.1:${port} could not be reached (ECONNREFUSED`);
  });

  test('something that is no registry (the Harbor API port): registry-error', async () => {
    const apiHost = new URL(lab.harborUrl).host;
    const r = await check(`${apiHost}/k8s/coredns:1.2.6`, robots.puller);
    expect(r.outcome).toBe('registry-error');
    expect(r.message).toContain('answered HTTP 404');
  });
});
