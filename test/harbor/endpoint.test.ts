/**
 * Where the client may connect: plain-HTTP refusal outside loopback, URL checks, CA bundle checks.
 */
import { parseHarborUrl } from '../../lib/core/harbor-url';
import { HarborClient } from '../../lib/harbor';
import {
  canonicalHarborUrl,
  harborEndpointProblem,
  isLoopbackHost,
  resolveHarborEndpoint,
} from '../../lib/harbor/endpoint';

const creds = { username: 'admin', password: 'placeholder-not-a-secret' };
const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

describe('plain http', () => {
  it('is refused for a non-loopback host, naming the url and both fixes', () => {
    expect(() => new HarborClient({ url: 'http://reg.example.com', ...creds })).toThrow(
      /"http:\/\/reg\.example\.com".*clear text.*"https:\/\/reg\.example\.com".*allowPlainHttp: true/,
    );
    expect(() => new HarborClient({ url: 'http://10.0.0.5:8080', ...creds })).toThrow(/allowPlainHttp/);
    expect(() => new HarborClient({ url: 'http://128.0.0.1', ...creds })).toThrow(/allowPlainHttp/);
  });

  it.each([
    'http://127.0.0.1:8080',
    'http://127.9.8.7',
    'http://localhost:5000',
    'http://[::1]:8080',
    'http://api.localhost',
  ])('is allowed for loopback %s', (url) => {
    expect(new HarborClient({ url, ...creds }).origin).toBe(url.replace(/\/$/, ''));
  });

  it('is allowed anywhere with allowPlainHttp: true', () => {
    expect(new HarborClient({ url: 'http://reg.example.com', allowPlainHttp: true, ...creds }).origin).toBe(
      'http://reg.example.com',
    );
  });

  it('isLoopbackHost', () => {
    expect(['127.0.0.1', '127.255.0.1', '::1', '[::1]', 'LOCALHOST', '::ffff:127.0.0.1'].map(isLoopbackHost)).toEqual([
      true,
      true,
      true,
      true,
      true,
      true,
    ]);
    expect(['128.0.0.1', '10.0.0.1', '::2', 'localhost.example.com', 'example.com'].map(isLoopbackHost)).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
  });
});

describe('url', () => {
  it('appends /api/v2.0 and keeps a base path', () => {
    expect(resolveHarborEndpoint({ url: 'https://reg.example.com/' })).toMatchObject({
      origin: 'https://reg.example.com',
      apiPath: '/api/v2.0',
    });
    expect(resolveHarborEndpoint({ url: 'https://reg.example.com/harbor/api/v2.0' })).toMatchObject({
      origin: 'https://reg.example.com/harbor',
      apiPath: '/harbor/api/v2.0',
    });
    // Connections go to the server; requests name the base path and the API's.
    expect(resolveHarborEndpoint({ url: 'https://Reg.Example.com:443/harbor/' })).toMatchObject({
      server: 'https://reg.example.com',
      apiPath: '/harbor/api/v2.0',
    });
    expect(resolveHarborEndpoint({ url: 'http://127.0.0.1:8080' })).toMatchObject({
      server: 'http://127.0.0.1:8080',
      apiPath: '/api/v2.0',
    });
  });

  it('sends every request under the base path, to the server', async () => {
    const { startFakeHarbor } = await import('./fake-harbor');
    const fake = await startFakeHarbor(() => ({ status: 200, body: { project_id: 1, name: 'a', metadata: {} } }));
    const client = new HarborClient({ url: `${fake.url}/harbor/`, username: 'u', password: 'placeholder-pw' });
    try {
      await client.getProject('a').catch(() => undefined);
      expect(fake.requests.map((r) => r.url)).toEqual(['/harbor/api/v2.0/projects/a']);
    } finally {
      await client.close();
      await fake.close();
    }
  });

  it('refuses credentials in the url without echoing them', () => {
    let message = '';
    try {
      new HarborClient({ url: 'https://admin:hunter-placeholder@reg.example.com', ...creds });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/carries credentials/);
    expect(message).not.toContain('hunter-placeholder');
  });

  it.each([
    ['', /url is empty/],
    ['reg.example.com', /not a valid URL/],
    ['ftp://reg.example.com', /must start with https:\/\//],
    ['https://reg.example.com/?x=1', /query or fragment/],
  ])('refuses %j', (url, re) => {
    expect(() => new HarborClient({ url, ...creds })).toThrow(re);
  });
});

/** The message `fn` throws. */
function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected a throw');
}

describe('caBundle', () => {
  it('must hold a PEM certificate; the message names what was given, never the text of a key', () => {
    expect(() => new HarborClient({ url: 'https://reg.example.com', caBundle: '/etc/ssl/ca.pem', ...creds })).toThrow(
      /^HarborClientOptions\.caBundle "\/etc\/ssl\/ca\.pem" is a file path, not PEM text.*fs\.readFileSync\(path, "utf8"\)/,
    );
    const body = 'MIIE'.padEnd(200, 'k');
    const key = `-----BEGIN RSA PRIVATE KEY-----\n${body}\n-----END RSA PRIVATE KEY-----\n`;
    const message = errorOf(() => new HarborClient({ url: 'https://reg.example.com', caBundle: key, ...creds }));
    expect(message).toMatch(
      `HarborClientOptions.caBundle "<PEM RSA PRIVATE KEY block, ${key.length} characters>" holds no PEM certificate: it is a PEM RSA PRIVATE KEY block`,
    );
    expect(message).not.toContain(body);
    expect(new HarborClient({ url: 'https://reg.example.com', caBundle: PEM, ...creds }).origin).toBe(
      'https://reg.example.com',
    );
  });

  it('is refused with an http url (it would be silently unused)', () => {
    expect(() => new HarborClient({ url: 'http://127.0.0.1:8080', caBundle: PEM, ...creds })).toThrow(
      /caBundle is set but url .* plain http/,
    );
  });
});

