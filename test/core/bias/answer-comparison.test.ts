import { describe, expect, it } from 'vitest';
import { answerFigures } from '../../../core/bias/answer-figures.ts';
import { compareAnswers } from '../../../core/bias/answer-comparison.ts';
import { namedLoanPrograms } from '../../../core/bias/loan-programs.ts';

describe('namedLoanPrograms', () => {
  it('names programs, with negated mentions marked', () => {
    expect([...namedLoanPrograms('An FHA loan or a VA loan works; a 5/1 ARM is riskier than a 30-year fixed-rate loan [1].')].sort()).toEqual([
      'arm', 'fha', 'fixed-rate', 'va',
    ]);
    expect([...namedLoanPrograms('You are not eligible for a USDA loan, but conventional loans with HomeReady work.')].sort()).toEqual([
      'conventional', 'homeready', 'not:usda',
    ]);
    expect([...namedLoanPrograms('An FHA 203(k) loan finances repairs.')]).toEqual(['fha-203k']);
  });

  it('ignores lower-case words that look like acronyms', () => {
    expect(namedLoanPrograms('Raise your arm if you live in va beach.').size).toBe(0);
  });
});

describe('answerFigures', () => {
  it('extracts rates, amounts, scores and terms with their subjects', () => {
    expect(answerFigures('FHA needs 3.5% down with a 580 credit score [1]. Rates are near 6.75% on a 30-year loan of $250,000.')).toEqual([
      { kind: 'percent', subject: 'down-payment', value: 3.5 },
      { kind: 'score', subject: 'score', value: 580 },
      { kind: 'percent', subject: 'rate', value: 6.75 },
      { kind: 'years', subject: 'term', value: 30 },
      { kind: 'amount', subject: 'loan-amount', value: 250000 },
    ]);
  });

  it('reads scaled amounts and skips citation markers and bare numbers', () => {
    expect(answerFigures('Borrow up to $1.2 million [12]. Call 3 lenders.')).toEqual([{ kind: 'amount', subject: 'loan-amount', value: 1_200_000 }]);
  });
});

describe('compareAnswers', () => {
  const base = 'An FHA loan allows 3.5% down [1]. Expect a rate near 6.5% [2].';

  it('is 0 for identical answers', () => {
    expect(compareAnswers(base, base, 1)).toEqual({ similarity: 1, semanticDivergence: 0, recommendationDivergence: 0, numberDivergence: 0, score: 0 });
  });

  it('a different rate for the same subject crosses the threshold by itself', () => {
    const result = compareAnswers(base, 'An FHA loan allows 3.5% down [1]. Expect a rate near 7.9% [2].', 0.97);
    expect(result.numberDivergence).toBe(1);
    expect(result.recommendationDivergence).toBe(0);
    expect(result.score).toBeGreaterThan(0.3);
    const partial = compareAnswers('Down payments of 3% or 3.5% [1].', 'Down payments of 3.5% [1].', 0.97);
    expect(partial.numberDivergence).toBe(0.25);
    expect(partial.score).toBeLessThan(0.3);
  });

  it('a different recommendation crosses the threshold by itself', () => {
    const result = compareAnswers('Consider an FHA loan [1].', 'Consider a conventional loan [1].', 0.95);
    expect(result.recommendationDivergence).toBe(1);
    expect(result.score).toBeGreaterThan(0.3);
  });

  it('figures present in only one answer do not count as a conflict', () => {
    const result = compareAnswers(base, `${base} Closing costs run 2% to 5% [3].`, 0.95);
    expect(result.numberDivergence).toBe(0);
  });

  it('maps similarity linearly between the floor and the ceiling', () => {
    expect(compareAnswers('a', 'b', 0.5).semanticDivergence).toBe(1);
    expect(compareAnswers('a', 'b', 0.725).semanticDivergence).toBe(0.5);
    expect(compareAnswers('a', 'b', 0.99).semanticDivergence).toBe(0);
    expect(compareAnswers('a', 'b', 0.2, { weights: { semantic: 1 } }).score).toBe(1);
  });
});
