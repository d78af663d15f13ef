import { cents, checkAmount, type Calculation } from './calculation.ts';

export const STUDENT_LOAN_RULE = 'student-loans-and-mortgage-qualification';

/** A question about student loans ("my student loans", "student debt"). */
export const STUDENT_LOANS = /\bstudent loans?\b|\bstudent debt\b/;
/** No payment reported: in deferment or forbearance, or "$0" — but not "not deferred". */
export const NO_STUDENT_LOAN_PAYMENT = /(?<!\bnot |n[’']t |never )(?:defer|forbear)|no (?:monthly )?payment|\$0 payment|zero payment|not (?:showing|reported)|isn[’']?t (?:showing|reported)|doesn[’']?t show/;

/** The question asks what payment a lender counts for student loans (none reported, or a VA lender's rule), not for an amortized payment. */
export function asksStudentLoanPaymentCounted(text: string): boolean {
  return STUDENT_LOANS.test(text) && (NO_STUDENT_LOAN_PAYMENT.test(text) || /\bva\b/.test(text));
}

export interface StudentLoanPayments {
  /** Fannie Mae conventional: 1% of the balance a month when no payment is reported. */
  fannieMae: number;
  /** Freddie Mac, FHA and USDA: 0.5% of the balance. */
  halfPercent: number;
}

/**
 * The monthly payment a lender counts for student loans with no reported payment (deferment,
 * forbearance): the corpus's rule, as of 2025 — Fannie Mae 1% of the outstanding balance; Freddie
 * Mac, FHA and USDA 0.5% ("a $60,000 balance in deferment adds $300 a month under a 0.5% rule and
 * $600 under a 1% rule").
 */
export function studentLoanQualifyingPayment(inputs: { balance: number }): Calculation<{ balance: number }, StudentLoanPayments> {
  const problem = checkAmount('balance', inputs.balance);
  if (problem) return problem;
  return { ok: true, inputs: { ...inputs }, result: { fannieMae: cents(inputs.balance / 100), halfPercent: cents(inputs.balance / 200) }, rule: STUDENT_LOAN_RULE };
}

export interface VaStudentLoanInputs {
  balance: number;
  /** The payment on the credit report, when one is reported. */
  reportedPayment?: number | undefined;
}

export interface VaStudentLoanPayment {
  /** 5% of the balance divided by 12. */
  fivePercentMonthly: number;
  /** The higher of that and the reported payment: what a VA lender generally counts. */
  counted: number;
}

/**
 * The payment a VA lender counts for student loans not deferred 12 months past closing (the
 * corpus's rule: compare the reported payment with 5% of the balance divided by 12 and use the
 * higher figure unless documentation supports the lower one).
 */
export function vaStudentLoanPayment(inputs: VaStudentLoanInputs): Calculation<VaStudentLoanInputs, VaStudentLoanPayment> {
  const problem = checkAmount('balance', inputs.balance) ?? (inputs.reportedPayment === undefined ? undefined : checkAmount('reportedPayment', inputs.reportedPayment, { allowZero: true }));
  if (problem) return problem;
  const five = cents((inputs.balance * 0.05) / 12);
  return { ok: true, inputs: { ...inputs }, result: { fivePercentMonthly: five, counted: Math.max(five, inputs.reportedPayment ?? 0) }, rule: STUDENT_LOAN_RULE };
}
