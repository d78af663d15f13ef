import { amountRange, type AmountRange, type Calculation } from './calculation.ts';

export const JUMBO_RULE = 'jumbo-loans';

/** Jumbo cash reserves: the corpus's six to twelve months of mortgage payments left after closing. */
export function jumboReserves(inputs: { monthlyPayment: number }): Calculation<{ monthlyPayment: number }, AmountRange> {
  return amountRange('monthlyPayment', inputs, 6, 12, JUMBO_RULE);
}
