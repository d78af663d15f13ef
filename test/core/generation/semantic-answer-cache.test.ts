import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AiSdkGenerator } from '../../../core/generation/ai-sdk-generator.ts';
import { openAiCompatibleModel } from '../../../core/generation/ai-sdk-models.ts';
import { CachedGenerator } from '../../../core/generation/cached-generator.ts';
import { ExtractiveGenerator } from '../../../core/generation/extractive-generator.ts';
import { ResilientGenerator } from '../../../core/generation/resilient-generator.ts';
import { profileBucket, SemanticAnswerCache, type AnswerScope } from '../../../core/generation/semantic-answer-cache.ts';
import type { GenerationResult, Passage } from '../../../core/ports/generator.ts';
import { startChatServer, type ChatServer } from '../../support/openai-compatible-server.ts';

const passages: Passage[] = [
  { citation: 1, id: 'fha', title: 'FHA loans', text: 'FHA loans allow a down payment of 3.5% with a credit score of 580 or higher.', score: 0.9 },
  { citation: 2, id: 'pmi', title: 'Mortgage insurance', text: 'Private mortgage insurance is usually required when the down payment is under 20%.', score: 0.5 },
];

/** A unit vector at `degrees` from the x axis, in the x–y plane (cosine to `unit(0)` is cos(degrees)). */
const unit = (degrees: number, dimension = 8) => {
  const vector = new Float32Array(dimension);
  vector[0] = Math.cos((degrees * Math.PI) / 180);
  vector[1] = Math.sin((degrees * Math.PI) / 180);
  return vector;
};
const answer = (text: string): GenerationResult => ({ text, citations: [1], generator: 'test-model' });
const scope = (overrides: Partial<AnswerScope> = {}): AnswerScope => ({ indexVersion: 'v1', profile: { creditScore: 620 }, passages, ...overrides });

