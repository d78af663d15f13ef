import { cents, checkAmount, invalid, type Calculation } from './calculation.ts';

export const BREAK_EVEN_RULE = 'rate-and-term-refinance-break-even';

export interface BreakEvenInputs {
  /** Total closing costs of the refinance (or the cost of points). */
  closingCosts: number;
  /** Monthly payment saved. */
  monthlySavings: number;
}

export interface BreakEven {
  /** Closing costs ÷ monthly savings, to one decimal. */
  months: number;
  /** The whole month in which savings have repaid the costs. */
  wholeMonths: number;
  years: number;
}

/** Break-even = costs ÷ monthly savings (corpus: $6,000 ÷ $149 ≈ 40 months). No savings → a reason, not Infinity. */
export function refinanceBreakEven(inputs: BreakEvenInputs, rule: string = BREAK_EVEN_RULE): Calculation<BreakEvenInputs, BreakEven> {
  const problem = checkAmount('closingCosts', inputs.closingCosts, { allowZero: true }) ?? checkAmount('monthlySavings', inputs.monthlySavings, { allowZero: true });
  if (problem) return problem;
  if (inputs.monthlySavings === 0) return invalid('monthlySavings', 'zero', 'With no monthly saving the costs are never recovered.');
  const exact = inputs.closingCosts / inputs.monthlySavings;
  return {
    ok: true,
    inputs: { ...inputs },
    result: { months: Math.round(exact * 10) / 10, wholeMonths: Math.ceil(exact - 1e-9), years: cents(exact / 12) },
    rule,
  };
}
