import { cents, checkAmount, type Calculation } from './calculation.ts';

export const ESCROW_RULE = 'escrow-property-taxes-homeowners-insurance';

export interface EscrowCushion {
  /** The year's escrow disbursements (taxes, insurance…). */
  yearlyDisbursements: number;
  /** The most a servicer may hold as a cushion: one-sixth of the year's disbursements. */
  maxCushion: number;
  /** The monthly escrow deposit those disbursements take (a twelfth). */
  monthlyDeposit: number;
}

/**
 * The RESPA escrow cushion limit (the corpus's rule: no more than one-sixth of the year's escrow
 * disbursements, roughly two months of payments), from the yearly bills the escrow pays.
 */
export function escrowCushion(inputs: { yearlyBills: readonly number[] }): Calculation<{ yearlyBills: readonly number[] }, EscrowCushion> {
  if (inputs.yearlyBills.length === 0) return { ok: false, field: 'yearlyBills', reason: 'not-stated', message: 'I need the yearly bills the escrow account pays.' };
  for (const bill of inputs.yearlyBills) {
    const problem = checkAmount('yearlyBills', bill);
    if (problem) return problem;
  }
  const yearly = cents(inputs.yearlyBills.reduce((sum, bill) => sum + bill, 0));
  return { ok: true, inputs: { yearlyBills: [...inputs.yearlyBills] }, result: { yearlyDisbursements: yearly, maxCushion: cents(yearly / 6), monthlyDeposit: cents(yearly / 12) }, rule: ESCROW_RULE };
}
