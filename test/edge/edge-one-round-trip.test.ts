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

/** Core (fake), the Upstash bridge and the Worker in workerd for one describe block, with the helpers its tests share. */
function useOneTripEdge(label: string, bindings: Record<string, string>) {
  const at = {} as { upstash: EdgeUpstash; signer: TestSigner; core: FakeCore; edge: StartedEdge; prefix: string };
  beforeAll(async () => {
    at.signer = await createTestSigner();
    at.core = await startFakeCore({ jwks: at.signer.jwks });
    at.upstash = await startEdgeUpstash();
    at.prefix = at.upstash.uniquePrefix(label);
    await at.upstash.redis.set(liveIndexVersionKey(at.prefix), at.core.indexVersion);
    at.edge = await startEdge({
      bindings: {
        CORE_URL: at.core.url,
        UPSTASH_REDIS_REST_URL: at.upstash.url,
        UPSTASH_REDIS_REST_TOKEN: at.upstash.token,
        KEY_PREFIX: at.prefix,
        RATE_LIMIT_WINDOW: '1 h', // no window boundary mid-test
        ...bindings,
      },
    });
  });
  afterAll(async () => {
    await at.edge?.dispose();
    await at.upstash?.close();
    await at.core?.close();
  });
  const keyFor = async (body: { query: string; profile?: unknown }, indexVersion: string) => {
    const parsed = AdviceRequestSchema.parse(body);
    return adviceCacheKey({ prefix: at.prefix, indexVersion, query: parsed.query, profile: parsed.profile });
  };
  return {
    at,
    keyFor,
    /** A MISS that core answers, then waits for the background cache write. */
    cached: async (body: { query: string }, auth: Record<string, string>) => {
      const miss = await at.edge.dispatch('/v1/advice', jsonPost(body, auth));
      expect(miss.headers.get('x-cache'), await miss.clone().text()).toBe('MISS');
      await waitForKey(at.upstash.redis, await keyFor(body, at.core.indexVersion));
      return AdviceResponseSchema.parse(await miss.json());
    },
    bearer: async (sub: string, expiresIn?: number) => ({ authorization: `Bearer ${await at.signer.mint({ sub, ...(expiresIn === undefined ? {} : { expiresIn }) })}` }),
  };
}

/**
 * The cache hit's one round trip (edge/http/admission-script.ts) in workerd against the real
 * Upstash bridge over Redis: one REST request per hit, counted at the bridge, and the same
 * refusals as before — expired token, disabled user (epoch), rate-limit exhaustion with its
 * headers — and a publish seen by the very next request.
 */
