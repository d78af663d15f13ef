import { describe, expect, it } from 'vitest';
import { workOutNumbers } from '../../../core/lending/work-out-numbers.ts';

const ids = (query: string, profile?: Parameters<typeof workOutNumbers>[1]) => workOutNumbers(query, profile).figures.map((figure) => figure.id);

describe('workOutNumbers', () => {
  it('works out the 28/36 rule in one sentence with its inputs and its source', () => {
    const { figures, problems } = workOutNumbers('We make $9,000 a month; by the 28/36 rule what can we spend?');
    expect(problems).toEqual([]);
    expect(figures).toEqual([
      {
        id: 'rule-28-36',
        label: '28/36 rule',
        text: 'By the 28/36 rule, on $9,000 a month: housing up to $2,520 (28%), all debts up to $3,240 (36%).',
        inputs: { grossMonthlyIncome: 9000 },
        result: { housingMax: 2520, totalDebtMax: 3240 },
        sourceDocumentId: 'budgeting-for-homeownership-28-36-rule',
      },
    ]);
  });

  it.each([
    ['What are my front-end and back-end DTI? I earn $5,000 a month, the new mortgage would be $1,400 and I have a $300 car payment.', undefined, ['debt-to-income']],
    ['What is my debt-to-income ratio?', { annualIncome: 96_000, monthlyDebt: 1200 }, ['debt-to-income']],
    ['How much house payment can I afford?', { annualIncome: 120_000, monthlyDebt: 500 }, ['rule-28-36']],
    ["What's the LTV if I buy a $350,000 house with $35,000 down?", undefined, ['loan-to-value']],
    ['What would the monthly payment be on a $250,000 30-year mortgage at 6%?', undefined, ['monthly-payment']],
    ['Refinancing would cost me $4,800 and save $160 a month. When do I break even?', undefined, ['refinance-break-even']],
    ['What do 2 points cost on a $275k loan?', undefined, ['discount-points']],
    ['I bought for $250,000 with a $237,500 loan at 6.5% for 30 years. When can I drop PMI?', undefined, ['pmi-cancellation']],
    ['How much is the FHA upfront mortgage insurance premium on a $300,000 loan?', undefined, ['fha-mortgage-insurance']],
    ['First VA loan, 5% down on a $400,000 loan: what is the funding fee?', undefined, ['va-funding-fee']],
    ['What are my options for a $200,000 home with a 620 credit score?', undefined, ['fha-down-payment', 'fha-mortgage-insurance', 'conventional-down-payment']],
    ['How much is 3.5% down on a $320,000 house?', undefined, ['down-payment']],
    ['How long is the HELOC draw period?', undefined, []],
    ['What credit score do I need for an FHA loan?', undefined, []],
  ])('%s', (query, profile, expected) => {
    expect(ids(query, profile)).toEqual(expected);
  });

  it('the README example compares FHA and conventional for that borrower in numbers', () => {
    const texts = workOutNumbers('What are my options for a $200,000 home with a 620 credit score?', { propertyValue: 200_000, creditScore: 620 }).figures.map((figure) => figure.text).join(' ');
    for (const fact of ['$7,000', '$193,000', '$3,377.50', '$1,061.50', '$6,000', 'private mortgage insurance']) expect(texts).toContain(fact);
  });

  it('names what it needs instead of guessing, and passes on unreadable figures', () => {
    expect(workOutNumbers('By the 28/36 rule, what can I spend?').problems).toEqual(['To work out the 28/36 rule I need your gross monthly income.']);
    expect(workOutNumbers('What would the monthly payment be on a $250,000 loan?').problems).toEqual(['To work out the monthly payment I need the loan amount, the interest rate and the term.']);
    const bad = workOutNumbers('What would the monthly payment be on a $250,000 30-year loan at 900% interest?');
    expect(bad.figures).toEqual([]);
    expect(bad.problems[0]).toMatch(/900% interest rate is implausible/);
    expect(workOutNumbers('My refinance saves $0 a month and costs $3,000 in closing costs. When do I break even?').problems).toEqual(['With no monthly saving the costs are never recovered.']);
  });

  it('reports a VA fee the corpus does not state rather than inventing it', () => {
    const { figures, problems } = workOutNumbers('Second VA loan with 10% down on a $300,000 loan: what is the funding fee?');
    expect(figures).toEqual([]);
    expect(problems).toEqual(['The guide does not state the VA funding fee for a later use with 5% or more down.']);
  });
});
