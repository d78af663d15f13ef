import { cents, checkAmount, ofAmount, type Calculation } from './calculation.ts';

export const HECM_RULE = 'reverse-mortgages-hecm-basics';
/** The HECM maximum claim amount as of 2025 (the corpus). */
export const HECM_MAX_CLAIM = 1_209_750;

export interface HecmUpfrontPremium {
  /** The lower of the home's value and the limit. */
  maximumClaim: number;
  /** 2% of the maximum claim amount. */
  upfrontPremium: number;
}

/** A HECM's upfront mortgage insurance premium (the corpus's rule: 2% of the maximum claim amount, capped at $1,209,750 as of 2025). */
export function hecmUpfrontPremium(inputs: { homeValue: number }): Calculation<{ homeValue: number }, HecmUpfrontPremium> {
  return ofAmount(
    'homeValue',
    inputs,
    (homeValue) => {
      const maximumClaim = Math.min(homeValue, HECM_MAX_CLAIM);
      return { maximumClaim, upfrontPremium: cents(maximumClaim * 0.02) };
    },
    HECM_RULE,
  );
}

export interface HecmHeirsPayoff {
  /** 95% of the appraised value. */
  ninetyFivePercent: number;
  /** The lesser of the balance and 95% of the value: what keeps the home. */
  payoff: number;
}

/** What heirs pay to keep a HECM home (the corpus's rule: the lesser of the balance or 95% of the appraised value). */
export function hecmHeirsPayoff(inputs: { balance: number; appraisedValue: number }): Calculation<{ balance: number; appraisedValue: number }, HecmHeirsPayoff> {
  const problem = checkAmount('balance', inputs.balance) ?? checkAmount('appraisedValue', inputs.appraisedValue);
  if (problem) return problem;
  const ninetyFive = cents(inputs.appraisedValue * 0.95);
  return { ok: true, inputs: { ...inputs }, result: { ninetyFivePercent: ninetyFive, payoff: Math.min(inputs.balance, ninetyFive) }, rule: HECM_RULE };
}
