/**
 * What every lending calculation returns: its inputs, its result and the corpus document that
 * states the rule it applies — or, for inputs it cannot use, a typed reason (never NaN or
 * Infinity). Web-standard TypeScript, so the library can move to shared/ unchanged.
 */

/** Why an input was refused. */
export type InvalidReason = 'not-a-number' | 'negative' | 'zero' | 'too-large' | 'out-of-range' | 'inconsistent' | 'not-stated';

export interface InvalidInput {
  ok: false;
  /** The input at fault (or the calculation, for 'inconsistent' and 'not-stated'). */
  field: string;
  reason: InvalidReason;
  /** One plain sentence for the borrower. */
  message: string;
}

export interface Calculated<TInputs, TResult> {
  ok: true;
  inputs: TInputs;
  result: TResult;
  /** Id of the corpus document that states the rule applied. */
  rule: string;
}

export type Calculation<TInputs, TResult> = Calculated<TInputs, TResult> | InvalidInput;

/** Amounts above this are refused as implausible (the request schema's own money ceiling). */
export const MAX_AMOUNT = 1_000_000_000;
/** Annual interest rates above this many percent are refused as implausible. */
export const MAX_RATE_PERCENT = 30;
/** Terms above this many years are refused. */
export const MAX_TERM_YEARS = 50;

export const invalid = (field: string, reason: InvalidReason, message: string): InvalidInput => ({ ok: false, field, reason, message });

/** A money amount: finite, not negative, at most MAX_AMOUNT, and above zero unless `allowZero`. */
export function checkAmount(field: string, value: number, options: { allowZero?: boolean } = {}): InvalidInput | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value)) return invalid(field, 'not-a-number', `The ${label(field)} is not a number.`);
  if (value < 0) return invalid(field, 'negative', `The ${label(field)} cannot be negative.`);
  if (value === 0 && options.allowZero !== true) return invalid(field, 'zero', `The ${label(field)} must be more than zero.`);
  if (value > MAX_AMOUNT) return invalid(field, 'too-large', `The ${label(field)} is implausibly large.`);
  return undefined;
}

/** An annual interest rate in percent: 0 to MAX_RATE_PERCENT. */
export function checkRate(field: string, percent: number): InvalidInput | undefined {
  if (typeof percent !== 'number' || !Number.isFinite(percent)) return invalid(field, 'not-a-number', `The ${label(field)} is not a number.`);
  if (percent < 0) return invalid(field, 'negative', `The ${label(field)} cannot be negative.`);
  if (percent > MAX_RATE_PERCENT) return invalid(field, 'out-of-range', `A ${formatPercent(percent)} interest rate is implausible (above ${MAX_RATE_PERCENT}%).`);
  return undefined;
}

/** A loan term in whole or fractional years: above 0, at most MAX_TERM_YEARS. */
export function checkTermYears(field: string, years: number): InvalidInput | undefined {
  if (typeof years !== 'number' || !Number.isFinite(years)) return invalid(field, 'not-a-number', `The ${label(field)} is not a number.`);
  if (years <= 0) return invalid(field, years === 0 ? 'zero' : 'negative', `The ${label(field)} must be more than zero.`);
  if (years > MAX_TERM_YEARS) return invalid(field, 'out-of-range', `A ${years}-year term is implausible (above ${MAX_TERM_YEARS} years).`);
  if (!Number.isInteger(years * 12)) return invalid(field, 'out-of-range', `The ${label(field)} must be a whole number of months.`);
  return undefined;
}

/** A share in percent: 0 to 100. */
export function checkPercent(field: string, percent: number): InvalidInput | undefined {
  if (typeof percent !== 'number' || !Number.isFinite(percent)) return invalid(field, 'not-a-number', `The ${label(field)} is not a number.`);
  if (percent < 0) return invalid(field, 'negative', `The ${label(field)} cannot be negative.`);
  if (percent > 100) return invalid(field, 'out-of-range', `The ${label(field)} cannot be above 100%.`);
  return undefined;
}

/** Rounds to cents. */
export const cents = (value: number): number => Math.round(value * 100) / 100;

/** A range the guide states as shares or multiples of one amount ("2% to 5% of the loan", "six to twelve months of payments"). */
export interface AmountRange {
  low: number;
  high: number;
}

/** A calculation of one amount, `inputs[field]`: `compute` runs once {@link checkAmount} accepts it; cited to `rule`. */
export function ofAmount<F extends string, R>(field: F, inputs: Readonly<Record<F, number>>, compute: (amount: number) => R, rule: string): Calculation<Record<F, number>, R> {
  const amount = inputs[field];
  const problem = checkAmount(field, amount);
  if (problem) return problem;
  return { ok: true, inputs: { ...inputs } as Record<F, number>, result: compute(amount), rule };
}

/** `inputs[field]` times `low` and `high`, in cents, once the amount is checked; cited to `rule`. */
export function amountRange<F extends string>(field: F, inputs: Readonly<Record<F, number>>, low: number, high: number, rule: string): Calculation<Record<F, number>, AmountRange> {
  return ofAmount(field, inputs, (amount) => ({ low: cents(amount * low), high: cents(amount * high) }), rule);
}

/** A yearly range with the monthly twelfths of each end. */
export interface YearlyRange {
  yearlyLow: number;
  yearlyHigh: number;
  monthlyLow: number;
  monthlyHigh: number;
}

/** {@link amountRange} as a yearly cost, with what each end comes to a month. */
export function yearlyRange<F extends string>(field: F, inputs: Readonly<Record<F, number>>, low: number, high: number, rule: string): Calculation<Record<F, number>, YearlyRange> {
  const range = amountRange(field, inputs, low, high, rule);
  if (!range.ok) return range;
  const { low: yearlyLow, high: yearlyHigh } = range.result;
  return { ...range, result: { yearlyLow, yearlyHigh, monthlyLow: cents(yearlyLow / 12), monthlyHigh: cents(yearlyHigh / 12) } };
}
/** Rounds a percentage to two decimals. */
export const percentOf = (part: number, whole: number): number => Math.round((part / whole) * 10_000) / 100;

const usd0 = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', maximumFractionDigits: 0 });
const usd2 = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** "$2,520" for whole dollars, "$1,061.50" otherwise. */
export function formatMoney(value: number): string {
  return Number.isInteger(cents(value)) ? usd0.format(value) : usd2.format(value);
}

/** "28%", "3.5%", "40.83%". */
export function formatPercent(value: number): string {
  return `${Number(value.toFixed(2))}%`;
}

function label(field: string): string {
  return field.replace(/([A-Z])/g, ' $1').toLowerCase();
}
