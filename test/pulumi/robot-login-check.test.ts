/**
 * The robot login's pull check, through Pulumi's own dynamic provider host (the provider text `pulumi up` stores here):
 * when it pulls and when it only stores. A pull is told by the registry it goes to: a loopback port where nothing
 * listens, so every pull the login makes fails fast with "registry unreachable", and an operation that does not pull
 * succeeds. What a pull finds in a real registry (image present, tag missing, robot denied...) is
 * test/lab/preflight-pulumi.test.ts's.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { hostPerTest, type HostRun } from './support/serialized';
import { UNKNOWN } from '../../lib/pulumi/providers/robot-login-provider';
import type { HarborRobotAccount } from '../../lib/pulumi/resources/harbor-robot';
import { HarborRobotLogin } from '../../lib/pulumi/resources/harbor-robot-login';

let host: HostRun;
hostPerTest((run) => (host = run));

/** A loopback port nothing listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

let registry: string;
beforeAll(async () => {
  registry = `127.0.0.1:${await closedPort()}`;
});

/** A robot login's inputs, with a placeholder secret (nothing here is a credential of anything). */
function login(over: Record<string, unknown> = {}): Record<string, any> {
  return {
    robotResourceId: '9',
    fullName: 'robot$k8s+app-pull',
    secret: `placeholder-${randomBytes(6).toString('hex')}`,
    expiresAt: -1,
    pullCheck: { images: [`${registry}/k8s/app:1.0`], registryHost: registry, plainHttp: true, timeoutMs: 5000 },
    ...over,
  };
}

/** The state a login that was checked keeps: its inputs, as `check` filled them, and the digest of each image. */
async function checkedState(inputs: Record<string, any>): Promise<Record<string, any>> {
  const stored = (await host.check({}, inputs)).inputs as Record<string, any>;
  const checked = stored.pullCheck.images.map((image: string) => ({ image, digest: `sha256:${'0'.repeat(64)}` }));
  return { ...stored, checked };
}

const UNREACHABLE =
  /Pull check: 1 of 1 image\(s\) cannot be pulled .*\(registry unreachable\); the pull Secret and the workloads were not created or changed/s;

test('create pulls: a login that cannot pull is not created, and the message says what waits', async () => {
  const inputs = (await host.check({}, login())).inputs;
  await expect(host.create(inputs)).rejects.toThrow(UNREACHABLE);
});

test('create without pullCheck stores the login, checks nothing', async () => {
  const { pullCheck: _none, ...inputs } = login();
  const created = await host.create((await host.check({}, inputs)).inputs);
  expect(created.id).toBe('9');
  expect(created.outs).not.toHaveProperty('checked');
  expect(created.outs).not.toHaveProperty('pullCheck');
});

test("check fills pullCheck's defaults in: plainHttp false", async () => {
  const { plainHttp: _unset, ...pullCheck } = login().pullCheck;
  expect((await host.check({}, login({ pullCheck }))).inputs.pullCheck).toEqual({ ...pullCheck, plainHttp: false });
});

describe('update: a pull only when what is pulled, or the login, changed', () => {
  test.each([
    ['a new expiry (a renewal)', (i: Record<string, any>) => ({ ...i, expiresAt: 1_900_000_000 })],
    ['a new time limit', (i: Record<string, any>) => ({ ...i, pullCheck: { ...i.pullCheck, timeoutMs: 7000 } })],
    [
      'another Harbor to ask',
      (i: Record<string, any>) => ({
        ...i,
        pullCheck: { ...i.pullCheck, harbor: { url: 'https://harbor.example.com', config: 'project:harbor' } },
      }),
    ],
  ])('%s: stored, no pull, the last check kept', async (_what, change) => {
    const olds = await checkedState(login());
    const { checked: _c, ...inputs } = olds;
    const news = (await host.check(inputs, change(inputs))).inputs;
    expect((await host.diff('9', olds, news)).changes).toBe(true);
    const updated = await host.update('9', olds, news);
    expect(updated.outs.checked).toEqual(olds.checked);
  });

  test.each([
    [
      'a new image',
      (i: Record<string, any>) => ({ ...i, pullCheck: { ...i.pullCheck, images: [`${registry}/k8s/app:2.0`] } }),
    ],
    [
      'a new secret (the robot replaced)',
      (i: Record<string, any>) => ({ ...i, secret: `placeholder-${randomBytes(6).toString('hex')}` }),
    ],
    ['another login name', (i: Record<string, any>) => ({ ...i, fullName: 'robot$k8s+app-pull-green-1' })],
    ['a check that did not run before', (i: Record<string, any>) => i],
  ])('%s: pulls again', async (what, change) => {
    const checked = await checkedState(login());
    // The last case: a state without a check (pullCheck turned on now).
    const olds =
      what === 'a check that did not run before'
        ? (({ checked: _c, pullCheck: _p, ...rest }) => rest)(checked)
        : checked;
    const { checked: _c, ...inputs } = checked;
    const news = (await host.check(inputs, change(inputs))).inputs;
    expect((await host.diff('9', olds, news)).changes).toBe(true);
    await expect(host.update('9', olds, news)).rejects.toThrow(UNREACHABLE);
  });

  test('pullCheck turned off: stored without a check, and the last check dropped', async () => {
    const olds = await checkedState(login());
    const { checked: _c, pullCheck: _p, ...news } = olds;
    expect((await host.diff('9', olds, news)).changes).toBe(true);
    const updated = await host.update('9', olds, news);
    expect(updated.outs).not.toHaveProperty('checked');
    expect(updated.outs).not.toHaveProperty('pullCheck');
  });
});

