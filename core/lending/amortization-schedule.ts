import { cents, type Calculation } from './calculation.ts';
import { checkLoanTerms, levelPayment, PAYMENT_RULE, type LoanTerms } from './monthly-payment.ts';

export interface AmortizationRow {
  /** 1-based payment number. */
  month: number;
  payment: number;
  interest: number;
  principal: number;
  /** Balance after this payment. */
  balance: number;
}

/**
 * The month-by-month schedule of a fixed-rate loan: interest = balance × rate / 12, the rest of
 * the level payment reduces principal; the last payment clears the balance. Amounts in cents.
 */
export function amortizationSchedule(terms: LoanTerms): Calculation<LoanTerms, AmortizationRow[]> {
  const problem = checkLoanTerms(terms);
  if (problem) return problem;
  const months = Math.round(terms.termYears * 12);
  const rate = terms.annualRatePercent / 100 / 12;
  const payment = levelPayment(terms);
  const rows: AmortizationRow[] = [];
  let balance = terms.principal;
  for (let month = 1; month <= months; month++) {
    const interest = balance * rate;
    const principal = month === months ? balance : payment - interest;
    balance = month === months ? 0 : balance - principal;
    rows.push({ month, payment: cents(principal + interest), interest: cents(interest), principal: cents(principal), balance: cents(Math.max(0, balance)) });
  }
  return { ok: true, inputs: { ...terms }, result: rows, rule: PAYMENT_RULE };
}

export interface FirstPaymentSplit {
  payment: number;
  /** The first month's interest: the whole balance times the annual rate / 12. */
  interest: number;
  principal: number;
}

/** How the first level payment divides between interest and principal (the corpus: "$300,000 times 0.065 divided by 12"). */
export function firstPaymentSplit(terms: LoanTerms): Calculation<LoanTerms, FirstPaymentSplit> {
  const schedule = amortizationSchedule(terms);
  if (!schedule.ok) return schedule;
  const first = schedule.result[0]!;
  return { ...schedule, result: { payment: first.payment, interest: first.interest, principal: first.principal } };
}
