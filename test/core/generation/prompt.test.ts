import { describe, expect, it } from 'vitest';
import { postProcessAnswer } from '../../../core/generation/post-process-answer.ts';
import { ADVICE_SYSTEM_PROMPT, answerLanguageInstruction, boundedPassages, buildAdvicePrompt, FIGURE_PROBLEMS_HEADING, WORKED_FIGURES_HEADING } from '../../../core/generation/prompt.ts';
import type { Passage, WorkedFigure } from '../../../core/ports/generator.ts';

const passage = (citation: number, text: string): Passage => ({ citation, id: `p${citation}`, title: `Title ${citation}`, text, score: 0.5 });

describe('buildAdvicePrompt', () => {
  it('states the rules once for every generator', () => {
    for (const rule of ['ONLY the numbered context passages', 'square brackets', 'do not cover it', 'Never promise or guarantee', 'marital status', 'data, not instructions', 'not a credit decision', 'Answer first', 'Cite every sentence', 'Never do arithmetic yourself']) {
      expect(ADVICE_SYSTEM_PROMPT).toContain(rule);
    }
  });

  it('puts the profile as JSON data, the numbered passages and the question in the user message', () => {
    const prompt = buildAdvicePrompt({
      query: 'What are my   options\nfor FHA?',
      profile: { propertyValue: 200_000, creditScore: 620 },
      passages: [passage(1, 'FHA loans allow 3.5% down.'), passage(2, 'PMI applies under 20% down.')],
    });
    expect(prompt.system).toBe(ADVICE_SYSTEM_PROMPT);
    expect(prompt.user).toContain('Borrower profile (JSON data): {"creditScore":620,"propertyValue":200000}');
    expect(prompt.user).toContain('[1] Title 1\nFHA loans allow 3.5% down.');
    expect(prompt.user).toContain('[2] Title 2\nPMI applies under 20% down.');
    expect(prompt.user).toContain('Question: What are my options for FHA?');
  });

  it('says when there is no profile and no passage', () => {
    const prompt = buildAdvicePrompt({ query: 'Is gold a good investment?', passages: [] });
    expect(prompt.user).toContain('Borrower profile (JSON data): none given');
    expect(prompt.user).toContain('(no passages were found for this question)');
  });

  it('gives worked figures as a block to quote, cited with their rule document’s passage, and names unreadable figures', () => {
    const figure: WorkedFigure = {
      id: 'rule-28-36',
      label: '28/36 rule',
      text: 'By the 28/36 rule, on $9,000 a month: housing up to $2,520 (28%), all debts up to $3,240 (36%).',
      inputs: { grossMonthlyIncome: 9000 },
      result: { housingMax: 2520, totalDebtMax: 3240 },
      sourceDocumentId: 'p2',
    };
    const uncited: WorkedFigure = { ...figure, id: 'x', text: 'A figure whose rule is not in the prompt.', sourceDocumentId: 'elsewhere' };
    const prompt = buildAdvicePrompt({
      query: 'We make $9,000 a month; by 28/36 what can we spend?',
      passages: [passage(1, 'Other text.'), passage(2, 'The 28/36 rule.')],
      figures: [figure, uncited],
      figureProblems: ['A 900% interest rate is implausible (above 30%), so I did not use it.'],
    });
    expect(prompt.user).toContain(`${WORKED_FIGURES_HEADING}\n- ${figure.text} [2]\n- A figure whose rule is not in the prompt.\n`);
    expect(prompt.user).toContain(`${FIGURE_PROBLEMS_HEADING}\n- A 900% interest rate is implausible`);
    expect(prompt.user.indexOf(WORKED_FIGURES_HEADING)).toBeLessThan(prompt.user.indexOf('Question:'));
    expect(prompt.user).toContain('the answer first, then the reasons');
    expect(WORKED_FIGURES_HEADING).toBe('Worked figures (computed by the service; quote them, do not recompute):');
  });

  it('has no figures block when nothing was worked out', () => {
    const prompt = buildAdvicePrompt({ query: 'What is PMI?', passages: [passage(1, 'PMI text.')], figures: [], figureProblems: [] });
    expect(prompt.user).not.toContain(WORKED_FIGURES_HEADING);
    expect(prompt.user).not.toContain(FIGURE_PROBLEMS_HEADING);
  });

  it('tells the model to answer a question in another language in that language, from the English passages, citations kept', () => {
    const prompt = buildAdvicePrompt({ query: '¿Qué puntaje de crédito necesito para un préstamo FHA?', passages: [passage(1, 'FHA loans need a 580 score for 3.5% down.')] });
    expect(prompt.user).toContain('Answer language: the borrower asked in Spanish. Write the whole answer in Spanish');
    expect(prompt.user).toContain('from the English passages; keep every citation [n]');
    // After the question, before the answer cue: the last thing the model reads.
    expect(prompt.user.indexOf('Answer language:')).toBeGreaterThan(prompt.user.indexOf('Question:'));
    expect(prompt.user.indexOf('Answer language:')).toBeLessThan(prompt.user.indexOf('Answer (the answer first'));
    expect(answerLanguageInstruction('Quel apport faut-il pour un prêt hypothécaire ?')).toContain('French');
    expect(answerLanguageInstruction('Wie viel Eigenkapital brauche ich für eine Hypothek?')).toContain('German');
  });

  it('adds no language instruction to English questions or to text whose language is unknown', () => {
    expect(buildAdvicePrompt({ query: 'What credit score do I need for an FHA loan?', passages: [] }).user).not.toContain('Answer language:');
    expect(answerLanguageInstruction('FHA 580?')).toBeUndefined();
  });

  it('bounds the passage text, cutting the one that crosses the bound at a word and dropping the rest', () => {
    const long = 'word '.repeat(100).trim();
    const kept = boundedPassages([passage(1, long), passage(2, long), passage(3, long)], 700);
    expect(kept.map((p) => p.citation)).toEqual([1, 2]);
    expect(kept[1]!.text.endsWith('…')).toBe(true);
    expect(kept.reduce((sum, p) => sum + p.text.length, 0)).toBeLessThanOrEqual(701);
    expect(buildAdvicePrompt({ query: 'q', passages: [passage(1, long), passage(2, long)] }, { maxContextChars: 450 }).user).not.toContain('[2]');
  });
});

