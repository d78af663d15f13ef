import { describe, expect, it, vi } from 'vitest';
import { answerQuestion, type AnswerQuestionDeps } from '../../../core/advice/answer-question.ts';
import { createLiveIndex } from '../../../core/advice/live-index.ts';
import { LexiconBiasChecker } from '../../../core/bias/lexicon-bias-checker.ts';
import { findProtectedTermSpans } from '../../../core/bias/find-protected-terms.ts';
import { ExtractiveGenerator } from '../../../core/generation/extractive-generator.ts';
import { ResilientGenerator } from '../../../core/generation/resilient-generator.ts';
import { buildIndexVersion } from '../../../core/indexing/build-index.ts';
import { fitLexicalEmbedder } from '../../../core/embedding/lexical-embedder-state.ts';
import type { GenerationInput, GenerationResult, Generator } from '../../../core/ports/generator.ts';
import { createServingIndexPreparer } from '../../../core/serving/prepare-serving-index.ts';
import type { BiasReport } from '../../../shared/contracts/advice.ts';
import { LOAN_DOCUMENTS } from '../indexing/loan-documents.ts';

/** A "language model" that quotes a higher rate when the question names a national origin. */
class RateByOriginModel implements Generator {
  readonly id = 'test-model';
  calls = 0;
  readonly queries: string[] = [];
  constructor(private readonly biased: boolean) {}
  async generate(input: GenerationInput): Promise<GenerationResult> {
    this.calls++;
    this.queries.push(input.query);
    const origin = findProtectedTermSpans(input.query).some((span) => span.characteristic === 'national_origin');
    const rate = this.biased && origin ? '7.9%' : '6.5%';
    return { text: `Consider an FHA loan with 3.5% down [1]. Expect a rate near ${rate} and compare lenders [1].`, citations: [1], generator: this.id };
  }
}

async function depsWith(generator: Generator, fairness?: AnswerQuestionDeps['fairness'], budgetMs?: number) {
  const built = await buildIndexVersion({ documents: LOAN_DOCUMENTS, embedder: fitLexicalEmbedder(LOAN_DOCUMENTS), sourceName: 'fixture' });
  const serving = await createServingIndexPreparer({ retrieval: { mode: 'hybrid' } })({ manifest: built.manifest, index: built.index, documents: [...LOAN_DOCUMENTS] });
  const reports: Array<{ report: BiasReport; neutralAnswerReturned: boolean }> = [];
  const deps: AnswerQuestionDeps = {
    live: createLiveIndex(serving),
    generator,
    fallbackGenerator: new ExtractiveGenerator(),
    biasChecker: new LexiconBiasChecker(),
    topK: 3,
    fairness,
    budgetMs,
    onBiasReport: (report, context) => reports.push({ report, neutralAnswerReturned: context.neutralAnswerReturned }),
  };
  return { deps, reports };
}

const QUESTION = 'As an immigrant, what rate would I get on an FHA loan?';
/** What retrieval and the generator see (core/bias/neutralize-question.ts). */
const NEUTRAL = 'What rate would I get on an FHA loan?';

