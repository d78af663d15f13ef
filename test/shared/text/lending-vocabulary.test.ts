import { describe, expect, it } from 'vitest';
import { findLendingEntities } from '../../../core/generation/lending-entities.ts';
import { findLendingTerms, LENDING_VOCABULARY, lendingQueryExpansion } from '../../../shared/text/lending-vocabulary.ts';
import { tokenize } from '../../../shared/text/tokenize.ts';

describe('lending vocabulary', () => {
  it('has one entry per id, and every name of an entry is found by its own pattern', () => {
    const ids = LENDING_VOCABULARY.map((entry) => entry.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const entry of LENDING_VOCABULARY) {
      for (const name of entry.names) {
        expect(findLendingTerms(name).map((found) => found.entry.id), `${entry.id}: "${name}"`).toContain(entry.id);
      }
    }
  });

  it.each([
    ['How do I get rid of PMI?', ['privat', 'mortgag', 'insur']],
    ['Is private mortgage insurance required?', ['pmi']],
    ['What is a HELOC draw period?', ['home', 'equiti', 'line', 'credit']],
    ['What DTI do lenders want?', tokenize('debt-to-income')],
    ['Is my LTV too high?', tokenize('loan-to-value')],
    ['How is the MIP charged?', tokenize('mortgage insurance premium')],
    ['Should I take an ARM?', tokenize('adjustable-rate mortgage')],
    ['Can my parents give me gift money?', ['fund', 'letter']],
    ['How old must I be for a HECM?', tokenize('reverse mortgage home equity conversion')],
    ['What does APR include?', tokenize('annual percentage rate')],
    ['What is the VA funding fee?', tokenize('Veterans Affairs')],
    ['Does USDA have income limits?', tokenize('Department of Agriculture')],
    ['What is the Federal Housing Administration?', ['fha']],
    ['Does spousal support count as income?', tokenize('alimony separate maintenance')],
  ])('expands "%s" with the other names of what it mentions', (query, expected) => {
    const extra = lendingQueryExpansion(query);
    expect(extra.sort()).toEqual([...new Set(expected)].filter((term) => !tokenize(query).includes(term)).sort());
  });

  it.each([
    ['What credit score do I need for a mortgage above the conforming limit?', 'jumbo'],
    ['How much do I put down if my mortgage is too big for the normal loan limit?', 'jumbo'],
    ['What does a payday loan cost as a yearly interest rate?', 'apr'],
    ['I think I wired my closing money to a scammer.', 'fraud'],
    ['Can they foreclose on me while I am deployed?', 'military-service'],
    ['I got called up last month; can my car loan rate be lowered?', 'military-service'],
    ['Can the car dealership add to the rate the bank approved?', 'auto-loan'],
    ['old mobile home, built like 1972... any bank gonna lend on that', 'manufactured-home'],
    ["What does it mean when people say they're underwater on their house?", 'negative-equity'],
    ['My sister asked me to co-sign her mortgage.', 'cosigner'],
    ['I do freelance work and file a 1099.', 'self-employed'],
    ['Is there help with the down payment for my first home?', 'down-payment-assistance'],
    ['Do I need a home inspection?', 'home-inspection'],
    ['Does the ability-to-repay rule apply to me?', 'qualified-mortgage'],
    ['Can my servicer let me skip my mortgage payments for a few months?', 'forbearance'],
    ['We need to pause payments after the layoff.', 'forbearance'],
    ['Somebody opened a store card using my name. What can I do?', 'identity-theft'],
    ['Should I put a credit freeze on my reports?', 'identity-theft'],
    ['Can I get a mortgage with an ITIN instead of a Social Security number?', 'itin-loan'],
    ['Is a 1031 exchange worth it on my rental?', '1031-exchange'],
    ['Could that loan leave me owing more than I borrowed?', 'interest-only'],
    ['How long does the lender have to tell me if they are turning me down?', 'adverse-action'],
    ['How much warning do I get before another company takes over collecting my payments?', 'servicing-transfer'],
    ['I got a letter saying my mortgage was sold.', 'servicing-transfer'],
    ['thinking about pawning my car title for quick cash', 'title-loan'],
    ["What's the most an FHA loan will go up to for a single-family house around here?", 'loan-limit'],
    ['Can I borrow against my bitcoin instead of selling it?', 'crypto-backed-loan'],
    ['My brokerage offers a line of credit secured by my stock portfolio. What if they issue a margin call?', 'securities-backed-loan'],
    ["What's a rent-to-own agreement on a house?", 'rent-to-own'],
    ['How much can I put into my HSA this year?', 'health-savings-account'],
    ['Should I take a loan against the cash value of my whole life policy?', 'life-insurance-loan'],
    ['whats TIP on my loan estimate', 'total-interest-percentage'],
    ["Can my bank shrink or shut off my home equity line after it's been opened?", 'heloc'],
    ['My debts plus the new house payment would eat up about 48% of my pay before taxes.', 'dti'],
    ['What do I hand over before the lender has to send my cost estimate?', 'loan-estimate'],
    ['I put 3.5% down on my FHA loan. Once I hit 20% equity the mortgage insurance just falls off like PMI, right?', 'mortgage-insurance-premium'],
    ["i just gotta send a $150 processing fee in gift cards first", 'fraud'],
    ["online lender texted me im 'pre-approved no matter my credit'", 'fraud'],
    ['a company said they can stop it if we wire them $1,800 today', 'fraud'],
    ["Same loan company has refinanced my mom's house three times in four years", 'predatory-lending'],
    ['The agent shrugged at my prequal letter.', 'preapproval'],
    ['Is there a ceiling on what the house itself can cost with a USDA loan?', 'loan-limit'],
    ['FHA also sets county loan limits, which as of 2025 run from $524,225 in lower-cost areas.', 'loan-limit'],
    ["I'm two months behind on my mortgage payments. Where can I get free help?", 'foreclosure'],
    ['We missed two house payments after the layoff.', 'foreclosure'],
    ['Just got activated from the reserves. Can the rate on my car loan be lowered?', 'military-service'],
    ['My husband is in the National Guard and was mobilized.', 'military-service'],
    ["There's a collection account on my Experian report that isn't mine.", 'credit-report'],
    ['The loan guy told me to put my income as higher than it really is on the application.', 'predatory-lending'],
    ['My loan officer suggested I put a higher salary on the application.', 'predatory-lending'],
    ['If I get quotes from 4 lenders, will all those credit pulls tank my score?', 'credit-inquiry'],
    ['How much of my credit card limits should I be using?', 'credit-utilization'],
    ['How much earnest money do buyers usually put down with an offer?', 'earnest-money'],
    ['When does mortgage insurance on a regular home loan come off by itself?', 'pmi'],
    ['Can I get a regular home loan with 5% down?', 'conventional'],
    ['For a really big home loan, how much savings do lenders want?', 'jumbo'],
    ['What share of my monthly income can my house payment be?', 'dti'],
    ['How long can a lender hold my interest rate?', 'rate-lock'],
    ['Closing got pushed back and the rate we locked runs out next week.', 'rate-lock'],
    ['Where can I get free help if I might lose my house?', 'foreclosure'],
    ['paid off an old hospital bill that went to collections but its still there', 'credit-report'],
    ['Is there a legal limit on points and fees on a standard safe-harbor mortgage?', 'qualified-mortgage'],
    ['Why would my loan balance go up if I pay every month?', 'interest-only'],
    ['How much should I set aside each year for home repairs?', 'home-maintenance'],
    ['What do repairs and maintenance usually run per year on an older house?', 'home-maintenance'],
    ['If I send my mortgage company a letter about a mistake, how fast must they answer?', 'servicer'],
  ])('reads everyday wording as the entry it means: "%s" → %s', (query, id) => {
    expect(findLendingTerms(query).map((found) => found.entry.id)).toContain(id);
  });

  it('reads names that follow each other as one mention, and a later separate mention not at all', () => {
    const mention = (text: string, id: string) => findLendingTerms(text).find((found) => found.entry.id === id)?.mention;
    expect(mention('What goes into my FICO score?', 'credit-score')).toBe('fico score');
    expect(mention('Is a FICO-score of 620 enough?', 'credit-score')).toBe('fico-score');
    expect(mention('My FICO is fine, but what about my score with Experian?', 'credit-score')).toBe('fico');
  });

  it('does not read stopping payments (default) or a balance paid down as forbearance or negative amortization', () => {
    const ids = (text: string) => findLendingTerms(text).map((found) => found.entry.id);
    expect(ids('What happens if I stop making payments on my mortgage?')).not.toContain('forbearance');
    expect(ids('My balance goes down a little every month.')).not.toContain('interest-only');
    expect(ids('Most lenders will go up to 45% with strong reserves.')).not.toContain('loan-limit');
    expect(ids('HELOC rates are usually variable, set at the prime rate plus a margin.')).not.toContain('securities-backed-loan');
    expect(ids('Never pay loan fees by gift card or cryptocurrency.')).not.toContain('crypto-backed-loan');
    expect(ids('I just activated my new credit card.')).not.toContain('military-service');
    // Earnest money is a deposit with the offer, not the down payment.
    expect(ids('How much earnest money do buyers usually put down with an offer?')).not.toContain('down-payment');
    expect(ids('How much should we put down on a $300,000 house?')).toContain('down-payment');
    expect(ids('Is it true that the payment gets behind the curve?')).not.toContain('foreclosure');
    expect(ids('Any tips for a first-time buyer?')).not.toContain('total-interest-percentage');
    expect(ids('I put 20% of my pay into savings and have no debts.')).not.toContain('dti');
    expect(ids('Can I use a gift card balance toward closing costs?')).not.toContain('fraud');
    expect(ids('When can I cancel the private mortgage insurance on my conventional loan?')).not.toContain('mortgage-insurance-premium');
    expect(ids('Is the FHA upfront fee guaranteed to be financed?')).not.toContain('fraud');
  });

  it('reads the asker’s possessive one way: "pull their credit" and "run your credit" are a hard inquiry, as "pull my credit" is', () => {
    const inquiry = (text: string) => findLendingTerms(text).some(({ entry }) => entry.id === 'credit-inquiry');
    expect(inquiry('How often can I pull my credit?')).toBe(true);
    expect(inquiry('How often can a borrower pull their credit?')).toBe(true);
    expect(inquiry('Will the lender run your credit?')).toBe(true);
    expect(inquiry('How often can I pull the weeds?')).toBe(false);
  });

  it('adds nothing for a query naming no program or concept, and never repeats the query’s own terms', () => {
    expect(lendingQueryExpansion('What is the weather like in Paris?')).toEqual([]);
    expect(lendingQueryExpansion('PMI private mortgage insurance')).toEqual([]);
  });

  it('is the generator’s entity lexicon: the same mentions, abbreviation or full name', () => {
    const short = findLendingEntities('PMI on an FHA loan vs a HELOC');
    const long = findLendingEntities('private mortgage insurance on a Federal Housing Administration loan vs a home equity line of credit');
    expect([...short.programs].sort()).toEqual(['fha', 'heloc']);
    expect([...long.programs].sort()).toEqual([...short.programs].sort());
    expect([...long.concepts]).toEqual([...short.concepts]);
    expect(long.mentions.get('pmi')).toBe('private mortgage insurance');
  });
});
