import { cents, checkAmount, type Calculation } from './calculation.ts';

export const JUMBO_RULE = 'jumbo-loans';

export interface ReserveRange {
  /** Six months of payments. */
  low: number;
  /** Twelve months of payments. */
  high: number;
}

/** Jumbo cash reserves: the corpus's six to twelve months of mortgage payments left after closing. */
export function jumboReserves(inputs: { monthlyPayment: number }): Calculation<{ monthlyPayment: number }, ReserveRange> {
  const problem = checkAmount('monthlyPayment', inputs.monthlyPayment);
  if (problem) return problem;
  return { ok: true, inputs: { ...inputs }, result: { low: cents(inputs.monthlyPayment * 6), high: cents(inputs.monthlyPayment * 12) }, rule: JUMBO_RULE };
}
