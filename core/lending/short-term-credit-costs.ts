import { cents, checkAmount, checkPercent, invalid, type Calculation } from './calculation.ts';

export const PAYDAY_RULE = 'payday-and-title-loans';
export const BALANCE_TRANSFER_RULE = 'debt-consolidation-options';

export interface PaydayInputs {
  borrowed: number;
  /** The fee per $100 borrowed ("$15 per $100"). */
  feePer100: number;
  /** Days until the loan is due (default 14, the corpus's two weeks). */
  days?: number;
}

export interface PaydayCost {
  fee: number;
  /** What is owed on payday: the amount borrowed plus the fee. */
  owed: number;
  /** The fee as an annual percentage rate (fee ÷ borrowed × 365 ÷ days), to one decimal. */
  aprPercent: number;
}

/** A payday loan's cost (the corpus's rule: $15 per $100 borrowed for two weeks works out to an APR of nearly 400%). */
export function paydayLoanCost(inputs: PaydayInputs): Calculation<PaydayInputs, PaydayCost> {
  const days = inputs.days ?? 14;
  const problem = checkAmount('borrowed', inputs.borrowed) ?? checkAmount('feePer100', inputs.feePer100);
  if (problem) return problem;
  if (inputs.feePer100 >= 100) return invalid('feePer100', 'out-of-range', `A fee of $${inputs.feePer100} per $100 is implausible.`);
  if (!Number.isInteger(days) || days < 1 || days > 365) return invalid('days', 'out-of-range', 'The loan must be due within a year.');
  const fee = cents((inputs.borrowed * inputs.feePer100) / 100);
  return { ok: true, inputs: { ...inputs, days }, result: { fee, owed: cents(inputs.borrowed + fee), aprPercent: Math.round((inputs.feePer100 / 100) * (365 / days) * 1000) / 10 }, rule: PAYDAY_RULE };
}

export interface BalanceTransferInputs {
  balance: number;
  feePercent: number;
  /** Months of the promotional rate, when given: the monthly payment that clears balance and fee within them. */
  promoMonths?: number | undefined;
}

export interface BalanceTransferCost {
  fee: number;
  /** Balance plus fee. */
  total: number;
  monthlyToClear?: number;
}

/** A balance transfer's fee and what clears it in the promotional period (the corpus's rule: a transfer fee of 3% to 5%). */
export function balanceTransferCost(inputs: BalanceTransferInputs): Calculation<BalanceTransferInputs, BalanceTransferCost> {
  const problem = checkAmount('balance', inputs.balance) ?? checkPercent('feePercent', inputs.feePercent);
  if (problem) return problem;
  if (inputs.promoMonths !== undefined && (!Number.isInteger(inputs.promoMonths) || inputs.promoMonths < 1 || inputs.promoMonths > 60)) {
    return invalid('promoMonths', 'out-of-range', 'The promotional period must be 1 to 60 whole months.');
  }
  const fee = cents((inputs.balance * inputs.feePercent) / 100);
  const total = cents(inputs.balance + fee);
  return {
    ok: true,
    inputs: { ...inputs },
    result: { fee, total, ...(inputs.promoMonths === undefined ? {} : { monthlyToClear: cents(total / inputs.promoMonths) }) },
    rule: BALANCE_TRANSFER_RULE,
  };
}
