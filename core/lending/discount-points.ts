import { cents, checkAmount, invalid, type Calculation } from './calculation.ts';
import { refinanceBreakEven, type BreakEven } from './refinance-break-even.ts';

export const POINTS_RULE = 'discount-points-and-lender-credits';
/** More points than this is refused as implausible. */
export const MAX_POINTS = 10;

export interface DiscountPointsInputs {
  loanAmount: number;
  points: number;
  /** Monthly payment saved by the lower rate, for the break-even. */
  monthlySavings?: number | undefined;
}

export interface DiscountPoints {
  /** points × 1% of the loan. */
  cost: number;
  breakEven?: BreakEven;
}

/** One point = 1% of the loan amount; break-even = cost ÷ monthly savings (corpus: $3,000 ÷ $50 = 60 months). */
export function discountPoints(inputs: DiscountPointsInputs): Calculation<DiscountPointsInputs, DiscountPoints> {
  const problem = checkAmount('loanAmount', inputs.loanAmount) ?? checkAmount('points', inputs.points);
  if (problem) return problem;
  if (inputs.points > MAX_POINTS) return invalid('points', 'out-of-range', `${inputs.points} points is implausible (above ${MAX_POINTS}).`);
  const cost = cents((inputs.loanAmount * inputs.points) / 100);
  let breakEven: BreakEven | undefined;
  if (inputs.monthlySavings !== undefined) {
    const computed = refinanceBreakEven({ closingCosts: cost, monthlySavings: inputs.monthlySavings }, POINTS_RULE);
    if (!computed.ok) return computed;
    breakEven = computed.result;
  }
  return { ok: true, inputs: { ...inputs }, result: { cost, ...(breakEven ? { breakEven } : {}) }, rule: POINTS_RULE };
}
