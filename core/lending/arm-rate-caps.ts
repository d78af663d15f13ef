import { checkRate, invalid, type Calculation } from './calculation.ts';

export const ARM_RULE = 'fixed-vs-adjustable-rate-mortgages';

export interface ArmCaps {
  /** The rate at the start, in percent. */
  startRatePercent: number;
  /** Percentage points the first adjustment may move the rate. */
  firstCap: number;
  /** Percentage points each later adjustment may move it. */
  periodicCap: number;
  /** Percentage points above the start rate the rate may never exceed. */
  lifetimeCap: number;
}

export interface ArmCeilings {
  /** The highest rate after the first adjustment. */
  firstAdjustmentMaxPercent: number;
  /** The highest rate ever (start + lifetime cap). */
  lifetimeMaxPercent: number;
}

/** Caps above this many percentage points are refused as implausible. */
const MAX_CAP_POINTS = 15;

/**
 * The worst case an ARM's caps allow (the corpus's rule: a 2/1/5 cap structure means the first
 * adjustment can move the rate up to 2 percentage points, each later one up to 1, and the rate can
 * never exceed the starting rate by more than 5).
 */
export function armRateCeilings(caps: ArmCaps): Calculation<ArmCaps, ArmCeilings> {
  const problem =
    checkRate('startRatePercent', caps.startRatePercent) ??
    (['firstCap', 'periodicCap', 'lifetimeCap'] as const)
      .map((field) => (Number.isFinite(caps[field]) && caps[field] > 0 && caps[field] <= MAX_CAP_POINTS ? undefined : invalid(field, 'out-of-range', `A rate cap of ${caps[field]} percentage points is not usable.`)))
      .find((found) => found !== undefined);
  if (problem) return problem;
  if (caps.firstCap > caps.lifetimeCap || caps.periodicCap > caps.lifetimeCap) {
    return invalid('lifetimeCap', 'inconsistent', `A ${caps.firstCap}/${caps.periodicCap}/${caps.lifetimeCap} cap structure is inconsistent: no adjustment can exceed the lifetime cap.`);
  }
  const round = (value: number) => Math.round(value * 1000) / 1000;
  return {
    ok: true,
    inputs: { ...caps },
    result: { firstAdjustmentMaxPercent: round(caps.startRatePercent + caps.firstCap), lifetimeMaxPercent: round(caps.startRatePercent + caps.lifetimeCap) },
    rule: ARM_RULE,
  };
}

export interface ArmAdjustmentInputs {
  /** The rate before the adjustment; needed only with a cap. */
  startRatePercent?: number | undefined;
  /** The index at the adjustment (SOFR, Treasury…), in percent. */
  indexPercent: number;
  /** The margin written into the note, in percentage points. */
  marginPercent: number;
  /** Percentage points the first adjustment may move the rate, when the caps are given. */
  firstCap?: number | undefined;
}

export interface ArmAdjustment {
  /** Index plus margin. */
  fullyIndexedPercent: number;
  /** The rate after the first adjustment: the fully indexed rate, held within the first cap either way. */
  newRatePercent: number;
  /** True when the cap, not the index, set the new rate. */
  capped: boolean;
}

/**
 * The rate at an ARM's first adjustment (the corpus's rule: after the intro period the rate equals
 * an index plus a margin, "subject to caps" — index 4.3% and margin 2.75% make 7.05%).
 */
export function armAdjustedRate(inputs: ArmAdjustmentInputs): Calculation<ArmAdjustmentInputs, ArmAdjustment> {
  const problem =
    (inputs.startRatePercent === undefined ? undefined : checkRate('startRatePercent', inputs.startRatePercent)) ??
    checkRate('indexPercent', inputs.indexPercent) ??
    checkRate('marginPercent', inputs.marginPercent) ??
    (inputs.firstCap === undefined || (Number.isFinite(inputs.firstCap) && inputs.firstCap > 0 && inputs.firstCap <= MAX_CAP_POINTS)
      ? undefined
      : invalid('firstCap', 'out-of-range', `A rate cap of ${inputs.firstCap} percentage points is not usable.`));
  if (problem) return problem;
  const start = inputs.startRatePercent;
  const cap = inputs.firstCap;
  if (cap !== undefined && start === undefined) return invalid('startRatePercent', 'not-stated', 'I need the starting rate to apply the first-adjustment cap.');
  const round = (value: number) => Math.round(value * 1000) / 1000;
  const fullyIndexed = round(inputs.indexPercent + inputs.marginPercent);
  const newRate = cap === undefined || start === undefined ? fullyIndexed : round(Math.min(start + cap, Math.max(start - cap, fullyIndexed)));
  return { ok: true, inputs: { ...inputs }, result: { fullyIndexedPercent: fullyIndexed, newRatePercent: newRate, capped: newRate !== fullyIndexed }, rule: ARM_RULE };
}
