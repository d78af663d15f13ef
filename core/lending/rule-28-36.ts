import { cents, checkAmount, type Calculation } from './calculation.ts';

export const RULE_28_36 = 'budgeting-for-homeownership-28-36-rule';

export interface Rule2836Inputs {
  grossMonthlyIncome: number;
  /** Existing monthly debt payments, if known (they come out of the 36%). */
  monthlyDebts?: number | undefined;
}

export interface Rule2836 {
  /** 28% of gross monthly income. */
  housingMax: number;
  /** 36% of gross monthly income. */
  totalDebtMax: number;
  /** With existing debts: the housing payment that keeps both limits (the lower of 28% and 36% minus debts, not below 0). */
  housingMaxWithDebts?: number;
}

/** The 28/36 guideline (corpus: $7,500 a month → housing up to $2,100, all debts up to $2,700). */
export function rule2836(inputs: Rule2836Inputs): Calculation<Rule2836Inputs, Rule2836> {
  const problem = checkAmount('grossMonthlyIncome', inputs.grossMonthlyIncome) ?? (inputs.monthlyDebts === undefined ? undefined : checkAmount('monthlyDebts', inputs.monthlyDebts, { allowZero: true }));
  if (problem) return problem;
  const housingMax = cents(inputs.grossMonthlyIncome * 0.28);
  const totalDebtMax = cents(inputs.grossMonthlyIncome * 0.36);
  return {
    ok: true,
    inputs: { ...inputs },
    result: {
      housingMax,
      totalDebtMax,
      ...(inputs.monthlyDebts === undefined ? {} : { housingMaxWithDebts: cents(Math.max(0, Math.min(housingMax, totalDebtMax - inputs.monthlyDebts))) }),
    },
    rule: RULE_28_36,
  };
}
