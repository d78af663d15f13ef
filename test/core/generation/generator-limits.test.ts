import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createGenerator, generatorSpecFromEnv, parseGeneratorSpec } from '../../../core/generation/create-generator.ts';
import type { FallbackReason, Passage } from '../../../core/ports/generator.ts';
import { startChatServer, type ChatServer } from '../../support/openai-compatible-server.ts';

const passages: Passage[] = [{ citation: 1, id: 'fha', title: 'FHA loans', text: 'FHA loans allow a down payment of 3.5% with a credit score of 580 or higher.', score: 0.9 }];

let server: ChatServer;
beforeAll(async () => {
  server = await startChatServer();
});
afterAll(() => server.close());
afterEach(() => {
  server.requests.length = 0;
  server.behaviour = 'ok';
});

/** A generator over the local OpenAI-compatible server, from env, recording each fallback reason. */
function fromEnv(env: Record<string, string>) {
  const fallbacks: FallbackReason[] = [];
  const created = createGenerator(
    generatorSpecFromEnv({ GENERATOR: 'openai-compatible', LLM_BASE_URL: server.baseURL, LLM_MODEL: 'm', ANSWER_CACHE: 'off', LLM_RETRIES: '0', ...env }),
    { onFallback: ({ reason }) => fallbacks.push(reason) },
  );
  return { generator: created.generator, fallbacks };
}

describe('LLM_TIMEOUT_MS and LLM_MAX_CONCURRENT each have one owner', () => {
  it('reads each setting into the resilience settings only, for every provider kind', () => {
    const settings = { LLM_TIMEOUT_MS: '4321', LLM_MAX_CONCURRENT: '7', LLM_MODEL: 'm', LLM_BASE_URL: 'http://127.0.0.1:1/v1', LLM_MODEL_PATH: '/models/x.gguf' };
    const workersAi = { WORKERS_AI_ACCOUNT_ID: '0123456789abcdef0123456789abcdef', WORKERS_AI_API_TOKEN: 'token' };
    for (const kind of ['llama-cpp', 'openai-compatible', 'workers-ai', 'bedrock']) {
      const spec = parseGeneratorSpec(generatorSpecFromEnv({ GENERATOR: kind, ...settings, ...workersAi }));
      const text = JSON.stringify(spec);
      // A second timer or a second limit would need the value a second time in the spec.
      expect(text.match(/4321/g), kind).toHaveLength(1);
      expect(text.match(/:7[,}]/g), kind).toHaveLength(1);
      expect(spec).toMatchObject({ resilience: { attemptTimeoutMs: 4321, maxConcurrent: 7 } });
    }
    // Providers take no timeout or concurrency of their own.
    expect(() => parseGeneratorSpec({ kind: 'openai-compatible', baseURL: 'http://127.0.0.1:1/v1', model: 'm', timeoutMs: 5 })).toThrow(/timeoutMs/);
    expect(() => parseGeneratorSpec({ kind: 'llama-cpp', modelPath: '/m.gguf', maxConcurrent: 2 })).toThrow(/maxConcurrent/);
  });

  it('a provider that never answers falls back once, for timeout, at the attempt timeout', async () => {
    server.behaviour = 'hang';
    const { generator, fallbacks } = fromEnv({ LLM_TIMEOUT_MS: '300', LLM_BUDGET_MS: '10000' });
    const started = performance.now();
    const result = await generator.generate({ query: 'What down payment does an FHA loan need?', passages });
    const elapsedMs = performance.now() - started;
    expect(result).toMatchObject({ degraded: true, fallbackReason: 'timeout' });
    expect(fallbacks).toEqual(['timeout']);
    expect(elapsedMs).toBeGreaterThanOrEqual(290);
    // Far below the 10 s budget, the other way it could end; generous for a loaded machine.
    expect(elapsedMs).toBeLessThan(5_000);
    expect(server.requests).toHaveLength(1);
    await expect.poll(() => server.requests[0]!.clientClosedEarly).toBe(true);
  });

  it('with LLM_MAX_CONCURRENT=2 and no queue, the third generation at once is shed as busy, exactly once', async () => {
    server.behaviour = 'hang';
    const { generator, fallbacks } = fromEnv({ LLM_MAX_CONCURRENT: '2', LLM_BULKHEAD_QUEUE: '0', LLM_TIMEOUT_MS: '400' });
    const running = [generator.generate({ query: 'What is an FHA loan?', passages }), generator.generate({ query: 'How big a down payment?', passages })];
    await expect.poll(() => server.requests.length).toBe(2);
    const third = await generator.generate({ query: 'What credit score do I need?', passages });
    expect(third).toMatchObject({ degraded: true, fallbackReason: 'busy' });
    expect(server.requests).toHaveLength(2);
    for (const result of await Promise.all(running)) expect(result).toMatchObject({ degraded: true, fallbackReason: 'timeout' });
    expect(fallbacks.filter((reason) => reason === 'busy')).toHaveLength(1);
    expect(fallbacks.sort()).toEqual(['busy', 'timeout', 'timeout']);
  });
});
