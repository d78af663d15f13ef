import { describe, expect, it } from 'vitest';
import { sentences } from '../../../shared/text/sentences.ts';

describe('sentences', () => {
  it('splits on terminal punctuation followed by whitespace', () => {
    expect(sentences('FHA loans need 3.5% down. VA loans need none! Is PMI required?')).toEqual([
      'FHA loans need 3.5% down.',
      'VA loans need none!',
      'Is PMI required?',
    ]);
  });

  it('keeps abbreviations, initialisms, decimals and amounts inside a sentence', () => {
    const text = 'Government programs, e.g. FHA, are run by the U.S. Department of HUD. A $200,000.00 loan at 6.5% costs more. Dr. Smith agrees.';
    expect(sentences(text)).toEqual([
      'Government programs, e.g. FHA, are run by the U.S. Department of HUD.',
      'A $200,000.00 loan at 6.5% costs more.',
      'Dr. Smith agrees.',
    ]);
  });

  it('treats "no." as a sentence end unless a number follows', () => {
    expect(sentences('The answer is no. Form No. 1003 is the application.')).toEqual([
      'The answer is no.',
      'Form No. 1003 is the application.',
    ]);
  });

  it('breaks at blank lines and bullet lines and returns verbatim slices', () => {
    const text = 'Options include:\n- FHA loans\n- VA loans\n\nA final line without a period';
    const parts = sentences(text);
    expect(parts).toEqual(['Options include:', '- FHA loans', '- VA loans', 'A final line without a period']);
    for (const part of parts) expect(text).toContain(part);
  });

  it('keeps closing quotes with their sentence and handles empty input', () => {
    expect(sentences('He said "wait." Then he left.')).toEqual(['He said "wait."', 'Then he left.']);
    expect(sentences('   ')).toEqual([]);
  });
});
