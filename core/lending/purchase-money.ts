import { amountRange, cents, ofAmount, type AmountRange, type Calculation } from './calculation.ts';

export const HOMEBUYER_STEPS_RULE = 'first-time-homebuyer-steps';
export const GIFT_FUNDS_RULE = 'gift-funds-down-payment';
/** The federal gift tax annual exclusion per recipient, 2025 (the corpus). */
export const ANNUAL_GIFT_EXCLUSION = 19_000;

/** Earnest money at the corpus's "often 1% to 3% of the price". */
export function earnestMoney(inputs: { price: number }): Calculation<{ price: number }, AmountRange> {
  return amountRange('price', inputs, 0.01, 0.03, HOMEBUYER_STEPS_RULE);
}

export interface GiftTaxFiling {
  /** The part above the annual exclusion; 0 when none. */
  overExclusion: number;
  /** Form 709 is due when the gift is above the exclusion. */
  form709: boolean;
}

/**
 * A gift against the donor's annual exclusion (the corpus's rule: up to $19,000 per recipient in
 * 2025 without a gift tax return; larger gifts need Form 709 but rarely owe tax).
 */
export function giftTaxFiling(inputs: { gift: number }): Calculation<{ gift: number }, GiftTaxFiling> {
  return ofAmount(
    'gift',
    inputs,
    (gift) => {
      const over = cents(Math.max(0, gift - ANNUAL_GIFT_EXCLUSION));
      return { overExclusion: over, form709: over > 0 };
    },
    GIFT_FUNDS_RULE,
  );
}
