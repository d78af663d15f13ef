import { Counter, Histogram } from 'prom-client';
import type { Registry } from 'prom-client';
import type { BiasReport } from '../../shared/contracts/advice.ts';

/** Prometheus series for the fairness check (names follow apfa_*). */
export interface FairnessMetrics {
  /** Flagged answers by reason: conditioning, mentions, counterfactual (one answer can count under several). */
  flags: Counter<'reason'>;
  /** Every checked answer's bias score. */
  score: Histogram;
  /**
   * Counterfactual runs: `checked` (every variant compared), `incomplete` (some variants out of time
   * or answered by the extractive fallback, so left out) or `skipped` (no protected basis in the question).
   */
  counterfactualRuns: Counter<'outcome'>;
  /** Answers replaced by the attribute-neutral answer. */
  neutralAnswers: Counter;
  /** Records one checked answer's report. */
  observe(report: BiasReport): void;
}

/** Registers the fairness metrics on `registry` (call once per registry). */
export function registerFairnessMetrics(registry: Registry): FairnessMetrics {
  const flags = new Counter({
    name: 'apfa_fairness_flags_total',
    help: 'Answers flagged by the fairness check, by reason (conditioning, mentions, counterfactual).',
    labelNames: ['reason'],
    registers: [registry],
  });
  const score = new Histogram({
    name: 'apfa_fairness_bias_score',
    help: 'Bias score of checked answers (0 to 1; above 0.3 is flagged by default).',
    buckets: [0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8, 1],
    registers: [registry],
  });
  const counterfactualRuns = new Counter({
    name: 'apfa_fairness_counterfactual_runs_total',
    help: 'Counterfactual checks: checked (the question named a protected basis, every variant compared), incomplete (some variants not compared: out of time or fallback answers) or skipped.',
    labelNames: ['outcome'],
    registers: [registry],
  });
  const neutralAnswers = new Counter({
    name: 'apfa_fairness_neutral_answers_total',
    help: 'Flagged answers replaced by the answer to the attribute-neutral question.',
    registers: [registry],
  });
  for (const reason of ['conditioning', 'mentions', 'counterfactual']) flags.inc({ reason }, 0);
  for (const outcome of ['checked', 'incomplete', 'skipped']) counterfactualRuns.inc({ outcome }, 0);
  return {
    flags,
    score,
    counterfactualRuns,
    neutralAnswers,
    observe(report) {
      score.observe(report.score);
      for (const reason of report.reasons ?? []) flags.inc({ reason });
      counterfactualRuns.inc({ outcome: !report.counterfactual ? 'skipped' : report.counterfactual.incomplete ? 'incomplete' : 'checked' });
      if (report.counterfactual?.neutralAnswerReturned) neutralAnswers.inc();
    },
  };
}
