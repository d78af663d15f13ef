import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { OpenAPIHono } from '@hono/zod-openapi';
import { serve, type ServerType } from '@hono/node-server';
import type { MiddlewareHandler } from 'hono';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AdviceResponseSchema, type AdviceResponse } from '../../../shared/contracts/advice.ts';
import { AppError } from '../../../shared/errors/app-error.ts';
import { createErrorHandler } from '../../../shared/http/error-handler.ts';
import { createLiveIndex, type LiveIndex } from '../../../core/advice/live-index.ts';
import { LexiconBiasChecker } from '../../../core/bias/lexicon-bias-checker.ts';
import { AiSdkGenerator } from '../../../core/generation/ai-sdk-generator.ts';
import { openAiCompatibleModel } from '../../../core/generation/ai-sdk-models.ts';
import { ExtractiveGenerator } from '../../../core/generation/extractive-generator.ts';
import { ResilientGenerator } from '../../../core/generation/resilient-generator.ts';
import type { AuthVariables } from '../../../core/http/authenticate.ts';
import { buildIndexVersion } from '../../../core/indexing/build-index.ts';
import { createIndexRepository } from '../../../core/indexing/index-repository.ts';
import { fitLexicalEmbedder } from '../../../core/embedding/lexical-embedder-state.ts';
import type { Generator } from '../../../core/ports/generator.ts';
import { registerAdviceStreamRoutes, type AdviceStreamRouteDeps } from '../../../core/routes/advice-stream-routes.ts';
import { createServingIndexPreparer } from '../../../core/serving/prepare-serving-index.ts';
import { LocalFolderObjectStore } from '../../../core/storage/local-folder-object-store.ts';
import { startChatServer, type ChatServer } from '../../support/openai-compatible-server.ts';
import { LOAN_DOCUMENTS } from '../indexing/loan-documents.ts';

interface ServerSentEvent {
  event: string;
  data: unknown;
}

/** Parses a complete text/event-stream body. */
function parseEvents(body: string): ServerSentEvent[] {
  return body
    .split('\n\n')
    .filter((block) => block.trim() !== '')
    .map((block) => {
      const lines = block.split('\n');
      const event = lines.find((line) => line.startsWith('event:'))?.slice(6).trim() ?? 'message';
      const data = lines.filter((line) => line.startsWith('data:')).map((line) => line.slice(5).trimStart()).join('\n');
      return { event, data: JSON.parse(data) as unknown };
    });
}

/** Lets every request through as a borrower, setting the verified claims as the real authorisation middleware does. */
const allow: MiddlewareHandler<{ Variables: AuthVariables }> = async (c, next) => {
  c.set('user', { sub: '6f1c1a52-3b7e-4f0e-9d43-6f9a4b0a1c11', role: 'user', username: 'borrower' });
  await next();
};
const QUESTION = { query: 'What down payment does an FHA loan need with a 620 credit score?', profile: { creditScore: 620 } };
const CITED = 'FHA loans allow a low down payment for borrowers with a credit score of 580 or higher [1]. This is general information, not a credit decision.';

let root: string;
let live: LiveIndex;
let chat: ChatServer;

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'apfa-stream-'));
  const repository = createIndexRepository(new LocalFolderObjectStore(root));
  await repository.save(await buildIndexVersion({ documents: LOAN_DOCUMENTS, embedder: fitLexicalEmbedder(LOAN_DOCUMENTS), sourceName: 'fixture' }));
  live = createLiveIndex(await createServingIndexPreparer({ retrieval: { mode: 'hybrid' } })((await repository.loadLatest())!));
  chat = await startChatServer();
  chat.reply = () => CITED;
});
afterAll(async () => {
  await chat.close();
  await rm(root, { recursive: true, force: true });
});
afterEach(() => {
  chat.requests.length = 0;
  chat.behaviour = 'ok';
});

function appWith(generator: Generator, overrides: Partial<AdviceStreamRouteDeps> = {}, index: LiveIndex = live) {
  const app = new OpenAPIHono<{ Variables: { requestId: string } }>();
  app.onError(createErrorHandler());
  registerAdviceStreamRoutes(app, { pipeline: { live: index, generator, biasChecker: new LexiconBiasChecker(), topK: 4 }, authorize: allow, ...overrides });
  return app;
}

