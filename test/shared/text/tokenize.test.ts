import { describe, expect, it } from 'vitest';
import { stem } from '../../../shared/text/stem.ts';
import { tokenize } from '../../../shared/text/tokenize.ts';

describe('tokenize', () => {
  it('lower-cases, drops stopwords and single letters, and stems', () => {
    expect(tokenize('What are the Requirements for FHA loans?')).toEqual(['requir', 'fha', 'loan']);
  });

  it('drops every pronoun: "us" is not the stem of "use", "someone" is not a topic', () => {
    expect(tokenize('My mom wants to give us money')).toEqual(['mom', 'want', 'give', 'monei']);
    expect(tokenize('Can someone use it for themselves?')).toEqual(['us']);
  });

  it('keeps numbers whole: thousands separators dropped, decimals kept and trimmed', () => {
    expect(tokenize('A $200,000 home, 3.5% down, 3.50 points, $1,250.00 fee')).toEqual([
      '200000', 'home', '3.5', 'down', '3.5', 'point', '1250', 'fee',
    ]);
  });

  it('keeps letter-digit mixes and splits hyphens', () => {
    expect(tokenize('Borrow from a 401k for a 30-year loan')).toEqual(['borrow', '401k', '30', 'year', 'loan']);
  });

  it('normalises NFKC forms (full-width digits, ligatures)', () => {
    expect(tokenize('６２０ ﬁnancing')).toEqual(['620', 'financ']);
  });

  it('drops possessives and apostrophes, and splits dotted initialisms', () => {
    expect(tokenize("The borrower's lender, e.g. a U.S. bank, doesn't")).toEqual(['borrow', 'lender', 'bank']);
  });

  it('folds inflections and derivations of the same word to one stem', () => {
    expect(new Set(['qualify', 'qualifies', 'qualified', 'qualifying'].map(stem)).size).toBe(1);
    expect(new Set(['require', 'required', 'requirements', 'requiring'].map(stem)).size).toBe(1);
    expect(stem('eligibility')).toBe(stem('eligible'));
    expect(stem('mortgages')).toBe(stem('mortgage'));
    expect(stem('rated')).toBe(stem('rate'));
    expect(stem('financing')).toBe(stem('finance'));
  });

  it('matches published Porter outputs', () => {
    const expected: Record<string, string> = {
      caresses: 'caress', ponies: 'poni', relational: 'relat', conditional: 'condit', hopping: 'hop',
      filing: 'file', happy: 'happi', generalization: 'gener', adjustment: 'adjust', controlling: 'control',
      roll: 'roll', probate: 'probat', rate: 'rate', cease: 'ceas',
    };
    for (const [word, stemmed] of Object.entries(expected)) expect(stem(word), word).toBe(stemmed);
  });

  it('returns an empty list for text with no terms', () => {
    expect(tokenize('')).toEqual([]);
    expect(tokenize('the of and ... !!!')).toEqual([]);
  });
});
