import { describe, expect, it } from 'vitest';
import { adviceCacheKey, liveIndexVersionKey } from '../../shared/cache/advice-cache-key.ts';
import { AdviceRequestSchema, AdviceResponseSchema } from '../../shared/contracts/advice.ts';
import { STORED_ANSWER_TAG } from '../../edge/cache/advice-cache.ts';
import { createEdgeAppHarness, jsonPost, parseEventStream, readProblem } from '../support/edge-app-harness.ts';
import type { FakeCore } from '../support/edge-fake-core.ts';
import type { TestSigner } from '../support/edge-tokens.ts';
import { useEdgeServices } from '../support/edge-services.ts';
import type { EdgeUpstash } from '../support/edge-upstash.ts';

/**
 * The answer cache's stored form (edge/cache/advice-cache.ts): the edge stores the body a hit
 * sends, behind STORED_ANSWER_TAG, and a hit sends it as it is; untagged values (older entries,
 * anything else) are still parsed and checked against AdviceResponseSchema, and anything unreadable
 * is a miss that asks core. The per-isolate memos of the hot path (text policy verdict, content
 * hash) never change an answer: a refusal is refused every time, another profile is another entry.
 */
describe('edge answer cache: stored hit bodies (app.request, real Upstash bridge over Redis)', () => {
  let upstash: EdgeUpstash;
  let signer: TestSigner;
  let core: FakeCore;

  const setUp = async (label: string) => {
    const prefix = upstash.uniquePrefix(label);
    await upstash.redis.set(liveIndexVersionKey(prefix), core.indexVersion);
    const edge = createEdgeAppHarness({
      CORE_URL: core.url,
      UPSTASH_REDIS_REST_URL: upstash.url,
      UPSTASH_REDIS_REST_TOKEN: upstash.token,
      KEY_PREFIX: prefix,
      RATE_LIMIT_REQUESTS: '50',
      // Every request reads Redis: these tests change stored entries between requests.
      LIVE_VERSION_CACHE_MS: '0',
    });
    const keyFor = async (body: { query: string; profile?: unknown }) => {
      const parsed = AdviceRequestSchema.parse(body);
      return adviceCacheKey({ prefix, indexVersion: core.indexVersion, query: parsed.query, profile: parsed.profile });
    };
    return { prefix, edge, keyFor };
  };
  const bearer = async () => ({ authorization: `Bearer ${await signer.mint({ sub: 'cached-answer-user' })}` });

  useEdgeServices((services) => ({ signer, core, upstash } = services), { resetCoreEachTest: true });

  it('stores the hit body behind the tag (fresh and stale copies); a hit sends exactly those bytes, on both routes', async () => {
    const { prefix, edge, keyFor } = await setUp('stored-body');
    const body = { query: 'What down payment does an FHA loan need?', profile: { creditScore: 610 } };
    const miss = await edge.request('/v1/advice', jsonPost(body, await bearer()));
    expect(miss.headers.get('x-cache')).toBe('MISS');
    const answered = AdviceResponseSchema.parse(await miss.json());
    expect(answered.cached).toBe(false);

    const key = await keyFor(body);
    const stored = await upstash.redis.get(key);
    expect(stored?.startsWith(STORED_ANSWER_TAG)).toBe(true);
    const storedBody = stored!.slice(STORED_ANSWER_TAG.length);
    expect(JSON.parse(storedBody)).toEqual({ ...answered, cached: true });
    expect(await upstash.redis.get(`${prefix}advice-stale:${key.split(':').pop()}`)).toBe(stored);

    const hit = await edge.request('/v1/advice', jsonPost(body, await bearer()));
    expect(hit.headers.get('x-cache')).toBe('HIT');
    expect(hit.headers.get('content-type')).toBe('application/json');
    expect(hit.headers.get('ratelimit-remaining')).toBe('48');
    expect(await hit.text()).toBe(storedBody);

    const stream = await edge.request('/v1/advice/stream', jsonPost(body, await bearer()));
    expect(stream.headers.get('x-cache')).toBe('HIT');
    const events = parseEventStream(await stream.text());
    expect(events.map((event) => event.event)).toEqual(['meta', 'token', 'done']);
    expect(events[0]?.data).toEqual({ sources: answered.sources, indexVersion: answered.indexVersion });
    expect(events[1]?.data).toEqual({ text: answered.advice });
    expect(events[2]?.data).toEqual({ ...answered, cached: true });
    expect(core.callsTo('/v1/advice')).toHaveLength(1);
  });

  it('serves an untagged entry only when it is a valid AdviceResponse (marked cached); a mangled entry of either form is a miss', async () => {
    const { edge, keyFor } = await setUp('untagged');
    const body = { query: 'How is PMI removed from a conventional loan?' };
    const first = AdviceResponseSchema.parse(await (await edge.request('/v1/advice', jsonPost(body, await bearer()))).json());
    const key = await keyFor(body);

    // An entry in the form before the tag (JSON of the answer as core sent it).
    await upstash.redis.set(key, JSON.stringify({ ...first, advice: 'An older entry.' }), 'EX', 600);
    const legacy = await edge.request('/v1/advice', jsonPost(body, await bearer()));
    expect(legacy.headers.get('x-cache')).toBe('HIT');
    expect(await legacy.json()).toEqual({ ...first, advice: 'An older entry.', cached: true });

    const calls = core.callsTo('/v1/advice').length;
    const unreadable = [
      JSON.stringify({ ...first, sources: 'not a list' }), // fails the schema
      '{"advice": "cut off', // not JSON
      `${STORED_ANSWER_TAG}{"advice":"cut off`, // tagged, truncated
      `${STORED_ANSWER_TAG}`, // tagged, empty
    ];
    for (const [index, value] of unreadable.entries()) {
      await upstash.redis.set(key, value, 'EX', 600);
      const response = await edge.request('/v1/advice', jsonPost(body, await bearer()));
      expect(response.status, value).toBe(200);
      expect(response.headers.get('x-cache'), value).toBe('MISS');
      AdviceResponseSchema.parse(await response.json());
      expect(core.callsTo('/v1/advice')).toHaveLength(calls + index + 1);
      // The miss stored core's answer again, tagged.
      expect((await upstash.redis.get(key))?.startsWith(STORED_ANSWER_TAG)).toBe(true);
    }
  });

  it('refuses a question the text policy refuses every time it is asked, and keys answers by profile (memoised content hash)', async () => {
    const { edge, keyFor } = await setUp('memos');
    const offTopic = { query: 'What is the best pizza topping in Naples?' };
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const refused = await edge.request('/v1/advice', jsonPost(offTopic, await bearer()));
      expect(refused.status).toBe(422);
      expect((await readProblem(refused)).type).toBe('/problems/off-topic');
    }
    expect(core.calls).toHaveLength(0);

    const query = 'Can I refinance an FHA loan into a conventional one?';
    const low = { query, profile: { creditScore: 600 } };
    const high = { query, profile: { creditScore: 760 } };
    expect(await keyFor(low)).not.toBe(await keyFor(high));
    expect((await edge.request('/v1/advice', jsonPost(low, await bearer()))).headers.get('x-cache')).toBe('MISS');
    expect((await edge.request('/v1/advice', jsonPost(low, await bearer()))).headers.get('x-cache')).toBe('HIT');
    expect((await edge.request('/v1/advice', jsonPost(high, await bearer()))).headers.get('x-cache')).toBe('MISS');
    expect((await edge.request('/v1/advice', jsonPost(high, await bearer()))).headers.get('x-cache')).toBe('HIT');
    // The same profile with its keys in another order is the same question.
    const reordered = { profile: { creditScore: 760 }, query };
    expect((await edge.request('/v1/advice', jsonPost(reordered, await bearer()))).headers.get('x-cache')).toBe('HIT');
    expect(core.callsTo('/v1/advice')).toHaveLength(2);
  });
});
