import { describe, expect, it } from 'vitest';
import { amortizationSchedule, firstPaymentSplit } from '../../../core/lending/amortization-schedule.ts';
import type { Calculation } from '../../../core/lending/calculation.ts';
import { debtToIncome } from '../../../core/lending/debt-to-income.ts';
import { discountPoints } from '../../../core/lending/discount-points.ts';
import { downPayment } from '../../../core/lending/down-payment.ts';
import { fhaMinimumDownPayment, fhaMortgageInsurance } from '../../../core/lending/fha-mortgage-insurance.ts';
import { loanToValue } from '../../../core/lending/loan-to-value.ts';
import { monthlyPayment } from '../../../core/lending/monthly-payment.ts';
import { pmiBalances, pmiCancellation } from '../../../core/lending/pmi-cancellation.ts';
import { refinanceBreakEven } from '../../../core/lending/refinance-break-even.ts';
import { rule2836 } from '../../../core/lending/rule-28-36.ts';
import { vaFundingFee } from '../../../core/lending/va-funding-fee.ts';
import { equityBorrowingLimit } from '../../../core/lending/equity-borrowing-limit.ts';
import { extraPayments } from '../../../core/lending/extra-payments.ts';
import { usdaGuaranteeFee } from '../../../core/lending/usda-guarantee-fee.ts';
import { createDocumentSource } from '../../../core/sources/create-document-source.ts';

function ok<I, R>(calculation: Calculation<I, R>) {
  if (!calculation.ok) throw new Error(`expected a result, got ${calculation.reason}: ${calculation.message}`);
  return calculation;
}

/** Every result must be finite: no NaN or Infinity anywhere. */
function finite(value: unknown): boolean {
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(finite);
  if (value && typeof value === 'object') return Object.values(value).every(finite);
  return true;
}