const post = (app: ReturnType<typeof appWith>, body: unknown) =>
  app.request('/v1/advice/stream', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

const model = () => new AiSdkGenerator({ id: 'openai-compatible:test-model', model: openAiCompatibleModel({ baseURL: chat.baseURL, model: 'test-model' }), timeoutMs: 5_000 });

describe('POST /v1/advice/stream', () => {
  it('streams meta, the extractive answer as one token, and the complete response', async () => {
    const firstTokens: number[] = [];
    const response = await post(appWith(new ExtractiveGenerator(), { observeFirstToken: (seconds) => firstTokens.push(seconds) }), QUESTION);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const events = parseEvents(await response.text());
    expect(events.map((event) => event.event)).toEqual(['meta', 'token', 'done']);
    const done = AdviceResponseSchema.parse(events[2]!.data);
    expect(events[0]!.data).toEqual({ sources: done.sources, indexVersion: done.indexVersion });
    expect((events[1]!.data as { text: string }).text).toBe(done.advice);
    expect(done.generator).toBe('extractive-v1');
    expect(done.degraded).toBeUndefined();
    expect(firstTokens).toHaveLength(1);
  });

  it('streams a model’s tokens as they arrive and ends with the post-processed answer', async () => {
    const generator = new ResilientGenerator({ provider: model(), fallback: new ExtractiveGenerator() });
    const events = parseEvents(await (await post(appWith(generator), QUESTION)).text());
    const tokens = events.filter((event) => event.event === 'token').map((event) => (event.data as { text: string }).text);
    expect(tokens.length).toBeGreaterThan(5);
    expect(events.at(-1)?.event).toBe('done');
    const done = events.at(-1)!.data as AdviceResponse;
    expect(tokens.join('')).toBe(CITED);
    expect(done).toMatchObject({ advice: CITED, generator: 'openai-compatible:test-model' });
    expect(chat.requests[0]?.stream).toBe(true);
  });

  it('ends with the extractive answer marked degraded when the model fails', async () => {
    chat.behaviour = 'error-500';
    const generator = new ResilientGenerator({ provider: model(), fallback: new ExtractiveGenerator(), resilience: { retries: 0 } });
    const events = parseEvents(await (await post(appWith(generator), QUESTION)).text());
    const done = AdviceResponseSchema.parse(events.at(-1)!.data);
    expect(events.at(-1)!.event).toBe('done');
    expect(done).toMatchObject({ degraded: true, generator: 'extractive-v1' });
  });

  it('ends with an error event (problem+json) when the answer fails after the stream started', async () => {
    chat.behaviour = 'error-500';
    const errors: string[] = [];
    const events = parseEvents(await (await post(appWith(model(), { onStreamError: (code) => errors.push(code) }), QUESTION)).text());
    expect(events.map((event) => event.event)).toEqual(['meta', 'error']);
    expect(events[1]!.data).toMatchObject({ type: '/problems/upstream-unavailable', status: 503, code: 'upstream-unavailable' });
    expect(errors).toEqual(['upstream-unavailable']);
  });

  it('refuses before streaming: authentication, validation, text policy and a missing index are plain problem+json', async () => {
    const deny: MiddlewareHandler<{ Variables: AuthVariables }> = async () => {
      throw new AppError('unauthorized');
    };
    const unauthorized = await post(appWith(new ExtractiveGenerator(), { authorize: deny }), QUESTION);
    expect(unauthorized.status).toBe(401);
    expect(unauthorized.headers.get('content-type')).toContain('application/problem+json');

    const invalid = await post(appWith(new ExtractiveGenerator()), { query: 'hi' });
    expect(invalid.status).toBe(422);
    expect(invalid.headers.get('content-type')).toContain('application/problem+json');

    const notReady = await post(appWith(new ExtractiveGenerator(), {}, createLiveIndex()), QUESTION);
    expect(notReady.status).toBe(503);
    expect(notReady.headers.get('retry-after')).toBe('5');
  });

  it('stops the model when the client disconnects', async () => {
    chat.behaviour = 'stall-after-first-chunk';
    const generator = new ResilientGenerator({ provider: model(), fallback: new ExtractiveGenerator(), resilience: { budgetMs: 30_000, attemptTimeoutMs: 30_000 } });
    const app = appWith(generator);
    const server: ServerType = await new Promise((resolve) => {
      const started = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(started));
    });
    try {
      const { port } = server.address() as AddressInfo;
      const controller = new AbortController();
      const response = await fetch(`http://127.0.0.1:${port}/v1/advice/stream`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(QUESTION),
        signal: controller.signal,
      });
      const reader = response.body!.getReader();
      let received = '';
      while (!received.includes('event: token')) received += new TextDecoder().decode((await reader.read()).value);
      controller.abort();
      await expect.poll(() => chat.requests[0]?.clientClosedEarly, { timeout: 5_000 }).toBe(true);
      expect(generator.inFlight).toBe(0);
    } finally {
      (server as import('node:http').Server).closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
