import { cents, checkAmount, checkPercent, invalid, type Calculation } from './calculation.ts';

export const VA_RULE = 'va-loans-eligibility-funding-fee';

export interface VaFundingFeeInputs {
  loanAmount: number;
  /** Down payment as a percent of the price (not used for an IRRRL). */
  downPaymentPercent: number;
  /** A purchase's first or later use, or an Interest Rate Reduction Refinance Loan (streamline). */
  use: 'first' | 'subsequent' | 'irrrl';
}

export interface VaFundingFee {
  ratePercent: number;
  fee: number;
}

/**
 * The VA purchase funding fee the corpus states: first use 2.15% under 5% down, 1.5% at 5% to
 * under 10%, 1.25% at 10% or more; subsequent use 3.3% under 5% down. Subsequent use with 5% or
 * more down is not stated in the corpus, so it is refused ('not-stated'), never guessed. An
 * Interest Rate Reduction Refinance Loan (IRRRL, "VA streamline") carries 0.5% whatever the equity.
 */
export function vaFundingFee(inputs: VaFundingFeeInputs): Calculation<VaFundingFeeInputs, VaFundingFee> {
  const problem = checkAmount('loanAmount', inputs.loanAmount) ?? checkPercent('downPaymentPercent', inputs.downPaymentPercent);
  if (problem) return problem;
  let ratePercent: number;
  if (inputs.use === 'irrrl') ratePercent = 0.5;
  else if (inputs.use === 'first') ratePercent = inputs.downPaymentPercent < 5 ? 2.15 : inputs.downPaymentPercent < 10 ? 1.5 : 1.25;
  else if (inputs.downPaymentPercent < 5) ratePercent = 3.3;
  else return invalid('vaFundingFee', 'not-stated', 'The guide does not state the VA funding fee for a later use with 5% or more down.');
  return { ok: true, inputs: { ...inputs }, result: { ratePercent, fee: cents((inputs.loanAmount * ratePercent) / 100) }, rule: VA_RULE };
}