describe('lending calculations on the corpus’s own worked examples', () => {
  it('monthly payment: $300,000 at 6.5% for 30 years ≈ $1,896, interest ≈ $382,600; 15 years ≈ $2,613', () => {
    const thirty = ok(monthlyPayment({ principal: 300_000, annualRatePercent: 6.5, termYears: 30 }));
    expect(Math.round(thirty.result.payment)).toBe(1896);
    expect(Math.round(thirty.result.totalInterest / 100) * 100).toBe(382_600);
    expect(thirty.rule).toBe('amortization-and-extra-payments');
    expect(Math.round(ok(monthlyPayment({ principal: 300_000, annualRatePercent: 6.5, termYears: 15 })).result.payment)).toBe(2613);
  });

  it('a 0% loan repays principal evenly', () => {
    expect(ok(monthlyPayment({ principal: 12_000, annualRatePercent: 0, termYears: 1 })).result).toMatchObject({ payment: 1000, totalInterest: 0 });
  });

  it('amortization: first month interest $1,625, about $271 to principal; the last payment clears the balance', () => {
    const schedule = ok(amortizationSchedule({ principal: 300_000, annualRatePercent: 6.5, termYears: 30 })).result;
    expect(schedule[0]).toMatchObject({ month: 1, interest: 1625 });
    expect(Math.round(schedule[0]!.principal)).toBe(271);
    expect(schedule).toHaveLength(360);
    expect(schedule.at(-1)!.balance).toBe(0);
  });

  it("first payment: $260,000 at 7.5% for 30 years is $1,625 of interest and $192.96 of principal", () => {
    expect(ok(firstPaymentSplit({ principal: 260_000, annualRatePercent: 7.5, termYears: 30 })).result).toEqual({ payment: 1817.96, interest: 1625, principal: 192.96 });
  });

  it('DTI: $1,650 on $6,000 is 27.5% front-end; $2,450 is about 40.8% back-end', () => {
    const dti = ok(debtToIncome({ grossMonthlyIncome: 6000, housingPayment: 1650, otherMonthlyDebts: 800 }));
    expect(dti.result).toEqual({ frontEndPercent: 27.5, backEndPercent: 40.83, totalMonthlyDebts: 2450 });
    expect(ok(debtToIncome({ grossMonthlyIncome: 8000, otherMonthlyDebts: 1200 })).result).toEqual({ backEndPercent: 15, totalMonthlyDebts: 1200 });
    expect(dti.rule).toBe('debt-to-income-ratio');
  });

  it('LTV 90% on $270,000 of $300,000, 93.1% at a $290,000 appraisal; CLTV 75% with a $40,000 second lien on $400,000', () => {
    expect(ok(loanToValue({ loanAmount: 270_000, propertyValue: 300_000 })).result).toEqual({ ltvPercent: 90 });
    expect(ok(loanToValue({ loanAmount: 270_000, propertyValue: 290_000 })).result.ltvPercent).toBe(93.1);
    expect(ok(loanToValue({ loanAmount: 260_000, propertyValue: 400_000, otherLiens: [40_000] })).result.cltvPercent).toBe(75);
  });

  it('28/36: $7,500 → $2,100 and $2,700; $9,000 → $2,520 and $3,240; existing debts come out of the 36%', () => {
    expect(ok(rule2836({ grossMonthlyIncome: 7500 })).result).toEqual({ housingMax: 2100, totalDebtMax: 2700 });
    expect(ok(rule2836({ grossMonthlyIncome: 9000 })).result).toEqual({ housingMax: 2520, totalDebtMax: 3240 });
    expect(ok(rule2836({ grossMonthlyIncome: 9000, monthlyDebts: 1000 })).result.housingMaxWithDebts).toBe(2240);
    expect(ok(rule2836({ grossMonthlyIncome: 1000, monthlyDebts: 5000 })).result.housingMaxWithDebts).toBe(0);
  });

  it('break-even: $6,000 ÷ $149 ≈ 40 months; points: one point on $300,000 is $3,000, ÷ $50 = 60 months', () => {
    expect(ok(refinanceBreakEven({ closingCosts: 6000, monthlySavings: 149 })).result).toMatchObject({ months: 40.3, wholeMonths: 41 });
    const points = ok(discountPoints({ loanAmount: 300_000, points: 1, monthlySavings: 50 }));
    expect(points.result).toMatchObject({ cost: 3000, breakEven: { months: 60 } });
    expect(points.rule).toBe('discount-points-and-lender-credits');
  });

  it('PMI: request at 80% and automatic at 78% of original value, found by month on the schedule', () => {
    const pmi = ok(pmiCancellation({ principal: 237_500, annualRatePercent: 6.5, termYears: 30, originalValue: 250_000 }));
    expect(pmi.result).toEqual({ requestBalance: 200_000, automaticBalance: 195_000, requestMonth: 124, automaticMonth: 135, endsAtMidpoint: false });
    expect(ok(pmiCancellation({ principal: 190_000, annualRatePercent: 6.5, termYears: 30, originalValue: 250_000 })).result.requestMonth).toBe(0);
    // An interest-heavy loan reaches the midpoint before 78%: the midpoint ends it.
    expect(ok(pmiCancellation({ principal: 240_000, annualRatePercent: 12, termYears: 30, originalValue: 250_000 })).result).toMatchObject({ automaticMonth: 180, endsAtMidpoint: true });
  });

  it('FHA: $193,000 base loan → $3,377.50 upfront, 0.55% ≈ $1,061.50 a year for life; 10% down → 0.50% for 11 years', () => {
    const fha = ok(fhaMortgageInsurance({ baseLoanAmount: 193_000, downPaymentPercent: 3.5 }));
    expect(fha.result).toEqual({ upfrontPremium: 3377.5, annualRatePercent: 0.55, annualPremium: 1061.5, monthlyPremium: 88.46, duration: 'life of loan' });
    expect(ok(fhaMortgageInsurance({ baseLoanAmount: 180_000, downPaymentPercent: 10 })).result).toMatchObject({ annualRatePercent: 0.5, duration: '11 years' });
    expect(fhaMortgageInsurance({ baseLoanAmount: 193_000, downPaymentPercent: 3.5, termYears: 15 })).toMatchObject({ ok: false, reason: 'not-stated' });
    expect(fhaMortgageInsurance({ baseLoanAmount: 800_000, downPaymentPercent: 3.5 })).toMatchObject({ ok: false, reason: 'not-stated' });
    expect(ok(fhaMinimumDownPayment({ price: 200_000, creditScore: 620 })).result).toEqual({ eligible: true, minimumPercent: 3.5, minimumAmount: 7000, baseLoanAmount: 193_000 });
    expect(ok(fhaMinimumDownPayment({ price: 200_000, creditScore: 540 })).result.minimumPercent).toBe(10);
    expect(ok(fhaMinimumDownPayment({ price: 200_000, creditScore: 480 })).result.eligible).toBe(false);
  });

  it('VA funding fee by down payment and use; subsequent use with 5%+ down is not stated, so not computed', () => {
    expect(ok(vaFundingFee({ loanAmount: 400_000, downPaymentPercent: 5, use: 'first' })).result).toEqual({ ratePercent: 1.5, fee: 6000 });
    expect(ok(vaFundingFee({ loanAmount: 300_000, downPaymentPercent: 0, use: 'first' })).result.ratePercent).toBe(2.15);
    // The IRRRL (streamline refinance) fee is 0.5%, whatever the equity.
    expect(ok(vaFundingFee({ loanAmount: 240_000, downPaymentPercent: 0, use: 'irrrl' })).result).toEqual({ ratePercent: 0.5, fee: 1200 });
    expect(ok(vaFundingFee({ loanAmount: 300_000, downPaymentPercent: 10, use: 'first' })).result.ratePercent).toBe(1.25);
    expect(ok(vaFundingFee({ loanAmount: 300_000, downPaymentPercent: 0, use: 'subsequent' })).result).toEqual({ ratePercent: 3.3, fee: 9900 });
    expect(vaFundingFee({ loanAmount: 300_000, downPaymentPercent: 5, use: 'subsequent' })).toMatchObject({ ok: false, reason: 'not-stated' });
  });

  it('down payment: 3.5% of $350,000 is $12,250', () => {
    expect(ok(downPayment({ price: 350_000, percent: 3.5 })).result).toEqual({ amount: 12_250, loanAmount: 337_750 });
  });

  it('every rule names a document that exists in the demo corpus', async () => {
    const ids = new Set((await createDocumentSource({ kind: 'jsonl', path: 'data/corpus/lending-guide.jsonl' }).read()).documents.map((document) => document.id));
    const rules: Array<{ ok: true; rule: string } | { ok: false }> = [
      monthlyPayment({ principal: 1, annualRatePercent: 1, termYears: 1 }),
      debtToIncome({ grossMonthlyIncome: 1, otherMonthlyDebts: 0 }),
      loanToValue({ loanAmount: 1, propertyValue: 1 }),
      rule2836({ grossMonthlyIncome: 1 }),
      refinanceBreakEven({ closingCosts: 1, monthlySavings: 1 }),
      discountPoints({ loanAmount: 1, points: 1 }),
      pmiCancellation({ principal: 1, annualRatePercent: 1, termYears: 1, originalValue: 2 }),
      fhaMortgageInsurance({ baseLoanAmount: 1, downPaymentPercent: 1 }),
      vaFundingFee({ loanAmount: 1, downPaymentPercent: 1, use: 'first' }),
      downPayment({ price: 1, percent: 1 }),
    ];
    for (const calculated of rules) {
      if (!calculated.ok) throw new Error('expected a result');
      expect(ids.has(calculated.rule), calculated.rule).toBe(true);
    }
  });
});

