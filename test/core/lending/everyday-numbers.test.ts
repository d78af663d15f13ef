import { describe, expect, it } from 'vitest';
import { consolidationRate } from '../../../core/lending/consolidation-rate.ts';
import { maintenanceBudget, selfEmployedIncome } from '../../../core/lending/homeowner-budget.ts';
import { readFigures } from '../../../core/lending/read-figures.ts';
import { balanceTransferCost, paydayLoanCost } from '../../../core/lending/short-term-credit-costs.ts';
import { studentLoanQualifyingPayment } from '../../../core/lending/student-loan-payment.ts';
import { workOutNumbers } from '../../../core/lending/work-out-numbers.ts';

describe('everyday calculations on the corpus’s own rules and examples', () => {
  it('student loans with no payment reported: 1% (Fannie Mae) and 0.5% (Freddie Mac, FHA, USDA) of the balance', () => {
    // The corpus's example: $60,000 in deferment adds $300 a month under 0.5% and $600 under 1%.
    expect(studentLoanQualifyingPayment({ balance: 60_000 })).toMatchObject({ ok: true, result: { fannieMae: 600, halfPercent: 300 }, rule: 'student-loans-and-mortgage-qualification' });
  });

  it('a Direct Consolidation rate is the weighted average rounded up to the next eighth', () => {
    expect(consolidationRate([{ balance: 12_000, ratePercent: 4.5 }, { balance: 8_000, ratePercent: 6.8 }])).toMatchObject({ ok: true, result: { weightedAveragePercent: 5.42, ratePercent: 5.5, totalBalance: 20_000 } });
    // Already an eighth: not pushed past it.
    expect(consolidationRate([{ balance: 1_000, ratePercent: 5.125 }, { balance: 1_000, ratePercent: 5.125 }])).toMatchObject({ ok: true, result: { ratePercent: 5.125 } });
  });

  it('a payday loan at $15 per $100 for two weeks is an APR of nearly 400%', () => {
    expect(paydayLoanCost({ borrowed: 400, feePer100: 15 })).toMatchObject({ ok: true, result: { fee: 60, owed: 460, aprPercent: 391.1 }, rule: 'payday-and-title-loans' });
  });

  it('a balance transfer’s fee, and what clears it within the promotion', () => {
    expect(balanceTransferCost({ balance: 6_500, feePercent: 4, promoMonths: 15 })).toMatchObject({ ok: true, result: { fee: 260, total: 6_760, monthlyToClear: 450.67 } });
    expect(balanceTransferCost({ balance: 6_500, feePercent: 4 })).toEqual(expect.objectContaining({ ok: true, result: { fee: 260, total: 6_760 } }));
  });

  it('maintenance at 1% to 4% of the value a year (the corpus: $350,000 → $3,500 to $14,000, about $290 to $1,170 a month)', () => {
    expect(maintenanceBudget({ homeValue: 350_000 })).toMatchObject({ ok: true, result: { yearlyLow: 3_500, yearlyHigh: 14_000, monthlyLow: 291.67, monthlyHigh: 1_166.67 } });
  });

  it('self-employed income is the two-year average, and a fall is named', () => {
    expect(selfEmployedIncome({ earlierYear: 58_000, recentYear: 66_000 })).toMatchObject({ ok: true, result: { yearlyAverage: 62_000, monthlyAverage: 5_166.67, falling: false } });
    expect(selfEmployedIncome({ earlierYear: 66_000, recentYear: 58_000 })).toMatchObject({ ok: true, result: { falling: true, recentMonthly: 4_833.33 } });
  });

  it('bad and extreme inputs give a typed reason', () => {
    expect(studentLoanQualifyingPayment({ balance: -5 })).toMatchObject({ ok: false, reason: 'negative' });
    expect(consolidationRate([{ balance: 1_000, ratePercent: 5 }])).toMatchObject({ ok: false, reason: 'not-stated' });
    expect(consolidationRate([{ balance: 1_000, ratePercent: 5 }, { balance: 1_000, ratePercent: 95 }])).toMatchObject({ ok: false, field: 'ratePercent' });
    expect(paydayLoanCost({ borrowed: 400, feePer100: 150 })).toMatchObject({ ok: false, field: 'feePer100' });
    expect(paydayLoanCost({ borrowed: 400, feePer100: 15, days: 0 })).toMatchObject({ ok: false, field: 'days' });
    expect(balanceTransferCost({ balance: 6_500, feePercent: 140 })).toMatchObject({ ok: false, field: 'feePercent' });
    expect(balanceTransferCost({ balance: 6_500, feePercent: 4, promoMonths: 0 })).toMatchObject({ ok: false, field: 'promoMonths' });
    expect(maintenanceBudget({ homeValue: Number.POSITIVE_INFINITY })).toMatchObject({ ok: false, reason: 'not-a-number' });
    expect(selfEmployedIncome({ earlierYear: 0, recentYear: 0 })).toMatchObject({ ok: false, reason: 'zero' });
  });
});

