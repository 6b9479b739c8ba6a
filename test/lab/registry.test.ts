import { createPublicKey, randomBytes, verify, X509Certificate } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeLab } from './binaries';
import { removeOciLayout, writeOciLayout, type OciLayout } from './oci';
import { createPki, type LabPki } from './pki';
import { startRegistry, type RunningRegistry } from './registry';
import { copy, inspect } from './skopeo';
import { createTokenHandler, signToken, type Authorizer, type RepositoryAction } from './token-service';

const SERVICE = 'harbor-registry';
const secret = (): string => `Lab${randomBytes(12).toString('hex')}`;

// Stub Harbor: admin may push/pull everywhere, a pull robot per project, one public project.
const admin = { user: 'admin', pass: secret() };
const robotA = { user: 'robot$proja+puller', pass: secret() };
const robotB = { user: 'robot$projb+puller', pass: secret() };
const stubAuthorize: Authorizer = (username, password, project) => {
  const out: RepositoryAction[] = [];
  if (username === admin.user && password === admin.pass) out.push('pull', 'push');
  else if (username === robotA.user && password === robotA.pass && project === 'proja') out.push('pull');
  else if (username === robotB.user && password === robotB.pass && project === 'projb') out.push('pull');
  if (project === 'pub' && !out.includes('pull')) out.push('pull');
  return out;
};

function decodeJwt(token: string): {
  header: Record<string, unknown>;
  claims: Record<string, any>;
  signingInput: string;
  signature: Buffer;
} {
  const [h, c, s] = token.split('.');
  return {
    header: JSON.parse(Buffer.from(h, 'base64url').toString('utf8')),
    claims: JSON.parse(Buffer.from(c, 'base64url').toString('utf8')),
    signingInput: `${h}.${c}`,
    signature: Buffer.from(s, 'base64url'),
  };
}

const basic = (u: string, p: string): string => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;

