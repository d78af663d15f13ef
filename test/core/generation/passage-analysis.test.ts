import { describe, expect, it } from 'vitest';
import { sentences } from '../../../shared/text/sentences.ts';
import { tokenize } from '../../../shared/text/tokenize.ts';
import { findLendingEntities } from '../../../core/generation/lending-entities.ts';
import { analyzePassageText, analyzePassageTitle } from '../../../core/generation/passage-analysis.ts';

const TEXT =
  'An FHA loan needs 3.5% down with a 580 credit score. It also carries mortgage insurance (MIP). ' +
  'A conventional loan can drop PMI once you reach 20% equity.';

describe('passage analysis', () => {
  it('is what tokenising and reading each sentence gives, computed once per text', () => {
    const analysis = analyzePassageText(TEXT);
    expect(analysis.sentences.map((sentence) => sentence.text)).toEqual(sentences(TEXT));
    for (const sentence of analysis.sentences) {
      const tokens = tokenize(sentence.text);
      expect([...sentence.terms]).toEqual([...new Set(tokens)]);
      expect([...sentence.pairs]).toEqual([...new Set(tokens.slice(1).map((token, i) => `${tokens[i]} ${token}`))]);
      expect(sentence.entities).toEqual(findLendingEntities(sentence.text));
    }
    expect(analysis.termsWithTitle('FHA loans')).toEqual(new Set(tokenize(`FHA loans ${TEXT}`)));
    // The same text again (another request retrieving it): the same analysis, not a recomputation.
    expect(analyzePassageText(`${TEXT}`)).toBe(analysis);
    expect(analyzePassageTitle('FHA loans')).toBe(analyzePassageTitle('FHA loans'));
  });

  it('analyses a document afresh when a new index version changes its text', () => {
    const before = analyzePassageText(TEXT);
    const changed = TEXT.replace('580', '500');
    const after = analyzePassageText(changed);
    expect(after).not.toBe(before);
    expect(after.sentences[0]!.terms.has('500')).toBe(true);
    expect(after.sentences[0]!.terms.has('580')).toBe(false);
    expect(before.sentences[0]!.terms.has('580')).toBe(true);
  });
});
