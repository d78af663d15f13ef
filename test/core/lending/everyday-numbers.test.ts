import { describe, expect, it } from 'vitest';
import { armAdjustedRate } from '../../../core/lending/arm-rate-caps.ts';
import { jumboReserves } from '../../../core/lending/cash-reserves.ts';
import { consolidationRate } from '../../../core/lending/consolidation-rate.ts';
import { utilizationTargets } from '../../../core/lending/credit-utilization.ts';
import { escrowCushion } from '../../../core/lending/escrow-cushion.ts';
import { pmiCostRange } from '../../../core/lending/pmi-cancellation.ts';
import { hecmHeirsPayoff, hecmUpfrontPremium } from '../../../core/lending/reverse-mortgage-costs.ts';
import { scraInterestCap } from '../../../core/lending/service-member-rates.ts';
import { waitingPeriods } from '../../../core/lending/waiting-periods.ts';
import { condoDelinquencyLimit } from '../../../core/lending/condo-approval.ts';
import { closingCostRange, originationFeeProceeds, qmPointsAndFeesCap, thirdPartyFeeTolerance } from '../../../core/lending/loan-fees.ts';
import { earnestMoney, giftTaxFiling } from '../../../core/lending/purchase-money.ts';
import { maintenanceBudget, selfEmployedIncome } from '../../../core/lending/homeowner-budget.ts';
import { readFigures } from '../../../core/lending/read-figures.ts';
import { balanceTransferCost, paydayLoanCost } from '../../../core/lending/short-term-credit-costs.ts';
import { studentLoanQualifyingPayment, vaStudentLoanPayment } from '../../../core/lending/student-loan-payment.ts';
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

  it('an origination fee comes out of the proceeds (the corpus: $10,000 with a 5% fee → $9,500 received, $10,000 repaid)', () => {
    expect(originationFeeProceeds({ loanAmount: 10_000, feePercent: 5 })).toMatchObject({ ok: true, result: { fee: 500, received: 9_500, repaid: 10_000 }, rule: 'personal-loans' });
  });

  it('closing costs at 2% to 5% of the loan, the cushion at one-sixth of the escrowed bills, jumbo reserves at six to twelve months', () => {
    expect(closingCostRange({ loanAmount: 380_000 })).toMatchObject({ ok: true, result: { low: 7_600, high: 19_000 }, rule: 'closing-costs-loan-estimate-closing-disclosure' });
    expect(escrowCushion({ yearlyBills: [5_400, 1_800] })).toMatchObject({ ok: true, result: { yearlyDisbursements: 7_200, maxCushion: 1_200, monthlyDeposit: 600 }, rule: 'escrow-property-taxes-homeowners-insurance' });
    expect(jumboReserves({ monthlyPayment: 5_200 })).toMatchObject({ ok: true, result: { low: 31_200, high: 62_400 }, rule: 'jumbo-loans' });
  });

  it('utilization under 30% (the guideline) and 10% (top scores) of the limits, and the share balances use', () => {
    expect(utilizationTargets({ totalLimits: 12_000 })).toEqual(expect.objectContaining({ ok: true, result: { guideline: 3_600, topScores: 1_200 } }));
    expect(utilizationTargets({ totalLimits: 12_000, balances: 5_000 })).toMatchObject({ ok: true, result: { currentPercent: 41.67 } });
  });

  it('a VA lender counts the higher of the reported payment and 5% of the balance over 12', () => {
    expect(vaStudentLoanPayment({ balance: 48_000, reportedPayment: 90 })).toMatchObject({ ok: true, result: { fivePercentMonthly: 200, counted: 200 } });
    expect(vaStudentLoanPayment({ balance: 48_000, reportedPayment: 350 })).toMatchObject({ ok: true, result: { counted: 350 } });
  });

  it('an ARM adjusts to index plus margin, held within the first cap either way (the corpus: 4.3% + 2.75% = 7.05%)', () => {
    expect(armAdjustedRate({ indexPercent: 4.3, marginPercent: 2.75 })).toMatchObject({ ok: true, result: { fullyIndexedPercent: 7.05, newRatePercent: 7.05, capped: false } });
    expect(armAdjustedRate({ startRatePercent: 4, indexPercent: 5.1, marginPercent: 2.75, firstCap: 2 })).toMatchObject({ ok: true, result: { fullyIndexedPercent: 7.85, newRatePercent: 6, capped: true } });
    // A cap limits a fall too.
    expect(armAdjustedRate({ startRatePercent: 7, indexPercent: 1, marginPercent: 2, firstCap: 2 })).toMatchObject({ ok: true, result: { newRatePercent: 5, capped: true } });
  });

  it('PMI at 0.3% to 1.5% of the loan a year (the corpus: 0.5% of $300,000 is $1,500 a year, $125 a month)', () => {
    expect(pmiCostRange({ loanAmount: 300_000 })).toMatchObject({ ok: true, result: { yearlyLow: 900, yearlyHigh: 4_500, monthlyLow: 75, monthlyHigh: 375 }, rule: 'private-mortgage-insurance-pmi' });
  });

  it('waiting periods after a bankruptcy or foreclosure, by program, with the shorter wait for extenuating circumstances', () => {
    expect(waitingPeriods({ event: 'chapter-7', year: 2023, month: 3 })).toMatchObject({
      ok: true,
      result: {
        waits: [
          { program: 'conventional', years: 4, eligibleYear: 2027, extenuatingYears: 2, extenuatingYear: 2025 },
          { program: 'fha', years: 2, eligibleYear: 2025 },
          { program: 'va', years: 2, eligibleYear: 2025 },
          { program: 'usda', years: 3, eligibleYear: 2026 },
        ],
      },
      rule: 'bankruptcy-foreclosure-mortgage-waiting-periods',
    });
    expect(waitingPeriods({ event: 'foreclosure', year: 2022, programs: ['fha'] })).toMatchObject({ ok: true, result: { waits: [{ program: 'fha', years: 3, eligibleYear: 2025 }] } });
  });

  it('the SCRA forgives interest above 6%, and a HECM’s upfront premium is 2% of the value up to the limit', () => {
    expect(scraInterestCap({ balance: 20_000, ratePercent: 9 })).toMatchObject({ ok: true, result: { yearlyInterestNow: 1_800, yearlyInterestCapped: 1_200, yearlyForgiven: 600 }, rule: 'servicemember-protections-scra-mla' });
    expect(hecmUpfrontPremium({ homeValue: 400_000 })).toMatchObject({ ok: true, result: { maximumClaim: 400_000, upfrontPremium: 8_000 }, rule: 'reverse-mortgages-hecm-basics' });
    expect(hecmUpfrontPremium({ homeValue: 2_000_000 })).toMatchObject({ ok: true, result: { maximumClaim: 1_209_750, upfrontPremium: 24_195 } });
  });

  it('purchase rules: earnest money 1–3%, a gift against the $19,000 exclusion, the 10% fee tolerance, the QM 3% cap, 15% of condo units, a HECM payoff at 95%', () => {
    expect(earnestMoney({ price: 380_000 })).toMatchObject({ ok: true, result: { low: 3_800, high: 11_400 }, rule: 'first-time-homebuyer-steps' });
    expect(giftTaxFiling({ gift: 25_000 })).toMatchObject({ ok: true, result: { overExclusion: 6_000, form709: true }, rule: 'gift-funds-down-payment' });
    expect(giftTaxFiling({ gift: 15_000 })).toMatchObject({ ok: true, result: { overExclusion: 0, form709: false } });
    expect(thirdPartyFeeTolerance({ estimated: 2_400 })).toMatchObject({ ok: true, result: { maxAtClosing: 2_640, increase: 240 }, rule: 'closing-costs-loan-estimate-closing-disclosure' });
    expect(qmPointsAndFeesCap({ loanAmount: 400_000 })).toMatchObject({ ok: true, result: { cap: 12_000 }, rule: 'ability-to-repay-and-qualified-mortgages' });
    expect(condoDelinquencyLimit({ units: 120 })).toMatchObject({ ok: true, result: { maxDelinquentUnits: 18 }, rule: 'condo-loans-project-approval' });
    expect(hecmHeirsPayoff({ balance: 300_000, appraisedValue: 280_000 })).toMatchObject({ ok: true, result: { ninetyFivePercent: 266_000, payoff: 266_000 } });
    expect(hecmHeirsPayoff({ balance: 200_000, appraisedValue: 280_000 })).toMatchObject({ ok: true, result: { payoff: 200_000 } });
  });

  it('bad and extreme inputs give a typed reason', () => {
    expect(originationFeeProceeds({ loanAmount: 10_000, feePercent: 40 })).toMatchObject({ ok: false, field: 'feePercent' });
    expect(originationFeeProceeds({ loanAmount: -1, feePercent: 5 })).toMatchObject({ ok: false, reason: 'negative' });
    expect(closingCostRange({ loanAmount: Number.NaN })).toMatchObject({ ok: false, reason: 'not-a-number' });
    expect(escrowCushion({ yearlyBills: [] })).toMatchObject({ ok: false, reason: 'not-stated' });
    expect(escrowCushion({ yearlyBills: [5_400, -10] })).toMatchObject({ ok: false, reason: 'negative' });
    expect(jumboReserves({ monthlyPayment: 0 })).toMatchObject({ ok: false, reason: 'zero' });
    expect(utilizationTargets({ totalLimits: 2e12 })).toMatchObject({ ok: false, reason: 'too-large' });
    expect(vaStudentLoanPayment({ balance: 48_000, reportedPayment: -5 })).toMatchObject({ ok: false, field: 'reportedPayment' });
    expect(armAdjustedRate({ indexPercent: 4, marginPercent: 2, firstCap: 2 })).toMatchObject({ ok: false, reason: 'not-stated' });
    expect(armAdjustedRate({ startRatePercent: 5, indexPercent: 45, marginPercent: 2 })).toMatchObject({ ok: false, field: 'indexPercent' });
    expect(armAdjustedRate({ startRatePercent: 5, indexPercent: 4, marginPercent: 2, firstCap: 0 })).toMatchObject({ ok: false, field: 'firstCap' });
    expect(pmiCostRange({ loanAmount: 0 })).toMatchObject({ ok: false, reason: 'zero' });
    expect(waitingPeriods({ event: 'chapter-7', year: 1800 })).toMatchObject({ ok: false, field: 'year' });
    expect(waitingPeriods({ event: 'chapter-7', year: 2023, month: 13 })).toMatchObject({ ok: false, field: 'month' });
    expect(waitingPeriods({ event: 'short-sale', year: 2023, programs: ['fha'] })).toMatchObject({ ok: false, reason: 'not-stated' });
    expect(scraInterestCap({ balance: 20_000, ratePercent: 5 })).toMatchObject({ ok: false, field: 'ratePercent' });
    expect(scraInterestCap({ balance: 20_000, ratePercent: 95 })).toMatchObject({ ok: false, field: 'ratePercent' });
    expect(hecmUpfrontPremium({ homeValue: -1 })).toMatchObject({ ok: false, reason: 'negative' });
    expect(earnestMoney({ price: 0 })).toMatchObject({ ok: false, reason: 'zero' });
    expect(giftTaxFiling({ gift: Number.NaN })).toMatchObject({ ok: false, reason: 'not-a-number' });
    expect(thirdPartyFeeTolerance({ estimated: -5 })).toMatchObject({ ok: false, reason: 'negative' });
    expect(qmPointsAndFeesCap({ loanAmount: 5e9 })).toMatchObject({ ok: false, reason: 'too-large' });
    expect(condoDelinquencyLimit({ units: 0 })).toMatchObject({ ok: false, field: 'units' });
    expect(condoDelinquencyLimit({ units: 12.5 })).toMatchObject({ ok: false, field: 'units' });
    expect(hecmHeirsPayoff({ balance: 300_000, appraisedValue: 0 })).toMatchObject({ ok: false, field: 'appraisedValue' });
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
    [
      "Approved for a $20,000 personal loan but there's a 6% origination fee that comes out of the money. How much lands in my account?",
      'A 6% origination fee on $20,000 is $1,200; taken from the proceeds, you receive $18,800 but repay the full $20,000 plus interest.',
    ],
    [
      'our loan amount is gonna be $380,000. roughly how much cash should we plan on for closing costs?',
      'At the typical 2% to 5% of the loan amount, closing costs on a $380,000 loan come to about $7,600 to $19,000, not counting the down payment.',
    ],
    [
      'I have four cards with $12,000 in total limits. What balance keeps me under the usual utilization guideline?',
      'With $12,000 in total limits, staying under the common 30% guideline means balances below $3,600; people with top scores often use less than 10%, under $1,200.',
    ],
    [
      'Applying for a VA loan. I owe $48,000 on student loans and my income-driven payment on the credit report is $90 a month (not deferred). What payment will they count?',
      'A VA lender compares your reported $90 payment with 5% of the $48,000 balance divided by 12 ($200 a month) and generally counts the higher, $200 a month, unless documentation supports the lower one.',
    ],
    [
      "My property taxes are $5,400 a year and homeowners insurance is $1,800. What's the most my servicer can keep as a cushion in escrow?",
      "$5,400 + $1,800 = $7,200 a year paid from escrow ($600 a month); the servicer's cushion can be no more than one-sixth of that, $1,200, about two months of deposits.",
    ],
    [
      'The jumbo loan we want would have a payment of about $5,200 a month. How much in reserves will lenders want?',
      'Six to twelve months of a $5,200 monthly payment is $31,200 to $62,400 left in savings or retirement accounts after closing.',
    ],
    ['If the index is 4.3% and the margin is 2.75%, what will my ARM rate be?', "The index (4.3%) plus the margin (2.75%) is a fully indexed rate of 7.05%, subject to the loan's caps."],
    ['How much will PMI cost on a $300,000 loan?', 'At the typical 0.3% to 1.5% of the loan a year, PMI on a $300,000 loan costs about $900 to $4,500 a year ($75 to $375 a month), depending mainly on credit score, LTV and DTI.'],
    ['My Chapter 7 was discharged in March 2023. When can I get an FHA loan?', 'After a Chapter 7 discharge in March 2023, the usual waits end: FHA from March 2025 (2 years).'],
    [
      'We lost our house to foreclosure in 2022. When can we get a mortgage again?',
      'After a foreclosure in 2022, the usual waits end: conventional from 2029 (7 years), or 2025 (3 years) with documented extenuating circumstances; FHA from 2025 (3 years); VA from 2024 (2 years); USDA from 2025 (3 years).',
    ],
    [
      'I have a $20,000 car loan at 9% from before I went on active duty. What does the SCRA do for me?',
      "On $20,000 at 9% from before active duty, the SCRA's 6% cap cuts a year's interest from about $1,800 to $1,200: about $600 a year forgiven, not deferred, with the payment lowered to match.",
    ],
    ['We are making an offer of $380,000 on a house. How much earnest money should we expect to put down?', 'Earnest money is often 1% to 3% of the price: $3,800 to $11,400 on a $380,000 offer.'],
    [
      'My mother wants to give me $25,000 toward a down payment in 2025. How much is over the annual gift tax exclusion?',
      'A $25,000 gift is $6,000 over the $19,000 annual exclusion (2025), so the giver files IRS Form 709; tax is rarely owed, because it counts against a large lifetime exemption.',
    ],
    [
      'My Loan Estimate showed $2,400 in third-party fees from providers the lender chose. What is the most those fees can add up to at closing?',
      'Third-party fees from providers the lender selected can rise no more than 10% in total: $2,400 on the Loan Estimate can reach at most $2,640 at closing ($240 more).',
    ],
    [
      'I am getting a $400,000 qualified mortgage. What is the most the lender can generally charge me in points and fees?',
      'On a $400,000 qualified mortgage, points and fees are generally capped at 3% of the loan, $12,000 (smaller loans have higher percentage limits).',
    ],
    [
      'The condo building we like has 120 units. How many units can be 60 or more days behind on HOA dues?',
      'At the usual limit of 15% of units 60 or more days behind on HOA dues, a 120-unit building can have at most 18 such units.',
    ],
    [
      "My late father's reverse mortgage balance is $300,000, and the house appraised at $280,000. How much would we have to pay to keep the house?",
      'Heirs keep the home by paying the lesser of the $300,000 balance and 95% of the $280,000 appraised value ($266,000): $266,000.',
    ],
    [
      'My home is worth $400,000. What would the upfront mortgage insurance on a reverse mortgage be?',
      "The upfront mortgage insurance premium is 2% of the maximum claim amount (the home's value, up to $1,209,750): $400,000 gives $8,000.",
    ],
  ])('%s', (question, expected) => {
    expect(texts(question)).toEqual([expected]);
    expect(workOutNumbers(question).problems).toEqual([]);
  });

  it('an ARM question with caps, index and margin gets both the ceilings and the new rate, the cap holding it', () => {
    expect(texts('My ARM started at 4% with 2/1/5 caps; the index is 5.1% and my margin 2.75%. New rate?')).toEqual([
      'Starting at 4% with 2/1/5 caps, the rate can be at most 6% after the first adjustment, rise at most 1 point at each later one, and never exceed 9%.',
      'The index (5.1%) plus the margin (2.75%) is a fully indexed rate of 7.85%, but the 2-point first-adjustment cap holds the new rate to 6% (from 4%).',
    ]);
  });

  it('works out none of them from a question that only names the subject', () => {
    for (const question of [
      'How do payday loans work?', 'Should I consolidate my student loans?', 'What is a balance transfer card?', 'How much does home maintenance cost?',
      'How much are closing costs?', 'What is an escrow cushion?', 'How much in reserves do jumbo lenders want?', 'What is credit utilization?',
      'My quote shows a 1% origination point on a $300,000 loan. Does it lower my rate?',
      'How long does a Chapter 7 bankruptcy stay on my credit report?', 'When can I drop PMI on my $300,000 loan?',
      'How much earnest money do people usually put down?', 'Can my parents gift me money for a down payment?', 'What is a condo HOA?',
    ]) {
      expect(workOutNumbers(question).figures).toEqual([]);
    }
  });

  it('reads a large amount "in" a debt as a balance owed, a small one in a list of payments as a payment', () => {
    expect(readFigures('I have $45,000 in student loans.').figures.map((figure) => figure.role)).toEqual(['amount']);
    expect(readFigures('I pay $350 for my car and $250 in student loans.').figures.map((figure) => figure.role)).toEqual(['monthlyDebt', 'monthlyDebt']);
  });
});
