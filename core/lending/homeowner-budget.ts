import { cents, checkAmount, invalid, yearlyRange, type Calculation, type YearlyRange } from './calculation.ts';

export const BUDGET_RULE = 'budgeting-for-homeownership-28-36-rule';
export const SELF_EMPLOYED_RULE = 'self-employed-borrower-documentation';

/** Maintenance and repairs (the corpus's rule: commonly 1% to 4% of the home's value per year, more for older homes). */
export function maintenanceBudget(inputs: { homeValue: number }): Calculation<{ homeValue: number }, YearlyRange> {
  return yearlyRange('homeValue', inputs, 0.01, 0.04, BUDGET_RULE);
}

export interface SelfEmployedIncome {
  /** The two years' average, per year and per month. */
  yearlyAverage: number;
  monthlyAverage: number;
  /** Income fell: the lender may use the lower recent figure instead. */
  falling: boolean;
  recentMonthly: number;
}

/** A self-employed borrower's qualifying income (the corpus's rule: usually averaged over two years; if falling, the lender may use the lower recent figure). */
export function selfEmployedIncome(inputs: { earlierYear: number; recentYear: number }): Calculation<{ earlierYear: number; recentYear: number }, SelfEmployedIncome> {
  const problem = checkAmount('earlierYear', inputs.earlierYear, { allowZero: true }) ?? checkAmount('recentYear', inputs.recentYear, { allowZero: true });
  if (problem) return problem;
  if (inputs.earlierYear + inputs.recentYear === 0) return invalid('recentYear', 'zero', 'Two years of no income average to nothing to qualify with.');
  const yearlyAverage = cents((inputs.earlierYear + inputs.recentYear) / 2);
  return {
    ok: true,
    inputs: { ...inputs },
    result: { yearlyAverage, monthlyAverage: cents(yearlyAverage / 12), falling: inputs.recentYear < inputs.earlierYear, recentMonthly: cents(inputs.recentYear / 12) },
    rule: SELF_EMPLOYED_RULE,
  };
}
