import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { userTokenEpochKey } from '../../shared/auth/user-token-epoch.ts';
import { adviceCacheKey, liveIndexVersionKey } from '../../shared/cache/advice-cache-key.ts';
import { AdviceRequestSchema, AdviceResponseSchema } from '../../shared/contracts/advice.ts';
import { STORED_ANSWER_TAG } from '../../edge/cache/advice-cache.ts';
import { jsonPost, readProblem } from '../support/edge-app-harness.ts';
import { startFakeCore, type FakeCore } from '../support/edge-fake-core.ts';
import { startEdge, type StartedEdge } from '../support/edge-miniflare.ts';
import { createTestSigner, type TestSigner } from '../support/edge-tokens.ts';
import { startEdgeUpstash, waitForKey, type EdgeUpstash } from '../support/edge-upstash.ts';

/**
 * The cache hit's one round trip (edge/http/admission-script.ts) in workerd against the real
 * Upstash bridge over Redis: one REST request per hit, counted at the bridge, and the same
 * refusals as before — expired token, disabled user (epoch), rate-limit exhaustion with its
 * headers — and a publish seen by the very next request.
 */
describe('edge cache hit: one Upstash round trip (workerd)', () => {
  const LIMIT = 5;
  let upstash: EdgeUpstash;
  let signer: TestSigner;
  let core: FakeCore;
  let edge: StartedEdge;
  let prefix: string;

  const keyFor = async (body: { query: string; profile?: unknown }, indexVersion: string) => {
    const parsed = AdviceRequestSchema.parse(body);
    return adviceCacheKey({ prefix, indexVersion, query: parsed.query, profile: parsed.profile });
  };
  /** A MISS that core answers, then waits for the background cache write. */
  const cached = async (body: { query: string }, auth: Record<string, string>) => {
    const miss = await edge.dispatch('/v1/advice', jsonPost(body, auth));
    expect(miss.headers.get('x-cache'), await miss.clone().text()).toBe('MISS');
    await waitForKey(upstash.redis, await keyFor(body, core.indexVersion));
    return AdviceResponseSchema.parse(await miss.json());
  };
  const bearer = async (sub: string, expiresIn?: number) => ({ authorization: `Bearer ${await signer.mint({ sub, ...(expiresIn === undefined ? {} : { expiresIn }) })}` });

  beforeAll(async () => {
    signer = await createTestSigner();
    core = await startFakeCore({ jwks: signer.jwks });
    upstash = await startEdgeUpstash();
    prefix = upstash.uniquePrefix('one-trip');
    await upstash.redis.set(liveIndexVersionKey(prefix), core.indexVersion);
    edge = await startEdge({
      bindings: {
        CORE_URL: core.url,
        UPSTASH_REDIS_REST_URL: upstash.url,
        UPSTASH_REDIS_REST_TOKEN: upstash.token,
        KEY_PREFIX: prefix,
        RATE_LIMIT_REQUESTS: String(LIMIT),
        RATE_LIMIT_WINDOW: '1 h', // no window boundary mid-test
      },
    });
  });
  afterAll(async () => {
    await edge?.dispose();
    await upstash?.close();
    await core?.close();
  });

  it('a hit costs one Upstash request at the bridge (rate limit, live version, epoch record, answer, hit counter together) and sends the stored body as it is', async () => {
    const auth = await bearer('one-trip-count');
    // Non-ASCII text (the fake core echoes the query): Upstash replies are plain JSON, not base64, and must keep it intact.
    const body = { query: 'How many round trips does a cached FHA answer cost a café owner — with a 3½ % down payment?' };
    const answered = await cached(body, auth);
    const stored = await upstash.redis.get(await keyFor(body, core.indexVersion));
    expect(stored?.startsWith(STORED_ANSWER_TAG)).toBe(true);
    const hitsBefore = Number((await upstash.redis.get(`${prefix}metrics:edge_cache:hit`)) ?? 0);
    for (let index = 0; index < 3; index += 1) {
      const before = upstash.requestCount();
      const hit = await edge.dispatch('/v1/advice', jsonPost(body, auth));
      expect(hit.headers.get('x-cache')).toBe('HIT');
      const text = await hit.text();
      expect(text).toBe(stored!.slice(STORED_ANSWER_TAG.length));
      expect(JSON.parse(text)).toEqual({ ...answered, cached: true });
      expect(upstash.requestCount() - before).toBe(1);
    }
    expect(Number(await upstash.redis.get(`${prefix}metrics:edge_cache:hit`))).toBe(hitsBefore + 3);
  });

  it('refuses an expired token with 401 before any Upstash request', async () => {
    const before = upstash.requestCount();
    const response = await edge.dispatch('/v1/advice', jsonPost({ query: 'Is my expired token still good for a VA loan?' }, await bearer('one-trip-expired', -30)));
    expect(response.status).toBe(401);
    expect((await readProblem(response)).detail).toBe('The access token has expired.');
    expect(upstash.requestCount()).toBe(before);
  });

  it('refuses a disabled user on the hit path (epoch record newer than the token), even with the token already verified in the isolate', async () => {
    const sub = 'one-trip-disabled';
    const auth = await bearer(sub);
    const body = { query: 'Can a disabled user still read a cached jumbo loan answer?' };
    await cached(body, auth);
    expect((await edge.dispatch('/v1/advice', jsonPost(body, auth))).headers.get('x-cache')).toBe('HIT');
    await upstash.redis.set(userTokenEpochKey(prefix, sub), '1');
    const before = upstash.requestCount();
    const refused = await edge.dispatch('/v1/advice', jsonPost(body, auth));
    expect(refused.status).toBe(401);
    expect((await readProblem(refused)).type).toBe('/problems/unauthorized');
    expect(upstash.requestCount() - before).toBe(1);
    const stream = await edge.dispatch('/v1/advice/stream', jsonPost(body, auth));
    expect(stream.status).toBe(401);
    await stream.arrayBuffer();
  });

  it('exhausts the sliding window on hits: RateLimit-* on every answer, then 429 with Retry-After and nothing read', async () => {
    const auth = await bearer('one-trip-limit');
    const body = { query: 'How fast may I ask about USDA loans?' };
    await cached(body, auth); // request 1 of LIMIT
    for (let count = 2; count <= LIMIT; count += 1) {
      const hit = await edge.dispatch('/v1/advice', jsonPost(body, auth));
      expect(hit.headers.get('x-cache')).toBe('HIT');
      expect(hit.headers.get('ratelimit-limit')).toBe(String(LIMIT));
      expect(hit.headers.get('ratelimit-remaining')).toBe(String(LIMIT - count));
      const reset = Number(hit.headers.get('ratelimit-reset'));
      expect(reset).toBeGreaterThan(0);
      expect(reset).toBeLessThanOrEqual(3600);
      await hit.arrayBuffer();
    }
    const hits = await upstash.redis.get(`${prefix}metrics:edge_cache:hit`);
    const limited = await edge.dispatch('/v1/advice', jsonPost(body, auth));
    expect(limited.status).toBe(429);
    expect((await readProblem(limited)).type).toBe('/problems/rate-limited');
    expect(limited.headers.get('ratelimit-remaining')).toBe('0');
    expect(limited.headers.get('ratelimit-limit')).toBe(String(LIMIT));
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await upstash.redis.get(`${prefix}metrics:edge_cache:hit`)).toBe(hits);
    // Refused again from the isolate's memory of the exhausted window: no Upstash request.
    const before = upstash.requestCount();
    expect((await edge.dispatch('/v1/advice/stream', jsonPost(body, auth))).status).toBe(429);
    expect(upstash.requestCount()).toBe(before);
  });

  it('serves the new version on the very next request after a publish (the live version is read in the same script)', async () => {
    const auth = await bearer('one-trip-version');
    const body = { query: 'Which answer do I get right after a new index is published?' };
    const first = await cached(body, auth);
    const next = 'fedcba9876543210';
    // An answer already cached under the next version (as core would after answering under it).
    await upstash.redis.set(await keyFor(body, next), JSON.stringify({ ...first, indexVersion: next }), 'EX', 600);
    try {
      await upstash.redis.set(liveIndexVersionKey(prefix), next);
      const after = await edge.dispatch('/v1/advice', jsonPost(body, auth));
      expect(after.headers.get('x-cache')).toBe('HIT');
      expect(AdviceResponseSchema.parse(await after.json()).indexVersion).toBe(next);
      // A version with nothing cached yet is a miss that goes to core.
      const calls = core.callsTo('/v1/advice').length;
      await upstash.redis.set(liveIndexVersionKey(prefix), '00000000deadbeef');
      expect((await edge.dispatch('/v1/advice', jsonPost(body, auth))).headers.get('x-cache')).toBe('MISS');
      expect(core.callsTo('/v1/advice')).toHaveLength(calls + 1);
    } finally {
      await upstash.redis.set(liveIndexVersionKey(prefix), core.indexVersion);
    }
  });
});

