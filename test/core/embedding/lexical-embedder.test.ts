import { describe, expect, it } from 'vitest';
import { LexicalEmbedder } from '../../../core/embedding/lexical-embedder.ts';
import { AppError } from '../../../shared/errors/app-error.ts';

const dot = (a: Float32Array, b: Float32Array) => a.reduce((sum, value, i) => sum + value * (b[i] ?? 0), 0);
const norm = (a: Float32Array) => Math.sqrt(dot(a, a));
const row = (matrix: Float32Array, i: number, dimension: number) => matrix.subarray(i * dimension, (i + 1) * dimension);

const corpus = [
  'FHA loans allow a down payment as low as 3.5% with a credit score of 580 or higher.',
  'VA loans require no down payment for eligible veterans and service members.',
  'Private mortgage insurance is usually required on conventional loans with less than 20% down.',
  'An escrow account holds property tax and homeowners insurance payments for the loan.',
  'Your debt-to-income ratio compares monthly debt payments with gross monthly income for the loan.',
];

describe('LexicalEmbedder', () => {
  it('implements the port: id, dimension, one L2-normalised row per text, zero rows stay zero', async () => {
    const embedder = new LexicalEmbedder();
    expect(embedder.id).toBe('lexical-hash-v1');
    expect(embedder.dimension).toBe(384);
    expect(embedder.modelHash).toMatch(/^[0-9a-f]{16}$/);
    const vectors = await embedder.embed(['FHA down payment', '', 'the of and']);
    expect(vectors.length).toBe(3 * 384);
    expect(norm(row(vectors, 0, 384))).toBeCloseTo(1, 5);
    expect(norm(row(vectors, 1, 384))).toBe(0);
    expect(norm(row(vectors, 2, 384))).toBe(0);
    expect((await embedder.embed([])).length).toBe(0);
  });

  it('is deterministic across instances and sensitive to word order through bigrams', async () => {
    const [a, b] = [new LexicalEmbedder({ dimension: 64 }), new LexicalEmbedder({ dimension: 64 })];
    expect(a.modelHash).toBe(b.modelHash);
    expect(await a.embed(['down payment assistance'])).toEqual(await b.embed(['down payment assistance']));
    const swapped = await a.embed(['down payment', 'payment down']);
    expect(dot(row(swapped, 0, 64), row(swapped, 1, 64))).toBeLessThan(0.999);
    expect(new LexicalEmbedder({ dimension: 128 }).modelHash).not.toBe(a.modelHash);
  });

  it('ranks the document that shares the query terms first', async () => {
    const embedder = LexicalEmbedder.fit(corpus);
    const vectors = await embedder.embed([...corpus, 'What down payment does an FHA loan need?']);
    const query = row(vectors, corpus.length, 384);
    const scores = corpus.map((_, i) => dot(query, row(vectors, i, 384)));
    expect(scores.indexOf(Math.max(...scores))).toBe(0);
  });

  it('weights rare terms above common ones once fitted', async () => {
    const texts = ['loan loan loan rates', 'escrow account', 'loan terms', 'loan fees', 'loan limits'];
    const margin = async (embedder: LexicalEmbedder) => {
      const vectors = await embedder.embed([texts[0]!, texts[1]!, 'loan escrow']);
      const query = row(vectors, 2, 384);
      return dot(query, row(vectors, 1, 384)) - dot(query, row(vectors, 0, 384));
    };
    const fitted = LexicalEmbedder.fit(texts);
    expect(await margin(fitted)).toBeGreaterThan(await margin(new LexicalEmbedder()));
    expect(await margin(fitted)).toBeGreaterThan(0);
    expect(fitted.modelHash).not.toBe(new LexicalEmbedder().modelHash);
  });

  it('round-trips its state through JSON with the same hash and vectors', async () => {
    const fitted = LexicalEmbedder.fit(corpus, { dimension: 96 });
    const restored = LexicalEmbedder.fromJSON(JSON.parse(JSON.stringify(fitted)));
    expect(restored.modelHash).toBe(fitted.modelHash);
    expect(restored.dimension).toBe(96);
    expect(await restored.embed(corpus)).toEqual(await fitted.embed(corpus));
  });

  it('caps the vocabulary by document frequency', () => {
    const state = LexicalEmbedder.fit(corpus, { maxVocabulary: 3 }).toJSON();
    expect(state.terms).toHaveLength(3);
    expect(state.terms).toContain('loan');
    expect(state.documentCount).toBe(corpus.length);
  });

  it('rejects invalid state and options', () => {
    expect(() => LexicalEmbedder.fromJSON({ id: 'other' })).toThrow(AppError);
    expect(() => new LexicalEmbedder({ dimension: 0 })).toThrow(/dimension/);
  });
});
