import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EventStreamCodec } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';

/** How the server answers the next request. */
export type ServerBehaviour =
  | 'ok'
  /** HTTP 500 with an OpenAI-style error body. */
  | 'error-500'
  /** Headers never sent, connection held open. */
  | 'hang'
  /** Streams the first chunk, then holds the connection open. */
  | 'stall-after-first-chunk'
  /** 200 with a body that is not the protocol (truncated JSON / a non-JSON SSE line). */
  | 'malformed';

export interface RecordedRequest {
  path: string;
  stream: boolean;
  model: string | undefined;
  authorization: string | undefined;
  /** Every request header (lower-cased names), for provider contract tests. */
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
  /** True when the client closed the connection before the response ended. */
  clientClosedEarly: boolean;
}

export interface ChatServer {
  /** OpenAI base URL, `http://127.0.0.1:<port>/v1`. */
  baseURL: string;
  /** Root URL, used as Bedrock's endpoint (`/model/<id>/converse[-stream]`) and, with `/client/v4`, as Cloudflare's API root. */
  rootURL: string;
  requests: RecordedRequest[];
  /** Behaviour for requests when the queue is empty (default 'ok'). */
  behaviour: ServerBehaviour;
  /** Behaviours for the next requests, one each, before falling back to `behaviour`. */
  queue: ServerBehaviour[];
  /** The assistant's reply to a request (default: one cited sentence). */
  reply: (request: RecordedRequest) => string;
  close(): Promise<void>;
}

const DEFAULT_REPLY = 'FHA loans allow a down payment of 3.5% with a credit score of 580 or higher [1]. This is general information, not a credit decision.';

/**
 * A small HTTP server speaking the OpenAI chat-completions protocol (JSON and SSE streaming, `[DONE]`
 * terminator) and Amazon Bedrock's Converse API (JSON and the binary AWS event stream), for
 * contract tests of the real AI SDK clients. It records each request and can fail on demand.
 */
export async function startChatServer(): Promise<ChatServer> {
  const open = new Set<ServerResponse>();
  const state: ChatServer = {
    baseURL: '',
    rootURL: '',
    requests: [],
    behaviour: 'ok',
    queue: [],
    reply: () => DEFAULT_REPLY,
    close: async () => {
      for (const response of open) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  const server = createServer((request, response) => {
    void handle(request, response).catch(() => response.destroy());
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const raw = await readBody(request);
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    const body = (raw.length > 0 ? JSON.parse(raw) : {}) as Record<string, unknown>;
    const bedrock = /^\/model\/([^/]+)\/(converse|converse-stream)$/.exec(path);
    const recorded: RecordedRequest = {
      path,
      stream: bedrock ? bedrock[2] === 'converse-stream' : body.stream === true,
      model: bedrock ? decodeURIComponent(bedrock[1] ?? '') : typeof body.model === 'string' ? body.model : undefined,
      authorization: request.headers.authorization,
      headers: request.headers,
      body,
      clientClosedEarly: false,
    };
    state.requests.push(recorded);
    open.add(response);
    response.on('close', () => {
      open.delete(response);
      if (!response.writableEnded) recorded.clientClosedEarly = true;
    });
    // Any `…/v1/chat/completions` path: `/v1/…` for plain OpenAI-compatible servers, and the
    // account-scoped `/client/v4/accounts/<id>/ai/v1/…` of Cloudflare Workers AI (checked by its tests).
    if (request.method !== 'POST' || (!path.endsWith('/v1/chat/completions') && !bedrock)) {
      response.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"message":"not found"}}');
      return;
    }
    const behaviour = state.queue.shift() ?? state.behaviour;
    if (behaviour === 'hang') return;
    if (behaviour === 'error-500') {
      response.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'model crashed', type: 'server_error' } }));
      return;
    }
    const text = state.reply(recorded);
    if (bedrock) return answerBedrock(response, recorded.stream, text, behaviour);
    return answerOpenAi(response, recorded, text, behaviour);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  state.rootURL = `http://127.0.0.1:${port}`;
  state.baseURL = `${state.rootURL}/v1`;
  return state;
}

function answerOpenAi(response: ServerResponse, request: RecordedRequest, text: string, behaviour: ServerBehaviour): void {
  const id = 'chatcmpl-test';
  const created = Math.floor(Date.now() / 1000);
  const model = request.model ?? 'test-model';
  if (!request.stream) {
    if (behaviour === 'malformed') {
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"id":"chatcmpl-test","choices":[{"mess');
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' }).end(
      JSON.stringify({
        id,
        object: 'chat.completion',
        created,
        model,
        choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 100, completion_tokens: 20, total_tokens: 120 },
      }),
    );
    return;
  }
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  const send = (payload: unknown) => response.write(`data: ${JSON.stringify(payload)}\n\n`);
  const chunk = (delta: Record<string, unknown>, finish: string | null = null) => ({ id, object: 'chat.completion.chunk', created, model, choices: [{ index: 0, delta, finish_reason: finish }] });
  const pieces = words(text);
  send(chunk({ role: 'assistant', content: '' }));
  if (behaviour === 'malformed') {
    response.end('data: {"id":"chatcmpl-test","choices":[{"delta":{"content":\n\n');
    return;
  }
  for (const [index, piece] of pieces.entries()) {
    send(chunk({ content: piece }));
    if (behaviour === 'stall-after-first-chunk' && index === 0) return;
  }
  send(chunk({}, 'stop'));
  send({ id, object: 'chat.completion.chunk', created, model, choices: [], usage: { prompt_tokens: 100, completion_tokens: pieces.length, total_tokens: 100 + pieces.length } });
  response.end('data: [DONE]\n\n');
}

const codec = new EventStreamCodec(toUtf8, fromUtf8);

function answerBedrock(response: ServerResponse, stream: boolean, text: string, behaviour: ServerBehaviour): void {
  if (!stream) {
    if (behaviour === 'malformed') {
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"output":{"message"');
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' }).end(
      JSON.stringify({
        output: { message: { role: 'assistant', content: [{ text }] } },
        stopReason: 'end_turn',
        usage: { inputTokens: 100, outputTokens: 20, totalTokens: 120 },
      }),
    );
    return;
  }
  response.writeHead(200, { 'content-type': 'application/vnd.amazon.eventstream' });
  const event = (type: string, payload: unknown) =>
    response.write(
      codec.encode({
        headers: {
          ':event-type': { type: 'string', value: type },
          ':message-type': { type: 'string', value: 'event' },
          ':content-type': { type: 'string', value: 'application/json' },
        },
        body: fromUtf8(JSON.stringify(payload)),
      }),
    );
  event('messageStart', { role: 'assistant' });
  for (const [index, piece] of words(text).entries()) {
    event('contentBlockDelta', { contentBlockIndex: 0, delta: { text: piece } });
    if (behaviour === 'stall-after-first-chunk' && index === 0) return;
  }
  event('contentBlockStop', { contentBlockIndex: 0 });
  event('messageStop', { stopReason: 'end_turn' });
  event('metadata', { usage: { inputTokens: 100, outputTokens: 20, totalTokens: 120 }, metrics: { latencyMs: 5 } });
  response.end();
}

/** Splits text into word-sized pieces that keep their leading space, as models stream them. */
function words(text: string): string[] {
  return text.match(/\s*\S+/g) ?? [];
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
