import { checkAmount, checkRate, invalid, type Calculation } from './calculation.ts';

export const CONSOLIDATION_RULE = 'student-loan-idr-consolidation-refinancing';

export interface LoanBalance {
  balance: number;
  ratePercent: number;
}

export interface ConsolidationRate {
  /** The balance-weighted average of the old rates, to two decimals. */
  weightedAveragePercent: number;
  /** The consolidated loan's fixed rate: that average rounded up to the next eighth of a point. */
  ratePercent: number;
  totalBalance: number;
}

/**
 * A federal Direct Consolidation Loan's fixed rate (the corpus's rule: the weighted average of the
 * old rates, rounded up to the nearest one-eighth of a percentage point).
 */
export function consolidationRate(loans: readonly LoanBalance[]): Calculation<{ loans: LoanBalance[] }, ConsolidationRate> {
  if (loans.length < 2) return invalid('loans', 'not-stated', 'Consolidation needs at least two loans, each with its balance and rate.');
  for (const loan of loans) {
    const problem = checkAmount('balance', loan.balance) ?? checkRate('ratePercent', loan.ratePercent);
    if (problem) return problem;
  }
  const totalBalance = loans.reduce((sum, loan) => sum + loan.balance, 0);
  const average = loans.reduce((sum, loan) => sum + loan.balance * loan.ratePercent, 0) / totalBalance;
  // Eighths, with a hair of tolerance so an average that is exactly an eighth is not rounded past it.
  const ratePercent = Math.ceil(average * 8 - 1e-9) / 8;
  return { ok: true, inputs: { loans: loans.map((loan) => ({ ...loan })) }, result: { weightedAveragePercent: Math.round(average * 100) / 100, ratePercent, totalBalance }, rule: CONSOLIDATION_RULE };
}
