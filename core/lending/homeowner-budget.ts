import { cents, checkAmount, invalid, type Calculation } from './calculation.ts';

export const BUDGET_RULE = 'budgeting-for-homeownership-28-36-rule';
export const SELF_EMPLOYED_RULE = 'self-employed-borrower-documentation';

export interface MaintenanceBudget {
  /** 1% and 4% of the home's value per year. */
  yearlyLow: number;
  yearlyHigh: number;
  monthlyLow: number;
  monthlyHigh: number;
}

/** Maintenance and repairs (the corpus's rule: commonly 1% to 4% of the home's value per year, more for older homes). */
export function maintenanceBudget(inputs: { homeValue: number }): Calculation<{ homeValue: number }, MaintenanceBudget> {
  const problem = checkAmount('homeValue', inputs.homeValue);
  if (problem) return problem;
  const yearlyLow = cents(inputs.homeValue / 100);
  const yearlyHigh = cents((inputs.homeValue * 4) / 100);
  return { ok: true, inputs: { ...inputs }, result: { yearlyLow, yearlyHigh, monthlyLow: cents(yearlyLow / 12), monthlyHigh: cents(yearlyHigh / 12) }, rule: BUDGET_RULE };
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
