import { describe, expect, it } from 'vitest';
import { everydaySynonyms, rewriteEverydayPhrases } from '../../../shared/text/everyday-synonyms.ts';
import { borrowerQueryExpansion } from '../../../shared/text/query-expansion.ts';
import { stem } from '../../../shared/text/stem.ts';

describe('everyday synonyms', () => {
  it('links a borrower word to the guide’s word, both ways, on stems', () => {
    expect(everydaySynonyms(stem('send'))).toContain(stem('submit'));
    expect(everydaySynonyms(stem('submitted'))).toContain(stem('send'));
    expect(everydaySynonyms(stem('yearly'))).toContain(stem('annual'));
    expect(everydaySynonyms(stem('start'))).toContain(stem('begin'));
    expect(everydaySynonyms(stem('wiped'))).toContain(stem('forgiven'));
    expect(everydaySynonyms(stem('under'))).toContain(stem('below'));
    expect(everydaySynonyms(stem('warning'))).toContain(stem('notice'));
    expect(everydaySynonyms(stem('rental'))).toContain(stem('investment'));
    expect(everydaySynonyms(stem('rented'))).toContain(stem('leased'));
    expect(everydaySynonyms(stem('limit'))).toEqual(expect.arrayContaining([stem('caps'), stem('capped')]));
    expect(everydaySynonyms(stem('remove'))).toEqual(expect.arrayContaining([stem('cancel'), stem('drop')]));
    expect(everydaySynonyms(stem('paperwork'))).toContain(stem('documents'));
    expect(everydaySynonyms(stem('shrink'))).toContain(stem('reduce'));
    expect(everydaySynonyms(stem('quotes'))).toContain(stem('estimates'));
    expect(everydaySynonyms(stem('guarantee'))).toContain(stem('commits'));
    expect(rewriteEverydayPhrases('does that mean the lender has to give me the loan?')).toBe('does that mean the lender commits to fund the loan?');
  });

  it('links a specific kin word to the guide’s general one, one way only', () => {
    expect(everydaySynonyms(stem('mom'))).toEqual(expect.arrayContaining([stem('relative'), stem('family')]));
    expect(everydaySynonyms(stem('grandmother'))).toContain(stem('relative'));
    expect(everydaySynonyms(stem('family'))).not.toContain(stem('mother'));
    expect(borrowerQueryExpansion('What is the FHA limit for a single-family house?')).not.toContain(stem('parent'));
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

  it('reads an everyday phrasal verb as the guide’s one word, and leaves other uses of its words alone', () => {
    expect(rewriteEverydayPhrases('is it a loan i have to pay back later?')).toBe('is it a loan i have to repay later?');
    expect(rewriteEverydayPhrases('do i get that money back?')).toBe('do i refund?');
    expect(rewriteEverydayPhrases('what am i on the hook for?')).toBe('what am i liable for?');
    expect(rewriteEverydayPhrases('my accountant writes off everything')).toBe('my accountant deduct everything');
    expect(rewriteEverydayPhrases('she writes it all off')).toBe('she deduct');
    expect(everydaySynonyms(stem('deductions'))).toContain(stem('writeoff'));
    expect(everydaySynonyms(stem('sales'))).toContain(stem('revenue'));
    expect(rewriteEverydayPhrases('how do i get back on track with payments?')).toBe('how do i get back on track with payments?');
    expect(rewriteEverydayPhrases('i live in a pretty cheap part of the state')).toBe('i live in a pretty lower-cost area in the state');
    expect(rewriteEverydayPhrases('we live in an expensive city')).toBe('we live in an high-cost area');
    expect(rewriteEverydayPhrases('a cheap loan')).toBe('a cheap loan');
    expect(rewriteEverydayPhrases("i'm planning to dump it all on the mortgage")).toBe("i'm planning to lump-sum extra payment on the mortgage");
    expect(rewriteEverydayPhrases('throwing my $20k bonus at the loan')).toBe('lump-sum extra payment on the mortgage');
    expect(rewriteEverydayPhrases('can i put my house on the market')).toBe('can i put my house on the market');
    expect(rewriteEverydayPhrases('does he have to get all the money at once?')).toBe('does he have to get lump sum?');
    expect(rewriteEverydayPhrases('all at once or over time?')).toBe('all at once or over time?');
    expect(rewriteEverydayPhrases('how long does that haunt my credit')).toBe('how long does that stays on my credit report');
    expect(rewriteEverydayPhrases('my sister follows my advice')).toBe('my sister follows my advice');
    expect(rewriteEverydayPhrases('my home has gone up a lot in value. can i get rid of my pmi?')).toBe('my home gained value. can i remove my pmi?');
    expect(rewriteEverydayPhrases('rates have gone up this year')).toBe('rates have rise this year');
    expect(rewriteEverydayPhrases('so my monthly payment can never go up?')).toBe('so my monthly payment can never rise?');
    expect(everydaySynonyms(stem('rise'))).toContain(stem('increase'));
    expect(rewriteEverydayPhrases('how can i get my name off the loan?')).toBe('how can i remove me from the loan?');
    expect(rewriteEverydayPhrases('how do we get him off the loan now?')).toBe('how do we remove me from the loan now?');
    expect(rewriteEverydayPhrases('the bank turned me down for a heloc')).toBe('the bank denied for a heloc');
    expect(rewriteEverydayPhrases('turn down the heat')).toBe('turn down the heat');
    expect(rewriteEverydayPhrases('what do i pay at closing?')).toBe('what do i pay at closing?');
    expect(borrowerQueryExpansion('Do I have to pay it back?')).toContain(stem('repay'));
    expect(everydaySynonyms(stem('repay'))).toContain(stem('repaid'));
  });
});
