import { checkAmount, percentOf, type Calculation } from './calculation.ts';

export const DTI_RULE = 'debt-to-income-ratio';

export interface DebtToIncomeInputs {
  grossMonthlyIncome: number;
  /** The proposed housing payment (principal, interest, taxes, insurance, MI, HOA), if known. */
  housingPayment?: number | undefined;
  /** Every other recurring monthly debt payment (car, card minimums, student loans…). */
  otherMonthlyDebts: number;
}

export interface DebtToIncome {
  /** Housing payment ÷ gross monthly income, in percent (absent without a housing payment). */
  frontEndPercent?: number;
  /** All monthly debts (housing included when given) ÷ gross monthly income, in percent. */
  backEndPercent: number;
  totalMonthlyDebts: number;
}

/** Front-end and back-end DTI on gross monthly income (corpus: $1,650 on $6,000 = 27.5%; $2,450 = 40.8%). */
export function debtToIncome(inputs: DebtToIncomeInputs): Calculation<DebtToIncomeInputs, DebtToIncome> {
  const problem =
    checkAmount('grossMonthlyIncome', inputs.grossMonthlyIncome) ??
    (inputs.housingPayment === undefined ? undefined : checkAmount('housingPayment', inputs.housingPayment, { allowZero: true })) ??
    checkAmount('otherMonthlyDebts', inputs.otherMonthlyDebts, { allowZero: true });
  if (problem) return problem;
  const total = (inputs.housingPayment ?? 0) + inputs.otherMonthlyDebts;
  return {
    ok: true,
    inputs: { ...inputs },
    result: {
      ...(inputs.housingPayment === undefined ? {} : { frontEndPercent: percentOf(inputs.housingPayment, inputs.grossMonthlyIncome) }),
      backEndPercent: percentOf(total, inputs.grossMonthlyIncome),
      totalMonthlyDebts: total,
    },
    rule: DTI_RULE,
  };
}
