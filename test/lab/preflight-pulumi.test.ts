/**
 * The Pulumi preflight against the lab's real registry (CNCF distribution, Harbor-style token auth): the component,
 * under the live engine, runs the pull check's SERIALIZED provider (loaded like Pulumi's dynamic provider host) with
 * the login of the robot it has just created, and creates the workload only when every image can be pulled.
 */
import { Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { join } from 'node:path';
import { HarborClient } from '../../lib/harbor';
import { HarborPrivateApp, type HarborPrivateAppArgs } from '../../lib/pulumi';
import { installLiveEngine, type LiveRegistration } from '../pulumi/support/live-engine';
import { startRealHost } from '../pulumi/support/real-host';
import { describeLab } from './binaries';
import { startLab, type Lab } from './lab';

/** What happens in Harbor while `pulumi up` runs, by the name of the resource about to be created. */
const during = new Map<string, () => void>();
const engine = installLiveEngine({
  beforeCreate: (_type, name) => during.get(name)?.(),
  // A failed check ends the deployment there, as `pulumi up` does.
  onCreateFailure: 'stop',
});

const PULL_CHECK = 'pulumi-nodejs:dynamic/harbor:RobotLogin';
const DEPLOYMENT = 'kubernetes:apps/v1:Deployment';
const JOB = 'kubernetes:batch/v1:Job';

/** `LAB_STORY=1 npx jest test/lab/preflight-pulumi.test.ts` prints the messages (docs/lint.md's lines come from them). */
const story = (line: string): void => {
  if (process.env.LAB_STORY) console.log(line);
};

describeLab('the Pulumi preflight: the workload is created only when its images can be pulled', () => {
  let lab: Lab;
  let admin: HarborClient;
  let digest: string;

  /** What one `pulumi up` of one app did. */
  interface Up {
    readonly error?: string;
    readonly check?: LiveRegistration;
    readonly workloads: LiveRegistration[];
    readonly tokenRequests: number;
    readonly harborCalls: string[];
    readonly ms: number;
  }

  /** Waits until `done()` or `ms` passed. */
  async function until(done: () => boolean, ms: number): Promise<void> {
    const deadline = Date.now() + ms;
    while (!done() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  }

  /**
   * `pulumi up` of a HarborPrivateApp `name` in the adopted project k8s, with `image` as its workload's image: waits
   * until its check failed (then 1 s more, for anything that would still register) or its `workloads` registered.
   */
  async function up(
    name: string,
    image: string,
    extra: Partial<HarborPrivateAppArgs> = {},
    workloads = 1,
  ): Promise<Up> {
    const tokens = lab.tokenRequests();
    const errors = engine.errors.length;
    lab.emulator.resetLog();
    const started = Date.now();
    new HarborPrivateApp(name, {
      registryHost: lab.registryHost,
      project: { name: 'k8s', adopt: true },
      namespaces: ['apps'],
      pullSecretName: `${name}-pull`,
      workload: { metadata: { name }, containers: [{ image }] },
      preflight: { plainHttp: true, timeoutMs: 5000 },
      ...extra,
    });
    const mine = (type: string): LiveRegistration[] => engine.byType(type).filter((r) => r.name.startsWith(`${name}-`));
    const registered = (): LiveRegistration[] => [...mine(DEPLOYMENT), ...mine(JOB)];
    await until(() => engine.errors.length > errors || registered().length >= workloads, 150_000);
    const ms = Date.now() - started;
    const error = engine.errors.slice(errors).find((e) => e.type === PULL_CHECK)?.message;
    if (error !== undefined) await new Promise((resolve) => setTimeout(resolve, 1000));
    const result: Up = {
      ...(error !== undefined ? { error } : {}),
      check: mine(PULL_CHECK)[0],
      workloads: registered(),
      tokenRequests: lab.tokenRequests() - tokens,
      harborCalls: lab.emulator.calls(),
      ms,
    };
    story(
      `up ${name}: ${error ? `FAILED\n${error}` : 'ok'}\n  check ${result.check?.createMs ?? '-'} ms, up ${ms} ms, token requests ${result.tokenRequests}, Harbor API calls ${JSON.stringify(result.harborCalls)}`,
    );
    return result;
  }

  beforeAll(async () => {
    lab = await startLab();
    admin = new HarborClient({ url: lab.harborUrl, username: lab.adminUsername, password: lab.adminPassword });
    for (const project of ['k8s', 'other']) {
      await admin.createProject({ name: project, public: false, autoScan: false, preventVul: false });
    }
    digest = (await lab.pushImage('k8s', 'coredns', '1.2.6')).digest;
    await lab.pushImage('k8s', 'migrate', '2.0');
    await lab.pushImage('other', 'app', '1.0');
    engine.setConfig(
      {
        'project:harborUrl': lab.harborUrl,
        'project:harborUsername': lab.adminUsername,
        'project:harborPassword': lab.adminPassword,
      },
      ['project:harborPassword'],
    );
  });

  afterAll(async () => {
    await admin?.close();
    const violations = lab ? [...lab.emulator.contractViolations] : [];
    await lab?.stop();
    expect(violations).toEqual([]);
    // No message of a failed check holds a robot's secret.
    const secrets = engine
      .byType('pulumi-nodejs:dynamic/harbor:RobotAccount')
      .map((r) => r.state?.secret as unknown)
      .filter((secret): secret is string => typeof secret === 'string' && secret !== '');
    expect(secrets.length).toBeGreaterThan(5);
    for (const e of engine.errors) for (const secret of secrets) expect(e.message).not.toContain(secret);
  });

  test('a present image: checked with the new robot, then the Deployment is created', async () => {
    const r = await up('present', `${lab.registryHost}/k8s/coredns:1.2.6`);
    expect(r.error).toBeUndefined();
    expect(engine.errors).toEqual([]);
    expect(r.check?.state?.checked).toEqual([{ image: `${lab.registryHost}/k8s/coredns:1.2.6`, digest }]);
    expect(r.workloads.map((w) => w.name)).toEqual(['present-apps-present']);
    expect(r.workloads[0].dependencies).toContain(r.check!.urn);
    // One token request (the robot's), and no Harbor API call for the check: only the project's and the robot's.
    expect(r.tokenRequests).toBe(1);
    expect(r.harborCalls.filter((c) => c.startsWith('GET /robots/'))).toEqual([]);
  });

  test('a missing tag: the up stops at the check, which says so; the Deployment is not created', async () => {
    const r = await up('missing', `${lab.registryHost}/k8s/coredns:9.9.9`);
    expect(r.error).toContain('Pull check: 1 of 1 image(s) cannot be pulled');
    expect(r.error).toContain(`- ${lab.registryHost}/k8s/coredns:9.9.9: image or tag missing.`);
    expect(r.error).toContain('has no manifest 9.9.9 in repository k8s/coredns (HTTP 404)');
    expect(r.error).toContain('the pull Secret and the workloads were not created or changed');
    expect(r.workloads).toEqual([]);
    // The check is the login's: the pull Secret, built from the login, is not created either.
    expect(engine.byType('kubernetes:core/v1:Secret').filter((s) => s.name.startsWith('missing-'))).toEqual([]);
    expect(r.harborCalls.filter((c) => c.startsWith('GET /robots/'))).toEqual([]);
  });

  test('an image of another project: robot denied (its login is valid), the Deployment is not created', async () => {
    const r = await up(
      'denied',
      `${lab.registryHost}/k8s/coredns:1.2.6`,
      {
        // A Deployment added to the workload's chart with an image of another project (the workloads the app wires
        // are refused at construction for that; this one is not wired, yet the component creates it).
        configureWorkload: (workload) => {
          new kplus.Deployment(Chart.of(workload), 'other', {
            metadata: { namespace: 'apps', name: 'other' },
            containers: [{ image: `${lab.registryHost}/other/app:1.0` }],
          });
        },
      },
      2,
    );
    expect(r.error).toContain('Pull check: 1 of 2 image(s) cannot be pulled');
    expect(r.error).toContain(
      `- ${lab.registryHost}/other/app:1.0: robot denied. robot$k8s+denied-pull may not pull other/app`,
    );
    expect(r.error).toContain('its credentials are valid, but the token service granted no pull');
    expect(r.workloads).toEqual([]);
    expect(r.tokenRequests).toBe(2);
  });

  test.each([
    ['disabled', 'robot disabled', (robot: string) => lab.emulator.setRobotDisabled(robot, true), 'is disabled'],
    [
      'expired',
      'robot expired',
      (robot: string) => lab.emulator.setRobotExpiresAt(robot, Math.floor(Date.now() / 1000) - 60),
      'expired on',
    ],
    [
      'deleted',
      'robot deleted',
      (robot: string) => lab.emulator.deleteRobotOutOfBand(robot),
      'was deleted outside this stack',
    ],
  ])(
    'a robot %s in Harbor while the up runs: Harbor, asked, tells which; the Deployment is not created',
    async (name, cause, act, says) => {
      const robot = `robot$k8s+${name}-pull`;
      during.set(`${name}-robot-login`, () => act(robot));
      const r = await up(name, `${lab.registryHost}/k8s/coredns:1.2.6`);
      expect(r.error).toContain(`(${cause});`);
      expect(r.error).toContain(`- ${lab.registryHost}/k8s/coredns:1.2.6: ${cause}.`);
      expect(r.error).toContain(`did not accept the credentials of ${robot}`);
      expect(r.error).toContain(says);
      expect(r.workloads).toEqual([]);
      // The registry cannot tell these apart: one question to Harbor's API, with the admin login, tells.
      expect(r.harborCalls.filter((c) => c.startsWith('GET /robots/'))).toEqual([
        expect.stringMatching(/^GET \/robots\/\d+$/),
      ]);
    },
  );

  test("a refused login that Harbor cannot be asked about: the registry's fix stays, with why Harbor could not tell", async () => {
    const robot = 'robot$k8s+unasked-pull';
    during.set('unasked-robot-login', () => {
      lab.emulator.setRobotDisabled(robot, true);
      lab.emulator.injectFault({
        kind: 'status',
        status: 403,
        match: { method: 'GET', path: /\/robots\/\d+$/ },
        times: 1,
      });
    });
    const r = await up('unasked', `${lab.registryHost}/k8s/coredns:1.2.6`);
    expect(r.error).toContain('(robot expired or disabled);');
    expect(r.error).toContain('(Harbor could not be asked which: ');
    const line = r.error!.split('\n').find((l) => l.startsWith(`- ${lab.registryHost}/k8s/coredns:1.2.6:`))!;
    expect(line).toContain(`did not accept the credentials of ${robot}`);
    expect(line).toContain(' Fix: ');
    expect(r.workloads).toEqual([]);
  });

  test('every image of every workload (init containers too) is checked before any workload is created', async () => {
    const r = await up(
      'many',
      `${lab.registryHost}/k8s/coredns:1.2.6`,
      {
        // A Job written by hand, wired by the component.
        workloads: [
          {
            apiVersion: 'batch/v1',
            kind: 'Job',
            metadata: { namespace: 'apps', name: 'migrate' },
            spec: {
              template: {
                spec: {
                  restartPolicy: 'Never',
                  initContainers: [{ name: 'init', image: `${lab.registryHost}/k8s/migrate:2.0` }],
                  containers: [{ name: 'main', image: `${lab.registryHost}/k8s/coredns:1.2.6` }],
                },
              },
            },
          },
        ],
      },
      2,
    );
    expect(r.error).toBeUndefined();
    expect(r.check?.state?.checked.map((c: { image: string }) => c.image)).toEqual([
      `${lab.registryHost}/k8s/coredns:1.2.6`,
      `${lab.registryHost}/k8s/migrate:2.0`,
    ]);
    expect(r.workloads.map((w) => [w.type, w.dependencies.includes(r.check!.urn)])).toEqual([
      [DEPLOYMENT, true],
      [JOB, true],
    ]);
    expect(r.tokenRequests).toBe(2);
  });

  test('preflight: { pull: false }: no check, the Deployment is created even with a missing tag', async () => {
    const r = await up('optout', `${lab.registryHost}/k8s/coredns:9.9.9`, { preflight: { pull: false } });
    expect(r.error).toBeUndefined();
    // The login is there (the pull Secret is built from it); it checks nothing.
    expect(r.check?.inputs.pullCheck).toBeUndefined();
    expect(r.check?.state?.checked).toBeUndefined();
    expect(r.workloads.map((w) => w.name)).toEqual(['optout-apps-optout']);
    expect(r.tokenRequests).toBe(0);
  });

  test('a preview never pulls: the check is planned (the host runs no check or create for it), nothing is asked', async () => {
    engine.setPreview(true);
    try {
      const r = await up('preview', `${lab.registryHost}/k8s/coredns:9.9.9`);
      expect(r.error).toBeUndefined();
      expect(r.check?.planned).toBe(true);
      expect(r.workloads.map((w) => w.name)).toEqual(['preview-apps-preview']);
      expect(r.tokenRequests).toBe(0);
      expect(r.harborCalls).toEqual([]);
    } finally {
      engine.setPreview(false);
    }
  });

  test('later runs, through the stored provider: no change, no pull; a new image: the preview diff says so without a pull, the up checks it', async () => {
    const created = engine.byType(PULL_CHECK, 'present-robot-login')[0];
    const state = created.state!;
    // A later `pulumi` run: a new host, configured with the stack configuration, running the stored text.
    const provider = await startRealHost({
      cwd: join(__dirname, '..', '..'),
      config: {
        'project:harborUrl': lab.harborUrl,
        'project:harborUsername': lab.adminUsername,
        'project:harborPassword': lab.adminPassword,
      },
      secretKeys: ['project:harborPassword'],
      project: 'project',
    });
    const { checked: _checked, ...inputs } = state;
    const tokens = lab.tokenRequests();
    expect(await provider.diff(created.id!, state, inputs)).toMatchObject({ changes: false, replaces: [] });
    const news = { ...inputs, pullCheck: { ...inputs.pullCheck, images: [`${lab.registryHost}/k8s/coredns:1.2.7`] } };
    expect(await provider.diff(created.id!, state, news)).toMatchObject({ changes: true, replaces: [] });
    expect(lab.tokenRequests()).toBe(tokens);
    // `pulumi up`: the update runs the check, which fails (1.2.7 was never pushed): the workload is not changed.
    await expect(provider.update(created.id!, state, news)).rejects.toThrow(/1\.2\.7: image or tag missing/);
    expect(lab.tokenRequests()).toBe(tokens + 1);
    await lab.pushImage('k8s', 'coredns', '1.2.7');
    const pushed = lab.tokenRequests();
    const updated = await provider.update(created.id!, state, news);
    expect(updated.outs.checked).toEqual([
      { image: news.pullCheck.images[0], digest: expect.stringMatching(/^sha256:/) },
    ]);
    expect(lab.tokenRequests()).toBe(pushed + 1);
    await provider.close();
  });
});
