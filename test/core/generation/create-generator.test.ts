import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAppError } from '../../../shared/errors/app-error.ts';
import { createGenerator, generatorSpecFromEnv, parseGeneratorSpec } from '../../../core/generation/create-generator.ts';
import type { Passage } from '../../../core/ports/generator.ts';
import { tinyLlamaGguf } from '../../support/fixtures.ts';
import { startChatServer, type ChatServer } from '../../support/openai-compatible-server.ts';

const passages: Passage[] = [{ citation: 1, id: 'fha', title: 'FHA loans', text: 'FHA loans allow a down payment of 3.5% with a credit score of 580 or higher.', score: 0.9 }];
const query = 'What down payment does an FHA loan need?';
const TINY = tinyLlamaGguf();
const TINY_MODEL = TINY.path;

let server: ChatServer;
beforeAll(async () => {
  server = await startChatServer();
});
afterAll(() => server.close());

describe('generatorSpecFromEnv + createGenerator', () => {
  it('defaults to the extractive generator', async () => {
    const created = createGenerator(generatorSpecFromEnv({}));
    expect(created.generator.id).toBe('extractive-v1');
    expect(created.circuitState()).toBeUndefined();
    expect((await created.generator.generate({ query, passages })).citations).toEqual([1]);
  });

  it('builds an OpenAI-compatible generator with resilience and the answer cache from env', async () => {
    const spec = generatorSpecFromEnv({ GENERATOR: 'openai-compatible', LLM_BASE_URL: server.baseURL, LLM_MODEL: 'qwen2.5', LLM_PROVIDER_NAME: 'vllm', LLM_RETRIES: '0', ANSWER_CACHE_THRESHOLD: '0.9' });
    expect(parseGeneratorSpec(spec)).toMatchObject({ kind: 'openai-compatible', resilience: { retries: 0 }, answerCache: { enabled: true, threshold: 0.9 } });
    const created = createGenerator(spec);
    expect(created.generator.id).toBe('vllm:qwen2.5');
    expect(created.description).toContain('vllm (qwen2.5 at http://127.0.0.1:');
    expect(created.circuitState()).toBe('closed');
    const vector = new Float32Array([1, 0]);
    const first = await created.generator.generate({ query, passages, indexVersion: 'v1', queryVector: vector });
    const again = await created.generator.generate({ query: `${query} `, passages, indexVersion: 'v1', queryVector: vector });
    expect(first.citations).toEqual([1]);
    expect(again.cacheHit).toBe(true);
  });

  it('redacts prompts sent to HTTP providers unless turned off', async () => {
    const redact = (text: string) => text.replaceAll('555-0100', '[phone]');
    for (const [flag, expectRedacted] of [[undefined, true], ['false', false]] as const) {
      server.requests.length = 0;
      const created = createGenerator(generatorSpecFromEnv({ GENERATOR: 'openai-compatible', LLM_BASE_URL: server.baseURL, LLM_MODEL: 'm', ANSWER_CACHE: 'off', LLM_REDACT_PROMPTS: flag }), { redact });
      await created.generator.generate({ query: 'Call me at 555-0100 about FHA loans', passages });
      expect(JSON.stringify(server.requests[0]?.body).includes('555-0100')).toBe(!expectRedacted);
    }
  });

  it('refuses an incomplete or invalid configuration, naming the fields', () => {
    const error = (() => {
      try {
        createGenerator(generatorSpecFromEnv({ GENERATOR: 'openai-compatible', LLM_BASE_URL: 'not a url', LLM_RETRIES: '-1' }));
      } catch (caught) {
        return caught;
      }
    })();
    expect(isAppError(error) && error.code).toBe('validation-failed');
    expect((error as Error).message).toMatch(/baseURL/);
    expect((error as Error).message).toMatch(/model/);
    expect((error as Error).message).toMatch(/resilience\.retries/);
    expect(() => createGenerator(generatorSpecFromEnv({ GENERATOR: 'gpt-9' }))).toThrow(/invalid generator configuration/);
  });

  it('builds a Workers AI generator from env that streams from the account-scoped endpoint, keeping the token out of descriptions and errors', async () => {
    const accountId = 'fedcba9876543210fedcba9876543210';
    const token = 'cf-secret-token-value';
    server.requests.length = 0;
    const created = createGenerator(
      generatorSpecFromEnv({ GENERATOR: 'workers-ai', WORKERS_AI_ACCOUNT_ID: accountId, WORKERS_AI_API_TOKEN: token, LLM_MODEL: '@cf/meta/llama-3.1-8b-instruct', WORKERS_AI_API_ROOT: `${server.rootURL}/client/v4`, ANSWER_CACHE: 'off' }),
    );
    expect(created.generator.id).toBe('cloudflare-workers-ai:@cf/meta/llama-3.1-8b-instruct');
    expect(created.description).toContain('cloudflare-workers-ai (@cf/meta/llama-3.1-8b-instruct at http://127.0.0.1:');
    expect(created.description).not.toContain(token);
    expect(created.description).not.toContain(accountId);
    const tokens: string[] = [];
    const result = await created.generator.generate({ query, passages, onToken: (text) => tokens.push(text) });
    expect(result).toMatchObject({ citations: [1], generator: 'cloudflare-workers-ai:@cf/meta/llama-3.1-8b-instruct' });
    expect(result.degraded).toBeUndefined();
    expect(tokens.length).toBeGreaterThan(5);
    expect(server.requests[0]).toMatchObject({ path: `/client/v4/accounts/${accountId}/ai/v1/chat/completions`, authorization: `Bearer ${token}`, stream: true, model: '@cf/meta/llama-3.1-8b-instruct' });
    // Without the override it targets Cloudflare itself (nothing is sent here).
    expect(createGenerator(generatorSpecFromEnv({ GENERATOR: 'workers-ai', WORKERS_AI_ACCOUNT_ID: accountId, WORKERS_AI_API_TOKEN: token, LLM_MODEL: 'm' })).description).toMatch(/^cloudflare-workers-ai \(m\), fallback/);

    const invalid = (() => {
      try {
        parseGeneratorSpec(generatorSpecFromEnv({ GENERATOR: 'workers-ai', WORKERS_AI_ACCOUNT_ID: 'not-an-account', WORKERS_AI_API_TOKEN: token }));
      } catch (caught) {
        return caught as Error;
      }
    })();
    expect(invalid?.message).toMatch(/accountId: a Cloudflare account id is 32 hex digits/);
    expect(invalid?.message).toMatch(/model/);
    expect(invalid?.message).not.toContain(token);
    expect(invalid?.message).not.toContain('not-an-account');
    expect(() => parseGeneratorSpec(generatorSpecFromEnv({ GENERATOR: 'workers-ai', WORKERS_AI_ACCOUNT_ID: accountId, LLM_MODEL: 'm' }))).toThrow(/apiToken/);
  });

  it('builds a Bedrock generator for a region', () => {
    const created = createGenerator(generatorSpecFromEnv({ GENERATOR: 'bedrock', LLM_MODEL: 'anthropic.claude-3-5-haiku-20241022-v1:0', AWS_REGION: 'eu-west-1' }));
    expect(created.generator.id).toBe('bedrock:anthropic.claude-3-5-haiku-20241022-v1:0');
    expect(created.description).toContain('in eu-west-1');
  });

  it.skipIf(!TINY.present)('builds a llama.cpp generator that warms up and falls back on uncited gibberish', async () => {
    const created = createGenerator(generatorSpecFromEnv({ GENERATOR: 'llama-cpp', LLM_MODEL_PATH: TINY_MODEL, LLM_MAX_TOKENS: '16', LLM_THREADS: '1' }));
    try {
      await created.warmUp();
      const result = await created.generator.generate({ query, passages });
      expect(result).toMatchObject({ degraded: true, fallbackReason: 'uncited', generator: 'extractive-v1' });
    } finally {
      await created.close();
    }
  });
});
