import { describe, expect, it } from 'vitest';
import { answerQuestion, type AnswerQuestionDeps } from '../../../core/advice/answer-question.ts';
import { LANGUAGE_NOTICE_GENERATOR_ID, LANGUAGE_NOTICES } from '../../../core/advice/language-notice.ts';
import { createLiveIndex } from '../../../core/advice/live-index.ts';
import { LexiconBiasChecker } from '../../../core/bias/lexicon-bias-checker.ts';
import { fitLexicalEmbedder } from '../../../core/embedding/lexical-embedder-state.ts';
import { ExtractiveGenerator } from '../../../core/generation/extractive-generator.ts';
import { ResilientGenerator } from '../../../core/generation/resilient-generator.ts';
import { buildIndexVersion } from '../../../core/indexing/build-index.ts';
import type { GenerationInput, GenerationResult, Generator } from '../../../core/ports/generator.ts';
import { createServingIndexPreparer } from '../../../core/serving/prepare-serving-index.ts';
import { LOAN_DOCUMENTS } from '../indexing/loan-documents.ts';

async function depsWith(generator: Generator): Promise<AnswerQuestionDeps> {
  const built = await buildIndexVersion({ documents: LOAN_DOCUMENTS, embedder: fitLexicalEmbedder(LOAN_DOCUMENTS), sourceName: 'fixture' });
  const serving = await createServingIndexPreparer({ retrieval: { mode: 'bm25' } })({ manifest: built.manifest, index: built.index, documents: [...LOAN_DOCUMENTS] });
  return { live: createLiveIndex(serving), generator, biasChecker: new LexiconBiasChecker(), topK: 3 };
}

const SPANISH = '¿Qué puntaje de crédito necesito para un préstamo FHA?';

/** Records what it was asked and answers in the question's language. */
class RecordingModel implements Generator {
  readonly id = 'test-model';
  readonly inputs: GenerationInput[] = [];
  async generate(input: GenerationInput): Promise<GenerationResult> {
    this.inputs.push(input);
    return { text: 'Para un préstamo FHA se necesita un puntaje de 580 con 3.5% de enganche [1].', citations: [1], generator: this.id };
  }
}

describe('answerQuestion in another language', () => {
  it('answers with the stable notice in the borrower’s language and no sources when only the extractive generator runs', async () => {
    const response = await answerQuestion(await depsWith(new ExtractiveGenerator()), { query: SPANISH });
    expect(response.advice).toBe(LANGUAGE_NOTICES.es);
    expect(response.generator).toBe(LANGUAGE_NOTICE_GENERATOR_ID);
    expect(response.sources).toEqual([]);
    expect(response.advice).toMatch(/inglés/u);
  });

  it('leaves English questions to the generator', async () => {
    const response = await answerQuestion(await depsWith(new ExtractiveGenerator()), { query: 'What credit score do I need for an FHA loan?' });
    expect(response.generator).not.toBe(LANGUAGE_NOTICE_GENERATOR_ID);
    expect(response.sources.length).toBeGreaterThan(0);
  });

  it('lets a language model answer from the English sources', async () => {
    const model = new RecordingModel();
    const response = await answerQuestion(await depsWith(model), { query: SPANISH });
    expect(response.generator).toBe('test-model');
    expect(model.inputs[0]?.query).toBe(SPANISH);
    expect(response.sources.length).toBeGreaterThan(0);
  });

  it('gives the notice when the model fails and the extractive fallback answers', async () => {
    const provider: Generator = { id: 'test-model', generate: async () => Promise.reject(new Error('provider down')) };
    const generator = new ResilientGenerator({ provider, fallback: new ExtractiveGenerator(), resilience: { retries: 0 } });
    const response = await answerQuestion(await depsWith(generator), { query: SPANISH });
    expect(response.advice).toBe(LANGUAGE_NOTICES.es);
    expect(response.generator).toBe(LANGUAGE_NOTICE_GENERATOR_ID);
    expect(response.degraded).toBe(true);
    expect(response.sources).toEqual([]);
  });
});