describe('diff in a preview', () => {
  test('the same login and check: no change', async () => {
    const olds = await checkedState(login());
    const { checked: _c, ...inputs } = olds;
    expect((await host.diff('9', olds, inputs)).changes).toBe(false);
  });

  test('the robot updated in place (its name and secret not known yet): no change, the pull Secret stays', async () => {
    const olds = await checkedState(login());
    const { checked: _c, ...inputs } = olds;
    const news = { ...inputs, fullName: UNKNOWN, secret: UNKNOWN, expiresAt: UNKNOWN };
    expect((await host.diff('9', olds, news)).changes).toBe(false);
  });

  test('an image not known yet: a change', async () => {
    const olds = await checkedState(login());
    const { checked: _c, ...inputs } = olds;
    const news = { ...inputs, pullCheck: { ...inputs.pullCheck, images: [UNKNOWN] } };
    expect((await host.diff('9', olds, news)).changes).toBe(true);
  });
});

describe("the login goes to registryHost only, and the check's options are checked before anything", () => {
  const elsewhere = (i: Record<string, any>): Record<string, any> => ({
    ...i,
    pullCheck: { ...i.pullCheck, images: [`${registry}/k8s/app:1.0`, 'docker.io/library/nginx:1.27'] },
  });

  test('check (so a preview too) refuses an image of another registry, naming it', async () => {
    const { failures } = (await host.check({}, elsewhere(login()))) as { failures?: unknown[] };
    expect(failures).toEqual([
      {
        property: 'pullCheck',
        reason: expect.stringMatching(
          /^pullCheck\.images\[1\] = "docker\.io\/library\/nginx:1\.27": is not an image on 127\.0\.0\.1:\d+: the check would send the robot's login to another registry\. Fix: /,
        ),
      },
    ]);
  });

  test.each([
    [
      'plain http to a host that is not loopback',
      { registryHost: 'reg.harbor.com', images: ['reg.harbor.com/k8s/a:1'], plainHttp: true },
      /pullCheck\.plainHttp = true: would send the robot's secret in clear text to reg\.harbor\.com/,
    ],
    ['a time limit of 0', { timeoutMs: 0 }, /pullCheck\.timeoutMs = 0: is not a whole number of milliseconds >= 1/],
    [
      'images that are not a list',
      { images: 'reg.harbor.com/k8s/a:1' },
      /pullCheck\.images = "reg\.harbor\.com\/k8s\/a:1": is not a non-empty list/,
    ],
  ])('check refuses %s', async (_what, over, reason) => {
    const inputs = login();
    const { failures } = (await host.check({}, { ...inputs, pullCheck: { ...inputs.pullCheck, ...over } })) as {
      failures?: Array<{ reason: string }>;
    };
    expect(failures?.map((f) => f.reason)).toEqual([expect.stringMatching(reason)]);
  });

  test('an update handed such a state (no check before it) refuses it before any request', async () => {
    const olds = await checkedState(login());
    const { checked: _c, ...inputs } = olds;
    await expect(host.update('9', olds, elsewhere(inputs))).rejects.toThrow(
      /^Pull check: pullCheck\.images\[1\] = "docker\.io\/library\/nginx:1\.27": is not an image on/,
    );
  });

  test('an image whose registry host differs in letter case only is refused: kubelet would pull it without the login', () => {
    expect(
      () =>
        new HarborRobotLogin('cased', {
          robot: undefined as unknown as HarborRobotAccount,
          pullCheck: { images: ['Reg.Harbor.com/k8s/coredns:1.2.6'], registryHost: 'reg.harbor.com' },
        }),
    ).toThrow(
      'HarborRobotLogin "cased": pullCheck.images[0] = "Reg.Harbor.com/k8s/coredns:1.2.6": is on "Reg.Harbor.com", which ' +
        "kubelet does not take for reg.harbor.com: it matches the pull Secret's key case-sensitively, so the pull would go " +
        'without the login. Fix: write the registry host as the pull Secret\'s key: "reg.harbor.com/k8s/coredns:1.2.6"',
    );
  });

  test('declared with an image of another registry, the resource refuses it before anything is registered', () => {
    expect(
      () =>
        new HarborRobotLogin('elsewhere', {
          // Not reached: the pull check's args are checked first.
          robot: undefined as unknown as HarborRobotAccount,
          pullCheck: { images: ['docker.io/library/nginx:1.27'], registryHost: 'reg.harbor.com' },
        }),
    ).toThrow(
      'HarborRobotLogin "elsewhere": pullCheck.images[0] = "docker.io/library/nginx:1.27": is not an image on reg.harbor.com',
    );
  });
});
