import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { ADVICE_DISCLAIMER, type AdviceResponse } from '../../shared/contracts/advice.ts';

/** One request the fake core received. */
export interface RecordedCall {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

/** ok: answers; fail: 500 problem; hang: never answers; forbid: 403 problem. */
export type FakeCoreMode = 'ok' | 'fail' | 'hang' | 'forbid';

export interface FakeCore {
  url: string;
  /** Every call except JWKS fetches, in order. */
  calls: RecordedCall[];
  jwksFetches: number;
  mode: FakeCoreMode;
  indexVersion: string;
  callsTo(path: string): RecordedCall[];
  close(): Promise<void>;
}

/**
 * A stand-in for APFA core that the edge talks to over real HTTP: serves a JWKS, answers
 * /v1/advice with a valid AdviceResponse and /v1/auth/token with tokens, and RECORDS every call so
 * tests can tell whether the edge reached core.
 */
export async function startFakeCore(options: { jwks: unknown; indexVersion?: string }): Promise<FakeCore> {
  const sockets = new Set<Socket>();
  const core: FakeCore = {
    url: '',
    calls: [],
    jwksFetches: 0,
    mode: 'ok',
    indexVersion: options.indexVersion ?? '0123456789abcdef',
    callsTo: (path) => core.calls.filter((call) => call.path === path),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server: Server = createServer((request, response) => {
    void handle(core, request, response);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  core.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return core;

  async function handle(state: FakeCore, request: IncomingMessage, response: ServerResponse) {
    const path = new URL(request.url ?? '/', 'http://core').pathname;
    if (path === '/.well-known/jwks.json') {
      state.jwksFetches += 1;
      return send(response, 200, 'application/json', options.jwks);
    }
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const headers = Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, String(value)]));
    state.calls.push({ method: request.method ?? 'GET', path, headers, body });
    if (state.mode === 'hang') return; // never answers; close() destroys the socket
    if (state.mode === 'fail') return send(response, 500, 'application/problem+json', problem('internal', 500));
    if (state.mode === 'forbid') return send(response, 403, 'application/problem+json', problem('forbidden', 403));
    if (path === '/v1/advice') return send(response, 200, 'application/json', fakeAnswer(state.indexVersion, body));
    if (path === '/v1/auth/token') {
      return send(response, 200, 'application/json', { access_token: 'issued-by-fake-core', token_type: 'Bearer', expires_in: 900, refresh_token: 'refresh-token-from-fake-core' });
    }
    return send(response, 404, 'application/problem+json', problem('not-found', 404));
  }
}

function send(response: ServerResponse, status: number, contentType: string, body: unknown) {
  response.writeHead(status, { 'content-type': contentType });
  response.end(JSON.stringify(body));
}

const problem = (code: string, status: number) => ({ type: `/problems/${code}`, title: code, status, code, detail: `fake core says ${code}` });

/** A schema-valid answer that echoes the query, so tests can tell answers apart. */
export function fakeAnswer(indexVersion: string, requestBody: string): AdviceResponse {
  let query = '';
  try {
    query = String((JSON.parse(requestBody) as { query?: unknown }).query ?? '');
  } catch {
    // the edge forwards only valid JSON; keep the answer valid regardless
  }
  return {
    advice: `Fake core advice for: ${query}`,
    sources: [{ id: 'doc-1', title: 'Fake source', score: 0.9, excerpt: 'An excerpt.' }],
    bias: { score: 0, flagged: false, flags: [] },
    indexVersion,
    generator: 'fake-core',
    cached: false,
    disclaimer: ADVICE_DISCLAIMER,
    timings: { embedMs: 1, searchMs: 1, generateMs: 1, biasMs: 0, totalMs: 3 },
  };
}

/** A loopback URL nothing listens on (bound, then closed). */
export async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
