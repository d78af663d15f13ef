import { cents, checkAmount, checkRate, invalid, type Calculation } from './calculation.ts';

export const SCRA_RULE = 'servicemember-protections-scra-mla';

export interface ScraInputs {
  balance: number;
  ratePercent: number;
}

export interface ScraCap {
  /** Interest a year at the loan's rate, on the balance. */
  yearlyInterestNow: number;
  /** At the SCRA's 6%. */
  yearlyInterestCapped: number;
  /** Forgiven (not deferred) each year while on active duty. */
  yearlyForgiven: number;
}

/** The SCRA's 6% cap on debts from before active duty (the corpus's rule: interest above 6% is forgiven, not deferred). */
export function scraInterestCap(inputs: ScraInputs): Calculation<ScraInputs, ScraCap> {
  const problem = checkAmount('balance', inputs.balance) ?? checkRate('ratePercent', inputs.ratePercent);
  if (problem) return problem;
  if (inputs.ratePercent <= 6) return invalid('ratePercent', 'out-of-range', `At ${inputs.ratePercent}% the rate is already within the SCRA's 6% cap.`);
  const now = cents((inputs.balance * inputs.ratePercent) / 100);
  const capped = cents(inputs.balance * 0.06);
  return { ok: true, inputs: { ...inputs }, result: { yearlyInterestNow: now, yearlyInterestCapped: capped, yearlyForgiven: cents(now - capped) }, rule: SCRA_RULE };
}
