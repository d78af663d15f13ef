/**
 * A borrower's number worked out by the service (core/lending), handed to generators so that no
 * generator does arithmetic itself: the extractive one renders `text`, a language model is told
 * to quote it.
 */
export interface WorkedFigure {
  /** The calculation: 'rule-28-36', 'debt-to-income', 'loan-to-value', 'monthly-payment' (and 'monthly-payment-2', -3 when terms or rates are compared), 'refinance-break-even', 'discount-points', 'pmi-cancellation', 'fha-mortgage-insurance', 'fha-down-payment', 'conventional-down-payment', 'va-funding-fee', 'usda-guarantee-fee', 'equity-borrowing-limit', 'down-payment', 'extra-payments', 'interest-only-payment', 'arm-rate-caps'. */
  id: string;
  /** A short name: "28/36 rule". */
  label: string;
  /** One plain sentence with the inputs and the result, e.g. "By the 28/36 rule, on $9,000 a month: housing up to $2,520 (28%), all debts up to $3,240 (36%)." */
  text: string;
  inputs: Readonly<Record<string, unknown>>;
  result: Readonly<Record<string, unknown>>;
  /** The corpus document that states the rule (cite it). */
  sourceDocumentId: string;
}
