import { describe, expect, it } from 'vitest';
import { Bm25Retriever, SITUATION_TERM_WEIGHT, weighQueryTerms } from '../../../core/retrieval/bm25-retriever.ts';
import { AppError } from '../../../shared/errors/app-error.ts';
import { lendingQueryExpansion } from '../../../shared/text/lending-vocabulary.ts';

const documents = [
  { title: 'FHA loans', text: 'FHA loans allow a down payment as low as 3.5% with a credit score of 580.' },
  { title: 'VA loans', text: 'VA loans require no down payment for eligible veterans and service members.' },
  { title: 'Mortgage insurance', text: 'Private mortgage insurance is usually required on conventional loans with less than 20% down.' },
  { title: 'Escrow', text: 'An escrow account holds property tax and homeowners insurance payments.' },
  { title: 'Debt to income', text: 'Your debt-to-income ratio compares monthly debt payments with gross monthly income.' },
];

describe('Bm25Retriever', () => {
  it('ranks the obviously relevant document first', async () => {
    const retriever = Bm25Retriever.build(documents);
    expect((await retriever.retrieve('what is an escrow account for property tax', 3))[0]?.label).toBe(3);
    expect((await retriever.retrieve('veterans with no down payment', 3))[0]?.label).toBe(1);
    expect((await retriever.retrieve('debt to income ratio', 3))[0]?.label).toBe(4);
    const hits = await retriever.retrieve('insurance', 5);
    expect(hits.map((hit) => hit.label).sort()).toEqual([2, 3]);
    expect(hits[0]!.score).toBeGreaterThanOrEqual(hits[1]!.score);
  });

  it('computes the Okapi BM25 score with Lucene IDF', () => {
    // Query "loan" over ["loan rate", "house price house"] (token lengths 2 and 3, average 2.5), k1 0.9, b 0.4:
    //   idf = ln(1 + (2 − 1 + 0.5) / (1 + 0.5)) = ln 2 = 0.693147
    //   norm = 0.9 · (1 − 0.4 + 0.4 · 2 / 2.5) = 0.828; score = 0.693147 · 1 · 1.9 / (1 + 0.828) = 1.316979 / 1.828 = 0.720448
    const hits = Bm25Retriever.build(['loan rate', 'house price house'], { k1: 0.9, b: 0.4 }).search('loan', 10);
    expect(hits).toHaveLength(1);
    expect(hits[0]!.label).toBe(0);
    expect(hits[0]!.score).toBeCloseTo(0.720448, 5);
  });

  it('returns nothing for queries without indexed terms, and respects k', async () => {
    const retriever = Bm25Retriever.build(documents);
    expect(await retriever.retrieve('the of and', 5)).toEqual([]);
    expect(await retriever.retrieve('zzzqqq', 5)).toEqual([]);
    expect(await retriever.retrieve('loans payment', 2)).toHaveLength(2);
    expect(await retriever.retrieve('loans', 0)).toEqual([]);
  });

  it('boosts title matches when titleBoost > 1', () => {
    const corpus = [
      { title: 'Refinancing', text: 'Lower your rate by replacing the loan.' },
      { title: 'Rates', text: 'Refinancing can lower the monthly rate.' },
    ];
    const plain = Bm25Retriever.build(corpus, { titleBoost: 0 }).search('refinancing', 2);
    expect(plain.map((hit) => hit.label)).toEqual([1]);
    const boosted = Bm25Retriever.build(corpus, { titleBoost: 3 }).search('refinancing', 2);
    expect(boosted.map((hit) => hit.label)).toEqual([0, 1]);
  });

  it('round-trips through JSON with identical rankings, and lets load-time options override', () => {
    const retriever = Bm25Retriever.build(documents, { k1: 1.2, b: 0.75, titleBoost: 2 });
    const state = JSON.parse(JSON.stringify(retriever.toJSON()));
    const restored = Bm25Retriever.fromJSON(state);
    expect([restored.k1, restored.b, restored.titleBoost, restored.size]).toEqual([1.2, 0.75, 2, 5]);
    for (const query of ['down payment', 'monthly insurance payments', 'loans', 'FHA 580 credit score']) {
      expect(restored.search(query, 5)).toEqual(retriever.search(query, 5));
    }
    expect(Bm25Retriever.fromJSON(state, { k1: 0.9 }).k1).toBe(0.9);
    expect(restored.toJSON()).toEqual(state);
  });

  it('rejects corrupt state and bad parameters with AppError', () => {
    const state = Bm25Retriever.build(documents).toJSON();
    const cases: unknown[] = [{ ...state, id: 'other' }, { ...state, postings: state.postings.slice(0, 8) }, { ...state, documentCount: 2 }, null];
    for (const bad of cases) expect(() => Bm25Retriever.fromJSON(bad)).toThrow(AppError);
    expect(() => Bm25Retriever.build(documents, { b: 2 })).toThrow(AppError);
    expect(() => Bm25Retriever.build(documents, { k1: -1 })).toThrow(AppError);
  });

  it('restores the same retriever in slices (restore) as in one go (fromJSON), and refuses the same corrupt states', async () => {
    const many = Array.from({ length: 4000 }, (_, i) => ({ title: `Note ${i}`, text: `${documents[i % 5]!.text} reference ${i} batch ${i % 97} ${'term'.repeat(1 + (i % 7))}` }));
    const built = Bm25Retriever.build(many);
    const state = JSON.parse(JSON.stringify(built.toJSON()));
    const restored = await Bm25Retriever.restore(state);
    expect(restored.toJSON()).toEqual(state);
    for (const query of ['down payment reference 17', 'monthly insurance', 'termterm batch 5']) {
      expect(restored.search(query, 10)).toEqual(Bm25Retriever.fromJSON(state).search(query, 10));
    }
    const small = Bm25Retriever.build(documents).toJSON();
    for (const bad of [{ ...small, postings: small.postings.slice(0, 8) }, { ...small, documentCount: 2 }]) {
      await expect(Bm25Retriever.restore(bad)).rejects.toThrow(AppError);
    }
  });

  it('expands a query with the lending vocabulary only when asked, at the expansion weight', () => {
    const plain = Bm25Retriever.build(documents);
    const expanded = Bm25Retriever.build(documents, { expansion: lendingQueryExpansion });
    // "PMI" is not in any document; its full name is.
    expect(plain.search('when can I drop PMI', 5)).toEqual([]);
    expect(expanded.search('when can I drop PMI', 5)[0]?.label).toBe(2);
    expect(expanded.search('what counts toward my DTI', 5)[0]?.label).toBe(4);
    // A stated term and the same term added by expansion count once, at the stated weight.
    expect(expanded.search('private mortgage insurance PMI', 5)).toEqual(plain.search('private mortgage insurance', 5));
    // An expansion term counts expansionWeight times a stated one: at weight 1 it scores as if written.
    const full = Bm25Retriever.build(documents, { expansion: lendingQueryExpansion, expansionWeight: 1 });
    expect(full.search('PMI', 5)[0]!.score).toBeCloseTo(plain.search('private mortgage insurance', 5)[0]!.score, 10);
    expect(expanded.search('PMI', 5)[0]!.score).toBeCloseTo(plain.search('private mortgage insurance', 5)[0]!.score / 2, 10);
    expect(() => Bm25Retriever.build(documents, { expansionWeight: 2 })).toThrow(AppError);
  });

  it('weighs a term only of the situation beside the asked sentence at the situation weight, and the asked ones in full', async () => {
    const retriever = Bm25Retriever.build(documents);
    const query = 'My property tax is paid from escrow. What score does FHA need?';
    const asked = 'What score does FHA need?';
    // Unweighted, "property tax" outweighs the question and the escrow document comes first; weighted, the FHA one does.
    expect(retriever.search(query, 5)[0]?.label).toBe(3);
    expect((await retriever.retrieve(query, 5, { asked }))[0]?.label).toBe(0);
    // The escrow document holds only situation terms: its score is exactly the situation weight's share.
    const escrow = (hits: { label: number; score: number }[]) => hits.find((hit) => hit.label === 3)!.score;
    expect(escrow(retriever.search(query, 5, asked))).toBeCloseTo(SITUATION_TERM_WEIGHT * escrow(retriever.search(query, 5)), 10);
    expect(SITUATION_TERM_WEIGHT).toBeLessThan(1);
  });

  it('keeps query expansion across a JSON round trip only when the loader asks for it', () => {
    const state = JSON.parse(JSON.stringify(Bm25Retriever.build(documents, { expansion: lendingQueryExpansion }))) as unknown;
    expect(Bm25Retriever.fromJSON(state).search('PMI', 5)).toEqual([]);
    expect(Bm25Retriever.fromJSON(state, { expansion: lendingQueryExpansion }).search('PMI', 5)[0]?.label).toBe(2);
  });
});

