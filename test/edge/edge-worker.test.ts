import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adviceCacheKey, liveIndexVersionKey } from '../../shared/cache/advice-cache-key.ts';
import { AdviceRequestSchema, AdviceResponseSchema } from '../../shared/contracts/advice.ts';
import { jsonPost, parseEventStream, readProblem } from '../support/edge-app-harness.ts';
import { adviceTokens, closedPortUrl, startFakeCore, type FakeCore } from '../support/edge-fake-core.ts';
import { startEdge, type StartedEdge } from '../support/edge-miniflare.ts';
import { createTestSigner, unsignedToken, type TestSigner } from '../support/edge-tokens.ts';
import { useEdgeServices } from '../support/edge-services.ts';
import { waitForKey, type EdgeUpstash } from '../support/edge-upstash.ts';

const question = { query: 'What down payment do I need for an FHA loan?', profile: { creditScore: 600 } };

describe('edge Worker bundle in workerd (Miniflare)', () => {
  let upstash: EdgeUpstash;
  let signer: TestSigner;
  let core: FakeCore;
  let edge: StartedEdge;
  let prefix: string;

  useEdgeServices((services) => ({ signer, core, upstash } = services));
  beforeAll(async () => {
    prefix = upstash.uniquePrefix('workerd');
    await upstash.redis.set(liveIndexVersionKey(prefix), core.indexVersion);
    edge = await startEdge({
      bindings: {
        CORE_URL: core.url,
        UPSTASH_REDIS_REST_URL: upstash.url,
        UPSTASH_REDIS_REST_TOKEN: upstash.token,
        KEY_PREFIX: prefix,
        RATE_LIMIT_REQUESTS: '10',
        RATE_LIMIT_WINDOW: '1 h', // no window boundary mid-test
        STREAM_HEARTBEAT_MS: '200',
      },
    });
  });
  afterAll(async () => {
    await edge?.dispose();
  });

  it('answers /health', async () => {
    const response = await edge.dispatch('/health');
    expect(await response.json()).toEqual({ status: 'ok' });
    expect(response.headers.get('x-request-id')).toBeTruthy();
  });

  it('MISS from core, then HIT from Upstash without a second core call', async () => {
    const auth = { authorization: `Bearer ${await signer.mint({ sub: 'workerd-cache' })}` };
    const miss = await edge.dispatch('/v1/advice', jsonPost(question, auth));
    expect(miss.status, await miss.clone().text()).toBe(200);
    expect(miss.headers.get('x-cache')).toBe('MISS');
    expect(AdviceResponseSchema.parse(await miss.json()).cached).toBe(false);
    expect(core.callsTo('/v1/advice')).toHaveLength(1);
    expect(core.jwksFetches).toBe(1);

    // The cache write runs in waitUntil, after the response.
    const parsed = AdviceRequestSchema.parse(question);
    await waitForKey(upstash.redis, await adviceCacheKey({ prefix, indexVersion: core.indexVersion, query: parsed.query, profile: parsed.profile }));

    const hit = await edge.dispatch('/v1/advice', jsonPost(question, auth));
    expect(hit.status).toBe(200);
    expect(hit.headers.get('x-cache')).toBe('HIT');
    expect(AdviceResponseSchema.parse(await hit.json()).cached).toBe(true);
    expect(core.callsTo('/v1/advice')).toHaveLength(1);
  });

  it('429 with Retry-After on the 11th request', async () => {
    const auth = { authorization: `Bearer ${await signer.mint({ sub: 'workerd-limit' })}` };
    for (let index = 0; index < 10; index += 1) {
      const response = await edge.dispatch('/v1/advice', jsonPost(question, auth));
      expect(response.status).toBe(200);
      await response.arrayBuffer();
    }
    const limited = await edge.dispatch('/v1/advice', jsonPost(question, auth));
    expect(limited.status).toBe(429);
    expect((await readProblem(limited)).type).toBe('/problems/rate-limited');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(limited.headers.get('ratelimit-remaining')).toBe('0');
  });

  it('rate-limits logins per CF-Connecting-IP (set by Cloudflare), whatever X-Forwarded-For says', async () => {
    const login = (cloudflareAddress: string, n: number) =>
      edge.dispatch('/v1/auth/token', jsonPost({ username: 'alice', password: `guess-${n}` }, { 'cf-connecting-ip': cloudflareAddress, 'x-forwarded-for': `198.51.100.${n}` }));
    const statuses: number[] = [];
    for (let n = 1; n <= 11; n++) statuses.push((await login('203.0.113.50', n)).status);
    expect(statuses.slice(0, 10).includes(429), statuses.join(',')).toBe(false);
    expect(statuses[10]).toBe(429);
    expect((await login('203.0.113.51', 12)).status).not.toBe(429);
  });

  it('401 problem for an alg:none token', async () => {
    const response = await edge.dispatch('/v1/advice', jsonPost(question, { authorization: `Bearer ${unsignedToken()}` }));
    expect(response.status).toBe(401);
    expect((await readProblem(response)).type).toBe('/problems/unauthorized');
  });

  it('422 problem with field errors for an invalid body', async () => {
    const auth = { authorization: `Bearer ${await signer.mint({ sub: 'workerd-invalid' })}` };
    const response = await edge.dispatch('/v1/advice', jsonPost({ query: 'hi', unexpected: 1 }, auth));
    expect(response.status).toBe(422);
    const problem = await readProblem(response);
    expect(problem.type).toBe('/problems/validation-failed');
    expect(problem.errors?.length).toBeGreaterThan(0);
  });

  describe('POST /v1/advice/stream', () => {
    const streamed = { query: 'Can I stream advice about a VA loan?', profile: { veteran: true } };
    const cacheKeyFor = (body: { query: string; profile?: unknown }) => {
      const parsed = AdviceRequestSchema.parse(body);
      return adviceCacheKey({ prefix, indexVersion: core.indexVersion, query: parsed.query, profile: parsed.profile });
    };

    it('MISS pipes meta/token/done from core, then HIT on the stream and on /v1/advice without another core call', async () => {
      const auth = { authorization: `Bearer ${await signer.mint({ sub: 'workerd-stream' })}` };
      const miss = await edge.dispatch('/v1/advice/stream', jsonPost(streamed, auth));
      expect(miss.status, await miss.clone().text()).toBe(200);
      expect(miss.headers.get('content-type')).toBe('text/event-stream');
      expect(miss.headers.get('x-cache')).toBe('MISS');
      const events = parseEventStream(await miss.text());
      expect(events.map((event) => event.event)).toEqual(['meta', 'token', 'token', 'token', 'done']);
      const done = AdviceResponseSchema.parse(events.at(-1)?.data);
      expect(events.slice(1, 4).map((event) => (event.data as { text: string }).text)).toEqual(adviceTokens(done.advice));
      expect(core.callsTo('/v1/advice/stream')).toHaveLength(1);

      await waitForKey(upstash.redis, await cacheKeyFor(streamed));
      const hit = await edge.dispatch('/v1/advice/stream', jsonPost(streamed, auth));
      expect(hit.headers.get('x-cache')).toBe('HIT');
      expect(parseEventStream(await hit.text())).toEqual([
        { event: 'meta', data: { sources: done.sources, indexVersion: done.indexVersion } },
        { event: 'token', data: { text: done.advice } },
        { event: 'done', data: { ...done, cached: true } },
      ]);
      const json = await edge.dispatch('/v1/advice', jsonPost(streamed, auth));
      expect(json.headers.get('x-cache')).toBe('HIT');
      expect(await json.json()).toEqual({ ...done, cached: true });
      expect(core.callsTo('/v1/advice/stream')).toHaveLength(1);
      expect(core.callsTo('/v1/advice')).toHaveLength(1); // the earlier MISS test's only call
    });

    it('does not cache a stream that core ended with an error event', async () => {
      const auth = { authorization: `Bearer ${await signer.mint({ sub: 'workerd-stream-error' })}` };
      const body = { query: 'Will an error stream be cached for my mortgage?' };
      core.mode = 'stream-error';
      try {
        const events = parseEventStream(await (await edge.dispatch('/v1/advice/stream', jsonPost(body, auth))).text());
        expect(events.map((event) => event.event)).toEqual(['meta', 'token', 'error']);
        expect(events.at(-1)?.data).toMatchObject({ type: '/problems/upstream-unavailable' });
      } finally {
        core.mode = 'ok';
      }
      // Background work finishes with the response; give a wrongly scheduled write time to land anyway.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await upstash.redis.exists(await cacheKeyFor(body))).toBe(0);
      const again = await edge.dispatch('/v1/advice/stream', jsonPost(body, auth));
      expect(again.headers.get('x-cache')).toBe('MISS');
      expect(parseEventStream(await again.text()).at(-1)?.event).toBe('done');
      expect(core.callsTo('/v1/advice/stream').filter((call) => call.body === JSON.stringify(body))).toHaveLength(2);
    });

    it('refuses before core: 401 without a token, 422 problem for a bad body', async () => {
      const calls = core.calls.length;
      const anonymous = await edge.dispatch('/v1/advice/stream', jsonPost(streamed));
      expect(anonymous.status).toBe(401);
      expect((await readProblem(anonymous)).type).toBe('/problems/unauthorized');
      const auth = { authorization: `Bearer ${await signer.mint({ sub: 'workerd-stream-invalid' })}` };
      const invalid = await edge.dispatch('/v1/advice/stream', jsonPost({ query: 'hi', profile: { creditScore: 9000 } }, auth));
      expect(invalid.status).toBe(422);
      expect((await readProblem(invalid)).errors?.map((error) => error.path)).toEqual(expect.arrayContaining(['query', 'profile.creditScore']));
      expect(core.calls.length).toBe(calls);
    });

    it('429 once the stream and /v1/advice together pass the per-user limit', async () => {
      const auth = { authorization: `Bearer ${await signer.mint({ sub: 'workerd-stream-limit' })}` };
      for (let index = 0; index < 10; index += 1) {
        const response = await edge.dispatch(index % 2 ? '/v1/advice/stream' : '/v1/advice', jsonPost(streamed, auth));
        expect(response.status).toBe(200);
        await response.arrayBuffer();
      }
      const limited = await edge.dispatch('/v1/advice/stream', jsonPost(streamed, auth));
      expect(limited.status).toBe(429);
      expect((await readProblem(limited)).type).toBe('/problems/rate-limited');
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    });

    it('a client that disconnects mid-stream cancels the request to core (noticed at the next keep-alive while core is silent), and nothing is cached', async () => {
      const auth = { authorization: `Bearer ${await signer.mint({ sub: 'workerd-stream-gone' })}` };
      const body = { query: 'What if I hang up during a jumbo loan answer?' };
      core.mode = 'stream-stall';
      try {
        const client = new AbortController();
        const response = await fetch(`${edge.url}/v1/advice/stream`, { ...jsonPost(body, auth), signal: client.signal });
        expect(response.headers.get('x-cache')).toBe('MISS');
        const reader = response.body!.getReader();
        let received = '';
        while (!received.includes('event: token')) received += new TextDecoder().decode((await reader.read()).value);
        const call = core.callsTo('/v1/advice/stream').find((recorded) => recorded.body === JSON.stringify(body));
        expect(call?.closedEarly).toBe(false);
        while (!received.includes(': keep-alive')) received += new TextDecoder().decode((await reader.read()).value);
        client.abort();
        // Well inside CORE_TIMEOUT_MS (10 s): the close comes from the cancelled stream, not a timeout.
        await expect.poll(() => call?.closedEarly, { timeout: 5_000 }).toBe(true);
      } finally {
        core.mode = 'ok';
      }
      expect(await upstash.redis.exists(await cacheKeyFor(body))).toBe(0);
    });
  });
});

