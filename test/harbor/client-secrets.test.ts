/**
 * Secret hygiene: in a run where everything fails — including a hostile server that echoes credentials and
 * secrets back in its error messages, headers and redirects — no error text, error field or onRequest event
 * contains the password, a robot secret or the Authorization header.
 */
import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { type HarborRequestEvent } from '../../lib/harbor';
import { harborError, startFakeHarbor, type FakeHarbor, type RecordedRequest, type Reply } from './fake-harbor';
import { LabHarborClient } from '../lab/lab-client';

const USER = 'robot$app+admin';
// Random per run; long enough that an accidental match is impossible.
const PASSWORD = `Pw${randomBytes(18).toString('base64url')}`;
const ROBOT_SECRET = `Rs${randomBytes(18).toString('hex')}`;
const REFRESHED_SECRET = `Rf${randomBytes(18).toString('hex')}`;
const TOKEN = Buffer.from(`${USER}:${PASSWORD}`).toString('base64');
const FORBIDDEN = [PASSWORD, ROBOT_SECRET, REFRESHED_SECRET, TOKEN, `Basic ${TOKEN}`, encodeURIComponent(PASSWORD)];

const pull = [{ kind: 'project' as const, namespace: 'app', access: [{ resource: 'repository', action: 'pull' }] }];

let fake: FakeHarbor;
let client: LabHarborClient;
/** The same account, for the one call that hangs: only it waits for its (short) timeout. */
let hangClient: LabHarborClient;
const events: HarborRequestEvent[] = [];
const errors: unknown[] = [];

/** Everything the server knows, echoed back: the Authorization header, the password and any robot secret. */
function echo(r: RecordedRequest): string {
  return `auth=${String(r.headers.authorization)} password=${PASSWORD} robot=${ROBOT_SECRET} refreshed=${REFRESHED_SECRET} body=${r.body}`;
}

function hostile(r: RecordedRequest): Reply {
  const route = `${r.method} ${r.pathname}`;
  switch (route) {
    case 'POST /api/v2.0/robots':
      return {
        status: 201,
        headers: { location: '/api/v2.0/robots/9' },
        body: { id: 9, name: 'robot$app+puller', secret: ROBOT_SECRET, expires_at: -1 },
      };
    case 'PATCH /api/v2.0/robots/9':
      return { status: 200, body: { secret: REFRESHED_SECRET } };
    case 'PATCH /api/v2.0/robots/10':
      return 'reset';
    case 'GET /api/v2.0/robots/9':
      return {
        status: 500,
        headers: { 'x-request-id': `rid-${PASSWORD}` },
        body: harborError('INTERNAL_ERROR', echo(r)),
      };
    case 'GET /api/v2.0/projects/app':
      return { status: 401, body: harborError('UNAUTHORIZED', echo(r)) };
    case 'PUT /api/v2.0/projects/app':
      return {
        status: 302,
        headers: { location: `https://${encodeURIComponent(PASSWORD)}@elsewhere.invalid/?p=${PASSWORD}` },
      };
    case 'DELETE /api/v2.0/projects/app':
      return { status: 412, headers: { 'content-type': 'text/html' }, body: `<html>${echo(r)}</html>` };
    case 'POST /api/v2.0/projects':
      return {
        status: 409,
        body: {
          errors: [
            { code: `CONFLICT-${ROBOT_SECRET}`, message: echo(r) },
            { code: 'X', message: TOKEN },
          ],
        },
      };
    case 'GET /api/v2.0/robots':
      return 'hang';
    default:
      return { status: 403, body: harborError('FORBIDDEN', echo(r)) };
  }
}

async function capture(p: Promise<unknown>): Promise<void> {
  await p.then(
    () => undefined,
    (e: unknown) => {
      errors.push(e);
    },
  );
}

beforeAll(async () => {
  fake = await startFakeHarbor(hostile);
  const options = {
    url: fake.url,
    username: USER,
    password: PASSWORD,
    retryBaseDelayMs: 1,
    maxRetries: 1,
    onRequest: (e: HarborRequestEvent) => events.push(e),
  };
  // No answer of the fake ever waits for this timeout, however busy the machine: only the hanging call times out.
  client = new LabHarborClient({ ...options, timeoutMs: 30_000 });
  hangClient = new LabHarborClient({ ...options, timeoutMs: 250 });
});
afterAll(async () => {
  await client.close();
  await hangClient.close();
  await fake.close();
});

it('no error or event of a failing run contains the password, a robot secret or the Authorization header', async () => {
  const created = await client.createRobot({ name: 'puller', duration: -1, level: 'project', permissions: pull });
  expect(created.secret).toBe(ROBOT_SECRET); // the secret is returned to the caller, and only there
  await expect(client.refreshRobotSecret(9)).resolves.toBe(REFRESHED_SECRET);

  await capture(client.getRobot(9)); // 500 echoing everything, request id carrying the password, retried
  await capture(client.getProject('app')); // 401 echoing everything
  await capture(client.updateProject('app', { name: 'app', public: false, autoScan: false, preventVul: false })); // redirect
  await capture(client.deleteProject('app')); // 412 with an HTML page echoing everything
  await capture(client.createProject({ name: 'app', public: false, autoScan: false, preventVul: false })); // 409, secret in code
  await capture(client.refreshRobotSecret(10)); // connection reset on PATCH
  await capture(hangClient.listProjectRobots(1)); // timeouts
  await capture(client.addMember('app', { kind: 'user', name: 'alice' }, 'guest')); // 403 echoing everything

  expect(errors).toHaveLength(8);
  // The scan must be able to fail: the hostile server really did put the secrets on the wire.
  expect(fake.requests.some((r) => r.headers.authorization === `Basic ${TOKEN}`)).toBe(true);

  const texts: string[] = [];
  for (const e of errors) {
    const err = e as Error & Record<string, unknown>;
    texts.push(
      String(err.message),
      String(err.stack),
      inspect(err, { depth: 8, showHidden: true }),
      JSON.stringify(err),
    );
    for (const k of ['hint', 'harborMessage', 'code', 'requestId', 'path']) texts.push(String(err[k]));
  }
  for (const ev of events) texts.push(JSON.stringify(ev), inspect(ev));
  for (const c of [client, hangClient]) texts.push(inspect(c, { depth: 4 }), JSON.stringify(c));

  for (const t of texts) {
    for (const secret of FORBIDDEN) {
      expect(t.includes(secret)).toBe(false);
    }
    expect(t).not.toMatch(/Basic [A-Za-z0-9+/=]{8,}/);
  }
  // ...while the errors still say what happened.
  const messages = errors.map((e) => (e as Error).message);
  expect(messages[1]).toContain('HTTP 401 UNAUTHORIZED');
  expect(messages[1]).toContain('auth=Basic ***');
  expect(messages[1]).toContain('password=***');
  expect(messages[0]).toContain('robot=*** refreshed=***');
  expect(messages[2]).toContain('HTTP 302');
  expect(messages[2]).toContain('elsewhere.invalid');
  expect(events.length).toBeGreaterThanOrEqual(10);
});
