import { classifyNetworkError } from '../../lib/core/network-errors';

/** An error with a code and a cause, as undici and Node build them. */
function err(message: string, code?: unknown, cause?: unknown): Error {
  return Object.assign(new Error(message), code === undefined ? {} : { code }, cause === undefined ? {} : { cause });
}

describe('classifyNetworkError', () => {
  it("takes the code of undici's cause under `fetch failed`", () => {
    const e = new TypeError('fetch failed', { cause: err('connect ECONNREFUSED 127.0.0.1:1', 'ECONNREFUSED') });
    expect(classifyNetworkError(e)).toEqual({
      code: 'ECONNREFUSED',
      message: 'connect ECONNREFUSED 127.0.0.1:1',
      tls: false,
    });
  });

  it('takes the most specific (deepest) code when several errors of the chain carry one', () => {
    // lib/registry's copy took the outermost code (here UND_ERR_SOCKET) and so missed the certificate failure.
    const e = err('other side closed', 'UND_ERR_SOCKET', err('self-signed certificate', 'DEPTH_ZERO_SELF_SIGNED_CERT'));
    expect(classifyNetworkError(e)).toEqual({
      code: 'DEPTH_ZERO_SELF_SIGNED_CERT',
      message: 'self-signed certificate',
      tls: true,
    });
  });

  it('says TIMEOUT for an aborted time limit, by name or by the DOMException code', () => {
    const byName = Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError' });
    expect(classifyNetworkError(new TypeError('fetch failed', { cause: byName }))).toEqual({
      code: 'TIMEOUT',
      message: undefined,
      tls: false,
    });
    expect(classifyNetworkError(err('timed out', 23)).code).toBe('TIMEOUT');
  });

  it('says NETWORK_ERROR without a code, with the first message that is not `fetch failed`', () => {
    expect(classifyNetworkError(new TypeError('fetch failed', { cause: new Error('socket hang up') }))).toEqual({
      code: 'NETWORK_ERROR',
      message: 'socket hang up',
      tls: false,
    });
    expect(classifyNetworkError(new TypeError('fetch failed'))).toEqual({
      code: 'NETWORK_ERROR',
      message: undefined,
      tls: false,
    });
    expect(classifyNetworkError(undefined).code).toBe('NETWORK_ERROR');
  });

  it('stops following a cause chain that loops', () => {
    const a = err('a') as Error & { cause?: unknown };
    a.cause = a;
    expect(classifyNetworkError(a)).toEqual({ code: 'NETWORK_ERROR', message: 'a', tls: false });
  });
});
