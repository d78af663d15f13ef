import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adviceCacheKey, liveIndexVersionKey } from '../../shared/cache/advice-cache-key.ts';
import { AdviceRequestSchema, AdviceResponseSchema } from '../../shared/contracts/advice.ts';
import { jsonPost, readProblem } from '../support/edge-app-harness.ts';
import { closedPortUrl, startFakeCore, type FakeCore } from '../support/edge-fake-core.ts';
import { startEdge, type StartedEdge } from '../support/edge-miniflare.ts';
import { createTestSigner, unsignedToken, type TestSigner } from '../support/edge-tokens.ts';
import { startEdgeUpstash, waitForKey, type EdgeUpstash } from '../support/edge-upstash.ts';

const question = { query: 'What down payment do I need for an FHA loan?', profile: { creditScore: 600 } };

describe('edge Worker bundle in workerd (Miniflare)', () => {
  let upstash: EdgeUpstash;
  let signer: TestSigner;
  let core: FakeCore;
  let edge: StartedEdge;
  let prefix: string;

  beforeAll(async () => {
    signer = await createTestSigner();
    core = await startFakeCore({ jwks: signer.jwks });
    upstash = await startEdgeUpstash();
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
      },
    });
  });
  afterAll(async () => {
    await edge?.dispose();
    await upstash?.close();
    await core?.close();
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
  });
});