/**
 * A caller asking fast, in workerd against the bridge: hits admitted from isolate memory
 * (edge/advice/admission-leases.ts) within LIVE_VERSION_CACHE_MS — fewer Upstash requests than
 * hits, the same RateLimit-* a one-token-per-request count gives, exactly the limit admitted — and
 * a disabled user or a publish reaching the isolate once that bound has passed.
 */
describe('edge cache hit: admitted from isolate memory within LIVE_VERSION_CACHE_MS (workerd)', () => {
  const LIMIT = 60;
  const MEMORY_MS = 800;
  let upstash: EdgeUpstash;
  let signer: TestSigner;
  let core: FakeCore;
  let edge: StartedEdge;
  let prefix: string;

  const bearer = async (sub: string) => ({ authorization: `Bearer ${await signer.mint({ sub })}` });
  const keyFor = async (body: { query: string }, indexVersion: string) => adviceCacheKey({ prefix, indexVersion, query: AdviceRequestSchema.parse(body).query });
  const cached = async (body: { query: string }, auth: Record<string, string>) => {
    const miss = await edge.dispatch('/v1/advice', jsonPost(body, auth));
    expect(miss.headers.get('x-cache'), await miss.clone().text()).toBe('MISS');
    await waitForKey(upstash.redis, await keyFor(body, core.indexVersion));
    return AdviceResponseSchema.parse(await miss.json());
  };
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  beforeAll(async () => {
    signer = await createTestSigner();
    core = await startFakeCore({ jwks: signer.jwks });
    upstash = await startEdgeUpstash();
    prefix = upstash.uniquePrefix('leases');
    await upstash.redis.set(liveIndexVersionKey(prefix), core.indexVersion);
    edge = await startEdge({
      bindings: {
        CORE_URL: core.url,
        UPSTASH_REDIS_REST_URL: upstash.url,
        UPSTASH_REDIS_REST_TOKEN: upstash.token,
        KEY_PREFIX: prefix,
        RATE_LIMIT_REQUESTS: String(LIMIT),
        RATE_LIMIT_WINDOW: '1 h',
        LIVE_VERSION_CACHE_MS: String(MEMORY_MS),
      },
    });
  });
  afterAll(async () => {
    await edge?.dispose();
    await upstash?.close();
    await core?.close();
  });

  it('admits exactly the limit with fewer Upstash requests than answers, RateLimit-Remaining one less on each, and the hit counter caught up by the next round trip', async () => {
    const auth = await bearer('leases-fast');
    const body = { query: 'How many cached answers may I read about FHA mortgage insurance?' };
    await cached(body, auth); // request 1 of LIMIT
    const hitsBefore = Number((await upstash.redis.get(`${prefix}metrics:edge_cache:hit`)) ?? 0);
    const before = upstash.requestCount();
    for (let count = 2; count <= LIMIT; count += 1) {
      const hit = await edge.dispatch('/v1/advice', jsonPost(body, auth));
      expect(hit.status).toBe(200);
      expect(hit.headers.get('x-cache')).toBe('HIT');
      expect(hit.headers.get('ratelimit-remaining')).toBe(String(LIMIT - count));
      await hit.arrayBuffer();
    }
    const requests = upstash.requestCount() - before;
    expect(requests).toBeLessThan((LIMIT - 1) / 2);
    const limited = await edge.dispatch('/v1/advice', jsonPost(body, auth));
    expect(limited.status).toBe(429);
    expect(limited.headers.get('ratelimit-remaining')).toBe('0');
    await limited.arrayBuffer();
    // Redis counted every admitted request (held tokens included), and no more than the limit.
    const buckets = await upstash.redis.keys(`${prefix}ratelimit:advice:leases-fast:*`);
    const counted = (await Promise.all(buckets.map((key) => upstash.redis.get(key)))).reduce((sum, value) => sum + Number(value ?? 0), 0);
    expect(counted).toBe(LIMIT);
    // The hits admitted from memory reach the counter with a later round trip (another caller's here).
    await pause(MEMORY_MS + 50);
    const other = await bearer('leases-counter');
    await (await edge.dispatch('/v1/advice', jsonPost(body, other))).arrayBuffer();
    expect(Number(await upstash.redis.get(`${prefix}metrics:edge_cache:hit`))).toBe(hitsBefore + (LIMIT - 1) + 1);
  });

  it('refuses a disabled user, and serves a newly published version, once LIVE_VERSION_CACHE_MS has passed', async () => {
    const sub = 'leases-disabled';
    const auth = await bearer(sub);
    const body = { query: 'Does a cached VA answer outlive my disabled account?' };
    const first = await cached(body, auth);
    for (let index = 0; index < 6; index += 1) expect((await edge.dispatch('/v1/advice', jsonPost(body, auth))).headers.get('x-cache')).toBe('HIT');

    const next = 'aaaabbbbccccdddd';
    await upstash.redis.set(await keyFor(body, next), JSON.stringify({ ...first, indexVersion: next }), 'EX', 600);
    const reader = await bearer('leases-reader');
    for (let index = 0; index < 6; index += 1) await (await edge.dispatch('/v1/advice', jsonPost(body, reader))).arrayBuffer();
    try {
      await upstash.redis.set(liveIndexVersionKey(prefix), next);
      await upstash.redis.set(userTokenEpochKey(prefix, sub), '1');
      await pause(MEMORY_MS + 50);
      const refused = await edge.dispatch('/v1/advice', jsonPost(body, auth));
      expect(refused.status).toBe(401);
      await refused.arrayBuffer();
      const published = await edge.dispatch('/v1/advice', jsonPost(body, reader));
      expect(published.headers.get('x-cache')).toBe('HIT');
      expect(AdviceResponseSchema.parse(await published.json()).indexVersion).toBe(next);
    } finally {
      await upstash.redis.set(liveIndexVersionKey(prefix), core.indexVersion);
    }
  });
});
