import { describe, expect, it } from 'vitest';
import { everydaySynonyms } from '../../../shared/text/everyday-synonyms.ts';
import { borrowerQueryExpansion } from '../../../shared/text/query-expansion.ts';
import { stem } from '../../../shared/text/stem.ts';

describe('everyday synonyms', () => {
  it('links a borrower word to the guide’s word, both ways, on stems', () => {
    expect(everydaySynonyms(stem('send'))).toContain(stem('submit'));
    expect(everydaySynonyms(stem('submitted'))).toContain(stem('send'));
    expect(everydaySynonyms(stem('yearly'))).toContain(stem('annual'));
    expect(everydaySynonyms(stem('wiped'))).toContain(stem('forgiven'));
    expect(everydaySynonyms(stem('remove'))).toEqual(expect.arrayContaining([stem('cancel'), stem('drop')]));
  });

  it('never lists a word as its own synonym, and knows nothing of words outside its groups', () => {
    for (const word of ['send', 'cost', 'house', 'late']) expect(everydaySynonyms(stem(word))).not.toContain(stem(word));
    expect(everydaySynonyms(stem('mortgage'))).toEqual([]);
    expect(everydaySynonyms('')).toEqual([]);
  });

  it('expands a retrieval query with them and the lending names (and not with the query’s own words)', () => {
    expect(borrowerQueryExpansion('How do I drop PMI?')).toEqual(expect.arrayContaining(['privat', 'mortgag', 'insur', stem('cancel')]));
    const extra = borrowerQueryExpansion('How do I send a complaint?');
    expect(extra).toEqual(expect.arrayContaining([stem('submit'), stem('file')]));
    expect(extra).not.toContain(stem('send'));
  });
});
