import { describe, expect, it } from 'vitest';
import { correctSpelling } from '../../../shared/text/spelling.ts';
import { tokenize } from '../../../shared/text/tokenize.ts';

// Each word twice: a correction must be a word the knowledge base uses in at least two documents.
const corpus = [
  'If the appraisal comes in low, you may renegotiate the price or bring more cash.',
  'A condo owner needs an HO-6 insurance policy for the unit; the HOA master policy covers the building.',
  'The seller offered a credit at closing.',
  'The lender offered a lower rate after the appraisal; the insurance policy was really cheap.',
  'You may be eligible if you keep separate accounts, a simple rule.',
  'Only eligible borrowers with separate business accounts qualify; the simple answer is no.',
];
function frequencyOf(texts: readonly string[]) {
  const df = new Map<string, number>();
  for (const text of texts) for (const term of new Set(tokenize(text))) df.set(term, (df.get(term) ?? 0) + 1);
  return (term: string) => df.get(term) ?? 0;
}
const frequency = frequencyOf(corpus);

describe('correctSpelling', () => {
  it('fixes a misspelt word to the knowledge base’s word one edit away', () => {
    expect(correctSpelling('apprasal came in way under what we offerd', frequency).text).toBe('appraisal came in way under what we offered');
    const condo = correctSpelling('wat kind of insurence do i need? the HOA alredy has a master polcy', frequency);
    // "insurence" already stems like "insurance" (insur), so retrieval finds it as written.
    expect(condo.corrected).toEqual([{ from: 'polcy', to: 'policy' }]);
    expect(condo.text).toBe('wat kind of insurence do i need? the HOA alredy has a master policy');
  });

  describe('with an English dictionary', () => {
    // A few words of English, as core/advice/english-words.ts would answer for them.
    const english = new Set(['separate', 'simple', 'sample', 'offered', 'realtor', 'relator', 'widowed']);
    const isWord = (word: string) => english.has(word);

    it('never corrects a real word the knowledge base does not use', () => {
      // Without the dictionary "realtor" is one swap from "relator", whose stem (relat) the corpus uses.
      const withoutDictionary = correctSpelling('my realtor said so', frequencyOf(['related costs', 'related fees']));
      expect(withoutDictionary.corrected).toEqual([{ from: 'realtor', to: 'relator' }]);
      expect(correctSpelling('my realtor said so', frequencyOf(['related costs', 'related fees']), { isWord }).corrected).toEqual([]);
      expect(correctSpelling('a sample letter', frequency, { isWord }).corrected).toEqual([]);
    });

    it('changes a letter or drops an extra one in a word of six letters or more, only with the dictionary', () => {
      expect(correctSpelling('do I need seperate accounts?', frequency, { isWord })).toEqual({
        text: 'do I need separate accounts?',
        corrected: [{ from: 'seperate', to: 'separate' }],
      });
      expect(correctSpelling('do I need seperate accounts?', frequency).corrected).toEqual([]);
      expect(correctSpelling('the seller offfered a credit', frequency, { isWord }).text).toBe('the seller offered a credit');
    });

    it('prefers a left-out letter to a changed one', () => {
      // "assesment": "assessment" (a letter left out) wins over "assetment" (one changed), although "asset" is commoner.
      const assets = frequencyOf(['asset assessment', 'asset assessment', 'asset', 'asset']);
      expect(correctSpelling('the assesment went up', assets, { isWord: (word) => word === 'assessment' }).text).toBe('the assessment went up');
    });
  });

  it('leaves known, short, capitalised-known and unfixable words exactly as written', () => {
    const question = 'Can the Appraisal be wrong about my condo? Zzzzzzz qwertyuiop.';
    expect(correctSpelling(question, frequency)).toEqual({ text: question, corrected: [] });
  });

  it('never turns a real word into a suffix of a known one, nor corrects to a word used once', () => {
    expect(correctSpelling('it was realy low', frequency).corrected).toEqual([]);
    expect(correctSpelling('a credt at closing', frequency).corrected).toEqual([]);
  });

  it('keeps a leading capital', () => {
    expect(correctSpelling('Apprasal too low', frequency).text).toBe('Appraisal too low');
  });

  it('does nothing without a vocabulary', () => {
    expect(correctSpelling('apprasal', () => 0).text).toBe('apprasal');
  });
});
