import { cents, checkAmount, checkPercent, checkTermYears, invalid, type Calculation } from './calculation.ts';

export const FHA_RULE = 'fha-loans-credit-down-payment-mip';
export const FHA_UPFRONT_PERCENT = 1.75;
/** The annual rates the corpus states apply to base loans up to this amount with terms over 15 years. */
export const FHA_ANNUAL_RATE_MAX_LOAN = 726_200;

export interface FhaMortgageInsuranceInputs {
  baseLoanAmount: number;
  /** Down payment as a percent of the price. */
  downPaymentPercent: number;
  /** Loan term in years (default 30). */
  termYears?: number | undefined;
}

export interface FhaMortgageInsurance {
  /** 1.75% of the base loan. */
  upfrontPremium: number;
  /** Annual MIP rate in percent: 0.55 under 5% down, 0.50 with 5% or more. */
  annualRatePercent: number;
  /** First-year annual premium (base loan × rate) and its monthly share. */
  annualPremium: number;
  monthlyPremium: number;
  /** 'life of loan' under 10% down, else 11 years. */
  duration: 'life of loan' | '11 years';
}

/**
 * FHA's upfront (1.75%) and annual MIP as the corpus states them for terms over 15 years and base
 * loans up to $726,200 (corpus: $193,000 → $3,377.50 upfront). Other loans use rates the corpus
 * does not state: refused with 'not-stated' rather than guessed.
 */
export function fhaMortgageInsurance(inputs: FhaMortgageInsuranceInputs): Calculation<FhaMortgageInsuranceInputs, FhaMortgageInsurance> {
  const termYears = inputs.termYears ?? 30;
  const problem = checkAmount('baseLoanAmount', inputs.baseLoanAmount) ?? checkPercent('downPaymentPercent', inputs.downPaymentPercent) ?? checkTermYears('termYears', termYears);
  if (problem) return problem;
  if (termYears <= 15 || inputs.baseLoanAmount > FHA_ANNUAL_RATE_MAX_LOAN) {
    return invalid('fhaMortgageInsurance', 'not-stated', 'The guide states FHA annual premiums only for terms over 15 years and base loans up to $726,200.');
  }
  const annualRatePercent = inputs.downPaymentPercent < 5 ? 0.55 : 0.5;
  const annualPremium = cents((inputs.baseLoanAmount * annualRatePercent) / 100);
  return {
    ok: true,
    inputs: { ...inputs, termYears },
    result: {
      upfrontPremium: cents((inputs.baseLoanAmount * FHA_UPFRONT_PERCENT) / 100),
      annualRatePercent,
      annualPremium,
      monthlyPremium: cents(annualPremium / 12),
      duration: inputs.downPaymentPercent < 10 ? 'life of loan' : '11 years',
    },
    rule: FHA_RULE,
  };
}

export interface FhaMinimumDownPayment {
  eligible: boolean;
  /** Minimum down payment in percent (3.5 at 580+, 10 at 500–579); absent when not eligible. */
  minimumPercent?: number;
  minimumAmount?: number;
  baseLoanAmount?: number;
}

/** FHA's credit-score tiers: 580+ → 3.5% down, 500–579 → 10%, below 500 not eligible. */
export function fhaMinimumDownPayment(inputs: { price: number; creditScore: number }): Calculation<{ price: number; creditScore: number }, FhaMinimumDownPayment> {
  const problem = checkAmount('price', inputs.price);
  if (problem) return problem;
  if (!Number.isInteger(inputs.creditScore) || inputs.creditScore < 300 || inputs.creditScore > 850) return invalid('creditScore', 'out-of-range', 'A credit score runs from 300 to 850.');
  if (inputs.creditScore < 500) return { ok: true, inputs: { ...inputs }, result: { eligible: false }, rule: FHA_RULE };
  const minimumPercent = inputs.creditScore >= 580 ? 3.5 : 10;
  const minimumAmount = cents((inputs.price * minimumPercent) / 100);
  return { ok: true, inputs: { ...inputs }, result: { eligible: true, minimumPercent, minimumAmount, baseLoanAmount: cents(inputs.price - minimumAmount) }, rule: FHA_RULE };
}
