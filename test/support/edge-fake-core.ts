import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { ADVICE_DISCLAIMER, type AdviceResponse } from '../../shared/contracts/advice.ts';

/** One request the fake core received. */
export interface RecordedCall {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  /** True when the edge closed the connection before the response ended (a cancelled stream). */
  closedEarly: boolean;
}

/**
 * ok: answers (JSON, or meta/token/done events on /v1/advice/stream); fail: 500 problem; hang:
 * never answers; forbid: 403 problem; degraded: answers marked `degraded: true`. Stream-only
 * (/v1/advice/stream; /v1/advice answers as `ok`): stream-error ends with an `error` event;
 * stream-truncated ends the response cleanly in the middle of the `done` event; stream-stall sends
 * meta and one token, then nothing, holding the connection open.
 */
export type FakeCoreMode = 'ok' | 'fail' | 'hang' | 'forbid' | 'degraded' | 'stream-error' | 'stream-truncated' | 'stream-stall';

export interface FakeCore {
  url: string;
  /** Every call except JWKS fetches, in order. */
  calls: RecordedCall[];
  jwksFetches: number;
  /** The key set served at /.well-known/jwks.json; replace it to rotate keys. */
  jwks: unknown;
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
    jwks: options.jwks,
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
      return send(response, 200, 'application/json', state.jwks);
    }
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const headers = Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, String(value)]));
    const call: RecordedCall = { method: request.method ?? 'GET', path, headers, body, closedEarly: false };
    state.calls.push(call);
    response.on('close', () => {
      if (!response.writableEnded) call.closedEarly = true;
    });
    if (state.mode === 'hang') return; // never answers; close() destroys the socket
    if (state.mode === 'fail') return send(response, 500, 'application/problem+json', problem('internal', 500));
    if (state.mode === 'forbid') return send(response, 403, 'application/problem+json', problem('forbidden', 403));
    const answer = { ...fakeAnswer(state.indexVersion, body), ...(state.mode === 'degraded' ? { degraded: true } : {}) };
    if (path === '/v1/advice') return send(response, 200, 'application/json', answer);
    if (path === '/v1/advice/stream') return streamAnswer(response, state.mode, answer);
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

/** Pieces the fake model "writes"; together they are the answer's advice. */
export function adviceTokens(advice: string): string[] {
  const third = Math.ceil(advice.length / 3);
  return [advice.slice(0, third), advice.slice(third, 2 * third), advice.slice(2 * third)];
}

const sseEvent = (event: string, data: unknown) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

/**
 * Core's /v1/advice/stream, event shapes as core/routes/advice-stream-routes.ts writes them. Each
 * event is its own write, a little apart, and the first token is split across two writes, so the
 * edge sees events the way a network delivers them.
 */
async function streamAnswer(response: ServerResponse, mode: FakeCoreMode, answer: AdviceResponse): Promise<void> {
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const write = async (text: string) => {
    if (response.destroyed) return;
    response.write(text);
    await tick();
  };
  const [first = '', ...rest] = adviceTokens(answer.advice);
  await write(sseEvent('meta', { sources: answer.sources, indexVersion: answer.indexVersion }));
  const firstToken = sseEvent('token', { text: first });
  await write(firstToken.slice(0, 10));
  await write(firstToken.slice(10));
  if (mode === 'stream-stall') return; // nothing more; the connection stays open until the edge closes it
  if (mode === 'stream-error') {
    await write(sseEvent('error', problem('upstream-unavailable', 503)));
    return void response.end();
  }
  for (const text of rest) await write(sseEvent('token', { text }));
  const done = sseEvent('done', answer);
  if (mode === 'stream-truncated') {
    await write(done.slice(0, Math.floor(done.length / 2)));
    return void response.end();
  }
  await write(done);
  response.end();
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
