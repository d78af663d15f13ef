import { describe, expect, it } from 'vitest';
import { findLendingTerms } from '../../../shared/text/lending-vocabulary.ts';
import { APPRAISAL_DISCRIMINATION, CREDIT_DISCRIMINATION } from '../../../shared/text/unequal-treatment.ts';

const reads = (text: string) => CREDIT_DISCRIMINATION.test(text.toLowerCase());

describe('CREDIT_DISCRIMINATION and APPRAISAL_DISCRIMINATION', () => {
  it.each([
    'Can a car dealer charge me more because of my sex?',
    'Can a credit card company deny me because of my religion?',
    'Can a mortgage lender turn me down because of who I am, even when my credit is strong?',
    'Could a bank give me a lower credit line because of my appearance?',
    'Can they steer us to a worse loan based on where we are from?',
  ])('reads a basis or the borrower’s identity given as the reason for a treatment: %s', (question) => {
    expect(reads(question)).toBe(true);
  });

  it.each([
    // The borrower's own choice, not how someone treats them.
    'Should I get a shorter loan because of my age?',
    'Because of my age, is a reverse mortgage right for me?',
    // An appraiser's: ECOA binds creditors (APPRAISAL_DISCRIMINATION reads it).
    'Could the appraiser have lowballed it because of our national origin?',
    // The treatment in another sentence.
    'I was denied last year. Will I need a cosigner because of my age?',
  ])('does not read a reason without a treatment before it in its sentence: %s', (question) => {
    expect(reads(question)).toBe(false);
  });

  it('reads an appraiser’s treatment for a basis apart, and nothing else', () => {
    expect(APPRAISAL_DISCRIMINATION.test('could the appraiser have lowballed it because of our national origin?')).toBe(true);
    expect(APPRAISAL_DISCRIMINATION.test('can a car dealer charge me more because of my sex?')).toBe(false);
    expect(APPRAISAL_DISCRIMINATION.test('the appraisal came in low. can a lender deny me because of my race?')).toBe(false);
    expect(findLendingTerms('Can an appraiser lowball my house because of my race?').map(({ entry }) => entry.id)).toEqual(['fair-housing']);
  });

  it('makes the question one about ECOA in the lending vocabulary, so retrieval adds its names', () => {
    expect(findLendingTerms('Can a car dealer charge me more because of my sex?').map(({ entry }) => entry.id)).toContain('ecoa');
    expect(findLendingTerms('Should I get a shorter loan because of my age?').map(({ entry }) => entry.id)).not.toContain('ecoa');
  });
});
