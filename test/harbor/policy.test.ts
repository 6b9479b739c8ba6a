/**
 * Pure parts: retry policy and backoff, Harbor error parsing, hints per status, redaction, permission sets.
 */
import { HarborApiError, type RobotPermission } from '../../lib/harbor';
import { harborErrorHint, parseHarborError, redactSecrets } from '../../lib/harbor/errors';
import { normalisePermissions, samePermissions } from '../../lib/harbor/permissions';
import { isIdempotent, isRetryableStatus, parseRetryAfter, retryDelayMs } from '../../lib/harbor/retry';

describe('retry policy', () => {
  it('only GET, HEAD, PUT, DELETE are idempotent', () => {
    expect(['GET', 'head', 'PUT', 'DELETE', 'POST', 'PATCH'].map(isIdempotent)).toEqual([
      true,
      true,
      true,
      true,
      false,
      false,
    ]);
  });

  it('retries 429 and 500/502/503/504 only', () => {
    expect([400, 401, 403, 404, 409, 412, 429, 500, 501, 502, 503, 504, 505].filter(isRetryableStatus)).toEqual([
      429, 500, 502, 503, 504,
    ]);
  });

  it('parses Retry-After seconds and HTTP dates', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter(' 0 ')).toBe(0);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:10 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(10000);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT', Date.parse('Wed, 21 Oct 2015 07:29:00 GMT'))).toBe(0);
    expect([parseRetryAfter(null), parseRetryAfter(''), parseRetryAfter('soon')]).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('backs off exponentially with equal jitter, within [exp/2, exp]', () => {
    const at = (attempt: number, random: number): number =>
      retryDelayMs({ attempt, baseDelayMs: 200, maxDelayMs: 100_000, random });
    expect([1, 2, 3, 4].map((a) => at(a, 0))).toEqual([100, 200, 400, 800]);
    expect([1, 2, 3, 4].map((a) => at(a, 0.999999))).toEqual([200, 400, 800, 1600]);
    expect(at(2, 0.5)).toBe(300);
  });

  it('raises the delay to Retry-After and caps everything at maxDelayMs', () => {
    expect(retryDelayMs({ attempt: 1, baseDelayMs: 200, maxDelayMs: 10_000, retryAfterMs: 1000, random: 0 })).toBe(
      1000,
    );
    expect(retryDelayMs({ attempt: 1, baseDelayMs: 200, maxDelayMs: 10_000, retryAfterMs: 50, random: 0 })).toBe(100);
    expect(retryDelayMs({ attempt: 1, baseDelayMs: 200, maxDelayMs: 500, retryAfterMs: 120_000, random: 0 })).toBe(500);
    expect(retryDelayMs({ attempt: 40, baseDelayMs: 200, maxDelayMs: 10_000, random: 0.5 })).toBe(10_000);
  });
});

