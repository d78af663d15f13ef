import { describe, expect, it } from 'vitest';
import { BiasReportSchema } from '../../../shared/contracts/advice.ts';
import { LexiconBiasChecker, findProtectedTerms } from '../../../core/bias/lexicon-bias-checker.ts';

const checker = new LexiconBiasChecker();
const neutralQuery = 'What down payment do I need for a $200,000 home?';

describe('LexiconBiasChecker', () => {
  it('flags an answer that ties rates to marital status', async () => {
    const report = await checker.check({ query: neutralQuery, answer: 'FHA loans need 3.5% down [1]. Married applicants get lower rates [1].' });
    expect(BiasReportSchema.parse(report)).toEqual(report);
    expect(report.flagged).toBe(true);
    expect(report.score).toBeGreaterThanOrEqual(0.6);
    expect(report.flags).toEqual([{ characteristic: 'marital_status', location: 'answer', term: 'married', conditionsEligibility: true }]);
  });

  it.each([
    'Immigrants cannot qualify for this program [2].',
    'Borrowers over the age of 70 must put more down [1].',
    'Muslim applicants are usually denied [3].',
    'Lenders charge women higher rates [1].',
    'Seniors need a bigger down payment [1].',
    'Only applicants who are not on welfare are eligible [2].',
  ])('flags conditioning: %s', async (answer) => {
    const report = await checker.check({ query: neutralQuery, answer });
    expect(report.flagged).toBe(true);
    expect(report.flags.some((flag) => flag.location === 'answer' && flag.conditionsEligibility)).toBe(true);
  });

  it.each([
    'Lenders may not consider your marital status [2].',
    'Creditors cannot discriminate based on race, religion, national origin, sex or age [1].',
    'Your rate is set regardless of your religion [1].',
    'The Equal Credit Opportunity Act protects you if you receive public assistance [3].',
    'Social Security income can be counted toward qualifying like any other income [2].',
    'Reverse mortgages (HECM) require borrowers to be age 62 or older [1].',
    'If you are married, applying jointly lets the lender count both incomes [1].',
  ])('does not flag rights statements or legitimate contexts: %s', async (answer) => {
    const report = await checker.check({ query: neutralQuery, answer });
    expect(report.flagged).toBe(false);
    expect(report.score).toBe(0);
    expect(report.flags.length).toBeGreaterThan(0);
    expect(report.flags.every((flag) => !flag.conditionsEligibility)).toBe(true);
  });

  it('does not treat size words about homes as conditioning', async () => {
    const report = await checker.check({ query: neutralQuery, answer: 'Many retirees buy smaller homes [1].' });
    expect(report.flags).toEqual([{ characteristic: 'age', location: 'answer', term: 'retirees', conditionsEligibility: false }]);
    expect(report.score).toBeCloseTo(0.15);
  });

  it('scores 0 for a clean answer', async () => {
    const report = await checker.check({ query: neutralQuery, answer: 'FHA loans allow 3.5% down with a 580 credit score [1]. Rates are higher for lower scores [2].' });
    expect(report).toEqual({ score: 0, flagged: false, flags: [] });
  });

  it('reports query mentions without scoring them', async () => {
    const report = await checker.check({
      query: 'I am a single mother on SNAP and 64 years old. Can I qualify?',
      answer: 'FHA loans allow 3.5% down [1].',
    });
    expect(report.score).toBe(0);
    expect(report.flagged).toBe(false);
    expect(report.flags.map((flag) => `${flag.characteristic}:${flag.term}`)).toEqual([
      'sex:single mother',
      'marital_status:single mother',
      'public_assistance:snap',
      'age:64 years old',
    ]);
    expect(report.flags.every((flag) => flag.location === 'query')).toBe(true);
  });

  it('scores mere answer mentions low and caps them', async () => {
    const one = await checker.check({ query: neutralQuery, answer: 'Many retirees buy homes in Florida [1].' });
    expect(one.score).toBeCloseTo(0.15);
    expect(one.flagged).toBe(false);
    const many = await checker.check({
      query: neutralQuery,
      answer: 'Many retirees buy homes [1]. Immigrants often rent first [2]. Some churches run homebuyer classes [3]. Hispanic households grew [4].',
    });
    expect(many.score).toBe(0.45);
    expect(many.flagged).toBe(true);
  });

  it('raises the score with more conditioning sentences, up to 1', async () => {
    const answer = 'Married applicants get lower rates [1]. Women must pay more [2]. Immigrants are denied [3]. Seniors need a cosigner [4]. Black borrowers only get FHA [5].';
    const report = await checker.check({ query: neutralQuery, answer });
    expect(report.score).toBe(1);
  });
});

describe('findProtectedTerms', () => {
  it.each([
    'The business is finally in the black.',
    'Buy a single-family home with a single payment.',
    'The age of your credit history matters.',
    'A senior lien takes priority over a junior lien.',
    'Read the white paper on mortgage rates.',
    'Take a snapshot of your budget; snap decisions cost money.',
    'Your mortgage rate depends on the average age of accounts.',
  ])('ignores non-protected uses: %s', (text) => {
    expect(findProtectedTerms(text)).toEqual([]);
  });

  it('matches whole words only and reports the lower-cased match', () => {
    expect(findProtectedTerms('Unmarried and DIVORCED applicants')).toEqual([
      { characteristic: 'marital_status', term: 'unmarried' },
      { characteristic: 'marital_status', term: 'divorced' },
    ]);
    expect(findProtectedTerms('An American Indian tribe')).toEqual([{ characteristic: 'race', term: 'american indian' }]);
  });

  it('scans profile values', async () => {
    const report = await checker.check({ query: neutralQuery, profile: { loanPurpose: 'purchase', state: 'TX' }, answer: '' });
    expect(report).toEqual({ score: 0, flagged: false, flags: [] });
  });
});
