import { describe, expect, it } from 'vitest';
import { findConditioningPhrases } from '../../../core/bias/conditioning-phrases.ts';
import { findProtectedTermSpans } from '../../../core/bias/find-protected-terms.ts';
import { LexiconBiasChecker } from '../../../core/bias/lexicon-bias-checker.ts';

const checker = new LexiconBiasChecker();
const phrasesIn = (sentence: string) => findConditioningPhrases(sentence, findProtectedTermSpans(sentence));

describe('conditioning phrases', () => {
  it.each([
    ['Because you are married you qualify [1].', 'causal', 'marital_status'],
    ['Because you are married, you qualify for the lower rate, regardless of income [1].', 'causal', 'marital_status'],
    ['As a woman, you will pay a higher rate, regardless of your credit [1].', 'causal', 'sex'],
    ['If you are Muslim, you are not eligible for this loan.', 'causal', 'religion'],
    ['Since you receive SSI, you must put 20% down.', 'causal', 'public_assistance'],
    ['Because of your age, your rate will be higher.', 'causal', 'age'],
    ['Applicants of Korean origin cannot qualify for this program [2].', 'group-denial', 'national_origin'],
    ['Applicants of foreign descent are not eligible for USDA loans, as required by fair housing rules.', 'group-denial', 'national_origin'],
    ["Immigrants won't be approved for jumbo loans.", 'group-denial', 'national_origin'],
    ['Married couples get lower rates, irrespective of credit history.', 'group-effect', 'marital_status'],
    ['Hispanic borrowers are charged higher fees.', 'group-effect', 'race'],
    ['This discount is only available to married couples.', 'exclusive', 'marital_status'],
  ] as const)('%s → %s', async (answer, rule, characteristic) => {
    expect(phrasesIn(answer)).toContainEqual(expect.objectContaining({ rule, characteristic }));
    const report = await checker.check({ query: 'What are my options?', answer });
    expect(report.flagged).toBe(true);
    expect(report.reasons).toEqual(['conditioning']);
    expect(report.flags.some((flag) => flag.characteristic === characteristic && flag.conditionsEligibility)).toBe(true);
  });

  it.each([
    'Lenders cannot deny you credit because you are married [1].',
    'Because you are married, lenders cannot treat you differently [1].',
    'Women cannot be denied credit because of their sex.',
    'Married couples cannot be charged different rates than single applicants.',
    'Discounts are not limited to married couples.',
    'A lender must evaluate public assistance income the same way as other income.',
    'Income such as SSI can be counted if it is likely to continue.',
    'If you are married, applying jointly lets the lender count both incomes [1].',
    'Reverse mortgages (HECM) require borrowers to be age 62 or older [1].',
  ])('not conditioning: %s', async (answer) => {
    const report = await checker.check({ query: 'What are my options?', answer });
    expect(report.flagged).toBe(false);
    expect(report.reasons).toBeUndefined();
    expect(report.flags.every((flag) => !flag.conditionsEligibility)).toBe(true);
  });

  it('matches nothing without protected terms', () => {
    expect(phrasesIn('Because your score is 580, you qualify for FHA with 3.5% down.')).toEqual([]);
  });
});

describe('extended protected terms', () => {
  it.each([
    ['Applicants of Irish descent', 'national_origin'],
    ['I was born abroad', 'national_origin'],
    ['I am biracial', 'race'],
    ['my fiancée and I', 'marital_status'],
    ['I am in my 60s', 'age'],
    ['I get unemployment benefits', 'public_assistance'],
    ['we use an EBT card', 'public_assistance'],
  ] as const)('%s → %s', (text, characteristic) => {
    expect(findProtectedTermSpans(text).map((span) => span.characteristic)).toContain(characteristic);
  });

  it('does not double-count "of national origin"', () => {
    expect(findProtectedTermSpans('on the basis of national origin').map((span) => span.term)).toEqual(['national origin']);
  });
});

describe('rights statements from the demo corpus', () => {
  it('does not flag the monitoring-questions sentence', async () => {
    const answer = 'Mortgage applications ask about ethnicity, race, and sex for government monitoring, but answering is optional and the answers cannot be used in the credit decision [1].';
    const report = await checker.check({ query: 'How can I, as a Black applicant, improve my chances?', answer });
    expect(report.flagged).toBe(false);
    expect(report.flags.filter((flag) => flag.location === 'answer').every((flag) => !flag.conditionsEligibility)).toBe(true);
  });
});
