import { checkAmount, invalid, percentOf, type Calculation } from './calculation.ts';

export const LTV_RULE = 'loan-to-value-ratio';

export interface LoanToValueInputs {
  /** The first mortgage. */
  loanAmount: number;
  /** The lower of price and appraised value. */
  propertyValue: number;
  /** Other liens on the property (home equity loans, HELOC balances), for CLTV. */
  otherLiens?: readonly number[] | undefined;
}

export interface LoanToValue {
  ltvPercent: number;
  /** Present when other liens were given: all liens ÷ value. */
  cltvPercent?: number;
}

/** LTV = loan ÷ value; CLTV adds every lien (corpus: $270,000 on $300,000 = 90%; $300,000 of liens on $400,000 = 75%). */
export function loanToValue(inputs: LoanToValueInputs): Calculation<LoanToValueInputs, LoanToValue> {
  const problem =
    checkAmount('loanAmount', inputs.loanAmount) ??
    checkAmount('propertyValue', inputs.propertyValue) ??
    (inputs.otherLiens ?? []).map((lien) => checkAmount('otherLiens', lien)).find((found) => found !== undefined);
  if (problem) return problem;
  if (inputs.loanAmount > inputs.propertyValue * 2) return invalid('loanAmount', 'inconsistent', 'The loan is more than twice the property value, which no lender would make; check the figures.');
  const liens = inputs.otherLiens ?? [];
  return {
    ok: true,
    inputs: { ...inputs, ...(inputs.otherLiens ? { otherLiens: [...inputs.otherLiens] } : {}) },
    result: {
      ltvPercent: percentOf(inputs.loanAmount, inputs.propertyValue),
      ...(liens.length > 0 ? { cltvPercent: percentOf(inputs.loanAmount + liens.reduce((sum, lien) => sum + lien, 0), inputs.propertyValue) } : {}),
    },
    rule: LTV_RULE,
  };
}
