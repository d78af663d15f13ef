import { cents, checkTermYears, invalid, type Calculation } from './calculation.ts';
import { checkLoanTerms, levelPayment, type LoanTerms } from './monthly-payment.ts';

export const INTEREST_ONLY_RULE = 'interest-only-and-negative-amortization-risks';

export interface InterestOnlyTerms extends LoanTerms {
  /** Years at the start when the payment covers interest only. */
  interestOnlyYears: number;
}

export interface InterestOnlyPayment {
  /** Interest only: the balance times the annual rate / 12 (the balance does not shrink). */
  interestOnlyPayment: number;
  /** The full balance repaid over what is left of the term once the interest-only years end. */
  paymentAfter: number;
  remainingYears: number;
  /** The payment of the same loan amortized over the whole term from day one, for comparison. */
  fullyAmortizingPayment: number;
}

/**
 * An interest-only loan's payment and its jump (the corpus's rule: $400,000 at 7% is about $2,333
 * a month while interest-only; after a 10-year interest-only period, repaying it over the remaining
 * 20 years takes about $3,101, against about $2,661 for a standard 30-year loan from day one).
 */
export function interestOnlyPayment(terms: InterestOnlyTerms): Calculation<InterestOnlyTerms, InterestOnlyPayment> {
  const problem = checkLoanTerms(terms) ?? checkTermYears('interestOnlyYears', terms.interestOnlyYears);
  if (problem) return problem;
  if (terms.interestOnlyYears >= terms.termYears) {
    return invalid('interestOnlyYears', 'inconsistent', `An interest-only period of ${terms.interestOnlyYears} years leaves nothing of a ${terms.termYears}-year term to repay the loan in.`);
  }
  const remainingYears = terms.termYears - terms.interestOnlyYears;
  return {
    ok: true,
    inputs: { ...terms },
    result: {
      interestOnlyPayment: cents((terms.principal * terms.annualRatePercent) / 100 / 12),
      paymentAfter: cents(levelPayment({ ...terms, termYears: remainingYears })),
      remainingYears,
      fullyAmortizingPayment: cents(levelPayment(terms)),
    },
    rule: INTEREST_ONLY_RULE,
  };
}