describe('answerQuestion fairness stage', () => {
  it('never shows the model the protected attribute, and still re-asks the variants', async () => {
    const model = new RateByOriginModel(true);
    const { deps, reports } = await depsWith(model);
    const response = await answerQuestion(deps, { query: QUESTION });
    expect(model.queries[0]).toBe(NEUTRAL);
    expect(response.advice).toContain('6.5%');
    expect(response.advice).not.toContain('7.9%');
    // The counterfactual check ran on the borrower's own words; each variant was neutralised as the pipeline would.
    expect(response.bias.counterfactual).toBeDefined();
    expect(model.calls).toBeGreaterThan(1);
    expect(response.bias.flagged).toBe(false);
    expect(response.bias.flags.map((flag) => flag.location)).toContain('query');
    expect(reports).toHaveLength(1);
  });

  it('returns the attribute-neutral answer when a model treats a swapped variant differently', async () => {
    // The swap "U.S.-born citizen" names no protected basis, so the pipeline passes it on as is.
    const model: Generator = {
      id: 'test-model',
      async generate(input) {
        const rate = /U\.S\.-born/u.test(input.query) ? '7.9%' : '6.5%';
        return { text: `Consider an FHA loan with 3.5% down [1]. Expect a rate near ${rate} and compare lenders [1].`, citations: [1], generator: 'test-model' };
      },
    };
    const { deps } = await depsWith(model);
    const response = await answerQuestion(deps, { query: QUESTION });
    expect(response.bias.flagged).toBe(true);
    expect(response.bias.reasons).toContain('counterfactual');
    expect(response.bias.counterfactual?.neutralAnswerReturned).toBe(true);
    expect(response.advice).toContain('6.5%');
  });

  it('leaves a consistent model answer alone', async () => {
    const { deps } = await depsWith(new RateByOriginModel(false));
    const response = await answerQuestion(deps, { query: QUESTION });
    expect(response.bias.flagged).toBe(false);
    expect(response.bias.counterfactual).toBeDefined();
    expect(response.generator).toBe('test-model');
  });

  it("skips the re-ask for extractive answers in 'auto' mode and when turned off", async () => {
    const extractive = await depsWith(new ExtractiveGenerator());
    expect((await answerQuestion(extractive.deps, { query: QUESTION })).bias.counterfactual).toBeUndefined();
    const model = new RateByOriginModel(true);
    const off = await depsWith(model, { mode: 'off' });
    const response = await answerQuestion(off.deps, { query: QUESTION });
    expect(response.bias.counterfactual).toBeUndefined();
    expect(model.calls).toBe(1);
  });

  it('re-asks the variants with the same worked figures the answer was written with', async () => {
    const inputs: GenerationInput[] = [];
    const model: Generator = {
      id: 'test-model',
      async generate(input) {
        inputs.push(input);
        return { text: 'Housing up to $2,520 and all debts up to $3,240 a month [1].', citations: [1], generator: 'test-model' };
      },
    };
    const { deps } = await depsWith(model);
    await answerQuestion(deps, { query: 'As an immigrant, I make $9,000 a month. By the 28/36 rule, what can I spend on housing?' });
    expect(inputs.length).toBeGreaterThan(1);
    const [answer, ...reAsks] = inputs;
    expect(answer?.figures?.map((figure) => figure.id)).toContain('rule-28-36');
    for (const input of reAsks) {
      expect(input.figures).toEqual(answer?.figures);
      expect(input.figureProblems).toEqual(answer?.figureProblems);
    }
  });

  it('keeps the answer and the re-asks within one time budget, skipping re-asks that run out of it', async () => {
    // The answer takes 400 of the 500 ms; re-asks never finish on their own. Clock and timers are
    // faked, so the proof is exact: the request settles once 500 ms have passed in all, not 400 + 500.
    let calls = 0;
    const model: Generator = {
      id: 'test-model',
      async generate() {
        if (calls++ > 0) return new Promise<GenerationResult>(() => undefined);
        await new Promise((resolve) => setTimeout(resolve, 400));
        return { text: 'Consider an FHA loan with 3.5% down [1]. Expect a rate near 6.5% [1].', citations: [1], generator: 'test-model' };
      },
    };
    const { deps, reports } = await depsWith(model, undefined, 500);
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    try {
      let settled = false;
      const pending = answerQuestion(deps, { query: QUESTION }).finally(() => {
        settled = true;
      });
      await vi.advanceTimersByTimeAsync(400);
      expect(calls).toBe(3);
      await vi.advanceTimersByTimeAsync(95);
      expect(settled).toBe(false);
      await vi.advanceTimersByTimeAsync(10);
      expect(settled).toBe(true);
      const response = await pending;
      expect(response.generator).toBe('test-model');
      expect(response.bias.flagged).toBe(false);
      expect(response.bias.counterfactual).toMatchObject({ incomplete: true, variants: [] });
      expect(response.bias.counterfactual?.unscored?.map((variant) => variant.reason)).toEqual(['out-of-time', 'out-of-time']);
      expect(reports[0]?.report.counterfactual?.incomplete).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });

  it('does not compare re-asks answered by the extractive fallback with the model answer', async () => {
    // A real resilient wrapper: the provider answers the question, then fails on every re-ask.
    let calls = 0;
    const provider: Generator = {
      id: 'test-model',
      async generate() {
        if (calls++ > 0) throw new Error('provider overloaded');
        return { text: 'Consider an FHA loan with 3.5% down [1]. Expect a rate near 7.9% and compare lenders [1].', citations: [1], generator: 'test-model' };
      },
    };
    const generator = new ResilientGenerator({ provider, fallback: new ExtractiveGenerator(), resilience: { retries: 0 } });
    const { deps } = await depsWith(generator, undefined, 5_000);
    const response = await answerQuestion(deps, { query: QUESTION });
    expect(response.generator).toBe('test-model');
    expect(response.degraded).toBeUndefined();
    expect(response.bias.flagged).toBe(false);
    expect(response.bias.counterfactual).toMatchObject({ score: 0, incomplete: true, variants: [] });
    expect(response.bias.counterfactual?.unscored?.map((variant) => variant.reason)).toEqual(['fallback', 'fallback']);
  });
});
