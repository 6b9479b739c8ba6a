/**
 * TLS for real: a throwaway self-signed certificate for 127.0.0.1 made with the openssl CLI, an https server
 * using it, and the client failing without `caBundle` (or with the wrong one) and succeeding with it.
 */
import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { HarborApiError, HarborClient } from '../../lib/harbor';
import { startFakeHarbor, type FakeHarbor } from './fake-harbor';

const PASSWORD = randomBytes(12).toString('hex');
const execFileAsync = promisify(execFile);

let dir: string;
let fake: FakeHarbor;
let cert: string;
let otherCert: string;
const clients: HarborClient[] = [];

function selfSigned(name: string, san: string): { key: string; cert: string } {
  const key = join(dir, `${name}.key`);
  const crt = join(dir, `${name}.crt`);
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '1',
      '-subj',
      `/CN=${name}`,
      '-addext',
      `subjectAltName=${san}`,
      '-keyout',
      key,
      '-out',
      crt,
    ],
    { stdio: 'pipe', timeout: 10_000 },
  );
  return { key: readFileSync(key, 'utf8'), cert: readFileSync(crt, 'utf8') };
}

function client(caBundle?: string): HarborClient {
  const c = new HarborClient({
    url: fake.url,
    username: 'admin',
    password: PASSWORD,
    caBundle,
    maxRetries: 2,
    retryBaseDelayMs: 1,
  });
  clients.push(c);
  return c;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'harbor-tls-'));
  const served = selfSigned('127.0.0.1', 'IP:127.0.0.1');
  cert = served.cert;
  otherCert = selfSigned('other-ca', 'IP:127.0.0.1').cert;
  fake = await startFakeHarbor(() => ({ status: 200 }), served);
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await fake?.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  fake.requests.length = 0;
});

it('fails without caBundle: TLS verification is on, not retried, and the hint names caBundle', async () => {
  expect(fake.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
  const err = (await client()
    .projectExists('app')
    .catch((e: unknown) => e)) as HarborApiError;
  expect(err).toBeInstanceOf(HarborApiError);
  expect(err.status).toBeUndefined();
  expect(err.code).toMatch(/SELF_SIGNED|VERIFY|CERT/);
  expect(err.retryable).toBe(false);
  expect(err.hint).toContain('caBundle');
  expect(fake.requests).toHaveLength(0); // the request never reached the server
});

it('fails with a caBundle of another CA', async () => {
  const err = (await client(otherCert)
    .projectExists('app')
    .catch((e: unknown) => e)) as HarborApiError;
  expect(err).toBeInstanceOf(HarborApiError);
  expect(err.code).toMatch(/SELF_SIGNED|VERIFY|CERT|SIGNATURE/);
  expect(fake.requests).toHaveLength(0);
});

it('succeeds with the right caBundle, with Basic auth over TLS', async () => {
  await expect(client(cert).projectExists('app')).resolves.toBe(true);
  expect(fake.requests).toHaveLength(1);
  expect(fake.requests[0].headers.authorization).toBe(`Basic ${Buffer.from(`admin:${PASSWORD}`).toString('base64')}`);
});

it('keeps verifying even when NODE_TLS_REJECT_UNAUTHORIZED=0 is set (in a child process: jest sandboxes process.env)', async () => {
  const script = `
    const { HarborClient } = require('./lib/harbor/client.ts');
    const c = new HarborClient({ url: process.env.FAKE_URL, username: 'admin', password: process.env.FAKE_PW, maxRetries: 0 });
    c.projectExists('app').then(
      (r) => console.log(JSON.stringify({ ok: r })),
      (e) => console.log(JSON.stringify({ code: e.code, hint: e.hint })),
    ).finally(() => c.close());`;
  const { stdout } = await execFileAsync(
    process.execPath,
    ['--no-warnings', '-r', 'ts-node/register/transpile-only', '-e', script],
    {
      cwd: join(__dirname, '..', '..'),
      env: { ...process.env, NODE_TLS_REJECT_UNAUTHORIZED: '0', FAKE_URL: fake.url, FAKE_PW: PASSWORD },
      timeout: 10_000,
    },
  );
  const result = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as { ok?: boolean; code?: string; hint?: string };
  expect(result.ok).toBeUndefined();
  expect(result.code).toMatch(/SELF_SIGNED|VERIFY|CERT/);
  expect(result.hint).toContain('caBundle');
  expect(fake.requests).toHaveLength(0);
});
