import { cents, checkAmount, checkPercent, invalid, type Calculation } from './calculation.ts';

export const HOME_EQUITY_RULE = 'home-equity-loans-vs-helocs';
export const CASH_OUT_RULE = 'cash-out-refinance';
/** The corpus's typical cash-out cap (conventional and FHA, one-unit primary residence). */
export const CASH_OUT_TYPICAL_CAP_PERCENT = 80;

export interface EquityBorrowingInputs {
  /** The home's value (the lower of price and appraisal, or today's appraisal). */
  propertyValue: number;
  /** What is still owed on the mortgage(s) that stay or are paid off. */
  owed: number;
  /** The lender's combined loan-to-value cap, in percent. */
  capPercent: number;
  /**
   * 'second-lien': a home equity loan or HELOC beside the first mortgage (limit = value × cap − owed);
   * 'cash-out': a new, larger first mortgage (new loan up to value × cap; cash = that − owed).
   */
  kind: 'second-lien' | 'cash-out';
}

export interface EquityBorrowing {
  /** All liens together may reach this (value × cap). */
  maxTotalLiens: number;
  /** The most the borrower can take out: the line or loan, or the cash at closing before costs. */
  available: number;
}

/**
 * How much equity a lender's combined loan-to-value cap leaves to borrow, as the corpus works it:
 * "on a $400,000 home with a $250,000 mortgage and an 85% cap, the most you could borrow against
 * equity is $90,000"; cash-out "appraises at $400,000 … owe $200,000. At an 80% limit, the new
 * loan can be up to $320,000". Nothing to borrow (owing more than the cap allows) is a result of 0.
 */
export function equityBorrowingLimit(inputs: EquityBorrowingInputs): Calculation<EquityBorrowingInputs, EquityBorrowing> {
  const problem = checkAmount('propertyValue', inputs.propertyValue) ?? checkAmount('owed', inputs.owed, { allowZero: true }) ?? checkPercent('capPercent', inputs.capPercent);
  if (problem) return problem;
  if (inputs.capPercent === 0) return invalid('capPercent', 'zero', 'A 0% loan-to-value cap leaves nothing to borrow; check the figure.');
  if (inputs.owed > inputs.propertyValue * 2) return invalid('owed', 'inconsistent', 'The balance is more than twice the home’s value; check the figures.');
  const maxTotalLiens = cents((inputs.propertyValue * inputs.capPercent) / 100);
  return {
    ok: true,
    inputs: { ...inputs },
    result: { maxTotalLiens, available: Math.max(0, cents(maxTotalLiens - inputs.owed)) },
    rule: inputs.kind === 'cash-out' ? CASH_OUT_RULE : HOME_EQUITY_RULE,
  };
}
