import { cents, checkAmount, type Calculation } from './calculation.ts';

export const USDA_RULE = 'usda-guaranteed-rural-loans';
/** As of 2025 (corpus): upfront guarantee fee 1% of the loan, annual fee 0.35% of the outstanding balance, collected monthly. */
export const USDA_UPFRONT_PERCENT = 1;
export const USDA_ANNUAL_PERCENT = 0.35;

export interface UsdaGuaranteeFeeInputs {
  loanAmount: number;
}

export interface UsdaGuaranteeFee {
  upfrontFee: number;
  /** The annual fee on the starting balance (it falls as the balance is paid down). */
  firstYearAnnualFee: number;
  monthlyFee: number;
}

/** USDA's guarantee fees on a loan amount: 1% upfront (can be financed) and 0.35% a year of the balance, paid monthly. */
export function usdaGuaranteeFee(inputs: UsdaGuaranteeFeeInputs): Calculation<UsdaGuaranteeFeeInputs, UsdaGuaranteeFee> {
  const problem = checkAmount('loanAmount', inputs.loanAmount);
  if (problem) return problem;
  const firstYearAnnualFee = cents((inputs.loanAmount * USDA_ANNUAL_PERCENT) / 100);
  return {
    ok: true,
    inputs: { ...inputs },
    result: { upfrontFee: cents((inputs.loanAmount * USDA_UPFRONT_PERCENT) / 100), firstYearAnnualFee, monthlyFee: cents(firstYearAnnualFee / 12) },
    rule: USDA_RULE,
  };
}
