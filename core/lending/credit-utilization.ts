import { cents, checkAmount, type Calculation } from './calculation.ts';

export const UTILIZATION_RULE = 'improving-credit-before-applying';

export interface UtilizationInputs {
  /** Total revolving credit limits. */
  totalLimits: number;
  /** Balances now, when given: the utilization they make. */
  balances?: number | undefined;
}

export interface UtilizationTargets {
  /** Below 30% of the limits: the common guideline. */
  guideline: number;
  /** Below 10%: where people with top scores often are. */
  topScores: number;
  /** The balances' share of the limits, in percent, when balances were given. */
  currentPercent?: number;
}

/**
 * Balances that keep credit card utilization under the corpus's guideline ("Staying under 30% is a
 * common guideline, and people with top scores often use less than 10%").
 */
export function utilizationTargets(inputs: UtilizationInputs): Calculation<UtilizationInputs, UtilizationTargets> {
  const problem = checkAmount('totalLimits', inputs.totalLimits) ?? (inputs.balances === undefined ? undefined : checkAmount('balances', inputs.balances, { allowZero: true }));
  if (problem) return problem;
  const current = inputs.balances === undefined ? undefined : Math.round((inputs.balances / inputs.totalLimits) * 10_000) / 100;
  return {
    ok: true,
    inputs: { ...inputs },
    result: { guideline: cents(inputs.totalLimits * 0.3), topScores: cents(inputs.totalLimits * 0.1), ...(current === undefined ? {} : { currentPercent: current }) },
    rule: UTILIZATION_RULE,
  };
}
