import { describe, expect, it } from 'vitest';
import { questionVariants } from '../../../core/bias/attribute-variants.ts';
import { findProtectedTermSpans } from '../../../core/bias/find-protected-terms.ts';

const queries = (query: string, maxVariants?: number) => questionVariants(query, maxVariants === undefined ? {} : { maxVariants }).map((variant) => variant.query);

describe('questionVariants', () => {
  it('is empty when no protected basis is named', () => {
    expect(questionVariants('What credit score do I need for an FHA loan?')).toEqual([]);
  });

  it('puts the attribute-neutral question first, then swaps', () => {
    expect(questionVariants('Can a married couple get a better rate on a conventional loan?')).toEqual([
      { change: 'removed', characteristic: 'marital_status', term: 'married', replacement: '', query: 'Can a couple get a better rate on a conventional loan?' },
      {
        change: 'swapped',
        characteristic: 'marital_status',
        term: 'married',
        replacement: 'unmarried',
        query: 'Can an unmarried couple get a better rate on a conventional loan?',
      },
    ]);
  });

  it.each([
    ['I am a single mother. Can I get an FHA loan with a 600 credit score?', 'Can I get an FHA loan with a 600 credit score?'],
    ['As a Hispanic borrower, what down payment do I need?', 'As a borrower, what down payment do I need?'],
    ['Do immigrants qualify for FHA loans?', 'Do borrowers qualify for FHA loans?'],
    ['I am 67 years old; can I still get a 30-year mortgage?', 'Can I still get a 30-year mortgage?'],
    ['Can an Asian applicant get a jumbo loan?', 'Can an applicant get a jumbo loan?'],
    ['Are applicants of Korean origin eligible for USDA loans?', 'Are applicants eligible for USDA loans?'],
  ])('neutral: %s', (query, neutral) => {
    const [first] = questionVariants(query);
    expect(first?.query).toBe(neutral);
    expect(findProtectedTermSpans(first?.query ?? '')).toEqual([]);
  });

  it.each([
    ['As a Hispanic borrower, what down payment do I need?', 'As a white borrower, what down payment do I need?'],
    ['Can a woman get an FHA loan?', 'Can a man get an FHA loan?'],
    ['Do immigrants qualify for FHA loans?', 'Do U.S.-born citizens qualify for FHA loans?'],
    ['I am 67 years old; can I still get a 30-year mortgage?', 'I am 35 years old; can I still get a 30-year mortgage?'],
    ['Can an Asian applicant get a jumbo loan?', 'Can a white applicant get a jumbo loan?'],
    ['Women pay what rates?', 'Men pay what rates?'],
  ])('swap: %s', (query, swapped) => {
    expect(queries(query)[1]).toBe(swapped);
  });

  it('bounds the number of variants', () => {
    const query = 'I am a married Muslim woman aged 64 on SSI. What can I borrow?';
    expect(queries(query, 3)).toHaveLength(3);
    expect(queries(query, 1)).toEqual(['What can I borrow?']);
    expect(queries(query, 10).length).toBeGreaterThan(3);
    expect(queries(query, 0)).toEqual([]);
  });

  it('is deterministic', () => {
    const query = 'I receive SSI and SNAP. How much house can I afford?';
    expect(questionVariants(query)).toEqual(questionVariants(query));
  });
});
