import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LlamaChatSession, type LlamaContextSequence, type Token } from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAppError } from '../../../shared/errors/app-error.ts';
import { GgmlType } from '../../../bench/support/gguf-format.ts';
import { SMOLLM2_135M, writeRandomLlamaGguf } from '../../../bench/support/gguf-writer.ts';
import { ExtractiveGenerator } from '../../../core/generation/extractive-generator.ts';
import { LlamaCppGenerator } from '../../../core/generation/llama-cpp-generator.ts';
import { buildAdvicePrompt } from '../../../core/generation/prompt.ts';
import { ResilientGenerator } from '../../../core/generation/resilient-generator.ts';
import type { GenerationInput, Passage } from '../../../core/ports/generator.ts';
import { tinyLlamaGguf } from '../../support/fixtures.ts';

/** Random-weight Llama-2-shaped GGUF (../shared/models, see its SOURCE.md): real loading and decoding, gibberish text. */
const TINY = tinyLlamaGguf();
const TINY_MODEL = TINY.path;

const passages: Passage[] = [
  { citation: 1, id: 'fha', title: 'FHA loans', text: 'FHA loans allow a down payment of 3.5% with a credit score of 580 or higher.', score: 0.9 },
  { citation: 2, id: 'pmi', title: 'Mortgage insurance', text: 'Private mortgage insurance is usually required when the down payment is under 20%.', score: 0.5 },
];
const query = 'What down payment does an FHA loan need with a 620 credit score?';

describe.skipIf(!TINY.present)('LlamaCppGenerator on the tiny random GGUF', () => {
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

/**
 * Runs one generation and returns the tokens the model actually evaluated (prompt and answer, read
 * from the context sequence when the chat session's prompt call returns), the chat format used, and
 * the ids of `specials` in the model's vocabulary.
 */
async function evaluatedTokens(modelPath: string, input: GenerationInput, specials: readonly string[]) {
  let sequence: LlamaContextSequence | undefined;
  let tokens: Token[] | undefined;
  let chatFormat = '';
  const generator = new LlamaCppGenerator({
    modelPath,
    contextSize: 4096,
    maxTokens: 4,
    seed: 1,
    threads: 1,
    createChatSession: (options) => {
      sequence = options.contextSequence;
      const session = new LlamaChatSession(options);
      chatFormat = session.chatWrapper.wrapperName;
      const prompt = session.prompt.bind(session);
      session.prompt = async (...args) => {
        const answer = await prompt(...args);
        tokens = [...sequence!.contextTokens];
        return answer;
      };
      return session;
    },
  });
  try {
    await generator.generate(input);
    const { model } = await generator.load();
    if (!tokens) throw new Error('the chat session was never prompted');
    const ids = Object.fromEntries(specials.map((special) => [special, model.tokenize(special, true)]));
    return { tokens, chatFormat, text: model.detokenize(tokens, true), bos: model.tokens.shouldPrependBosToken ? (model.tokens.bosString ?? '') : '', ids };
  } finally {
    await generator.close();
  }
}

describe.skipIf(!TINY.present)('LlamaCppGenerator chat formatting', () => {
  const input: GenerationInput = { query, profile: { creditScore: 620 }, passages };
  // The generator's prompt (passages cut only when they would not fit; with 4,096 tokens they fit).
  const { system, user } = buildAdvicePrompt(input);
  // Made in beforeAll, not while collecting: a skipped describe still runs its body, never its afterAll.
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'apfa-chat-format-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('uses node-llama-cpp’s general chat format for a GGUF that declares no template (the tiny fixture): BOS, system, ### Human, ### Assistant', async () => {
    const evaluated = await evaluatedTokens(TINY_MODEL, input, ['<s>']);
    expect(evaluated.chatFormat).toBe('General');
    expect(evaluated.ids['<s>']).toEqual([1]);
    expect(evaluated.tokens[0]).toBe(1);
    expect(evaluated.text.startsWith(`<s>${system}\n\n### Human\n${user}\n\n### Assistant\n`)).toBe(true);
  });

  it('formats the prompt with the chat template the GGUF declares (ChatML): system and user turns between <|im_start|>/<|im_end|> control tokens, then the assistant turn', async () => {
    // A tiny random GGUF with the Llama tokenizer plus ChatML's two control tokens and SmolLM2's template.
    const path = join(dir, 'tiny-chatml.gguf');
    writeRandomLlamaGguf(path, { shape: { ...SMOLLM2_135M, name: 'tiny-chatml', hidden: 64, layers: 1, heads: 4, kvHeads: 2, ffn: 128, vocab: 32_002, contextLength: 4096 }, type: GgmlType.F16, tokenizerFrom: TINY_MODEL });
    const evaluated = await evaluatedTokens(path, input, ['<|im_start|>', '<|im_end|>']);
    expect(evaluated.chatFormat).toBe('ChatML');
    expect(evaluated.ids).toEqual({ '<|im_start|>': [32_000], '<|im_end|>': [32_001] });
    const imStart = 32_000 as Token;
    const imEnd = 32_001 as Token;
    // The markers are single control tokens, not the characters "<|im_start|>" spelled out as text.
    const assistantTurn = evaluated.tokens.lastIndexOf(imStart);
    const prompt = evaluated.tokens.slice(0, assistantTurn + 1);
    expect(prompt.filter((token) => token === imStart)).toHaveLength(3);
    expect(prompt.filter((token) => token === imEnd)).toHaveLength(2);
    // The borrowed SentencePiece tokenizer starts each text piece after a control token with a
    // word-boundary space ("<|im_start|>▁system"); the real SmolLM2 BPE does not. Compare without it.
    const text = evaluated.text.replace(/(<s>|<\|im_start\|>|<\|im_end\|>) /g, '$1');
    expect(text.startsWith(`${evaluated.bos}<|im_start|>system\n${system}<|im_end|>\n<|im_start|>user\n${user}<|im_end|>\n<|im_start|>assistant\n`)).toBe(true);
  });
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
