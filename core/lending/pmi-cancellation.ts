import { cents, ofAmount, invalid, yearlyRange, type Calculation, type YearlyRange } from './calculation.ts';
import { amortizationSchedule } from './amortization-schedule.ts';
import type { LoanTerms } from './monthly-payment.ts';

export const PMI_RULE = 'private-mortgage-insurance-pmi';

export interface PmiCancellationInputs extends LoanTerms {
  /** The lower of the purchase price and the appraised value at closing. */
  originalValue: number;
}

export interface PmiCancellation extends PmiBalances {
  /** Payment number after which the scheduled balance reaches 80% (0 when it starts there). */
  requestMonth: number;
  /** Payment number at which PMI ends automatically: the 78% point or the term's midpoint, whichever comes first. */
  automaticMonth: number;
  /** True when the midpoint of the term, not the 78% point, ends it. */
  endsAtMidpoint: boolean;
}

export interface PmiBalances {
  /** 80% of the original value: the balance at which the borrower may ask to cancel. */
  requestBalance: number;
  /** 78% of the original value: the balance at which PMI ends automatically. */
  automaticBalance: number;
}

/** The 80% and 78% balances alone: they need only the original value (the months need the loan's schedule too). */
export function pmiBalances(inputs: { originalValue: number }): Calculation<{ originalValue: number }, PmiBalances> {
  return ofAmount('originalValue', inputs, (value) => ({ requestBalance: cents(value * 0.8), automaticBalance: cents(value * 0.78) }), PMI_RULE);
}

/**
 * PMI cancellation points under the Homeowners Protection Act as the corpus states them: request
 * at a scheduled balance of 80% of original value, automatic at 78% (or at the term's midpoint),
 * found by month on the loan's amortization schedule.
 */
export function pmiCancellation(inputs: PmiCancellationInputs): Calculation<PmiCancellationInputs, PmiCancellation> {
  const balances = pmiBalances(inputs);
  if (!balances.ok) return balances;
  const schedule = amortizationSchedule(inputs);
  if (!schedule.ok) return schedule;
  if (inputs.principal > inputs.originalValue) return invalid('principal', 'inconsistent', 'The loan is larger than the home’s value, so the 80% point cannot be found from this schedule.');
  const { requestBalance, automaticBalance } = balances.result;
  const monthReaching = (balance: number) => (inputs.principal <= balance ? 0 : (schedule.result.find((row) => row.balance <= balance)?.month ?? schedule.result.length));
  const midpoint = Math.ceil(schedule.result.length / 2);
  const at78 = monthReaching(automaticBalance);
  return {
    ok: true,
    inputs: { ...inputs },
    result: { requestBalance, automaticBalance, requestMonth: monthReaching(requestBalance), automaticMonth: Math.min(at78, midpoint), endsAtMidpoint: midpoint < at78 },
    rule: PMI_RULE,
  };
}

/** What PMI typically costs (the corpus's rule: roughly 0.3% to 1.5% of the loan amount a year). */
export function pmiCostRange(inputs: { loanAmount: number }): Calculation<{ loanAmount: number }, YearlyRange> {
  return yearlyRange('loanAmount', inputs, 0.003, 0.015, PMI_RULE);
}
