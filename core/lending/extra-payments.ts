import { cents, checkAmount, type Calculation } from './calculation.ts';
import { checkLoanTerms, levelPayment, PAYMENT_RULE, type LoanTerms } from './monthly-payment.ts';

export interface ExtraPaymentInputs extends LoanTerms {
  /** Paid on top of the level payment every month, all of it against principal. */
  extraMonthly: number;
}

export interface ExtraPayments {
  /** Payments until the balance is cleared with the extra amount. */
  months: number;
  /** Payments of the term without it. */
  scheduledMonths: number;
  monthsSaved: number;
  interestWithExtra: number;
  interestScheduled: number;
  interestSaved: number;
}

/**
 * What a fixed extra principal payment each month does (corpus: amortization-and-extra-payments —
 * "$300,000 at 6.5% for 30 years … adding $200 a month pays the loan off in about 23 years and
 * saves roughly $103,000 in interest"): the schedule is run month by month, interest on the
 * balance, the level payment plus the extra against it, until the balance is gone.
 */
export function extraPayments(inputs: ExtraPaymentInputs): Calculation<ExtraPaymentInputs, ExtraPayments> {
  const problem = checkLoanTerms(inputs) ?? checkAmount('extraMonthly', inputs.extraMonthly);
  if (problem) return problem;
  const scheduledMonths = Math.round(inputs.termYears * 12);
  const rate = inputs.annualRatePercent / 100 / 12;
  const payment = levelPayment(inputs);
  const interestScheduled = payment * scheduledMonths - inputs.principal;
  let balance = inputs.principal;
  let interestWithExtra = 0;
  let months = 0;
  while (balance > 0.005 && months < scheduledMonths) {
    const interest = balance * rate;
    interestWithExtra += interest;
    balance -= Math.min(balance, payment + inputs.extraMonthly - interest);
    months += 1;
  }
  return {
    ok: true,
    inputs: { ...inputs },
    result: {
      months,
      scheduledMonths,
      monthsSaved: scheduledMonths - months,
      interestWithExtra: cents(interestWithExtra),
      interestScheduled: cents(interestScheduled),
      interestSaved: cents(interestScheduled - interestWithExtra),
    },
    rule: PAYMENT_RULE,
  };
}
