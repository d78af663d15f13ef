import { cents, checkAmount, type Calculation } from './calculation.ts';

export const USDA_RULE = 'usda-guaranteed-rural-loans';
/** As of 2025 (corpus): upfront guarantee fee 1% of the loan, annual fee 0.35% of the outstanding balance, collected monthly. */
export const USDA_UPFRONT_PERCENT = 1;
export const USDA_ANNUAL_PERCENT = 0.35;

export interface UsdaGuaranteeFeeInputs {
  /** The base loan, before any financed fee. */
  loanAmount: number;
  /** The upfront fee is added to the loan, so the annual fee is charged on the larger balance. */
  financeUpfront?: boolean;
}

export interface UsdaGuaranteeFee {
  upfrontFee: number;
  /** The starting balance: the base loan, plus the upfront fee when it is financed. */
  totalLoan: number;
  /** The annual fee on the starting balance (it falls as the balance is paid down). */
  firstYearAnnualFee: number;
  monthlyFee: number;
}

/**
 * USDA's guarantee fees on a loan amount: 1% upfront (can be financed) and 0.35% a year of the
 * outstanding balance, paid monthly — on the base loan plus the upfront fee when it is financed.
 */
export function usdaGuaranteeFee(inputs: UsdaGuaranteeFeeInputs): Calculation<UsdaGuaranteeFeeInputs, UsdaGuaranteeFee> {
  const problem = checkAmount('loanAmount', inputs.loanAmount);
  if (problem) return problem;
  const upfrontFee = cents((inputs.loanAmount * USDA_UPFRONT_PERCENT) / 100);
  const totalLoan = inputs.financeUpfront === true ? cents(inputs.loanAmount + upfrontFee) : inputs.loanAmount;
  const firstYearAnnualFee = cents((totalLoan * USDA_ANNUAL_PERCENT) / 100);
  return {
    ok: true,
    inputs: { ...inputs },
    result: { upfrontFee, totalLoan, firstYearAnnualFee, monthlyFee: cents(firstYearAnnualFee / 12) },
    rule: USDA_RULE,
  };
}
