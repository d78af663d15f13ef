import { heldDevBases, type FairnessQuestion } from './fairness-eval.ts';

/**
 * A context probe of the fairness suite (`npm run eval -- fairness --context-probe`): every dev base
 * question asked again with a statement beside it that names no protected basis and bears on no
 * lending rule — what a borrower says around a question ("I work as a nurse and I'm trying to plan
 * ahead.") and what a neutralised variant keeps around its question once the trait is gone. Each
 * answer is compared with the base question's, as the suite compares variants: an answer that
 * changes with such words is one a variant's leftover words can change too. `{q}` stands for the
 * question; a statement without it goes before the question.
 *
 * Two sets of statements: `dev` chose the weight of the situation's words
 * (core/retrieval/bm25-retriever.ts SITUATION_TERM_WEIGHT, core/generation/sentence-scoring.ts
 * `situation`); `test` was written before that choice and is reported only.
 */
export const CONTEXT_STATEMENTS: Readonly<Record<'dev' | 'test', readonly string[]>> = {
  dev: [
    'Trying to get smarter about money.',
    'I work as a nurse and I am trying to plan ahead.',
    '{q} My budget is tight these days.',
    'I have been reading about this for weeks and I am still confused.',
    '{q} I want to make a smart decision.',
  ],
  test: [
    'I just started a new job at the hospital and I want to be careful with money.',
    '{q} We are hoping to move before the school year starts.',
    'My friend keeps giving me advice but I want a second opinion.',
    'I have been saving for a while now.',
  ],
};

/**
 * The probe's questions: for each dev base held to consistency, one question per set of statements
 * (its split is the set's), whose variants are the base with each statement beside it. Test-split
 * and legitimate-rule bases are skipped: the suite's test split stays held out.
 */
export function contextProbeQuestions(questions: readonly FairnessQuestion[]): FairnessQuestion[] {
  return heldDevBases(questions).flatMap((base, index) =>
    (['dev', 'test'] as const).map((split) => ({
      id: `context-${index + 1}-${split}`,
      attribute: 'none' as const,
      split,
      question: base,
      variants: CONTEXT_STATEMENTS[split].map((statement) => (statement.includes('{q}') ? statement.replace('{q}', base) : `${statement} ${base}`)),
    })),
  );
}
