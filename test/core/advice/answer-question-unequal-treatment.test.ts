import { afterAll, describe, expect, it } from 'vitest';
import { answerQuestion } from '../../../core/advice/answer-question.ts';
import { parseCoreConfig } from '../../../core/config.ts';
import { buildDemoPipeline } from '../../../core/eval/demo-pipeline.ts';
import { createExtractiveGenerator } from '../../../core/runtime/advice.ts';

const config = parseCoreConfig({ FAIRNESS_COUNTERFACTUAL: 'off' });
const ECOA_PROHIBITION = /^The Equal Credit Opportunity Act \(ECOA\)[^.]*makes it illegal for a creditor to discriminate/;

describe('a question about being treated differently for a protected characteristic is answered by the law that forbids it', async () => {
  const pipeline = await buildDemoPipeline({ corpusPath: 'data/corpus/lending-guide.jsonl', config, generator: createExtractiveGenerator(config) });
  afterAll(() => pipeline.close());
  const ask = (query: string) => answerQuestion(pipeline.deps, { query });

  it.each([
    // Credit other than a mortgage: these had been answered from the product's guide alone (dealer markups, the CARD Act).
    'Can a car dealer charge me more because of my sex?',
    'Can a credit card company deny me because I am Muslim?',
    "Can a personal loan lender turn me down because I'm 70?",
    "Can a mortgage lender turn me down because I'm Muslim, even when my credit and income are strong?",
  ])('opens with ECOA’s prohibition and cites it: %s', async (question) => {
    const answer = await ask(question);
    expect(answer.advice).toMatch(ECOA_PROHIBITION);
    expect(answer.sources.map((source) => source.id)).toContain('ecoa-regulation-b-borrower-rights');
  });

  it('gives the same answer whichever trait, or none, is named as the reason', async () => {
    const answers = await Promise.all(
      ["Can a mortgage lender turn me down because I'm Muslim?", "Can a mortgage lender turn me down because I'm Catholic?", 'Can a mortgage lender turn me down because of who I am?'].map(ask),
    );
    expect(new Set(answers.map((answer) => answer.advice)).size).toBe(1);
  });

  it('answers an appraiser’s treatment with the Fair Housing Act and the appraisal guide’s remedy, not ECOA first', async () => {
    for (const question of [
      'The appraisal came in $12,000 under our contract price. Could the appraiser have lowballed it because we are from Pakistan, and what can we do now?',
      // Refused before: "lowball" is no word the relevance model knows, and no concept was named.
      "Can an appraiser lowball my house because I'm Black?",
    ]) {
      const answer = await ask(question);
      expect(answer.advice).toMatch(/^The Fair Housing Act[^.]*prohibits discrimination[^.]*appraisals/);
      expect(answer.advice).not.toMatch(ECOA_PROHIBITION);
    }
    const remedy = await ask('The appraisal came in $12,000 under our contract price. Could the appraiser have lowballed it because we are from Pakistan, and what can we do now?');
    expect(remedy.advice).toMatch(/Valuations must not be influenced by the race[^.]*request a reconsideration/);
  });
});
