import { cents, checkAmount, checkRate, checkTermYears, type Calculation } from './calculation.ts';

export const PAYMENT_RULE = 'amortization-and-extra-payments';

export interface LoanTerms {
  principal: number;
  /** Annual interest rate in percent (6.5 = 6.5%). */
  annualRatePercent: number;
  termYears: number;
}

export interface MonthlyPayment {
  /** Principal and interest per month. */
  payment: number;
  months: number;
  totalInterest: number;
  totalPaid: number;
}

/** Validates loan terms; undefined when usable. */
export function checkLoanTerms(terms: LoanTerms) {
  return checkAmount('principal', terms.principal) ?? checkRate('annualRatePercent', terms.annualRatePercent) ?? checkTermYears('termYears', terms.termYears);
}

/** The unrounded level payment (principal and interest); a 0% loan repays principal evenly. */
export function levelPayment(terms: LoanTerms): number {
  const months = Math.round(terms.termYears * 12);
  const rate = terms.annualRatePercent / 100 / 12;
  return rate === 0 ? terms.principal / months : (terms.principal * rate) / (1 - (1 + rate) ** -months);
}

/**
 * The fixed-rate principal-and-interest payment: interest each month is the balance times the
 * annual rate / 12, and a level payment repays the loan over the term (the corpus's amortization
 * rule: $300,000 at 6.5% for 30 years ≈ $1,896).
 */
export function monthlyPayment(terms: LoanTerms): Calculation<LoanTerms, MonthlyPayment> {
  const problem = checkLoanTerms(terms);
  if (problem) return problem;
  const months = Math.round(terms.termYears * 12);
  const payment = levelPayment(terms);
  const totalPaid = payment * months;
  return {
    ok: true,
    inputs: { ...terms },
    result: { payment: cents(payment), months, totalInterest: cents(totalPaid - terms.principal), totalPaid: cents(totalPaid) },
    rule: PAYMENT_RULE,
  };
}