describe('workOutNumbers reads the everyday numbers from a borrower’s question', () => {
  const texts = (question: string) => workOutNumbers(question).figures.map((figure) => figure.text);

  it.each([
    [
      'I have $45,000 in student loans in deferment with no payment showing on my credit report. What monthly payment would a Fannie Mae lender count?',
      'With no payment reported on $45,000 of student loans, a Fannie Mae conventional lender may count 1% of the balance, $450 a month; Freddie Mac, FHA and USDA use 0.5%, $225.',
    ],
    [
      'I have two federal student loans: $12,000 at 4.5% and $8,000 at 6.8%. If I consolidate them, what rate would I get?',
      "Consolidating $12,000 at 4.5% and $8,000 at 6.8%: the weighted average is 5.42%, so the Direct Consolidation Loan's fixed rate is 5.5% (rounded up to the next eighth of a point).",
    ],
    ['A payday place charges $15 for every $100. If I borrow $400 for two weeks, what do I owe?', 'Borrowing $400 at $15 per $100 costs a $60 fee, so $460 is due on payday; for two weeks that is an APR of about 391.1%.'],
    [
      'I want to move $6,500 of card debt to a 0% card for 15 months with a 4% transfer fee. What is the fee?',
      'Moving $6,500 with a 4% transfer fee costs $260, $6,760 in all; clearing it within the 15-month promotion takes $450.67 a month.',
    ],
    [
      "We're buying a $420,000 house. How much should we budget each year for maintenance?",
      "At the usual 1% to 4% of the home's value a year, a $420,000 home needs $4,200 to $16,800 a year for maintenance and repairs, about $350 to $1,400 a month (more for an older home).",
    ],
    [
      "I'm self-employed. I netted $66,000 last year and $58,000 the year before. What income would a lender use?",
      'Averaged over the two years, $58,000 and $66,000 make $62,000 a year, $5,166.67 a month.',
    ],
  ])('%s', (question, expected) => {
    expect(texts(question)).toEqual([expected]);
    expect(workOutNumbers(question).problems).toEqual([]);
  });

  it('works out none of them from a question that only names the subject', () => {
    for (const question of ['How do payday loans work?', 'Should I consolidate my student loans?', 'What is a balance transfer card?', 'How much does home maintenance cost?']) {
      expect(workOutNumbers(question).figures).toEqual([]);
    }
  });

  it('reads a large amount "in" a debt as a balance owed, a small one in a list of payments as a payment', () => {
    expect(readFigures('I have $45,000 in student loans.').figures.map((figure) => figure.role)).toEqual(['amount']);
    expect(readFigures('I pay $350 for my car and $250 in student loans.').figures.map((figure) => figure.role)).toEqual(['monthlyDebt', 'monthlyDebt']);
  });
});
