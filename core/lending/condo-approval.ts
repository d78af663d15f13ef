import { invalid, type Calculation } from './calculation.ts';

export const CONDO_RULE = 'condo-loans-project-approval';

/** The most units that may be 60 or more days behind on HOA dues (the corpus's rule: generally no more than 15% of units). */
export function condoDelinquencyLimit(inputs: { units: number }): Calculation<{ units: number }, { maxDelinquentUnits: number }> {
  if (!Number.isInteger(inputs.units) || inputs.units < 1 || inputs.units > 100_000) return invalid('units', 'out-of-range', `A building of ${inputs.units} units is not usable.`);
  return { ok: true, inputs: { ...inputs }, result: { maxDelinquentUnits: Math.floor(inputs.units * 0.15) }, rule: CONDO_RULE };
}