describe('equity and USDA fees on the corpus’s own examples', () => {
  it('HELOC: $400,000 home, $250,000 mortgage, 85% cap → $90,000; cash-out: $400,000, owe $200,000, 80% → new loan $320,000', () => {
    expect(ok(equityBorrowingLimit({ propertyValue: 400_000, owed: 250_000, capPercent: 85, kind: 'second-lien' }))).toMatchObject({ result: { maxTotalLiens: 340_000, available: 90_000 }, rule: 'home-equity-loans-vs-helocs' });
    expect(ok(equityBorrowingLimit({ propertyValue: 400_000, owed: 200_000, capPercent: 80, kind: 'cash-out' }))).toMatchObject({ result: { maxTotalLiens: 320_000, available: 120_000 }, rule: 'cash-out-refinance' });
  });

  it('owing more than the cap allows leaves nothing to borrow, not a negative amount', () => {
    expect(ok(equityBorrowingLimit({ propertyValue: 300_000, owed: 290_000, capPercent: 80, kind: 'second-lien' })).result.available).toBe(0);
  });

  it('PMI balances alone: 80% and 78% of the original value, the same as the full schedule gives', () => {
    expect(ok(pmiBalances({ originalValue: 250_000 })).result).toEqual({ requestBalance: 200_000, automaticBalance: 195_000 });
    expect(ok(pmiCancellation({ principal: 237_500, annualRatePercent: 6.5, termYears: 30, originalValue: 250_000 })).result).toMatchObject({ requestBalance: 200_000, automaticBalance: 195_000 });
    expect(pmiBalances({ originalValue: 0 }).ok).toBe(false);
  });

  it('USDA: 1% upfront and 0.35% a year of the balance', () => {
    expect(ok(usdaGuaranteeFee({ loanAmount: 230_000 })).result).toEqual({ upfrontFee: 2300, totalLoan: 230_000, firstYearAnnualFee: 805, monthlyFee: 67.08 });
    // Financed, the upfront fee joins the balance the annual fee is charged on.
    expect(ok(usdaGuaranteeFee({ loanAmount: 200_000, financeUpfront: true })).result).toEqual({ upfrontFee: 2000, totalLoan: 202_000, firstYearAnnualFee: 707, monthlyFee: 58.92 });
  });

  it('extra payments: the corpus example, $200 more a month on $300,000 at 6.5% for 30 years, about 23 years and roughly $103,000 saved', () => {
    const result = ok(extraPayments({ principal: 300_000, annualRatePercent: 6.5, termYears: 30, extraMonthly: 200 })).result;
    expect(result.months).toBe(277);
    expect(Math.round(result.months / 12)).toBe(23);
    expect(Math.round(result.interestSaved / 1000)).toBe(103);
    expect(result.interestSaved).toBeCloseTo(result.interestScheduled - result.interestWithExtra, 1);
    expect(extraPayments({ principal: 300_000, annualRatePercent: 6.5, termYears: 30, extraMonthly: -5 })).toMatchObject({ ok: false, field: 'extraMonthly', reason: 'negative' });
    // More extra than the balance: one payment clears it, nothing goes negative.
    expect(ok(extraPayments({ principal: 1_000, annualRatePercent: 6, termYears: 10, extraMonthly: 5_000 })).result.months).toBe(1);
  });

  it.each([
    [{ propertyValue: 0, owed: 1, capPercent: 80, kind: 'second-lien' as const }, 'zero'],
    [{ propertyValue: 300_000, owed: -5, capPercent: 80, kind: 'second-lien' as const }, 'negative'],
    [{ propertyValue: 300_000, owed: 100_000, capPercent: 180, kind: 'cash-out' as const }, 'out-of-range'],
    [{ propertyValue: 300_000, owed: 100_000, capPercent: 0, kind: 'cash-out' as const }, 'zero'],
    [{ propertyValue: 100_000, owed: 900_000, capPercent: 80, kind: 'second-lien' as const }, 'inconsistent'],
    [{ propertyValue: Number.NaN, owed: 1, capPercent: 80, kind: 'second-lien' as const }, 'not-a-number'],
  ])('equity limit refuses %j (%s)', (inputs, reason) => {
    const result = equityBorrowingLimit(inputs);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toBe(reason);
  });

  it('USDA fee refuses a zero, negative or absurd loan', () => {
    for (const loanAmount of [0, -1, 2e12, Number.POSITIVE_INFINITY]) expect(usdaGuaranteeFee({ loanAmount }).ok).toBe(false);
  });
});