describeLab('lab registry with a Harbor-like token service (stub authorizer)', () => {
  let pki: LabPki;
  let server: Server;
  let tokenUrl: string;
  let registry: RunningRegistry;
  let layout: OciLayout;
  let work: string;
  const issuer = 'harbor-token-issuer';

  beforeAll(async () => {
    pki = await createPki();
    work = await mkdtemp(join(tmpdir(), 'harbor-lab-registry-test-'));
    const handler = createTokenHandler({ issuer, service: SERVICE, pki, authorize: stubAuthorize });
    server = createServer((req, res) => {
      if (!handler(req, res)) {
        res.writeHead(404);
        res.end();
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const addr = server.address();
    if (!addr || typeof addr === 'string') throw new Error('token server has no port');
    tokenUrl = `http://127.0.0.1:${addr.port}/service/token`;
    registry = await startRegistry({ realm: tokenUrl, issuer, service: SERVICE, pki });
    layout = await writeOciLayout({ tag: '1.0' });
    for (const project of ['proja', 'projb', 'pub']) {
      const pushed = await copy(layout.reference, `${registry.host}/${project}/app:1.0`, {
        destCreds: `${admin.user}:${admin.pass}`,
      });
      if (!pushed.ok) throw new Error(`admin push to ${project} failed: ${pushed.stderr}`);
    }
  });

  afterAll(async () => {
    await registry?.stop();
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    if (layout) await removeOciLayout(layout);
    if (work) await rm(work, { recursive: true, force: true });
    await pki?.cleanup();
  });

  describe('token service', () => {
    it('answers bad credentials as anonymous: 200 granting nothing of a private project (like Harbor)', async () => {
      const res = await fetch(`${tokenUrl}?service=${SERVICE}&scope=repository:proja/app:pull`, {
        headers: { Authorization: basic(robotA.user, 'wrong-placeholder-not-a-secret') },
      });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { token: string; access_token: string; expires_in: number; issued_at: string };
      expect(body.access_token).toBe(body.token);
      expect(body.expires_in).toBeGreaterThan(0);
      expect(Number.isNaN(Date.parse(body.issued_at))).toBe(false);
      expect(decodeJwt(body.token).claims.access).toEqual([{ type: 'repository', name: 'proja/app', actions: [] }]);
    });

    it('grants every action the caller has on the project, whatever was asked, per scope (creator.go repositoryFilter)', async () => {
      const url = `${tokenUrl}?service=${SERVICE}&scope=repository:proja/app:push&scope=repository:projb/app:pull`;
      const res = await fetch(url, { headers: { Authorization: basic(robotA.user, robotA.pass) } });
      const { token } = (await res.json()) as { token: string };
      expect(decodeJwt(token).claims.access).toEqual([
        { type: 'repository', name: 'proja/app', actions: ['pull'] },
        { type: 'repository', name: 'projb/app', actions: [] },
      ]);
      const all = await fetch(`${tokenUrl}?service=${SERVICE}&scope=repository:pub/app:pull`, {
        headers: { Authorization: basic(admin.user, admin.pass) },
      });
      const granted = decodeJwt(((await all.json()) as { token: string }).token).claims.access;
      expect(granted).toEqual([{ type: 'repository', name: 'pub/app', actions: ['pull', 'push'] }]);
    });

    it('answers 401 to a caller that is not logged in and asks no scope (a docker login), 400 to another service', async () => {
      expect((await fetch(`${tokenUrl}?service=${SERVICE}`)).status).toBe(401);
      const admin200 = await fetch(`${tokenUrl}?service=${SERVICE}`, {
        headers: { Authorization: basic(admin.user, admin.pass) },
      });
      expect(admin200.status).toBe(200);
      expect((await fetch(`${tokenUrl}?service=other&scope=repository:pub/app:pull`)).status).toBe(400);
    });

    it('signs an RS256 JWT that verifies with the per-run certificate and carries it in x5c', async () => {
      const res = await fetch(`${tokenUrl}?service=${SERVICE}&scope=repository:pub/app:pull`);
      const { token } = (await res.json()) as { token: string };
      const jwt = decodeJwt(token);
      expect(jwt.header).toEqual({ typ: 'JWT', alg: 'RS256', x5c: [pki.certDerBase64] });
      const cert = new X509Certificate(Buffer.from((jwt.header.x5c as string[])[0], 'base64'));
      expect(verify('sha256', Buffer.from(jwt.signingInput), cert.publicKey, jwt.signature)).toBe(true);
      // A tampered payload must not verify.
      expect(verify('sha256', Buffer.from(`${jwt.signingInput}x`), createPublicKey(pki.certPem), jwt.signature)).toBe(
        false,
      );
      const now = Math.floor(Date.now() / 1000);
      expect(jwt.claims).toMatchObject({ iss: issuer, aud: SERVICE, sub: '' });
      expect(jwt.claims.exp).toBeGreaterThan(now);
      expect(jwt.claims.nbf).toBeLessThanOrEqual(now);
      expect(typeof jwt.claims.jti).toBe('string');
      expect(jwt.claims.access).toEqual([{ type: 'repository', name: 'pub/app', actions: ['pull'] }]);
    });
  });

  describe('pulls through distribution with auth: token', () => {
    it('denies an anonymous pull of a private project', async () => {
      const r = await inspect(`${registry.host}/proja/app:1.0`);
      expect(r.ok).toBe(false);
      expect(r.stderr).toMatch(/unauthorized|denied/i);
    });

    it('allows an anonymous pull of a public project (so the denial above is about auth)', async () => {
      const r = await inspect(`${registry.host}/pub/app:1.0`);
      expect(r.stderr).toBe('');
      expect(r.ok).toBe(true);
      expect(JSON.parse(r.stdout).Digest).toBe(layout.manifest.digest);
    });

    it('denies a pull with a wrong password', async () => {
      const r = await inspect(`${registry.host}/proja/app:1.0`, {
        creds: `${robotA.user}:wrong-placeholder-not-a-secret`,
      });
      expect(r.ok).toBe(false);
      expect(r.stderr).toMatch(/unauthorized|denied/i);
    });

    it('allows the project robot to pull, from a docker config file ($ in the name intact)', async () => {
      const authfile = join(work, 'robot-a.json');
      await writeFile(
        authfile,
        JSON.stringify({
          auths: { [registry.host]: { auth: Buffer.from(`${robotA.user}:${robotA.pass}`).toString('base64') } },
        }),
      );
      const r = await inspect(`${registry.host}/proja/app:1.0`, { authfile });
      expect(r.stderr).toBe('');
      expect(r.ok).toBe(true);
      expect(JSON.parse(r.stdout).Digest).toBe(layout.manifest.digest);
    });

    it('denies the robot of project B on project A', async () => {
      const ok = await inspect(`${registry.host}/projb/app:1.0`, { creds: `${robotB.user}:${robotB.pass}` });
      expect(ok.ok).toBe(true);
      const r = await inspect(`${registry.host}/proja/app:1.0`, { creds: `${robotB.user}:${robotB.pass}` });
      expect(r.ok).toBe(false);
      expect(r.stderr).toMatch(/unauthorized|denied/i);
      expect(r.stderr).not.toContain(robotB.pass);
    });

    it('needs the push action to push: a pull-only robot cannot push, admin can', async () => {
      const denied = await copy(layout.reference, `${registry.host}/proja/other:1.0`, {
        destCreds: `${robotA.user}:${robotA.pass}`,
      });
      expect(denied.ok).toBe(false);
      expect(denied.stderr).toMatch(/unauthorized|denied/i);
      expect(denied.stderr).not.toContain(robotA.pass);
      const allowed = await copy(layout.reference, `${registry.host}/proja/other:1.0`, {
        destCreds: `${admin.user}:${admin.pass}`,
      });
      expect(allowed.stderr).toBe('');
      expect(allowed.ok).toBe(true);
    });

    it('checks only the token, not the credentials behind it, until it expires (beyond its 60 s leeway)', async () => {
      // The registry never asks the token service again: a robot whose secret changed keeps its token until
      // `exp`, and an expired token is refused however valid its signature.
      const now = Math.floor(Date.now() / 1000);
      const claims = (iat: number, exp: number) => ({
        iss: issuer,
        aud: SERVICE,
        sub: robotA.user,
        iat,
        nbf: iat,
        exp,
        jti: `jti-${exp}`,
        access: [{ type: 'repository', name: 'proja/app', actions: ['pull'] }],
      });
      const live = await inspect(`${registry.host}/proja/app:1.0`, {
        registryToken: signToken(claims(now - 600, now + 300), pki),
      });
      expect(live.ok).toBe(true);
      const expired = await inspect(`${registry.host}/proja/app:1.0`, {
        registryToken: signToken(claims(now - 600, now - 120), pki),
      });
      expect(expired.ok).toBe(false);
      expect(expired.stderr).toMatch(/unauthorized|denied|invalid/i);
    });

    it('rejects a token granting pull that was signed by another key', async () => {
      const rogue = await createPki({ commonName: 'rogue-signer' });
      try {
        const now = Math.floor(Date.now() / 1000);
        const claims = {
          iss: issuer,
          aud: SERVICE,
          sub: 'rogue',
          iat: now,
          nbf: now,
          exp: now + 300,
          jti: 'rogue-jti',
          access: [{ type: 'repository', name: 'proja/app', actions: ['pull'] }],
        };
        const good = await inspect(`${registry.host}/proja/app:1.0`, { registryToken: signToken(claims, pki) });
        expect(good.ok).toBe(true);
        const bad = await inspect(`${registry.host}/proja/app:1.0`, { registryToken: signToken(claims, rogue) });
        expect(bad.ok).toBe(false);
        expect(bad.stderr).toMatch(/unauthorized|denied|invalid/i);
      } finally {
        await rogue.cleanup();
      }
    });
  });
});