describe('edge cache hit: one Upstash round trip (workerd)', () => {
  const LIMIT = 5;
  const { at, keyFor, cached, bearer } = useOneTripEdge('one-trip', { RATE_LIMIT_REQUESTS: String(LIMIT) });

  it('a hit costs one Upstash request at the bridge (rate limit, live version, epoch record, answer, hit counter together) and sends the stored body as it is', async () => {
    const auth = await bearer('one-trip-count');
    // Non-ASCII text (the fake at.core echoes the query): Upstash replies are plain JSON, not base64, and must keep it intact.
    const body = { query: 'How many round trips does a cached FHA answer cost a café owner — with a 3½ % down payment?' };
    const answered = await cached(body, auth);
    const stored = await at.upstash.redis.get(await keyFor(body, at.core.indexVersion));
    expect(stored?.startsWith(STORED_ANSWER_TAG)).toBe(true);
    const hitsBefore = Number((await at.upstash.redis.get(`${at.prefix}metrics:edge_cache:hit`)) ?? 0);
    for (let index = 0; index < 3; index += 1) {
      const before = at.upstash.requestCount();
      const hit = await at.edge.dispatch('/v1/advice', jsonPost(body, auth));
      expect(hit.headers.get('x-cache')).toBe('HIT');
      const text = await hit.text();
      expect(text).toBe(stored!.slice(STORED_ANSWER_TAG.length));
      expect(JSON.parse(text)).toEqual({ ...answered, cached: true });
      expect(at.upstash.requestCount() - before).toBe(1);
    }
    expect(Number(await at.upstash.redis.get(`${at.prefix}metrics:edge_cache:hit`))).toBe(hitsBefore + 3);
  });

  it('refuses an expired token with 401 before any Upstash request', async () => {
    const before = at.upstash.requestCount();
    const response = await at.edge.dispatch('/v1/advice', jsonPost({ query: 'Is my expired token still good for a VA loan?' }, await bearer('one-trip-expired', -30)));
    expect(response.status).toBe(401);
    expect((await readProblem(response)).detail).toBe('The access token has expired.');
    expect(at.upstash.requestCount()).toBe(before);
  });

  it('refuses a disabled user on the hit path (epoch record newer than the token), even with the token already verified in the isolate', async () => {
    const sub = 'one-trip-disabled';
    const auth = await bearer(sub);
    const body = { query: 'Can a disabled user still read a cached jumbo loan answer?' };
    await cached(body, auth);
    expect((await at.edge.dispatch('/v1/advice', jsonPost(body, auth))).headers.get('x-cache')).toBe('HIT');
    await at.upstash.redis.set(userTokenEpochKey(at.prefix, sub), '1');
    const before = at.upstash.requestCount();
    const refused = await at.edge.dispatch('/v1/advice', jsonPost(body, auth));
    expect(refused.status).toBe(401);
    expect((await readProblem(refused)).type).toBe('/problems/unauthorized');
    expect(at.upstash.requestCount() - before).toBe(1);
    const stream = await at.edge.dispatch('/v1/advice/stream', jsonPost(body, auth));
    expect(stream.status).toBe(401);
    await stream.arrayBuffer();
  });

  it('exhausts the sliding window on hits: RateLimit-* on every answer, then 429 with Retry-After and nothing read', async () => {
    const auth = await bearer('one-trip-limit');
    const body = { query: 'How fast may I ask about USDA loans?' };
    await cached(body, auth); // request 1 of LIMIT
    for (let count = 2; count <= LIMIT; count += 1) {
      const hit = await at.edge.dispatch('/v1/advice', jsonPost(body, auth));
      expect(hit.headers.get('x-cache')).toBe('HIT');
      expect(hit.headers.get('ratelimit-limit')).toBe(String(LIMIT));
      expect(hit.headers.get('ratelimit-remaining')).toBe(String(LIMIT - count));
      const reset = Number(hit.headers.get('ratelimit-reset'));
      expect(reset).toBeGreaterThan(0);
      expect(reset).toBeLessThanOrEqual(3600);
      await hit.arrayBuffer();
    }
    const hits = await at.upstash.redis.get(`${at.prefix}metrics:edge_cache:hit`);
    const limited = await at.edge.dispatch('/v1/advice', jsonPost(body, auth));
    expect(limited.status).toBe(429);
    expect((await readProblem(limited)).type).toBe('/problems/rate-limited');
    expect(limited.headers.get('ratelimit-remaining')).toBe('0');
    expect(limited.headers.get('ratelimit-limit')).toBe(String(LIMIT));
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await at.upstash.redis.get(`${at.prefix}metrics:edge_cache:hit`)).toBe(hits);
    // Refused again from the isolate's memory of the exhausted window: no Upstash request.
    const before = at.upstash.requestCount();
    expect((await at.edge.dispatch('/v1/advice/stream', jsonPost(body, auth))).status).toBe(429);
    expect(at.upstash.requestCount()).toBe(before);
  });

  it('serves the new version on the very next request after a publish (the live version is read in the same script)', async () => {
    const auth = await bearer('one-trip-version');
    const body = { query: 'Which answer do I get right after a new index is published?' };
    const first = await cached(body, auth);
    const next = 'fedcba9876543210';
    // An answer already cached under the next version (as at.core would after answering under it).
    await at.upstash.redis.set(await keyFor(body, next), JSON.stringify({ ...first, indexVersion: next }), 'EX', 600);
    try {
      await at.upstash.redis.set(liveIndexVersionKey(at.prefix), next);
      const after = await at.edge.dispatch('/v1/advice', jsonPost(body, auth));
      expect(after.headers.get('x-cache')).toBe('HIT');
      expect(AdviceResponseSchema.parse(await after.json()).indexVersion).toBe(next);
      // A version with nothing cached yet is a miss that goes to at.core.
      const calls = at.core.callsTo('/v1/advice').length;
      await at.upstash.redis.set(liveIndexVersionKey(at.prefix), '00000000deadbeef');
      expect((await at.edge.dispatch('/v1/advice', jsonPost(body, auth))).headers.get('x-cache')).toBe('MISS');
      expect(at.core.callsTo('/v1/advice')).toHaveLength(calls + 1);
    } finally {
      await at.upstash.redis.set(liveIndexVersionKey(at.prefix), at.core.indexVersion);
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
  const { at, keyFor, cached, bearer } = useOneTripEdge('leases', { RATE_LIMIT_REQUESTS: String(LIMIT), LIVE_VERSION_CACHE_MS: String(MEMORY_MS) });
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('admits exactly the limit with fewer Upstash requests than answers, RateLimit-Remaining one less on each, and the hit counter caught up by the next round trip', async () => {
    const auth = await bearer('leases-fast');
    const body = { query: 'How many cached answers may I read about FHA mortgage insurance?' };
    await cached(body, auth); // request 1 of LIMIT
    const hitsBefore = Number((await at.upstash.redis.get(`${at.prefix}metrics:edge_cache:hit`)) ?? 0);
    const before = at.upstash.requestCount();
    for (let count = 2; count <= LIMIT; count += 1) {
      const hit = await at.edge.dispatch('/v1/advice', jsonPost(body, auth));
      expect(hit.status).toBe(200);
      expect(hit.headers.get('x-cache')).toBe('HIT');
      expect(hit.headers.get('ratelimit-remaining')).toBe(String(LIMIT - count));
      await hit.arrayBuffer();
    }
    const requests = at.upstash.requestCount() - before;
    expect(requests).toBeLessThan((LIMIT - 1) / 2);
    const limited = await at.edge.dispatch('/v1/advice', jsonPost(body, auth));
    expect(limited.status).toBe(429);
    expect(limited.headers.get('ratelimit-remaining')).toBe('0');
    await limited.arrayBuffer();
    // Redis counted every admitted request (held tokens included), and no more than the limit.
    const buckets = await at.upstash.redis.keys(`${at.prefix}ratelimit:advice:leases-fast:*`);
    const counted = (await Promise.all(buckets.map((key) => at.upstash.redis.get(key)))).reduce((sum, value) => sum + Number(value ?? 0), 0);
    expect(counted).toBe(LIMIT);
    // The hits admitted from memory reach the counter with a later round trip (another caller's here).
    await pause(MEMORY_MS + 50);
    const other = await bearer('leases-counter');
    await (await at.edge.dispatch('/v1/advice', jsonPost(body, other))).arrayBuffer();
    expect(Number(await at.upstash.redis.get(`${at.prefix}metrics:edge_cache:hit`))).toBe(hitsBefore + (LIMIT - 1) + 1);
  });

  it('refuses a disabled user, and serves a newly published version, once LIVE_VERSION_CACHE_MS has passed', async () => {
    const sub = 'leases-disabled';
    const auth = await bearer(sub);
    const body = { query: 'Does a cached VA answer outlive my disabled account?' };
    const first = await cached(body, auth);
    for (let index = 0; index < 6; index += 1) expect((await at.edge.dispatch('/v1/advice', jsonPost(body, auth))).headers.get('x-cache')).toBe('HIT');

    const next = 'aaaabbbbccccdddd';
    await at.upstash.redis.set(await keyFor(body, next), JSON.stringify({ ...first, indexVersion: next }), 'EX', 600);
    const reader = await bearer('leases-reader');
    for (let index = 0; index < 6; index += 1) await (await at.edge.dispatch('/v1/advice', jsonPost(body, reader))).arrayBuffer();
    try {
      await at.upstash.redis.set(liveIndexVersionKey(at.prefix), next);
      await at.upstash.redis.set(userTokenEpochKey(at.prefix, sub), '1');
      await pause(MEMORY_MS + 50);
      const refused = await at.edge.dispatch('/v1/advice', jsonPost(body, auth));
      expect(refused.status).toBe(401);
      await refused.arrayBuffer();
      const published = await at.edge.dispatch('/v1/advice', jsonPost(body, reader));
      expect(published.headers.get('x-cache')).toBe('HIT');
      expect(AdviceResponseSchema.parse(await published.json()).indexVersion).toBe(next);
    } finally {
      await at.upstash.redis.set(liveIndexVersionKey(at.prefix), at.core.indexVersion);
    }
  });
});