describe('edge Worker in workerd when its dependencies fail', () => {
  let signer: TestSigner;
  let core: FakeCore;
  let edge: StartedEdge;

  beforeAll(async () => {
    signer = await createTestSigner();
    core = await startFakeCore({ jwks: signer.jwks });
    edge = await startEdge({
      bindings: {
        CORE_URL: core.url,
        UPSTASH_REDIS_REST_URL: await closedPortUrl(),
        UPSTASH_REDIS_REST_TOKEN: 'unused',
        KEY_PREFIX: 'apfa-test:edge:workerd-down:',
        CORE_TIMEOUT_MS: '300',
      },
    });
  });
  afterAll(async () => {
    await edge?.dispose();
    await core?.close();
  });

  it('Upstash unreachable: rate limit fails open, cache skipped, core answers', async () => {
    const auth = { authorization: `Bearer ${await signer.mint()}` };
    const response = await edge.dispatch('/v1/advice', jsonPost(question, auth));
    expect(response.status, await response.clone().text()).toBe(200);
    expect(response.headers.get('x-cache')).toBe('MISS');
    expect(response.headers.get('ratelimit-limit')).toBeNull();
  });

  it('core silent past CORE_TIMEOUT_MS: 504 with Retry-After', async () => {
    core.mode = 'hang';
    const auth = { authorization: `Bearer ${await signer.mint()}` };
    const response = await edge.dispatch('/v1/advice', jsonPost(question, auth));
    expect(response.status).toBe(504);
    expect((await readProblem(response)).type).toBe('/problems/upstream-timeout');
    expect(response.headers.get('retry-after')).toBe('5');
    const stream = await edge.dispatch('/v1/advice/stream', jsonPost(question, auth));
    expect(stream.status).toBe(504);
    expect((await readProblem(stream)).type).toBe('/problems/upstream-timeout');
  });

  it('core silent mid-stream past CORE_TIMEOUT_MS: the stream ends with an upstream-timeout error event', async () => {
    core.mode = 'stream-stall';
    const auth = { authorization: `Bearer ${await signer.mint()}` };
    const started = Date.now();
    const response = await edge.dispatch('/v1/advice/stream', jsonPost(question, auth));
    expect(response.status).toBe(200);
    const events = parseEventStream(await response.text());
    expect(events.map((event) => event.event)).toEqual(['meta', 'token', 'error']);
    expect(events.at(-1)?.data).toMatchObject({ type: '/problems/upstream-timeout', status: 504 });
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
