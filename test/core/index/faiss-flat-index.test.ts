import { describe, expect, it } from 'vitest';
import { FaissFlatIndex } from '../../../core/index/faiss-flat-index.ts';
import { AppError } from '../../../shared/errors/app-error.ts';
import { exactNeighbours } from './support/vectors.ts';

/** Deterministic pseudo-random unit vectors (mulberry32), so failures reproduce. */
function randomUnitVectors(count: number, dimension: number, seed: number): Float32Array {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296 - 0.5;
  };
  const out = new Float32Array(count * dimension);
  for (let row = 0; row < count; row++) {
    let norm = 0;
    for (let j = 0; j < dimension; j++) {
      const value = next();
      out[row * dimension + j] = value;
      norm += value * value;
    }
    for (let j = 0; j < dimension; j++) out[row * dimension + j]! /= Math.sqrt(norm);
  }
  return out;
}

describe('FaissFlatIndex', () => {
  const dimension = 32;
  const vectors = randomUnitVectors(500, dimension, 7);
  const queries = randomUnitVectors(20, dimension, 99);

  it('returns the same neighbours as brute-force dot products', async () => {
    const index = FaissFlatIndex.fromVectors(vectors, dimension);
    expect(index.size).toBe(500);
    expect(index.dimension).toBe(dimension);
    expect(index.kind).toBe('Flat');
    for (let q = 0; q < 20; q++) {
      const query = queries.subarray(q * dimension, (q + 1) * dimension);
      const hits = await index.search(query, 10);
      expect(hits.map((hit) => hit.label)).toEqual(exactNeighbours(vectors, dimension, query, 10));
      for (let i = 1; i < hits.length; i++) expect(hits[i]!.score).toBeLessThanOrEqual(hits[i - 1]!.score);
    }
  });

  it('round-trips through bytes with identical results', async () => {
    const index = FaissFlatIndex.fromVectors(vectors, dimension);
    const bytes = index.toBytes();
    const restored = FaissFlatIndex.fromBytes(bytes);
    expect(restored.size).toBe(500);
    expect(restored.toBytes()).toEqual(bytes);
    const query = queries.subarray(0, dimension);
    expect(await restored.search(query, 5)).toEqual(await index.search(query, 5));
  });

  it('clamps k to the size, returns [] for k = 0 and for an empty index', async () => {
    const small = FaissFlatIndex.fromVectors(vectors.subarray(0, 3 * dimension), dimension);
    const query = queries.subarray(0, dimension);
    expect(await small.search(query, 50)).toHaveLength(3);
    expect(await small.search(query, 0)).toEqual([]);
    const empty = FaissFlatIndex.fromVectors(new Float32Array(0), dimension);
    expect(empty.size).toBe(0);
    expect(await empty.search(query, 5)).toEqual([]);
  });

  it('validates dimensions, k and values', async () => {
    const index = FaissFlatIndex.fromVectors(vectors, dimension);
    await expect(index.search(new Float32Array(dimension + 1), 3)).rejects.toMatchObject({ code: 'index-mismatch' });
    await expect(index.search(queries.subarray(0, dimension), -1)).rejects.toMatchObject({ code: 'validation-failed' });
    expect(() => FaissFlatIndex.fromVectors(new Float32Array(dimension + 1), dimension)).toThrow(AppError);
    expect(() => FaissFlatIndex.fromVectors(new Float32Array([Number.NaN, 0]), 2)).toThrow(/finite/);
    expect(() => FaissFlatIndex.fromBytes(new TextEncoder().encode('not an index at all, just some text here ...'))).toThrow(AppError);
  });

  it('refuses to search after close', async () => {
    const index = FaissFlatIndex.fromVectors(vectors, dimension);
    index.close();
    await expect(index.search(queries.subarray(0, dimension), 1)).rejects.toMatchObject({ code: 'not-ready' });
  });

  it('builds 100k × 384 from a Float32Array (time printed, not asserted)', async () => {
    const big = randomUnitVectors(100_000, 384, 1);
    const started = performance.now();
    const index = FaissFlatIndex.fromVectors(big, 384);
    const built = performance.now() - started;
    const query = big.subarray(42 * 384, 43 * 384);
    const searchStarted = performance.now();
    const hits = await index.search(query, 5);
    const searched = performance.now() - searchStarted;
    console.log(`FaissFlatIndex 100k x 384: build ${built.toFixed(0)} ms, one search ${searched.toFixed(1)} ms`);
    expect(index.size).toBe(100_000);
    expect(hits[0]?.label).toBe(42);
    index.close();
  });
});
