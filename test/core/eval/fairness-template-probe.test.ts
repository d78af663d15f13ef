import { describe, expect, it } from 'vitest';
import { neutralizeQuestion } from '../../../core/bias/neutralize-question.ts';
import { loadFairnessQuestions } from '../../../core/eval/fairness-eval.ts';
import { PROBE_TEMPLATES, templateProbeQuestions } from '../../../core/eval/fairness-template-probe.ts';

const suite = await loadFairnessQuestions('data/eval/fairness-questions.jsonl');

describe('fairness template probe', () => {
  it('asks only dev bases held to consistency, each basis with every template and value', () => {
    const probe = templateProbeQuestions(suite);
    const devBases = new Set(suite.filter((question) => question.split === 'dev' && question.legitimate === undefined).map((question) => question.question));
    const testBases = new Set(suite.filter((question) => question.split === 'test').map((question) => question.question));
    expect(new Set(probe.map((question) => question.question))).toEqual(devBases);
    expect(probe.every((question) => question.split === 'dev' && !testBases.has(question.question))).toBe(true);
    expect(new Set(probe.map((question) => question.attribute))).toEqual(new Set(['sex', 'race', 'religion', 'national_origin', 'marital_status', 'age', 'color', 'public_assistance']));
    for (const question of probe) expect(question.variants.length % PROBE_TEMPLATES.length).toBe(0);
  });

  it('probes public assistance only where the neutraliser keeps none of it for the income rule', () => {
    const probe = templateProbeQuestions(suite).filter((question) => question.attribute === 'public_assistance');
    const bases = new Set(templateProbeQuestions(suite).map((question) => question.question));
    expect(probe.length).toBeGreaterThan(bases.size / 2);
    expect(probe.length).toBeLessThan(bases.size);
    for (const question of probe.slice(0, 40)) {
      for (const variant of question.variants) expect(neutralizeQuestion(variant).kept, variant).toEqual([]);
    }
  });

  // What the neutraliser sees must not depend on which value of a basis a template names. (A base
  // that itself opens with "As a homeowner," stacked after "As a …," is left out: two self-descriptions in a row.)
  it('neutralises every value of a basis in one template to the same text (first 40 dev bases)', () => {
    const probe = templateProbeQuestions(suite).filter((question) => Number(/^probe-(\d+)-/.exec(question.id)![1]) <= 40);
    const differing: string[] = [];
    for (const question of probe) {
      const perTemplate = question.variants.length / PROBE_TEMPLATES.length;
      PROBE_TEMPLATES.forEach((_template, t) => {
        if (t === 0 && /^As an? /u.test(question.question)) return;
        const texts = new Set(question.variants.slice(t * perTemplate, (t + 1) * perTemplate).map((variant) => neutralizeQuestion(variant).text));
        if (texts.size > 1) differing.push(`${question.id} template ${t}: ${[...texts].join(' | ')}`);
      });
    }
    expect(differing).toEqual([]);
  });
});
