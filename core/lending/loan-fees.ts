import { amountRange, cents, checkAmount, ofAmount, checkPercent, invalid, type AmountRange, type Calculation } from './calculation.ts';

export const PERSONAL_LOAN_RULE = 'personal-loans';
export const CLOSING_COSTS_RULE = 'closing-costs-loan-estimate-closing-disclosure';

export interface OriginationFeeInputs {
  loanAmount: number;
  feePercent: number;
}

export interface OriginationFeeProceeds {
  fee: number;
  /** What the borrower receives: the loan less the fee. */
  received: number;
  /** What the borrower repays, before interest: the whole loan. */
  repaid: number;
}

/** The corpus's personal-loan origination fees run from about 1% to 10%; above this is refused as implausible. */
const MAX_ORIGINATION_FEE_PERCENT = 15;

/**
 * An origination fee deducted from a loan's proceeds (the corpus's rule: "borrow $10,000 with a 5%
 * fee and you receive $9,500 but repay the full $10,000 plus interest").
 */
export function originationFeeProceeds(inputs: OriginationFeeInputs): Calculation<OriginationFeeInputs, OriginationFeeProceeds> {
  const problem = checkAmount('loanAmount', inputs.loanAmount) ?? checkPercent('feePercent', inputs.feePercent);
  if (problem) return problem;
  if (inputs.feePercent > MAX_ORIGINATION_FEE_PERCENT) {
    return invalid('feePercent', 'out-of-range', `An origination fee of ${inputs.feePercent}% is implausible (the usual range is about 1% to 10%).`);
  }
  const fee = cents((inputs.loanAmount * inputs.feePercent) / 100);
  return { ok: true, inputs: { ...inputs }, result: { fee, received: cents(inputs.loanAmount - fee), repaid: inputs.loanAmount }, rule: PERSONAL_LOAN_RULE };
}

/** Closing costs at the corpus's typical 2% to 5% of the loan amount, not counting the down payment. */
export function closingCostRange(inputs: { loanAmount: number }): Calculation<{ loanAmount: number }, AmountRange> {
  return amountRange('loanAmount', inputs, 0.02, 0.05, CLOSING_COSTS_RULE);
}

export const QM_RULE = 'ability-to-repay-and-qualified-mortgages';

export interface FeeTolerance {
  /** The estimate plus 10%: the most those fees may total at closing. */
  maxAtClosing: number;
  increase: number;
}

/**
 * The 10% cumulative tolerance on third-party fees from providers the lender selected (the
 * corpus's rule: such fees "can rise no more than 10% in total").
 */
export function thirdPartyFeeTolerance(inputs: { estimated: number }): Calculation<{ estimated: number }, FeeTolerance> {
  return ofAmount(
    'estimated',
    inputs,
    (estimated) => {
      const increase = cents(estimated * 0.1);
      return { maxAtClosing: cents(estimated + increase), increase };
    },
    CLOSING_COSTS_RULE,
  );
}

/** A qualified mortgage's cap on points and fees for larger loans (the corpus's rule: generally 3% of the loan amount). */
export function qmPointsAndFeesCap(inputs: { loanAmount: number }): Calculation<{ loanAmount: number }, { cap: number }> {
  return ofAmount('loanAmount', inputs, (loanAmount) => ({ cap: cents(loanAmount * 0.03) }), QM_RULE);
}