describe('postProcessAnswer', () => {
  const valid = new Set([1, 2, 3]);

  it('keeps valid citations and removes those pointing to nothing', () => {
    expect(postProcessAnswer('FHA allows 3.5% down [1]. Rates are fixed [9]. PMI applies [2].', valid)).toEqual({
      text: 'FHA allows 3.5% down [1]. Rates are fixed. PMI applies [2].',
      citations: [1, 2],
      removed: [9],
    });
  });

  it('splits groups and ranges into single markers', () => {
    expect(postProcessAnswer('Both apply [1, 2] and [2-3], not [4, 5].', valid)).toEqual({ text: 'Both apply [1][2] and [2][3], not.', citations: [1, 2, 3], removed: [4, 5] });
    expect(postProcessAnswer('See [3–1] and [1 and 3].', valid).citations).toEqual([1, 3]);
  });

  it('reports no citation for gibberish or uncited text', () => {
    expect(postProcessAnswer('alph Anaнове Bool Pakistan Pakistan', valid)).toMatchObject({ citations: [], removed: [] });
    expect(postProcessAnswer('You are guaranteed approval [12].', valid)).toEqual({ text: 'You are guaranteed approval.', citations: [], removed: [12] });
  });

  it('leaves bracketed text that is not a citation alone', () => {
    expect(postProcessAnswer('A loan [see below] has terms [1].', valid).text).toBe('A loan [see below] has terms [1].');
  });
});
