import { describe, expect, it } from 'vitest';
import { armRateCeilings } from '../../../core/lending/arm-rate-caps.ts';
import { interestOnlyPayment } from '../../../core/lending/interest-only-payment.ts';
import { workOutNumbers } from '../../../core/lending/work-out-numbers.ts';

describe('interest-only payment and its jump', () => {
  it('matches the corpus’s example: $400,000 at 7%, 10 years interest-only of a 30-year term', () => {
    const result = interestOnlyPayment({ principal: 400_000, annualRatePercent: 7, termYears: 30, interestOnlyYears: 10 });
    expect(result.ok && result.result).toEqual({ interestOnlyPayment: 2333.33, paymentAfter: 3101.2, remainingYears: 20, fullyAmortizingPayment: 2661.21 });
    expect(result.ok && result.rule).toBe('interest-only-and-negative-amortization-risks');
  });

  it('refuses a period that leaves no term, and bad numbers, with a reason', () => {
    expect(interestOnlyPayment({ principal: 400_000, annualRatePercent: 7, termYears: 10, interestOnlyYears: 10 })).toMatchObject({ ok: false, field: 'interestOnlyYears', reason: 'inconsistent' });
    expect(interestOnlyPayment({ principal: -1, annualRatePercent: 7, termYears: 30, interestOnlyYears: 10 })).toMatchObject({ ok: false, reason: 'negative' });
    expect(interestOnlyPayment({ principal: 400_000, annualRatePercent: Number.NaN, termYears: 30, interestOnlyYears: 10 })).toMatchObject({ ok: false, reason: 'not-a-number' });
    expect(interestOnlyPayment({ principal: 400_000, annualRatePercent: 7, termYears: 30, interestOnlyYears: 0 })).toMatchObject({ ok: false, reason: 'zero' });
  });

  it('is worked out from a question, with the period told apart from the term', () => {
    const { figures } = workOutNumbers(
      "I'm looking at a $480,000 interest-only mortgage at 6.75% with a 10-year interest-only period on a 30-year term. What's the payment at first, and what does it jump to?",
    );
    expect(figures.map((figure) => figure.id)).toEqual(['interest-only-payment']);
    expect(figures[0]!.text).toContain('$2,700 a month while interest-only');
    expect(figures[0]!.text).toContain('remaining 20 years takes $3,649.75 a month');
  });

  it('names what it needs rather than guessing the period', () => {
    const { figures, problems } = workOutNumbers('What would my payment be on a $300,000 interest-only loan at 7% over 30 years?');
    expect(figures).toEqual([]);
    expect(problems).toEqual(['To work out the interest-only payment and the payment after it I need the loan amount, the interest rate, the interest-only period and the full term.']);
  });
});

describe('ARM rate caps', () => {
  it('matches the corpus’s rule: 2/1/5 caps allow +2 at the first adjustment and +5 over the start, ever', () => {
    expect(armRateCeilings({ startRatePercent: 6.25, firstCap: 2, periodicCap: 1, lifetimeCap: 5 })).toEqual({
      ok: true,
      inputs: { startRatePercent: 6.25, firstCap: 2, periodicCap: 1, lifetimeCap: 5 },
      result: { firstAdjustmentMaxPercent: 8.25, lifetimeMaxPercent: 11.25 },
      rule: 'fixed-vs-adjustable-rate-mortgages',
    });
  });

  it('refuses caps that cannot be, with a reason', () => {
    expect(armRateCeilings({ startRatePercent: 6, firstCap: 6, periodicCap: 1, lifetimeCap: 5 })).toMatchObject({ ok: false, reason: 'inconsistent' });
    expect(armRateCeilings({ startRatePercent: 6, firstCap: 0, periodicCap: 1, lifetimeCap: 5 })).toMatchObject({ ok: false, field: 'firstCap', reason: 'out-of-range' });
    expect(armRateCeilings({ startRatePercent: 6, firstCap: 2, periodicCap: 1, lifetimeCap: 50 })).toMatchObject({ ok: false, field: 'lifetimeCap' });
    expect(armRateCeilings({ startRatePercent: 45, firstCap: 2, periodicCap: 1, lifetimeCap: 5 })).toMatchObject({ ok: false, field: 'startRatePercent' });
  });

  it.each([
    'My new adjustable loan starts at 6.25% and the caps are 2/1/5. How high could the rate go?',
    'A 7/6 ARM at 6.25% with 2/1/5 caps: what is the worst case?',
  ])('is worked out from a question: %s', (question) => {
    const { figures } = workOutNumbers(question);
    expect(figures.map((figure) => figure.id)).toEqual(['arm-rate-caps']);
    expect(figures[0]!.text).toBe('Starting at 6.25% with 2/1/5 caps, the rate can be at most 8.25% after the first adjustment, rise at most 1 point at each later one, and never exceed 11.25%.');
  });

  it('reads no caps from an ARM’s name or a date', () => {
    expect(workOutNumbers('Is a 5/1 ARM at 5.5% a good idea?').figures).toEqual([]);
    expect(workOutNumbers('What does a 2/1/5 cap mean on an ARM?').figures).toEqual([]);
  });
});
