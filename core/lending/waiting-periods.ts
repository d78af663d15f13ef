import { invalid, type Calculation } from './calculation.ts';

export const WAITING_PERIOD_RULE = 'bankruptcy-foreclosure-mortgage-waiting-periods';

export type CreditEvent = 'chapter-7' | 'chapter-13' | 'foreclosure' | 'short-sale';
export type WaitingProgram = 'conventional' | 'fha' | 'va' | 'usda';

/** Years to wait after each event, by program (the corpus's table, as of 2025); the second figure is with documented extenuating circumstances. */
const WAITS: Readonly<Record<CreditEvent, Partial<Record<WaitingProgram, readonly [number, number?]>>>> = {
  'chapter-7': { conventional: [4, 2], fha: [2], va: [2], usda: [3] },
  // After a Chapter 13 discharge (conventional); FHA, VA and USDA count from the plan, not the discharge.
  'chapter-13': { conventional: [2] },
  foreclosure: { conventional: [7, 3], fha: [3], va: [2], usda: [3] },
  'short-sale': { conventional: [4] },
};

export interface WaitingPeriodInputs {
  event: CreditEvent;
  /** When the event happened (discharge, foreclosure sale…). */
  year: number;
  /** 1–12, when stated. */
  month?: number | undefined;
  /** Programs asked about; all four when none is named. */
  programs?: readonly WaitingProgram[] | undefined;
}

export interface ProgramWait {
  program: WaitingProgram;
  years: number;
  /** The year (and month, when given) the wait ends. */
  eligibleYear: number;
  /** With documented extenuating circumstances, when the guide allows a shorter wait. */
  extenuatingYears?: number;
  extenuatingYear?: number;
}

/** The earliest a new mortgage is possible after a bankruptcy, foreclosure or short sale, by program. */
export function waitingPeriods(inputs: WaitingPeriodInputs): Calculation<WaitingPeriodInputs, { waits: ProgramWait[] }> {
  if (!Number.isInteger(inputs.year) || inputs.year < 1980 || inputs.year > 2100) return invalid('year', 'out-of-range', `The year ${inputs.year} is not usable.`);
  if (inputs.month !== undefined && (!Number.isInteger(inputs.month) || inputs.month < 1 || inputs.month > 12)) return invalid('month', 'out-of-range', 'The month must be 1 to 12.');
  const table = WAITS[inputs.event];
  const asked = inputs.programs && inputs.programs.length > 0 ? inputs.programs : (['conventional', 'fha', 'va', 'usda'] as const);
  const waits: ProgramWait[] = [];
  for (const program of asked) {
    const wait = table[program];
    if (wait === undefined) continue;
    const [years, extenuating] = wait;
    waits.push({ program, years, eligibleYear: inputs.year + years, ...(extenuating === undefined ? {} : { extenuatingYears: extenuating, extenuatingYear: inputs.year + extenuating }) });
  }
  if (waits.length === 0) return invalid('programs', 'not-stated', 'The guide states no waiting period for that program after that event.');
  return { ok: true, inputs: { ...inputs }, result: { waits }, rule: WAITING_PERIOD_RULE };
}
