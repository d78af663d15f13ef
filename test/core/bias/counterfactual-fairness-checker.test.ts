import { describe, expect, it } from 'vitest';
import { BiasReportSchema } from '../../../shared/contracts/advice.ts';
import { CounterfactualFairnessChecker } from '../../../core/bias/counterfactual-fairness-checker.ts';
import { findProtectedTermSpans } from '../../../core/bias/find-protected-terms.ts';
import { answerDecidingTerms } from '../../../core/bias/neutralize-question.ts';
import { LexicalEmbedder } from '../../../core/embedding/lexical-embedder.ts';
import { ExtractiveGenerator } from '../../../core/generation/extractive-generator.ts';
import type { GenerationInput, GenerationResult, Generator, Passage, WorkedFigure } from '../../../core/ports/generator.ts';

const passages: Passage[] = [
  { citation: 1, id: 'fha', title: 'FHA loans', text: 'FHA loans allow 3.5% down with a 580 credit score. Mortgage insurance is required.', score: 0.8 },
  { citation: 2, id: 'rates', title: 'Rates', text: 'Rates depend on credit score, down payment and loan type. Shop several lenders.', score: 0.6 },
];
const embedder = LexicalEmbedder.fit([...passages.map((passage) => passage.text), 'conventional jumbo rate down payment']);

/** A deterministic generator that records the questions it was asked. */
abstract class RecordingGenerator implements Generator {
  readonly id = 'test-generator';
  readonly asked: string[] = [];
  async generate(input: GenerationInput): Promise<GenerationResult> {
    this.asked.push(input.query);
    return { text: this.write(input.query), citations: [1, 2], generator: this.id };
  }
  protected abstract write(query: string): string;
}

/** Same advice for everyone: depends on the loan topic of the question, never on who asks. */
class FairGenerator extends RecordingGenerator {
  protected write(query: string): string {
    const program = /jumbo/iu.test(query) ? 'a jumbo loan' : 'an FHA loan';
    return `Consider ${program}, which allows 3.5% down with a 580 credit score [1]. Expect a rate near 6.5% and compare lenders [2].`;
  }
}

/** Quotes a higher rate when the question names national origin: the unequal treatment to catch. */
class RateByOriginGenerator extends RecordingGenerator {
  protected write(query: string): string {
    const rate = findProtectedTermSpans(query).some((span) => span.characteristic === 'national_origin') ? '7.9%' : '6.5%';
    return `Consider an FHA loan, which allows 3.5% down with a 580 credit score [1]. Expect a rate near ${rate} and compare lenders [2].`;
  }
}

/** Steers women to a different program. */
class ProgramBySexGenerator extends RecordingGenerator {
  protected write(query: string): string {
    const woman = /\bwom[ae]n\b/iu.test(query);
    return woman
      ? 'Consider an FHA loan, which allows 3.5% down with a 580 credit score [1]. Compare lenders [2].'
      : 'Consider a conventional loan, which allows 3.5% down with a 580 credit score [1]. Compare lenders [2].';
  }
}

/** Writes a conditioning sentence when the question mentions marriage. */
class ConditioningGenerator extends RecordingGenerator {
  protected write(query: string): string {
    const base = 'An FHA loan allows 3.5% down with a 580 credit score [1].';
    return /married/iu.test(query) ? `${base} Because you are married, you qualify for a lower rate [2].` : base;
  }
}

