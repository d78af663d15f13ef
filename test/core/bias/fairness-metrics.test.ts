import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { registerFairnessMetrics } from '../../../core/bias/fairness-metrics.ts';

describe('registerFairnessMetrics', () => {
  it('counts flags by reason, runs, neutral answers and observes scores', async () => {
    const registry = new Registry();
    const metrics = registerFairnessMetrics(registry);
    metrics.observe({ score: 0, flagged: false, flags: [] });
    metrics.observe({
      score: 0.6,
      flagged: true,
      flags: [],
      reasons: ['conditioning', 'counterfactual'],
      counterfactual: { score: 0.5, threshold: 0.3, variants: [], neutralAnswerReturned: true },
    });
    metrics.observe({
      score: 0,
      flagged: false,
      flags: [],
      counterfactual: {
        score: 0,
        threshold: 0.3,
        variants: [],
        neutralAnswerReturned: false,
        incomplete: true,
        unscored: [{ characteristic: 'age', change: 'removed', term: 'retired', replacement: '', reason: 'out-of-time' }],
      },
    });
    const text = await registry.metrics();
    expect(text).toContain('apfa_fairness_flags_total{reason="conditioning"} 1');
    expect(text).toContain('apfa_fairness_flags_total{reason="counterfactual"} 1');
    expect(text).toContain('apfa_fairness_flags_total{reason="mentions"} 0');
    expect(text).toContain('apfa_fairness_counterfactual_runs_total{outcome="checked"} 1');
    expect(text).toContain('apfa_fairness_counterfactual_runs_total{outcome="skipped"} 1');
    expect(text).toContain('apfa_fairness_counterfactual_runs_total{outcome="incomplete"} 1');
    expect(text).toContain('apfa_fairness_neutral_answers_total 1');
    expect(text).toContain('apfa_fairness_bias_score_count 3');
    expect(text).toContain('apfa_fairness_bias_score_sum 0.6');
    expect(text).toContain('apfa_fairness_bias_score_bucket{le="0.05"} 2');
  });

  it('refuses to register twice on one registry', () => {
    const registry = new Registry();
    registerFairnessMetrics(registry);
    expect(() => registerFairnessMetrics(registry)).toThrow();
  });
});