describe('other options', () => {
  it('refuses empty credentials, ":" in the user name and bad numbers', () => {
    expect(() => new HarborClient({ url: 'https://r.example.com', username: '', password: 'x' })).toThrow(
      /username is empty/,
    );
    expect(() => new HarborClient({ url: 'https://r.example.com', username: 'a:b', password: 'x' })).toThrow(
      /contains ":"/,
    );
    expect(() => new HarborClient({ url: 'https://r.example.com', username: 'a', password: '' })).toThrow(
      /password is empty/,
    );
    expect(() => new HarborClient({ url: 'https://r.example.com', ...creds, maxRetries: -1 })).toThrow(/maxRetries -1/);
    expect(() => new HarborClient({ url: 'https://r.example.com', ...creds, timeoutMs: 0 })).toThrow(/timeoutMs 0/);
  });

  it('resolves defaults', () => {
    const c = new HarborClient({ url: 'https://r.example.com', ...creds });
    expect([c.maxRetries, c.timeoutMs, c.retryBaseDelayMs, c.maxRetryDelayMs]).toEqual([3, 30000, 200, 10000]);
  });
});

describe('harborEndpointProblem (callers with their own field names and fixes: the Pulumi engine)', () => {
  it('runs the client checks and gives the problem without the client option names or its fix', () => {
    expect(harborEndpointProblem('https://reg.example.com', PEM)).toBeUndefined();
    const withCredentials = harborEndpointProblem('https://admin:placeholder-not-a-secret@reg.example.com');
    expect(withCredentials).toEqual({ field: 'url', problem: '"https://***@reg.example.com/" carries credentials' });
    expect(harborEndpointProblem('ftp://reg.example.com')).toEqual({
      field: 'url',
      problem: '"ftp://reg.example.com/" must start with https:// (got protocol ftp:)',
    });
    expect(harborEndpointProblem('https://reg.example.com', 'ca.pem')).toEqual({
      field: 'caBundle',
      problem: expect.stringMatching(/^is a file path, not PEM text/),
    });
    expect(harborEndpointProblem('https://reg.example.com', 'not a certificate')).toEqual({
      field: 'caBundle',
      problem: 'holds no PEM certificate',
    });
  });

  it('a plain-http URL to a non-loopback host: the rule of lib/core and the https form to suggest', () => {
    const bad = harborEndpointProblem('http://reg.example.com');
    expect(bad).toMatchObject({ field: 'url', httpsForm: 'https://reg.example.com' });
    expect(bad!.problem).not.toContain('"http://reg.example.com"');
    expect(bad!.problem).not.toContain('allowPlainHttp');
  });

  it('a CA bundle with a plain-http (loopback) URL is reported on the URL, which is what to change', () => {
    expect(harborEndpointProblem('http://127.0.0.1:8080', PEM)).toEqual({
      field: 'url',
      problem: '"http://127.0.0.1:8080" is plain http://, so the CA bundle given with it would be ignored',
    });
    // The client's own message is unchanged.
    expect(() => resolveHarborEndpoint({ url: 'http://127.0.0.1:8080', caBundle: PEM })).toThrow(
      'HarborClientOptions.caBundle is set but url "http://127.0.0.1:8080" is plain http://, so it would be ignored: use "https://127.0.0.1:8080" or drop caBundle.',
    );
  });
});

describe('one parser (parseHarborUrl) for the client, the canonical form and the engines', () => {
  it.each([
    ['https://Reg.Harbor.com:443/api/v2.0/', 'https://reg.harbor.com'],
    ['http://127.0.0.1:80', 'http://127.0.0.1'],
    ['https://h.example.com/harbor//', 'https://h.example.com/harbor'],
    ['https://h.example.com//api/v2.0', 'https://h.example.com'],
  ])('%s has the base %s, as the client and canonicalHarborUrl see it', (url, base) => {
    expect(parseHarborUrl(url)).toMatchObject({ url: { base } });
    expect(canonicalHarborUrl(url)).toBe(base);
    expect(resolveHarborEndpoint({ url, allowPlainHttp: true }).origin).toBe(base);
  });

  it('keeps /API/V2.0: Harbor routes /api/v2.0 only (paths are case-sensitive), so the canonical form does too', () => {
    // canonicalHarborUrl's own parser dropped it case-insensitively, while the client kept it.
    expect(canonicalHarborUrl('https://h.example.com/API/V2.0')).toBe('https://h.example.com/API/V2.0');
    expect(resolveHarborEndpoint({ url: 'https://h.example.com/API/V2.0' }).origin).toBe(
      'https://h.example.com/API/V2.0',
    );
  });

  it.each([
    ['not a url', 'not-a-url'],
    ['https://u:p@h.example.com', 'user-info'],
    ['ftp://u:p@h.example.com', 'user-info'],
    ['ftp://h.example.com', 'not-http'],
    ['https://h.example.com/?a=1', 'query-or-fragment'],
    ['https://h.example.com/#x', 'query-or-fragment'],
  ])('%s is refused: %s', (url, fault) => {
    expect(parseHarborUrl(url).fault).toBe(fault);
    expect(canonicalHarborUrl(url)).toBeUndefined();
  });
});
