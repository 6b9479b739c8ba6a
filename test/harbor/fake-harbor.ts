/**
 * A minimal scripted HTTP(S) server for the Harbor client's unit tests: it records every request and answers with
 * whatever the test's handler returns (a response, a connection reset, or no answer at all).
 * Not an emulator: the handler decides everything.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';

/** One request as the server saw it. */
export interface RecordedRequest {
  readonly method: string;
  /** Path with query, e.g. `/api/v2.0/projects?project_name=a`. */
  readonly url: string;
  /** Path without query. */
  readonly pathname: string;
  readonly query: URLSearchParams;
  readonly headers: http.IncomingHttpHeaders;
  /** Raw body text. */
  readonly body: string;
  /** Parsed JSON body, when it was JSON. */
  readonly json?: unknown;
  /** When the request arrived (Date.now()). */
  readonly at: number;
}

/** What to answer. */
export type Reply =
  | { readonly status: number; readonly headers?: Record<string, string | string[]>; readonly body?: unknown }
  | 'reset'
  | 'hang';

export type Handler = (req: RecordedRequest) => Reply | Promise<Reply>;

export interface FakeHarbor {
  /** Base URL, e.g. `http://127.0.0.1:PORT`. */
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** Replaces the handler. */
  setHandler(h: Handler): void;
  close(): Promise<void>;
}

/** A Harbor-shaped error body. */
export function harborError(code: string, message: string): { errors: Array<{ code: string; message: string }> } {
  return { errors: [{ code, message }] };
}

/** Starts the server on 127.0.0.1, a free port; `tls` switches to https. */
export async function startFakeHarbor(handler: Handler, tls?: { key: string; cert: string }): Promise<FakeHarbor> {
  let current = handler;
  const requests: RecordedRequest[] = [];
  const listener = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const u = new URL(req.url ?? '/', 'http://fake.invalid');
      let json: unknown;
      try {
        json = body ? JSON.parse(body) : undefined;
      } catch {
        json = undefined;
      }
      const rec: RecordedRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        pathname: u.pathname,
        query: u.searchParams,
        headers: req.headers,
        body,
        json,
        at: Date.now(),
      };
      requests.push(rec);
      Promise.resolve()
        .then(() => current(rec))
        .then(
          (reply) => {
            if (reply === 'reset') {
              req.socket.destroy();
              return;
            }
            if (reply === 'hang') return;
            const payload =
              reply.body === undefined ? '' : typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
            const headers: Record<string, string | string[]> = { ...(reply.headers ?? {}) };
            if (payload && !Object.keys(headers).some((k) => k.toLowerCase() === 'content-type')) {
              headers['content-type'] = 'application/json';
            }
            res.writeHead(reply.status, headers);
            res.end(req.method === 'HEAD' ? undefined : payload);
          },
          (err: unknown) => {
            res.writeHead(599, { 'content-type': 'text/plain' });
            res.end(`fake-harbor handler threw: ${String(err)}`);
          },
        );
    });
  };
  const server = tls ? https.createServer({ key: tls.key, cert: tls.cert }, listener) : http.createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    requests,
    setHandler(h: Handler) {
      current = h;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
