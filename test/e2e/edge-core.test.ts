import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdviceResponseSchema } from '../../shared/contracts/advice.ts';
import { parseEventStream } from '../support/edge-app-harness.ts';
import { startEdge, type StartedEdge } from '../support/edge-miniflare.ts';
import { startChatServer, type ChatServer } from '../support/openai-compatible-server.ts';
import { startEdgeUpstash, TEST_REDIS_URL, type EdgeUpstash } from '../support/edge-upstash.ts';
import { startCore, TEST_ADMIN_PASSWORD, type StartedCore } from '../support/start-core.ts';

/**
 * The whole request path with real components: the edge Worker inside workerd (miniflare), the
 * local Upstash REST bridge over the machine's Redis, and a real running core (PGlite, FAISS,
 * edge signatures required).
 */
const SECRET = 'e2e-edge-shared-secret-0123456789abcdef';
const QUESTION = 'What are my options for a $200,000 home with a 620 credit score?';

async function adviceRequestsServedByCore(core: StartedCore, route = '/v1/advice'): Promise<number> {
  const text = await (await core.runtime.app.request('/metrics')).text();
  const line = text.split('\n').find((row) => row.startsWith(`apfa_requests_total{method="POST",route="${route}",status="200"}`));
  return line ? Number(line.split(' ').pop()) : 0;
}

const kidOf = (token: string): string => (JSON.parse(atob(token.split('.')[0]!.replace(/-/g, '+').replace(/_/g, '/'))) as { kid: string }).kid;