describe('SemanticAnswerCache', () => {
  it('reuses an answer for a question at cosine ≥ 0.95 and not below', () => {
    const cache = new SemanticAnswerCache();
    cache.store(scope(), unit(0), answer('FHA allows 3.5% down [1].'));
    // cos(15°) ≈ 0.966, cos(20°) ≈ 0.940
    expect(cache.lookup(scope(), unit(15))?.result.text).toBe('FHA allows 3.5% down [1].');
    expect(cache.lookup(scope(), unit(20))).toBeUndefined();
  });

  it('honours a configured threshold', () => {
    const cache = new SemanticAnswerCache({ threshold: 0.99 });
    cache.store(scope(), unit(0), answer('a [1]'));
    expect(cache.lookup(scope(), unit(15))).toBeUndefined();
    expect(cache.lookup(scope(), unit(5))).toBeDefined();
  });

  it('keeps answers apart by index version, profile bucket and passages', () => {
    const cache = new SemanticAnswerCache();
    cache.store(scope(), unit(0), answer('a [1]'));
    expect(cache.lookup(scope({ indexVersion: 'v2' }), unit(0))).toBeUndefined();
    expect(cache.lookup(scope({ profile: { creditScore: 700 } }), unit(0))).toBeUndefined();
    expect(cache.lookup(scope({ passages: [...passages].reverse().map((passage, i) => ({ ...passage, citation: i + 1 })) }), unit(0))).toBeUndefined();
    // 630 is in the same 20-point band as 620.
    expect(cache.lookup(scope({ profile: { creditScore: 630 } }), unit(0))).toBeDefined();
  });

  it('does not reuse an answer that quotes the earlier borrower’s differing figures', () => {
    const cache = new SemanticAnswerCache();
    const profile = { creditScore: 620, propertyValue: 200_000 };
    cache.store(scope({ profile }), unit(0), answer('For a $200,000 home with a 620 score, FHA may fit [1].'));
    expect(cache.lookup(scope({ profile: { creditScore: 620, propertyValue: 210_000 } }), unit(0))).toBeUndefined();
    expect(cache.lookup(scope({ profile: { creditScore: 620, propertyValue: 200_000 } }), unit(0))).toBeDefined();
  });

  it('evicts the least recently used answer beyond maxEntries', () => {
    const cache = new SemanticAnswerCache({ maxEntries: 2 });
    cache.store(scope({ indexVersion: 'a' }), unit(0), answer('a [1]'));
    cache.store(scope({ indexVersion: 'b' }), unit(0), answer('b [1]'));
    expect(cache.lookup(scope({ indexVersion: 'a' }), unit(0))).toBeDefined(); // a is now the most recent
    cache.store(scope({ indexVersion: 'c' }), unit(0), answer('c [1]'));
    expect(cache.size).toBe(2);
    expect(cache.lookup(scope({ indexVersion: 'b' }), unit(0))).toBeUndefined();
    expect(cache.lookup(scope({ indexVersion: 'a' }), unit(0))).toBeDefined();
  });

  it('forgets answers after their time to live', () => {
    let now = 1_000;
    const cache = new SemanticAnswerCache({ ttlMs: 100, now: () => now });
    cache.store(scope(), unit(0), answer('a [1]'));
    now += 99;
    expect(cache.lookup(scope(), unit(0))).toBeDefined();
    now += 1;
    expect(cache.lookup(scope(), unit(0))).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('buckets profiles by what advice depends on', () => {
    expect(profileBucket({ creditScore: 639 })).toBe(profileBucket({ creditScore: 620 }));
    expect(profileBucket({ creditScore: 640 })).not.toBe(profileBucket({ creditScore: 639 }));
    expect(profileBucket({ propertyValue: 200_000, downPayment: 7_000 })).not.toBe(profileBucket({ propertyValue: 200_000, downPayment: 40_000 }));
    expect(profileBucket({ state: 'TX' })).not.toBe(profileBucket({ state: 'CA' }));
    expect(profileBucket(undefined)).toBe('none');
  });
});

describe('CachedGenerator in front of a model', () => {
  let server: ChatServer;
  beforeAll(async () => {
    server = await startChatServer();
    server.reply = () => 'FHA loans allow 3.5% down with a score of 580 or higher [1].';
  });
  afterAll(() => server.close());

  const build = () => {
    const provider = new AiSdkGenerator({ id: 'openai-compatible:test-model', model: openAiCompatibleModel({ baseURL: server.baseURL, model: 'test-model' }) });
    const resilient = new ResilientGenerator({ provider, fallback: new ExtractiveGenerator(), resilience: { retries: 0 } });
    const lookups: boolean[] = [];
    const generator = new CachedGenerator({ generator: resilient, cache: new SemanticAnswerCache(), onLookup: ({ hit }) => lookups.push(hit) });
    return { generator, lookups };
  };

  it('answers a near-identical question from the cache (hit) and a different one from the model (miss)', async () => {
    server.requests.length = 0;
    const { generator, lookups } = build();
    const base = { profile: { creditScore: 620 }, passages, indexVersion: 'v1' };
    const first = await generator.generate({ ...base, query: 'What down payment does FHA need?', queryVector: unit(0) });
    const tokens: string[] = [];
    const second = await generator.generate({ ...base, query: 'What down payment is needed for FHA?', queryVector: unit(10), onToken: (token) => tokens.push(token) });
    expect(second).toMatchObject({ text: first.text, cacheHit: true });
    expect(tokens).toEqual([first.text]);
    expect(server.requests).toHaveLength(1);
    const third = await generator.generate({ ...base, query: 'How does PMI work?', queryVector: unit(60) });
    expect(third.cacheHit).toBeUndefined();
    expect(server.requests).toHaveLength(2);
    expect(lookups).toEqual([false, true, false]);
  });

  it('never caches a degraded answer', async () => {
    server.requests.length = 0;
    server.behaviour = 'error-500';
    const { generator } = build();
    const base = { query: 'What down payment does FHA need?', passages, indexVersion: 'v1', queryVector: unit(0) };
    expect((await generator.generate(base)).degraded).toBe(true);
    server.behaviour = 'ok';
    const recovered = await generator.generate(base);
    expect(recovered.degraded).toBeUndefined();
    expect(recovered.cacheHit).toBeUndefined();
  });

  it('embeds the question itself when no vector is passed, if given an embedder', async () => {
    server.requests.length = 0;
    const provider = new AiSdkGenerator({ id: 'm', model: openAiCompatibleModel({ baseURL: server.baseURL, model: 'test-model' }) });
    const generator = new CachedGenerator({ generator: provider, cache: new SemanticAnswerCache(), embed: async (text) => unit(text.length % 2 === 0 ? 0 : 3) });
    await generator.generate({ query: 'What down payment does FHA need?', passages, indexVersion: 'v1' });
    expect((await generator.generate({ query: 'What down payment does FHA need??', passages, indexVersion: 'v1' })).cacheHit).toBe(true);
    expect(server.requests).toHaveLength(1);
  });
});
