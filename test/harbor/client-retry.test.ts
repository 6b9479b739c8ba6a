/**
 * Bounded retries: idempotent calls retry on 429/5xx/resets/timeouts with backoff honouring Retry-After;
 * POST and PATCH never retry and say the write may have happened.
 */
import { randomBytes } from 'node:crypto';
import { type HarborClientOptions, type HarborRequestEvent } from '../../lib/harbor';
import { harborError, startFakeHarbor, type FakeHarbor, type Reply } from './fake-harbor';
import { failure } from './failure';
import { LabHarborClient } from '../lab/lab-client';

const PASSWORD = randomBytes(12).toString('hex');
const pull = [{ kind: 'project' as const, namespace: 'app', access: [{ resource: 'repository', action: 'pull' }] }];

let fake: FakeHarbor;
let events: HarborRequestEvent[];
const clients: LabHarborClient[] = [];

function makeClient(extra: Partial<HarborClientOptions> = {}): LabHarborClient {
  const c = new LabHarborClient({
    url: fake.url,
    username: 'admin',
    password: PASSWORD,
    retryBaseDelayMs: 1,
    onRequest: (e) => events.push(e),
    ...extra,
  });
  clients.push(c);
  return c;
}

/** Answers the scripted replies in order, then `last` forever. */
function script(replies: Reply[], last: Reply): void {
  let i = 0;
  fake.setHandler(() => (i < replies.length ? replies[i++] : last));
}

beforeAll(async () => {
  fake = await startFakeHarbor(() => ({ status: 500 }));
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await fake.close();
});
beforeEach(() => {
  fake.requests.length = 0;
  events = [];
});

describe('idempotent calls retry', () => {
  it.each([429, 500, 502, 503, 504])('GET retries after %i and then succeeds', async (status) => {
    script([{ status, body: harborError('X', 'transient') }, { status }], {
      status: 200,
      body: { project_id: 1, name: 'app', metadata: {} },
    });
    await expect(makeClient().getProject('app')).resolves.toMatchObject({ id: 1 });
    expect(fake.requests).toHaveLength(3);
    expect(events.map((e) => [e.attempt, e.status, e.retryInMs !== undefined])).toEqual([
      [1, status, true],
      [2, status, true],
      [3, 200, false],
    ]);
  });

  it('gives up after maxRetries + 1 attempts with retryable=true and the attempt count', async () => {
    script([], {
      status: 503,
      headers: { 'x-request-id': 'rid-503' },
      body: harborError('SERVICE_UNAVAILABLE', 'down'),
    });
    const err = await failure(makeClient({ maxRetries: 2 }).getProject('app'));
    expect(fake.requests).toHaveLength(3);
    expect(err.status).toBe(503);
    expect(err.retryable).toBe(true);
    expect(err.attempts).toBe(3);
    expect(err.requestId).toBe('rid-503');
    expect(err.message).toContain('after 3 attempts');
    expect(err.hint).toMatch(/transient/);
  });

  it('default is 3 retries (4 attempts); maxRetries 0 means one attempt', async () => {
    script([], { status: 502 });
    await failure(makeClient().listMembers('app'));
    expect(fake.requests).toHaveLength(4);
    fake.requests.length = 0;
    await failure(makeClient({ maxRetries: 0 }).listMembers('app'));
    expect(fake.requests).toHaveLength(1);
  });

  it('does not retry 4xx', async () => {
    script([], { status: 400, body: harborError('BAD_REQUEST', 'bad') });
    const err = await failure(
      makeClient().updateProject('app', { name: 'app', public: false, autoScan: false, preventVul: false }),
    );
    expect(fake.requests).toHaveLength(1);
    expect(err.retryable).toBe(false);
  });

  it('PUT and DELETE retry after a connection reset; a DELETE that committed before the reset ends as "already gone"', async () => {
    script(['reset'], { status: 200 });
    await makeClient().updateMemberRole('app', 3, 'guest');
    expect(fake.requests.map((r) => r.method)).toEqual(['PUT', 'PUT']);
    expect(events[0].status).toBeUndefined();
    expect(events[0].error).toMatch(/^(ECONNRESET|UND_ERR_SOCKET)/);

    fake.requests.length = 0;
    script(['reset'], { status: 404, body: harborError('NOT_FOUND', 'robot 8 not found') });
    await expect(makeClient().deleteRobot(8)).resolves.toBeUndefined();
    expect(fake.requests.map((r) => r.method)).toEqual(['DELETE', 'DELETE']);
  });

  it('HEAD retries after a timeout (a hanging server) and reports TIMEOUT', async () => {
    script(['hang'], { status: 200 });
    // 1 s: the hung attempt costs that long, and the retry's real answer stays far inside it on a busy machine.
    await expect(makeClient({ timeoutMs: 1000 }).projectExists('app')).resolves.toBe(true);
    expect(fake.requests).toHaveLength(2);
    expect(events[0].error).toMatch(/^TIMEOUT/);
  });

  it('a timeout on every attempt ends in a retryable TIMEOUT error', async () => {
    script([], 'hang');
    // 500 ms, not less: each attempt must at least reach the server (which counts it) before it times out, and on a
    // busy machine connecting alone may take longer than a few tens of milliseconds.
    const err = await failure(makeClient({ timeoutMs: 500, maxRetries: 1 }).getRobot(1));
    expect(fake.requests).toHaveLength(2);
    expect(err.code).toBe('TIMEOUT');
    expect(err.status).toBeUndefined();
    expect(err.retryable).toBe(true);
    expect(err.hint).toMatch(/timeoutMs/);
  });
});

