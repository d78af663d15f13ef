import { describe, expect, it } from 'vitest';
import { readFigures } from '../../../core/lending/read-figures.ts';

describe('readFigures', () => {
  it.each([
    ['We make $9,000 a month together.', { monthlyIncome: 9000 }],
    ['I make 9k/month.', { monthlyIncome: 9000 }],
    ['My salary is $120,000 a year.', { monthlyIncome: 10_000 }],
    ['What do 2 points cost on a $275k loan?', { loanAmount: 275_000, points: 2 }],
    ['Can I buy a $1.2 million house?', { propertyValue: 1_200_000 }],
    ['A $250,000 30-year mortgage at 6.5%', { loanAmount: 250_000, termYears: 30, rates: [6.5] }],
    ['I have a 620 credit score', { creditScore: 620 }],
    ['my score is only 540', { creditScore: 540 }],
    ['plus a $400 car payment and $100 in credit card minimums', { monthlyDebts: 500 }],
    ['We owe $300,000 on the mortgage and $50,000 on a home equity loan', { loanAmount: 300_000, secondLiens: [50_000] }],
    ['Refinancing would cost me $4,800 and save $160 a month.', { closingCosts: 4800, monthlySavings: 160 }],
    ['I owe $300,000 at 7%. A new loan at 6% would cost $6,000 to close.', { loanAmount: 300_000, rates: [7, 6], closingCosts: 6000 }],
    ['buying a $350,000 house and putting $35,000 down', { propertyValue: 350_000, downPayment: 35_000 }],
    ['putting 5% down on a $400,000 loan over 15 years', { downPaymentPercent: 5, loanAmount: 400_000, termYears: 15 }],
    ['second VA loan, zero down', { downPaymentPercent: 0 }],
    // A bare amount beside a down payment is the price it is a share of; alone, or beside a named loan, it is not.
    ['second VA loan, zero down, $300,000', { downPaymentPercent: 0, propertyValue: 300_000 }],
    ['10% down, $450k', { downPaymentPercent: 10, propertyValue: 450_000 }],
    ['10% down on a $400,000 loan, $8,000 saved', { downPaymentPercent: 10, loanAmount: 400_000 }],
    // Spelled fractions of a rate; "a loan for", "bought our place for".
    ['a $300,000 loan at 6 and 3/4 percent', { loanAmount: 300_000, rates: [6.75] }],
    ['a 30 year at 7 and a half percent on $200k', { termYears: 30, rates: [7.5] }],
    ['USDA loan for about $265k', { loanAmount: 265_000 }],
    ['Bought our place for $285k', { propertyValue: 285_000 }],
    ['one point lowers my payment by $65 a month', { points: 1, monthlySavings: 65 }],
    // An amount restating the share just stated is its cash, not the price ("20% down… that's $70k").
    ['u need 20% down or you cant buy a house. thats like $70k for what im looking at', { downPaymentPercent: 20, downPayment: 70_000 }],
    ['If I put 10% down, which is $40,000', { downPaymentPercent: 10, downPayment: 40_000 }],
  ])('%s', (query, expected) => {
    const read = readFigures(query);
    expect(read.problems).toEqual([]);
    expect(read.merged).toEqual(expected);
  });

  it.each([
    ['I have $-5 for a down payment', 'negative', '$-5'],
    ['Can I get a loan at a 900% rate?', 'implausible', '900%'],
    ['My credit score 1200 is great', 'implausible', 'credit score 1200'],
    ['a 90-year mortgage', 'implausible', '90-year'],
    ['I make $8,000', 'ambiguous', '$8,000'],
    ['what do 25 points cost on a $100k loan', 'implausible', '25 points'],
    ['a $5 billion house', 'implausible', '$5 billion'],
  ])('names the problem in “%s” and leaves the figure out', (query, reason, text) => {
    const read = readFigures(query);
    expect(read.problems).toEqual([expect.objectContaining({ reason, text })]);
    expect(read.problems[0]!.message).toContain(text.replace(/^credit score /, ''));
    expect(read.figures.some((figure) => figure.text === text)).toBe(false);
  });

  it('an age or a time ago is not a loan term', () => {
    for (const text of ['I am 70 years old. How does a reverse mortgage work?', 'I filed bankruptcy 5 years ago.', 'a 45-year-old borrower']) {
      const read = readFigures(text);
      expect(read.problems, text).toEqual([]);
      expect(read.merged.termYears, text).toBeUndefined();
    }
    expect(readFigures('a 30-year loan at 6%').merged.termYears).toBe(30);
  });

  it('an amount whose role the words do not give is kept as an unassigned amount, not guessed', () => {
    const read = readFigures('I need $600 before my next paycheck.');
    expect(read.figures).toEqual([{ role: 'amount', value: 600, text: '$600', source: 'question' }]);
    expect(read.merged).toEqual({});
  });

  it('reads an appraisal apart from the price and values the home at the lower of the two', () => {
    const { figures, merged } = readFigures('We agreed to pay $425,000 but the appraisal came back at $400,000. We borrow $360,000.');
    expect(figures.map((figure) => [figure.role, figure.value])).toEqual([
      ['propertyValue', 425_000],
      ['appraisedValue', 400_000],
      ['loanAmount', 360_000],
    ]);
    expect(merged).toMatchObject({ propertyValue: 400_000, priceAndAppraisal: { price: 425_000, appraised: 400_000 }, loanAmount: 360_000 });
  });

  it('reads "buying a house for $250k" as the price, beside a down payment and a lower appraisal', () => {
    const { merged } = readFigures("buying a house for $250k, putting $25k down, but the appraisal came back at only $240k. what's my LTV going to be?");
    expect(merged).toMatchObject({ propertyValue: 240_000, priceAndAppraisal: { price: 250_000, appraised: 240_000 }, downPayment: 25_000 });
  });

  it('a loan-to-value cap is a cap, not an (implausible) interest rate; two terms are both kept', () => {
    const cap = readFigures('The bank caps combined loan-to-value at 85%.');
    expect(cap.problems).toEqual([]);
    expect(cap.merged.ltvCapPercent).toBe(85);
    expect(readFigures('A 15-year at 6% or a 30-year at 6.5%?').merged).toMatchObject({ termYears: 15, terms: [15, 30], rates: [6, 6.5] });
  });

  it('merges the profile, the question winning where both give a figure', () => {
    const profile = { annualIncome: 96_000, monthlyDebt: 1200, loanAmount: 250_000, propertyValue: 300_000, creditScore: 700, loanTermYears: 30, veteran: true };
    expect(readFigures('What is my DTI?', profile).merged).toEqual({ monthlyIncome: 8000, monthlyDebts: 1200, loanAmount: 250_000, propertyValue: 300_000, creditScore: 700, termYears: 30, veteran: true });
    const merged = readFigures('What if I borrow $200,000 over 15 years with a 640 credit score?', profile).merged;
    expect(merged).toMatchObject({ loanAmount: 200_000, termYears: 15, creditScore: 640, propertyValue: 300_000 });
  });
});