describe('CounterfactualFairnessChecker', () => {
  it('flags a generator that quotes a higher rate for one national origin and returns the neutral answer', async () => {
    const generator = new RateByOriginGenerator();
    const checker = new CounterfactualFairnessChecker({ generator, embedder });
    const query = 'As an immigrant, what rate would I get on an FHA loan?';
    const answer = await generator.generate({ query, passages });
    const result = await checker.check({ query, passages, answer });

    expect(result.report.flagged).toBe(true);
    expect(result.report.reasons).toEqual(['counterfactual']);
    expect(result.report.score).toBeGreaterThan(0.3);
    expect(result.neutralQuery).toBe('What rate would I get on an FHA loan?');
    expect(result.neutralAnswer?.text).toContain('6.5%');
    expect(result.neutralAnswer?.text).not.toContain('7.9%');
    expect(result.report.counterfactual).toMatchObject({ threshold: 0.3, neutralAnswerReturned: true });
    expect(result.report.counterfactual?.variants[0]).toMatchObject({ characteristic: 'national_origin', change: 'removed', term: 'immigrant', numberDivergence: 1 });
    expect(result.report.flags).toContainEqual({ characteristic: 'national_origin', location: 'query', term: 'immigrant', conditionsEligibility: false });
    expect(BiasReportSchema.parse(result.report)).toEqual(result.report);
  });

  it('flags a generator that recommends a different program by sex', async () => {
    const generator = new ProgramBySexGenerator();
    const checker = new CounterfactualFairnessChecker({ generator, embedder });
    const query = 'I am a woman with a 580 score. Which loan should I get?';
    const result = await checker.check({ query, passages, answer: await generator.generate({ query, passages }) });
    expect(result.report.flagged).toBe(true);
    expect(result.report.counterfactual?.variants[0]?.recommendationDivergence).toBe(1);
    expect(result.neutralAnswer?.text).toContain('conventional');
  });

  it('does not flag a fair generator, and returns no replacement', async () => {
    const generator = new FairGenerator();
    const checker = new CounterfactualFairnessChecker({ generator, embedder });
    for (const query of [
      'As an immigrant, what rate would I get on an FHA loan?',
      'I am a married Black woman aged 64 on SSI. Can I get a jumbo loan?',
      'Do Muslims pay more for a mortgage?',
    ]) {
      const result = await checker.check({ query, passages, answer: await generator.generate({ query, passages }) });
      expect(result.report.flagged, query).toBe(false);
      expect(result.report.score).toBe(0);
      expect(result.neutralAnswer).toBeUndefined();
      expect(result.report.counterfactual?.variants.length).toBeGreaterThan(0);
      expect(result.report.counterfactual?.variants.every((variant) => variant.similarity > 0.999)).toBe(true);
    }
  });

  it('flags conditioning text even when every variant agrees, and returns the neutral answer', async () => {
    const generator = new ConditioningGenerator();
    const checker = new CounterfactualFairnessChecker({ generator, embedder, threshold: 0.99 });
    const query = 'I am married. Can I get an FHA loan?';
    const result = await checker.check({ query, passages, answer: await generator.generate({ query, passages }) });
    expect(result.report.flagged).toBe(true);
    expect(result.report.reasons).toContain('conditioning');
    expect(result.neutralAnswer?.text).toBe('An FHA loan allows 3.5% down with a 580 credit score [1].');
  });

  it('skips the counterfactual (no extra generations) when the question names no protected basis', async () => {
    const generator = new RateByOriginGenerator();
    const checker = new CounterfactualFairnessChecker({ generator, embedder });
    const query = 'What rate would I get on an FHA loan?';
    const answer = await generator.generate({ query, passages });
    generator.asked.length = 0;
    const result = await checker.check({ query, passages, answer });
    expect(generator.asked).toEqual([]);
    expect(result.extraGenerations).toBe(0);
    expect(result.report).toEqual({ score: 0, flagged: false, flags: [] });
  });

  it('bounds the generations by maxVariants', async () => {
    const generator = new FairGenerator();
    const checker = new CounterfactualFairnessChecker({ generator, embedder, maxVariants: 2 });
    const query = 'I am a married Black woman aged 64 on SSI. Can I get a jumbo loan?';
    const answer = await generator.generate({ query, passages });
    generator.asked.length = 0;
    const result = await checker.check({ query, passages, answer });
    expect(generator.asked).toHaveLength(2);
    expect(result.extraGenerations).toBe(2);
    expect(generator.asked[0]).toBe('Can I get a jumbo loan?');
  });

  it('is deterministic with a deterministic generator (the extractive one)', async () => {
    const generator = new ExtractiveGenerator();
    const checker = new CounterfactualFairnessChecker({ generator, embedder });
    const query = 'I am a single mother. Can I get an FHA loan with a 580 credit score?';
    const answer = await generator.generate({ query, passages });
    const first = await checker.check({ query, passages, answer });
    const second = await checker.check({ query, passages, answer });
    expect(second).toEqual(first);
    expect(first.report.counterfactual?.variants.length).toBe(2);
  });

  it('honours cancellation', async () => {
    const generator = new FairGenerator();
    const checker = new CounterfactualFairnessChecker({ generator, embedder });
    const controller = new AbortController();
    controller.abort();
    const query = 'As an immigrant, what rate would I get?';
    await expect(checker.check({ query, passages, answer: await generator.generate({ query, passages }), signal: controller.signal })).rejects.toThrow();
  });

  it('never streams variant answers or reuses the original question vector', async () => {
    const seen: GenerationInput[] = [];
    const generator: Generator = {
      id: 'recording',
      async generate(input) {
        seen.push(input);
        return { text: 'Consider an FHA loan [1].', citations: [1], generator: 'recording' };
      },
    };
    const checker = new CounterfactualFairnessChecker({ generator, embedder });
    const query = 'As an immigrant, can I get an FHA loan?';
    await checker.check({ query, passages, answer: { text: 'Consider an FHA loan [1].', citations: [1], generator: 'recording' } });
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((input) => input.onToken === undefined && input.queryVector === undefined)).toBe(true);
  });

  it('re-asks every variant with the worked figures and figure problems the answer was written with', async () => {
    const seen: GenerationInput[] = [];
    const generator: Generator = {
      id: 'recording',
      async generate(input) {
        seen.push(input);
        return { text: 'Your payment would be $1,199.10 a month [1].', citations: [1], generator: 'recording' };
      },
    };
    const figures: WorkedFigure[] = [
      {
        id: 'monthly-payment',
        label: 'Monthly payment',
        text: 'On a $200,000 loan at 6% for 30 years, principal and interest are $1,199.10 a month.',
        inputs: { principal: 200_000, annualRatePercent: 6, termYears: 30 },
        result: { monthlyPayment: 1199.1 },
        sourceDocumentId: 'fha',
      },
    ];
    const figureProblems = ['A 900% interest rate is implausible (above 30%), so I did not use it.'];
    const checker = new CounterfactualFairnessChecker({ generator, embedder, maxVariants: 3 });
    const result = await checker.check({
      query: 'As a married woman, what would I pay on a $200,000 loan at 6% for 30 years?',
      passages,
      answer: { text: 'Your payment would be $1,199.10 a month [1].', citations: [1], generator: 'recording' },
      figures,
      figureProblems,
    });
    expect(result.extraGenerations).toBeGreaterThan(1);
    expect(seen).toHaveLength(result.extraGenerations);
    for (const input of seen) {
      expect(input.figures).toBe(figures);
      expect(input.figureProblems).toBe(figureProblems);
    }
  });

  it('does not vary a mention whose rule decides the answer (HECM age), and still varies public-assistance income', async () => {
    const byAge: Generator = {
      id: 'age-rule',
      async generate(input) {
        const text = /\b70\b/u.test(input.query) ? 'At 70 you can get a HECM; the youngest borrower must be 62 [1].' : 'A reverse mortgage pays you from your home equity [1].';
        return { text, citations: [1], generator: 'age-rule' };
      },
    };
    const checker = new CounterfactualFairnessChecker({ generator: byAge, embedder, unvaried: answerDecidingTerms });
    const hecm = 'I am 70 years old. How does a reverse mortgage work?';
    expect([...answerDecidingTerms(hecm)]).toEqual(['70 years old']);
    const answer = await byAge.generate({ query: hecm, passages });
    const result = await checker.check({ query: hecm, passages, answer });
    expect(result.extraGenerations).toBe(0);
    expect(result.neutralAnswer).toBeUndefined();
    expect(result.report.flagged).toBe(false);
    // Without the option the right answer would be flagged and replaced.
    const naive = await new CounterfactualFairnessChecker({ generator: byAge, embedder }).check({ query: hecm, passages, answer });
    expect(naive.report.flagged).toBe(true);
    // Public-assistance income is owed the same answer: it stays varied.
    expect(answerDecidingTerms('I receive SSI. Can I qualify for an FHA loan with my income?').size).toBe(0);
  });

  it('asks the variants concurrently', async () => {
    let running = 0;
    let most = 0;
    const generator: Generator = {
      id: 'slow',
      async generate() {
        running++;
        most = Math.max(most, running);
        await new Promise((resolve) => setTimeout(resolve, 30));
        running--;
        return { text: 'Consider an FHA loan [1].', citations: [1], generator: 'slow' };
      },
    };
    const checker = new CounterfactualFairnessChecker({ generator, embedder, maxVariants: 3 });
    const query = 'I am a married Black woman aged 64 on SSI. Can I get a jumbo loan?';
    const result = await checker.check({ query, passages, answer: { text: 'Consider an FHA loan [1].', citations: [1], generator: 'slow' } });
    expect(result.extraGenerations).toBe(3);
    expect(most).toBe(3);
    expect(result.report.counterfactual?.incomplete).toBeUndefined();
  });

  it('skips variants not answered within the time limit, aborting them, and reports the check incomplete', async () => {
    const aborted: string[] = [];
    // Answers the attribute-neutral question at once; a swapped variant never comes back on its own.
    const generator: Generator = {
      id: 'hangs-on-swaps',
      generate(input) {
        if (input.query === 'What rate would I get on an FHA loan?') return Promise.resolve({ text: 'Consider an FHA loan, rate near 6.5% [1].', citations: [1], generator: 'hangs-on-swaps' });
        input.signal?.addEventListener('abort', () => aborted.push(input.query));
        return new Promise<GenerationResult>(() => undefined);
      },
    };
    const checker = new CounterfactualFairnessChecker({ generator, embedder, maxVariants: 3 });
    const query = 'As an immigrant, what rate would I get on an FHA loan?';
    const started = performance.now();
    const result = await checker.check({ query, passages, answer: { text: 'Consider an FHA loan, rate near 6.5% [1].', citations: [1], generator: 'hangs-on-swaps' }, timeLimitMs: 200 });
    const elapsedMs = performance.now() - started;
    expect(elapsedMs).toBeGreaterThanOrEqual(190);
    // The alternative is never: the bound only has to tell the time limit from a hang.
    expect(elapsedMs).toBeLessThan(5_000);
    const counterfactual = result.report.counterfactual!;
    expect(counterfactual.variants.map((variant) => variant.change)).toEqual(['removed']);
    expect(counterfactual.incomplete).toBe(true);
    expect(counterfactual.unscored).toEqual([{ characteristic: 'national_origin', change: 'swapped', term: 'immigrant', replacement: 'U.S.-born citizen', reason: 'out-of-time' }]);
    expect(aborted).toEqual(['As a U.S.-born citizen, what rate would I get on an FHA loan?']);
    expect(result.report.flagged).toBe(false);
    expect(BiasReportSchema.parse(result.report)).toEqual(result.report);
  });

  it('asks nothing when no time is left, and says every variant went unscored', async () => {
    const generator = new RateByOriginGenerator();
    const checker = new CounterfactualFairnessChecker({ generator, embedder });
    const query = 'As an immigrant, what rate would I get on an FHA loan?';
    const answer = await generator.generate({ query, passages });
    generator.asked.length = 0;
    const result = await checker.check({ query, passages, answer, timeLimitMs: 0 });
    expect(generator.asked).toEqual([]);
    expect(result.extraGenerations).toBe(0);
    expect(result.neutralAnswer).toBeUndefined();
    expect(result.report.counterfactual).toMatchObject({ score: 0, variants: [], incomplete: true, neutralAnswerReturned: false });
    expect(result.report.counterfactual?.unscored?.map((variant) => `${variant.change}:${variant.reason}`)).toEqual(['removed:out-of-time', 'swapped:out-of-time']);
  });

  it('still rejects on a caller abort while variants run under a time limit', async () => {
    const generator: Generator = { id: 'hangs', generate: () => new Promise<GenerationResult>(() => undefined) };
    const checker = new CounterfactualFairnessChecker({ generator, embedder });
    const controller = new AbortController();
    const query = 'As an immigrant, what rate would I get?';
    const pending = checker.check({ query, passages, answer: { text: 'FHA [1].', citations: [1], generator: 'hangs' }, signal: controller.signal, timeLimitMs: 10_000 });
    setTimeout(() => controller.abort(new Error('borrower left')), 20);
    await expect(pending).rejects.toThrow('borrower left');
  });

  it('leaves out variants answered by the extractive fallback instead of blaming the model for them', async () => {
    // The model answers the original; every re-ask fell back (degraded) to a very different, extractive text.
    const generator: Generator = {
      id: 'flaky-model',
      async generate() {
        return { text: 'Rates depend on credit score, down payment and loan type [2]. Shop several lenders [2].', citations: [2], generator: 'extractive-v1', degraded: true, fallbackReason: 'timeout' };
      },
    };
    const checker = new CounterfactualFairnessChecker({ generator, embedder });
    const query = 'As an immigrant, what rate would I get on an FHA loan?';
    const answer: GenerationResult = { text: 'Consider an FHA loan, which allows 3.5% down [1]. Expect a rate near 7.9% [2].', citations: [1, 2], generator: 'flaky-model' };
    const result = await checker.check({ query, passages, answer });
    expect(result.report.flagged).toBe(false);
    expect(result.report.counterfactual).toMatchObject({ score: 0, variants: [], incomplete: true });
    expect(result.report.counterfactual?.unscored?.map((variant) => variant.reason)).toEqual(['fallback', 'fallback']);

    // Compared anyway, the same pair would be flagged: the exclusion is what keeps it out.
    const modelAgain: Generator = { id: 'flaky-model', generate: async (input) => ({ ...(await generator.generate(input)), degraded: undefined, generator: 'flaky-model' }) };
    const compared = await new CounterfactualFairnessChecker({ generator: modelAgain, embedder }).check({ query, passages, answer });
    expect(compared.report.flagged).toBe(true);
  });

  it('validates its options', () => {
    const generator = new FairGenerator();
    expect(() => new CounterfactualFairnessChecker({ generator, embedder, threshold: 2 })).toThrow(RangeError);
    expect(() => new CounterfactualFairnessChecker({ generator, embedder, maxVariants: 0 })).toThrow(RangeError);
  });
});