describe('Harbor errors', () => {
  it('parses {"errors":[{code,message}]}, joining several', () => {
    expect(parseHarborError('{"errors":[{"code":"CONFLICT","message":"project app already exists"}]}')).toEqual({
      code: 'CONFLICT',
      message: 'project app already exists',
    });
    expect(
      parseHarborError('{"errors":[{"code":"BAD_REQUEST","message":"a"},{"code":"BAD_REQUEST","message":"b"}]}'),
    ).toEqual({
      code: 'BAD_REQUEST',
      message: 'a; b',
    });
    expect(parseHarborError('<html><body>502 Bad Gateway</body></html>')).toEqual({ message: '502 Bad Gateway' });
    expect(parseHarborError('')).toEqual({});
  });

  it.each([
    [401, 'GET', '/projects/a', /username and password.*robot\$/],
    [403, 'POST', '/robots', /projectAdmin/],
    [403, 'PUT', '/projects/a', /projectAdmin.*system admin/],
    [404, 'GET', '/robots/1', /not found/],
    [409, 'POST', '/projects', /adopt.*another name/],
    [412, 'DELETE', '/projects/a', /repositories.*delete them.*force/],
    [429, 'GET', '/projects', /transient/],
    [503, 'GET', '/projects', /transient/],
    [503, 'POST', '/robots', /may have been applied/],
    [302, 'GET', '/projects', /redirect/],
  ])('hint for %i %s %s', (status, method, path, re) => {
    expect(harborErrorHint(status, method, path)).toMatch(re);
  });

  it('builds a message with method, path, status, code, Harbor message, request id and hint', () => {
    const e = new HarborApiError({
      method: 'POST',
      path: '/projects',
      origin: 'https://reg.example.com',
      status: 409,
      code: 'CONFLICT',
      harborMessage: 'The project named app already exists',
      requestId: 'abc-123',
      retryable: false,
    });
    expect(e.message).toBe(
      'Harbor API POST https://reg.example.com/api/v2.0/projects failed: HTTP 409 CONFLICT: The project named app already exists ' +
        '[request id abc-123]. Hint: already exists: adopt the existing object or pick another name',
    );
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('HarborApiError');
    expect([e.status, e.code, e.requestId, e.method, e.path, e.retryable]).toEqual([
      409,
      'CONFLICT',
      'abc-123',
      'POST',
      '/projects',
      false,
    ]);
  });

  it('redacts secrets and Authorization values', () => {
    expect(redactSecrets('a s3cr3t-value b s3cr3t-value', ['s3cr3t-value'])).toBe('a *** b ***');
    expect(redactSecrets('Authorization: Basic YWRtaW46cGxhY2Vob2xkZXI=', [])).toBe('Authorization: Basic ***');
    const e = new HarborApiError({
      method: 'GET',
      path: '/x',
      status: 500,
      harborMessage: 'leak s3cr3t-value',
      retryable: true,
      secrets: ['s3cr3t-value'],
    });
    expect(e.message).not.toContain('s3cr3t-value');
    expect(e.harborMessage).toBe('leak ***');
  });
});

describe('permissions', () => {
  const a: RobotPermission[] = [
    {
      kind: 'project',
      namespace: 'app',
      access: [
        { resource: 'repository', action: 'pull' },
        { resource: 'artifact', action: 'read' },
      ],
    },
  ];

  it('compares as sets: order, duplicates and effect ""/"allow" do not matter', () => {
    const fromHarbor = normalisePermissions([
      {
        kind: 'project',
        namespace: 'app',
        access: [
          { resource: 'artifact', action: 'read', effect: '' },
          { resource: 'repository', action: 'pull', effect: 'allow' },
          { resource: 'repository', action: 'pull' },
        ],
      },
    ]);
    expect(samePermissions(a, fromHarbor)).toBe(true);
    expect(fromHarbor).toEqual([
      {
        kind: 'project',
        namespace: 'app',
        access: [
          { resource: 'artifact', action: 'read' },
          { resource: 'repository', action: 'pull' },
        ],
      },
    ]);
  });

  it('sees a different action, namespace or a deny', () => {
    const push: RobotPermission[] = [
      {
        kind: 'project',
        namespace: 'app',
        access: [
          { resource: 'repository', action: 'push' },
          { resource: 'artifact', action: 'read' },
        ],
      },
    ];
    const other: RobotPermission[] = [{ ...a[0], namespace: 'other' }];
    const deny = normalisePermissions([
      {
        kind: 'project',
        namespace: 'app',
        access: [
          { resource: 'repository', action: 'pull', effect: 'deny' },
          { resource: 'artifact', action: 'read' },
        ],
      },
    ]);
    expect(samePermissions(a, push)).toBe(false);
    expect(samePermissions(a, other)).toBe(false);
    expect(samePermissions(a, deny)).toBe(false);
    expect(samePermissions(a, [])).toBe(false);
  });

  it('rejects malformed entries, naming them', () => {
    expect(() => normalisePermissions([{ kind: 'system', namespace: '/', access: [] }])).toThrow(
      /permissions\[0\]\.kind must be "project"/,
    );
    expect(() =>
      normalisePermissions([{ kind: 'project', namespace: 'a', access: [{ resource: 'repository' }] }]),
    ).toThrow(/permissions\[0\]\.access\[0\] must be \{resource, action\}/);
    expect(() =>
      normalisePermissions([
        { kind: 'project', namespace: 'a', access: [{ resource: 'r', action: 'pull', effect: 'maybe' }] },
      ]),
    ).toThrow(/effect must be/);
  });
});