describe('weighQueryTerms', () => {
  it('counts stated terms per occurrence, expansion terms at their weight, and terms outside the asked text at the situation weight', () => {
    expect(weighQueryTerms('loan loan rate', undefined, undefined, 0.5)).toEqual(new Map([['loan', 2], ['rate', 1]]));
    const expanded = weighQueryTerms('I have PMI. What is escrow?', 'What is escrow?', lendingQueryExpansion, 0.5);
    expect(expanded.get('escrow')).toBe(1);
    expect(expanded.get('pmi')).toBe(SITUATION_TERM_WEIGHT);
    // PMI's full name comes from the situation's expansion: both weights apply.
    expect(expanded.get('privat')).toBe(0.5 * SITUATION_TERM_WEIGHT);
    // A term in both the situation and the question is the question's.
    expect(weighQueryTerms('Escrow confuses me. What is escrow?', 'What is escrow?', undefined, 0.5).get('escrow')).toBe(2);
  });
});

describe('Bm25Retriever.documentFrequency', () => {
  it('counts the documents holding a term (a stem), 0 for one it never saw', () => {
    const retriever = Bm25Retriever.build(['the appraisal came in low', 'an appraisal and an inspection', 'closing costs']);
    expect(retriever.documentFrequency('apprais')).toBe(2);
    expect(retriever.documentFrequency('inspect')).toBe(1);
    expect(retriever.documentFrequency('bracket')).toBe(0);
  });
});

