import { cents, checkAmount, checkPercent, type Calculation } from './calculation.ts';

export const DOWN_PAYMENT_RULE = 'down-payment-options-and-assistance';

export interface DownPaymentInputs {
  price: number;
  /** Down payment in percent of the price. */
  percent: number;
}

/** Down payment = price × percent; the loan is the rest (corpus: 3.5% of $350,000 = $12,250). */
export function downPayment(inputs: DownPaymentInputs): Calculation<DownPaymentInputs, { amount: number; loanAmount: number }> {
  const problem = checkAmount('price', inputs.price) ?? checkPercent('percent', inputs.percent);
  if (problem) return problem;
  const amount = cents((inputs.price * inputs.percent) / 100);
  return { ok: true, inputs: { ...inputs }, result: { amount, loanAmount: cents(inputs.price - amount) }, rule: DOWN_PAYMENT_RULE };
}
