import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AiSdkGenerator } from '../../../core/generation/ai-sdk-generator.ts';
import { openAiCompatibleModel } from '../../../core/generation/ai-sdk-models.ts';
import { ExtractiveGenerator } from '../../../core/generation/extractive-generator.ts';
import { ResilientGenerator, type ResilienceEvents, type ResilienceOptions } from '../../../core/generation/resilient-generator.ts';
import type { Passage } from '../../../core/ports/generator.ts';
import { startChatServer, type ChatServer } from '../../support/openai-compatible-server.ts';

const passages: Passage[] = [
  { citation: 1, id: 'fha', title: 'FHA loans', text: 'FHA loans allow a down payment of 3.5% with a credit score of 580 or higher.', score: 0.9 },
  { citation: 2, id: 'pmi', title: 'Mortgage insurance', text: 'Private mortgage insurance is usually required when the down payment is under 20%.', score: 0.5 },
];
const query = 'What down payment does an FHA loan need with a 620 credit score?';
const CITED = 'FHA loans allow 3.5% down with a score of 580 or higher [1]. This is general information, not a credit decision.';

let server: ChatServer;
beforeAll(async () => {
  server = await startChatServer();
  server.reply = () => CITED;
});
afterAll(() => server.close());
afterEach(() => {
  server.requests.length = 0;
  server.queue.length = 0;
  server.behaviour = 'ok';
  server.reply = () => CITED;
});

interface Recorded {
  fallbacks: string[];
  retries: number;
  states: string[];
}

function resilient(resilience: ResilienceOptions = {}, providerTimeoutMs = 10_000) {
  const recorded: Recorded = { fallbacks: [], retries: 0, states: [] };
  const events: ResilienceEvents = {
    onFallback: ({ reason }) => recorded.fallbacks.push(reason),
    onRetry: () => recorded.retries++,
    onCircuitStateChange: ({ state }) => recorded.states.push(state),
  };
  const provider = new AiSdkGenerator({ id: 'openai-compatible:test-model', model: openAiCompatibleModel({ baseURL: server.baseURL, model: 'test-model' }), timeoutMs: providerTimeoutMs });
  const generator = new ResilientGenerator({ provider, fallback: new ExtractiveGenerator(), resilience: { retryInitialDelayMs: 5, retryMaxDelayMs: 20, ...resilience }, ...events });
  return { generator, recorded };
}

describe('ResilientGenerator', () => {
  it('returns the provider answer when it is cited', async () => {
    const { generator } = resilient();
    const result = await generator.generate({ query, passages });
    expect(result).toEqual({ text: CITED, citations: [1], generator: 'openai-compatible:test-model' });
    expect(generator.id).toBe('openai-compatible:test-model');
  });

  it('retries a failed call with backoff and succeeds', async () => {
    server.queue.push('error-500');
    const { generator, recorded } = resilient({ retries: 2 });
    const result = await generator.generate({ query, passages });
    expect(result.degraded).toBeUndefined();
    expect(server.requests).toHaveLength(2);
    expect(recorded.retries).toBe(1);
  });

  it('answers with the extractive fallback, marked degraded, when retries run out', async () => {
    server.behaviour = 'error-500';
    const { generator, recorded } = resilient({ retries: 2 });
    const result = await generator.generate({ query, profile: { creditScore: 620 }, passages });
    expect(result).toMatchObject({ degraded: true, fallbackReason: 'failed', generator: 'extractive-v1' });
    expect(result.citations.length).toBeGreaterThan(0);
    expect(server.requests).toHaveLength(3);
    expect(recorded.fallbacks).toEqual(['failed']);
  });

  it('opens the circuit after 5 consecutive failures, then half-opens and recovers', async () => {
    server.behaviour = 'error-500';
    const { generator, recorded } = resilient({ retries: 0, halfOpenAfterMs: 150 });
    for (let i = 0; i < 5; i++) expect((await generator.generate({ query: `${query} #${i}`, passages })).fallbackReason).toBe('failed');
    expect(generator.circuitState).toBe('open');
    // Open: the provider is not called at all.
    const shed = await generator.generate({ query: `${query} #open`, passages });
    expect(shed).toMatchObject({ degraded: true, fallbackReason: 'circuit-open' });
    expect(server.requests).toHaveLength(5);

    server.behaviour = 'ok';
    await new Promise((resolve) => setTimeout(resolve, 250));
    const recovered = await generator.generate({ query: `${query} #trial`, passages });
    expect(recovered.degraded).toBeUndefined();
    expect(server.requests).toHaveLength(6);
    expect(generator.circuitState).toBe('closed');
    expect(recorded.states).toEqual(['open', 'half-open', 'closed']);
  });

  it('returns the fallback within the time budget when the provider hangs, and hangs up on it', async () => {
    server.behaviour = 'hang';
    // Attempt and provider timeouts far beyond the budget (and the test's timeout): only the budget can end the call.
    const { generator } = resilient({ budgetMs: 300, attemptTimeoutMs: 600_000, retries: 3 }, 600_000);
    const started = performance.now();
    const result = await generator.generate({ query, passages });
    const elapsedMs = performance.now() - started;
    expect(result).toMatchObject({ degraded: true, fallbackReason: 'timeout' });
    expect(elapsedMs).toBeGreaterThanOrEqual(290);
    // The alternative is a 600 s hang: the bound only has to tell the budget from it.
    expect(elapsedMs).toBeLessThan(10_000);
    await expect.poll(() => server.requests.every((request) => request.clientClosedEarly)).toBe(true);
  });

  it('counts per-attempt timeouts as failures', async () => {
    server.behaviour = 'hang';
    const { generator } = resilient({ attemptTimeoutMs: 100, retries: 1, budgetMs: 5_000 });
    const result = await generator.generate({ query, passages });
    expect(result).toMatchObject({ degraded: true, fallbackReason: 'timeout' });
    expect(server.requests).toHaveLength(2);
  });

  it('sheds generations beyond the bulkhead to the fallback at once', async () => {
    server.behaviour = 'hang';
    const { generator } = resilient({ maxConcurrent: 1, maxQueued: 0, budgetMs: 1_000, retries: 0 });
    const first = generator.generate({ query, passages });
    await expect.poll(() => server.requests.length).toBe(1);
    const second = await generator.generate({ query: 'How does mortgage insurance work?', passages });
    expect(second).toMatchObject({ degraded: true, fallbackReason: 'busy' });
    expect(server.requests).toHaveLength(1);
    expect(await first).toMatchObject({ degraded: true, fallbackReason: 'timeout' });
  });

  it('falls back when the model cites nothing, without counting it against the provider', async () => {
    server.reply = () => 'You will certainly be approved, no sources needed.';
    const { generator } = resilient({ retries: 0 });
    for (let i = 0; i < 6; i++) {
      const result = await generator.generate({ query: `${query} #${i}`, passages });
      expect(result).toMatchObject({ degraded: true, fallbackReason: 'uncited', generator: 'extractive-v1' });
    }
    expect(generator.circuitState).toBe('closed');
  });

  it('passes a caller abort through instead of answering', async () => {
    server.behaviour = 'hang';
    const { generator, recorded } = resilient();
    const controller = new AbortController();
    const pending = generator.generate({ query, passages, signal: controller.signal });
    await expect.poll(() => server.requests.length).toBe(1);
    controller.abort(new Error('client went away'));
    await expect(pending).rejects.toThrow('client went away');
    expect(recorded.fallbacks).toEqual([]);
    await expect.poll(() => server.requests[0]?.clientClosedEarly).toBe(true);
    expect(generator.circuitState).toBe('closed');
  });
});

