import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { isAppError } from '../../../shared/errors/app-error.ts';
import { ExtractiveGenerator } from '../../../core/generation/extractive-generator.ts';
import { LlamaCppGenerator } from '../../../core/generation/llama-cpp-generator.ts';
import { ResilientGenerator } from '../../../core/generation/resilient-generator.ts';
import type { Passage } from '../../../core/ports/generator.ts';

/** Random-weight Llama-2-shaped GGUF (../shared/models, see its SOURCE.md): real loading and decoding, gibberish text. */
const TINY_MODEL = fileURLToPath(new URL('../../../../shared/models/llama-2-tiny-random/llama-2-tiny-random.gguf', import.meta.url));

const passages: Passage[] = [
  { citation: 1, id: 'fha', title: 'FHA loans', text: 'FHA loans allow a down payment of 3.5% with a credit score of 580 or higher.', score: 0.9 },
  { citation: 2, id: 'pmi', title: 'Mortgage insurance', text: 'Private mortgage insurance is usually required when the down payment is under 20%.', score: 0.5 },
];
const query = 'What down payment does an FHA loan need with a 620 credit score?';

describe.skipIf(!existsSync(TINY_MODEL))('LlamaCppGenerator on the tiny random GGUF', () => {
  const generator = new LlamaCppGenerator({ modelPath: TINY_MODEL, contextSize: 4096, maxTokens: 24, seed: 7, threads: 1 });
  afterAll(() => generator.close());

  it('loads the model on the CPU and streams tokens that make up the answer', async () => {
    const tokens: string[] = [];
    const result = await generator.generate({ query, profile: { creditScore: 620 }, passages, onToken: (token) => tokens.push(token) });
    expect(result.generator).toBe('llama-cpp:llama-2-tiny-random');
    expect(tokens.length).toBeGreaterThan(1);
    // The post-processor only removes invalid citation markers and whitespace: every word streamed is in the text.
    const streamed = tokens.join('').replace(/\s+/g, ' ').trim();
    for (const word of result.text.split(/\s+/).filter((word) => !/\[\d+\]/.test(word))) expect(streamed).toContain(word);
  });

  it('returns gibberish with no valid citation, which the resilient wrapper replaces with the extractive answer', async () => {
    const raw = await generator.generate({ query, passages });
    expect(raw.citations).toEqual([]);
    const resilient = new ResilientGenerator({ provider: generator, fallback: new ExtractiveGenerator() });
    const answer = await resilient.generate({ query, passages });
    expect(answer).toMatchObject({ degraded: true, fallbackReason: 'uncited', generator: 'extractive-v1' });
    expect(answer.citations).toContain(1);
  });

  it('stops when the caller aborts, and serves the next request afterwards', async () => {
    const long = new LlamaCppGenerator({ modelPath: TINY_MODEL, contextSize: 4096, maxTokens: 3000, seed: 1, threads: 1 });
    try {
      const controller = new AbortController();
      let streamed = 0;
      const pending = long.generate({
        query,
        passages,
        signal: controller.signal,
        onToken: () => {
          if (++streamed === 3) controller.abort(new Error('client went away'));
        },
      });
      await expect(pending).rejects.toThrow('client went away');
      expect(streamed).toBeLessThan(50);
      // The sequence went back to the pool: a later generation (with the one sequence) completes.
      const next = await long.generate({ query, passages, signal: AbortSignal.timeout(60_000), onToken: () => {} });
      expect(typeof next.text).toBe('string');
    } finally {
      await long.close();
    }
  }, 60_000);

  it('gives up with upstream-timeout when the deadline passes mid-generation', async () => {
    const slow = new LlamaCppGenerator({ modelPath: TINY_MODEL, contextSize: 4096, maxTokens: 3000, timeoutMs: 300, threads: 1 });
    try {
      await slow.load();
      let streamed = 0;
      const error = await slow.generate({ query, passages, onToken: () => streamed++ }).catch((caught: unknown) => caught);
      expect(isAppError(error) && error.code).toBe('upstream-timeout');
      expect(streamed).toBeLessThan(3000);
    } finally {
      await slow.close();
    }
  }, 60_000);

  it('queues generations beyond maxConcurrent instead of failing', async () => {
    const results = await Promise.all([1, 2, 3].map(() => generator.generate({ query, passages })));
    expect(results).toHaveLength(3);
    for (const result of results) expect(result.generator).toBe('llama-cpp:llama-2-tiny-random');
  });

  it('cuts the passages to fit a small context instead of overflowing it', async () => {
    const small = new LlamaCppGenerator({ modelPath: TINY_MODEL, contextSize: 512, maxTokens: 16, threads: 1 });
    try {
      const huge: Passage[] = [1, 2, 3].map((citation) => ({ citation, id: `p${citation}`, title: `Passage ${citation}`, text: 'Lenders look at debt-to-income ratio. '.repeat(400), score: 0.5 }));
      const result = await small.generate({ query, passages: huge });
      expect(typeof result.text).toBe('string');
    } finally {
      await small.close();
    }
  }, 60_000);
});

describe('LlamaCppGenerator configuration', () => {
  it('refuses a context too small for the answer it is asked to write', () => {
    expect(() => new LlamaCppGenerator({ modelPath: TINY_MODEL, contextSize: 256, maxTokens: 200 })).toThrow(/no room/);
  });

  it('reports a missing model file as upstream-unavailable', async () => {
    const missing = new LlamaCppGenerator({ modelPath: '/nonexistent/model.gguf' });
    const error = await missing.generate({ query, passages }).catch((caught: unknown) => caught);
    expect(isAppError(error) && error.code).toBe('upstream-unavailable');
  });
});