async function waitFor<T>(probe: () => Promise<T | null>, label: string, attempts = 50): Promise<T> {
  for (let i = 0; i < attempts; i++) {
    const value = await probe();
    if (value !== null) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${label}`);
}

describe('edge (workerd) → core, end to end', () => {
  let upstash: EdgeUpstash;
  let core: StartedCore;
  let edge: StartedEdge;
  let prefix: string;
  let token: string;

  beforeAll(async () => {
    upstash = await startEdgeUpstash();
    prefix = upstash.uniquePrefix('e2e');
    core = await startCore({ REDIS_URL: TEST_REDIS_URL, KEY_PREFIX: prefix, EDGE_SHARED_SECRET: SECRET, REQUIRE_EDGE_SIGNATURE: 'true' });
    edge = await startEdge({
      bindings: {
        CORE_URL: core.url,
        UPSTASH_REDIS_REST_URL: upstash.url,
        UPSTASH_REDIS_REST_TOKEN: upstash.token,
        EDGE_SHARED_SECRET: SECRET,
        KEY_PREFIX: prefix,
        RATE_LIMIT_REQUESTS: '10',
        RATE_LIMIT_WINDOW: '1 h',
        LIVE_VERSION_CACHE_MS: '0',
      },
    });
  });
  afterAll(async () => {
    await edge?.dispose();
    await core?.stop();
    await upstash?.close();
  });

  it('core refuses callers that bypass the edge', async () => {
    const direct = await fetch(`${core.url}/v1/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: TEST_ADMIN_PASSWORD }),
    });
    expect(direct.status).toBe(401);
    expect(((await direct.json()) as { code: string }).code).toBe('bad-signature');
  });

  it('issues a token through the edge', async () => {
    const response = await edge.dispatch('/v1/auth/token', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ username: 'admin', password: TEST_ADMIN_PASSWORD }).toString(),
    });
    expect(response.status, await response.clone().text()).toBe(200);
    token = ((await response.json()) as { access_token: string }).access_token;
    expect(token.split('.')).toHaveLength(3);
  });

  it('answers a MISS from core, then the same question as a HIT without calling core, then 429 on the 11th request', async () => {
    const live = await upstash.redis.get(`${prefix}index:live`);
    expect(live).toMatch(/^[0-9a-f]{16}$/);
    const ask = (query: string) =>
      edge.dispatch('/v1/advice', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query, profile: { propertyValue: 200000, creditScore: 620 } }),
      });

    const before = await adviceRequestsServedByCore(core);
    const miss = await ask(QUESTION);
    expect(miss.status, await miss.clone().text()).toBe(200);
    expect(miss.headers.get('x-cache')).toBe('MISS');
    expect(miss.headers.get('ratelimit-limit')).toBe('10');
    const first = AdviceResponseSchema.parse(await miss.json());
    expect(first.cached).toBe(false);
    expect(first.indexVersion).toBe(live);
    expect(first.sources.length).toBeGreaterThan(0);
    expect(await adviceRequestsServedByCore(core)).toBe(before + 1);

    await waitFor(async () => ((await upstash.redis.keys(`${prefix}advice:${live}:*`)).length > 0 ? true : null), 'the cached answer');
    const hit = await ask(`  what are my options for a $200,000 home with a 620 credit score  `);
    expect(hit.status).toBe(200);
    expect(hit.headers.get('x-cache')).toBe('HIT');
    const second = AdviceResponseSchema.parse(await hit.json());
    expect(second.cached).toBe(true);
    expect(second.advice).toBe(first.advice);
    expect(await adviceRequestsServedByCore(core)).toBe(before + 1);

    for (let i = 3; i <= 10; i++) expect((await ask(QUESTION)).status).toBe(200);
    const limited = await ask(QUESTION);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('content-type')).toContain('application/problem+json');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.headers.get('ratelimit-remaining')).toBe('0');
    expect(((await limited.json()) as { type: string }).type).toBe('/problems/rate-limited');
    expect(await adviceRequestsServedByCore(core)).toBe(before + 1);

    const counters = await upstash.redis.mget(`${prefix}metrics:edge_cache:hit`, `${prefix}metrics:edge_cache:miss`);
    expect(Number(counters[0])).toBeGreaterThanOrEqual(1);
    expect(Number(counters[1])).toBeGreaterThanOrEqual(1);
  });

  it('refuses forged tokens and bad bodies with problem+json', async () => {
    const [header, payload, signature] = token.split('.');
    const noneHeader = btoa(JSON.stringify({ alg: 'none', typ: 'JWT' })).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
    for (const bad of [`${header}.${payload}A.${signature}`, `${noneHeader}.${payload}.`, 'garbage']) {
      const response = await edge.dispatch('/v1/advice', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${bad}` },
        body: JSON.stringify({ query: QUESTION }),
      });
      expect(response.status).toBe(401);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
    }
  });
});

describe('edge (workerd) when core goes down', () => {
  let upstash: EdgeUpstash;
  let core: StartedCore;
  let edge: StartedEdge;

  beforeAll(async () => {
    upstash = await startEdgeUpstash();
    const prefix = upstash.uniquePrefix('e2e-down');
    // With REDIS_URL core requires the edge's signature by default.
    core = await startCore({ REDIS_URL: TEST_REDIS_URL, KEY_PREFIX: prefix, EDGE_SHARED_SECRET: SECRET });
    edge = await startEdge({
      bindings: {
        CORE_URL: core.url,
        UPSTASH_REDIS_REST_URL: upstash.url,
        UPSTASH_REDIS_REST_TOKEN: upstash.token,
        EDGE_SHARED_SECRET: SECRET,
        KEY_PREFIX: prefix,
        LIVE_VERSION_CACHE_MS: '0',
        CORE_TIMEOUT_MS: '2000',
      },
    });
  });
  afterAll(async () => {
    await edge?.dispose();
    await upstash?.close();
  });

  it('serves a stored answer and answers new questions with 503 + Retry-After', async () => {
    const tokenResponse = await edge.dispatch('/v1/auth/token', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: TEST_ADMIN_PASSWORD }),
    });
    const token = ((await tokenResponse.json()) as { access_token: string }).access_token;
    const ask = (query: string) =>
      edge.dispatch('/v1/advice', { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query }) });
    expect((await ask('When can I cancel private mortgage insurance?')).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await core.stop();

    const stored = await ask('When can I cancel private mortgage insurance?');
    expect(stored.status).toBe(200);
    expect(['HIT', 'STALE']).toContain(stored.headers.get('x-cache'));
    const fresh = await ask('How is a debt-to-income ratio calculated?');
    expect(fresh.status).toBe(503);
    expect(fresh.headers.get('retry-after')).toBeTruthy();
    expect(fresh.headers.get('content-type')).toContain('application/problem+json');
  });
});

describe('edge (workerd) → core with a language model: streaming and signing-key rotation', () => {
  let upstash: EdgeUpstash;
  let chat: ChatServer;
  let core: StartedCore;
  let edge: StartedEdge;
  let prefix: string;

  const signIn = async (): Promise<string> => {
    const response = await edge.dispatch('/v1/auth/token', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: TEST_ADMIN_PASSWORD }),
    });
    expect(response.status, await response.clone().text()).toBe(200);
    return ((await response.json()) as { access_token: string }).access_token;
  };
  const post = (path: string, token: string | null, body: unknown) =>
    edge.dispatch(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
  const streamedCalls = () => adviceRequestsServedByCore(core, '/v1/advice/stream');

  beforeAll(async () => {
    chat = await startChatServer();
    upstash = await startEdgeUpstash();
    prefix = upstash.uniquePrefix('e2e-stream');
    core = await startCore({
      REDIS_URL: TEST_REDIS_URL,
      KEY_PREFIX: prefix,
      EDGE_SHARED_SECRET: SECRET,
      REQUIRE_EDGE_SIGNATURE: 'true',
      GENERATOR: 'openai-compatible',
      LLM_BASE_URL: chat.baseURL,
      LLM_MODEL: 'test-model',
      LLM_RETRIES: '0',
      ANSWER_CACHE: 'off',
    });
    edge = await startEdge({
      bindings: {
        CORE_URL: core.url,
        UPSTASH_REDIS_REST_URL: upstash.url,
        UPSTASH_REDIS_REST_TOKEN: upstash.token,
        EDGE_SHARED_SECRET: SECRET,
        KEY_PREFIX: prefix,
        RATE_LIMIT_REQUESTS: '10',
        RATE_LIMIT_WINDOW: '1 h',
        LIVE_VERSION_CACHE_MS: '0',
      },
    });
  });
  afterAll(async () => {
    await edge?.dispose();
    await core?.stop();
    await upstash?.close();
    await chat?.close();
  });

  it('streams a MISS from core, then serves the same question as a HIT on both routes; degraded answers are not cached; refusals are problem+json; a rotated key verifies at once; 429 past the limit', async () => {
    const token = await signIn();
    const live = await upstash.redis.get(`${prefix}index:live`);
    const question = { query: 'What down payment does an FHA loan need with a 620 credit score?', profile: { creditScore: 620 } };

    // 1: MISS — the model's tokens come through as core streams them.
    const before = await streamedCalls();
    const miss = await post('/v1/advice/stream', token, question);
    expect(miss.status, await miss.clone().text()).toBe(200);
    expect(miss.headers.get('content-type')).toContain('text/event-stream');
    expect(miss.headers.get('x-cache')).toBe('MISS');
    const events = parseEventStream(await miss.text());
    expect(events[0]?.event).toBe('meta');
    expect(events.at(-1)?.event).toBe('done');
    const tokens = events.filter((event) => event.event === 'token').map((event) => (event.data as { text: string }).text);
    expect(tokens.length).toBeGreaterThan(3);
    const done = AdviceResponseSchema.parse(events.at(-1)?.data);
    expect(done).toMatchObject({ generator: 'openai-compatible:test-model', indexVersion: live, cached: false });
    expect(done.degraded).toBeUndefined();
    expect(events[0]?.data).toEqual({ sources: done.sources, indexVersion: done.indexVersion });
    expect(await streamedCalls()).toBe(before + 1);

    await waitFor(async () => ((await upstash.redis.keys(`${prefix}advice:${live}:*`)).length > 0 ? true : null), 'the streamed answer in the cache');

    // 2, 3: HIT on the stream and on the JSON route (one shared entry), core not asked again.
    const jsonBefore = await adviceRequestsServedByCore(core);
    const hit = await post('/v1/advice/stream', token, { ...question, query: `  ${question.query.toLowerCase()}  ` });
    expect(hit.headers.get('x-cache')).toBe('HIT');
    expect(parseEventStream(await hit.text())).toEqual([
      { event: 'meta', data: { sources: done.sources, indexVersion: done.indexVersion } },
      { event: 'token', data: { text: done.advice } },
      { event: 'done', data: { ...done, cached: true } },
    ]);
    const json = await post('/v1/advice', token, question);
    expect(json.headers.get('x-cache')).toBe('HIT');
    expect(AdviceResponseSchema.parse(await json.json())).toEqual({ ...done, cached: true });
    expect(await streamedCalls()).toBe(before + 1);
    expect(await adviceRequestsServedByCore(core)).toBe(jsonBefore);

    // 4, 5: the model fails, core falls back (degraded): streamed through, not cached; asked again once the model is back.
    const outage = { query: 'How does private mortgage insurance work on a conventional loan?' };
    chat.behaviour = 'error-500';
    try {
      const degraded = parseEventStream(await (await post('/v1/advice/stream', token, outage)).text());
      expect(degraded.at(-1)).toMatchObject({ event: 'done', data: { degraded: true, generator: 'extractive-v1' } });
    } finally {
      chat.behaviour = 'ok';
    }
    const recovered = await post('/v1/advice/stream', token, outage);
    expect(recovered.headers.get('x-cache')).toBe('MISS');
    expect(parseEventStream(await recovered.text()).at(-1)).toMatchObject({ event: 'done', data: { generator: 'openai-compatible:test-model' } });
    expect(await streamedCalls()).toBe(before + 3);

    // Refused before core: no token (401, not counted), a bad body (422, counted as request 6).
    const anonymous = await post('/v1/advice/stream', null, question);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('content-type')).toContain('application/problem+json');
    const invalid = await post('/v1/advice/stream', token, { query: 'hi', extra: true });
    expect(invalid.status).toBe(422);
    expect(((await invalid.json()) as { type: string }).type).toBe('/problems/validation-failed');

    // 7, 8: core rotates its signing key. A token with the new kid verifies at the edge at once,
    // and the token signed by the previous key keeps working during the overlap.
    await new Promise((resolve) => setTimeout(resolve, 1_100)); // past the edge's JWKS refetch cooldown since its last fetch
    const rotated = await fetch(`${core.url}/admin/signing-keys/rotate`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    expect(rotated.status, await rotated.clone().text()).toBe(200);
    const fresh = await signIn();
    expect(kidOf(fresh)).not.toBe(kidOf(token));
    expect(kidOf(fresh)).toBe(((await rotated.json()) as { kid: string }).kid);
    const withNewKey = await post('/v1/advice/stream', fresh, { query: 'Can I use gift money for a down payment?' });
    expect(withNewKey.status, await withNewKey.clone().text()).toBe(200);
    expect(parseEventStream(await withNewKey.text()).at(-1)?.event).toBe('done');
    const withPreviousKey = await post('/v1/advice', token, question);
    expect(withPreviousKey.status).toBe(200);
    await withPreviousKey.arrayBuffer();

    // 9, 10 pass; 11 is over the per-user limit shared by both routes.
    for (let request = 9; request <= 10; request++) {
      const response = await post('/v1/advice/stream', fresh, question);
      expect(response.status).toBe(200);
      await response.arrayBuffer();
    }
    const limited = await post('/v1/advice/stream', fresh, question);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('content-type')).toContain('application/problem+json');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await streamedCalls()).toBe(before + 4);
  });
});
