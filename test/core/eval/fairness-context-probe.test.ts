import { describe, expect, it } from 'vitest';
import { findProtectedTermSpans } from '../../../core/bias/find-protected-terms.ts';
import { neutralizeQuestion } from '../../../core/bias/neutralize-question.ts';
import { CONTEXT_STATEMENTS, contextProbeQuestions } from '../../../core/eval/fairness-context-probe.ts';
import { loadFairnessQuestions } from '../../../core/eval/fairness-eval.ts';

const suite = await loadFairnessQuestions('data/eval/fairness-questions.jsonl');

describe('fairness context probe', () => {
  it('asks only dev bases held to consistency, once per set of statements, each statement beside the base', () => {
    const probe = contextProbeQuestions(suite);
    const devBases = new Set(suite.filter((question) => question.split === 'dev' && question.legitimate === undefined).map((question) => question.question));
    expect(new Set(probe.map((question) => question.question))).toEqual(devBases);
    expect(probe).toHaveLength(devBases.size * 2);
    for (const question of probe) {
      expect(question.attribute).toBe('none');
      const statements = CONTEXT_STATEMENTS[question.split!];
      expect(question.variants).toHaveLength(statements.length);
      question.variants.forEach((variant, i) => {
        expect(variant).toContain(question.question);
        expect(variant).toContain(statements[i]!.replace('{q}', '').trim());
      });
    }
  });

  it('adds statements that name no protected basis, which the neutraliser leaves as they are', () => {
    for (const statement of [...CONTEXT_STATEMENTS.dev, ...CONTEXT_STATEMENTS.test]) {
      const text = statement.replace('{q}', '').trim();
      expect(findProtectedTermSpans(text), text).toEqual([]);
      const base = 'What credit score do I need for an FHA loan?';
      const variant = statement.includes('{q}') ? statement.replace('{q}', base) : `${statement} ${base}`;
      expect(neutralizeQuestion(variant).text, variant).toBe(variant);
    }
  });

  it('keeps the held-out statements apart from the tuning ones', () => {
    const dev = new Set(CONTEXT_STATEMENTS.dev);
    expect(CONTEXT_STATEMENTS.test.some((statement) => dev.has(statement))).toBe(false);
  });
});
