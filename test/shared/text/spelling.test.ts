import { describe, expect, it } from 'vitest';
import { correctSpelling } from '../../../shared/text/spelling.ts';
import { tokenize } from '../../../shared/text/tokenize.ts';

// Each word twice: a correction must be a word the knowledge base uses in at least two documents.
const corpus = [
  'If the appraisal comes in low, you may renegotiate the price or bring more cash.',
  'A condo owner needs an HO-6 insurance policy for the unit; the HOA master policy covers the building.',
  'The seller offered a credit at closing.',
  'The lender offered a lower rate after the appraisal; the insurance policy was really cheap.',
];
const frequency = (() => {
  const df = new Map<string, number>();
  for (const text of corpus) for (const term of new Set(tokenize(text))) df.set(term, (df.get(term) ?? 0) + 1);
  return (term: string) => df.get(term) ?? 0;
})();

describe('correctSpelling', () => {
  it('fixes a misspelt word to the knowledge base’s word one edit away', () => {
    expect(correctSpelling('apprasal came in way under what we offerd', frequency).text).toBe('appraisal came in way under what we offered');
    const condo = correctSpelling('wat kind of insurence do i need? the HOA alredy has a master polcy', frequency);
    // "insurence" already stems like "insurance" (insur), so retrieval finds it as written.
    expect(condo.corrected).toEqual([{ from: 'polcy', to: 'policy' }]);
    expect(condo.text).toBe('wat kind of insurence do i need? the HOA alredy has a master policy');
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