describe('bad and extreme inputs give a typed reason, never NaN or Infinity', () => {
  it.each([
    ['NaN principal', () => monthlyPayment({ principal: Number.NaN, annualRatePercent: 6, termYears: 30 }), 'not-a-number'],
    ['negative principal', () => monthlyPayment({ principal: -5, annualRatePercent: 6, termYears: 30 }), 'negative'],
    ['zero principal', () => monthlyPayment({ principal: 0, annualRatePercent: 6, termYears: 30 }), 'zero'],
    ['huge principal', () => monthlyPayment({ principal: 1e12, annualRatePercent: 6, termYears: 30 }), 'too-large'],
    ['infinite principal', () => monthlyPayment({ principal: Number.POSITIVE_INFINITY, annualRatePercent: 6, termYears: 30 }), 'not-a-number'],
    ['rate over 30%', () => monthlyPayment({ principal: 1000, annualRatePercent: 900, termYears: 30 }), 'out-of-range'],
    ['negative rate', () => monthlyPayment({ principal: 1000, annualRatePercent: -1, termYears: 30 }), 'negative'],
    ['zero term', () => monthlyPayment({ principal: 1000, annualRatePercent: 6, termYears: 0 }), 'zero'],
    ['term over 50 years', () => amortizationSchedule({ principal: 1000, annualRatePercent: 6, termYears: 80 }), 'out-of-range'],
    ['negative principal (first payment)', () => firstPaymentSplit({ principal: -1, annualRatePercent: 6, termYears: 30 }), 'negative'],
    ['zero income (DTI)', () => debtToIncome({ grossMonthlyIncome: 0, otherMonthlyDebts: 100 }), 'zero'],
    ['zero income (28/36)', () => rule2836({ grossMonthlyIncome: 0 }), 'zero'],
    ['negative debts', () => rule2836({ grossMonthlyIncome: 5000, monthlyDebts: -1 }), 'negative'],
    ['zero value (LTV)', () => loanToValue({ loanAmount: 100, propertyValue: 0 }), 'zero'],
    ['loan far above value', () => loanToValue({ loanAmount: 1_000_000, propertyValue: 100 }), 'inconsistent'],
    ['no monthly saving', () => refinanceBreakEven({ closingCosts: 5000, monthlySavings: 0 }), 'zero'],
    ['11 points', () => discountPoints({ loanAmount: 100_000, points: 11 }), 'out-of-range'],
    ['loan above value (PMI)', () => pmiCancellation({ principal: 300_000, annualRatePercent: 6, termYears: 30, originalValue: 250_000 }), 'inconsistent'],
    ['down payment over 100%', () => vaFundingFee({ loanAmount: 100_000, downPaymentPercent: 150, use: 'first' }), 'out-of-range'],
    ['credit score 1200', () => fhaMinimumDownPayment({ price: 200_000, creditScore: 1200 }), 'out-of-range'],
  ])('%s', (_name, calculate, reason) => {
    const result = calculate();
    expect(result).toMatchObject({ ok: false, reason });
    expect(!result.ok && result.message.length).toBeGreaterThan(10);
  });

  it('extreme but valid inputs stay finite', () => {
    for (const result of [
      monthlyPayment({ principal: 1e9, annualRatePercent: 30, termYears: 50 }),
      monthlyPayment({ principal: 0.01, annualRatePercent: 0, termYears: 50 }),
      amortizationSchedule({ principal: 1e9, annualRatePercent: 0.001, termYears: 1 }),
      refinanceBreakEven({ closingCosts: 1e9, monthlySavings: 0.01 }),
      debtToIncome({ grossMonthlyIncome: 0.01, otherMonthlyDebts: 1e9 }),
    ]) {
      expect(result.ok).toBe(true);
      expect(finite(result)).toBe(true);
    }
  });
});