describe('backoff', () => {
  it('waits exponentially longer between attempts (base 20 ms: >=10, >=20, >=40 ms)', async () => {
    script([], { status: 503 });
    await failure(makeClient({ retryBaseDelayMs: 20, maxRetries: 3 }).getRobot(1));
    const at = fake.requests.map((r) => r.at);
    const gaps = at.slice(1).map((t, i) => t - at[i]);
    expect(gaps).toHaveLength(3);
    // equal jitter: the wait is between half and all of base * 2^(n-1); allow 5 ms of timer slack
    expect(gaps[0]).toBeGreaterThanOrEqual(10 - 3);
    expect(gaps[1]).toBeGreaterThanOrEqual(20 - 3);
    expect(gaps[2]).toBeGreaterThanOrEqual(40 - 3);
    expect(events.slice(0, 3).map((e) => e.retryInMs)).toEqual([
      expect.any(Number),
      expect.any(Number),
      expect.any(Number),
    ]);
    const planned = events.slice(0, 3).map((e) => e.retryInMs as number);
    expect(planned[0]).toBeGreaterThanOrEqual(10);
    expect(planned[0]).toBeLessThanOrEqual(20);
    expect(planned[1]).toBeGreaterThanOrEqual(20);
    expect(planned[1]).toBeLessThanOrEqual(40);
    expect(planned[2]).toBeGreaterThanOrEqual(40);
    expect(planned[2]).toBeLessThanOrEqual(80);
  });

  it('honours Retry-After (seconds) up to maxRetryDelayMs', async () => {
    script([{ status: 429, headers: { 'retry-after': '1' }, body: harborError('TOO_MANY_REQUESTS', 'slow down') }], {
      status: 200,
    });
    await makeClient({ retryBaseDelayMs: 1, maxRetryDelayMs: 120 }).projectExists('app');
    const gap = fake.requests[1].at - fake.requests[0].at;
    // Without Retry-After the wait would be ~1 ms; with it, the 1 s request is capped at 120 ms.
    expect(events[0].retryInMs).toBe(120);
    expect(gap).toBeGreaterThanOrEqual(110);
  });

  it('honours Retry-After given as an HTTP date', async () => {
    // HTTP-date form, second resolution: 9-10 s ahead, so it is still far beyond the 60 ms cap when the client reads it,
    // however late that is on a busy machine.
    const when = new Date(Date.now() + 10_000).toUTCString();
    script([{ status: 503, headers: { 'retry-after': when } }], { status: 200 });
    await makeClient({ retryBaseDelayMs: 1, maxRetryDelayMs: 60 }).projectExists('app');
    expect(events[0].retryInMs).toBe(60);
  });
});

describe('POST and PATCH are never retried', () => {
  it.each([
    [
      'createProject',
      (c: LabHarborClient) => c.createProject({ name: 'app', public: false, autoScan: false, preventVul: false }),
    ],
    ['addMember', (c: LabHarborClient) => c.addMember('app', { kind: 'user', name: 'alice' }, 'guest')],
    [
      'createRobot',
      (c: LabHarborClient) => c.createRobot({ name: 'puller', duration: -1, level: 'project', permissions: pull }),
    ],
    ['refreshRobotSecret', (c: LabHarborClient) => c.refreshRobotSecret(4)],
  ])('%s on 503: one attempt, retryable=false, hint says the write may have happened', async (_name, call) => {
    script([], { status: 503, body: harborError('SERVICE_UNAVAILABLE', 'busy') });
    const err = await failure(call(makeClient()));
    expect(fake.requests).toHaveLength(1);
    expect(err.retryable).toBe(false);
    expect(err.attempts).toBe(1);
    expect(err.hint).toMatch(/may have been applied/);
    expect(err.hint).toMatch(/look for the object in Harbor/);
  });

  it('createRobot on a reset after the server committed: one attempt, retryable=false, network code kept', async () => {
    script([], 'reset');
    const err = await failure(
      makeClient().createRobot({ name: 'puller', duration: -1, level: 'project', permissions: pull }),
    );
    expect(fake.requests).toHaveLength(1);
    expect(err.status).toBeUndefined();
    expect(err.code).toMatch(/ECONNRESET|UND_ERR_SOCKET/);
    expect(err.retryable).toBe(false);
    expect(err.hint).toMatch(/may have been applied/);
  });

  it('PATCH on a timeout: one attempt', async () => {
    script([], 'hang');
    const err = await failure(makeClient({ timeoutMs: 500 }).refreshRobotSecret(4)); // reaches the server, then hangs
    expect(fake.requests).toHaveLength(1);
    expect(err.code).toBe('TIMEOUT');
    expect(err.retryable).toBe(false);
  });
});

describe('connection refused', () => {
  it('GET retries then fails retryable; POST fails at once but is marked retryable (never sent)', async () => {
    const closed = await startFakeHarbor(() => ({ status: 200 }));
    const url = closed.url;
    await closed.close();
    const evs: HarborRequestEvent[] = [];
    const c = new LabHarborClient({
      url,
      username: 'admin',
      password: PASSWORD,
      retryBaseDelayMs: 1,
      maxRetries: 2,
      onRequest: (e) => evs.push(e),
    });
    clients.push(c);
    const getErr = await failure(c.getProject('app'));
    expect(evs).toHaveLength(3);
    expect(getErr.code).toBe('ECONNREFUSED');
    expect(getErr.retryable).toBe(true);
    evs.length = 0;
    const postErr = await failure(c.createProject({ name: 'app', public: false, autoScan: false, preventVul: false }));
    expect(evs).toHaveLength(1);
    expect(postErr.retryable).toBe(true);
    expect(postErr.hint).toMatch(/not sent/);
  });
});