describe('ResilientGenerator single-flight', () => {
  it('shares one provider call among identical questions in flight, streaming to each', async () => {
    const { generator } = resilient();
    const leaderTokens: string[] = [];
    const joinerTokens: string[] = [];
    const results = await Promise.all([
      generator.generate({ query, profile: { creditScore: 620 }, passages, indexVersion: 'v1', onToken: (token) => leaderTokens.push(token) }),
      generator.generate({ query: `  what down payment does an FHA loan need with a 620 credit score?`, profile: { creditScore: 620 }, passages, indexVersion: 'v1', onToken: (token) => joinerTokens.push(token) }),
      generator.generate({ query, profile: { creditScore: 620 }, passages, indexVersion: 'v1' }),
    ]);
    expect(server.requests).toHaveLength(1);
    expect(new Set(results.map((result) => result.text)).size).toBe(1);
    expect(joinerTokens.join('')).toBe(CITED);
    expect(leaderTokens.join('')).toBe(CITED);
    expect(generator.inFlight).toBe(0);
  });

  it('does not share between different profiles or index versions', async () => {
    const { generator } = resilient();
    await Promise.all([
      generator.generate({ query, profile: { creditScore: 620 }, passages, indexVersion: 'v1' }),
      generator.generate({ query, profile: { creditScore: 700 }, passages, indexVersion: 'v1' }),
      generator.generate({ query, profile: { creditScore: 620 }, passages, indexVersion: 'v2' }),
    ]);
    expect(server.requests).toHaveLength(3);
  });

  it('keeps the shared call going while one caller remains, and stops it when the last leaves', async () => {
    server.queue.push('hang');
    const { generator } = resilient({ budgetMs: 10_000 });
    const first = new AbortController();
    const second = new AbortController();
    const a = generator.generate({ query, passages, signal: first.signal });
    const b = generator.generate({ query, passages, signal: second.signal });
    await expect.poll(() => server.requests.length).toBe(1);
    first.abort(new Error('first left'));
    await expect(a).rejects.toThrow('first left');
    expect(server.requests[0]?.clientClosedEarly).toBe(false);
    second.abort(new Error('second left'));
    await expect(b).rejects.toThrow('second left');
    await expect.poll(() => server.requests[0]?.clientClosedEarly).toBe(true);
    // A new identical question starts afresh instead of joining the abandoned call.
    expect((await generator.generate({ query, passages })).citations).toEqual([1]);
    expect(server.requests).toHaveLength(2);
  });
});
