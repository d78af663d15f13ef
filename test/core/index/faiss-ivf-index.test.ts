import { describe, expect, it } from 'vitest';
import { FaissFlatIndex } from '../../../core/index/faiss-flat-index.ts';
import { readIvfHeader } from '../../../core/index/faiss-ivf-bytes.ts';
import { FaissIvfIndex } from '../../../core/index/faiss-ivf-index.ts';
import { clusteredVectors, exactNeighbours, overlap, rowOf } from './support/vectors.ts';

const dimension = 32;
const nlist = 16;
const vectors = clusteredVectors(4000, dimension, 40, 11);
const queries = clusteredVectors(30, dimension, 40, 12);

async function meanRecall(index: { search(query: Float32Array, k: number): Promise<{ label: number }[]> }, k = 10): Promise<number> {
  let total = 0;
  for (let q = 0; q < 30; q++) {
    const query = rowOf(queries, dimension, q);
    const hits = await index.search(query, k);
    total += overlap(hits.map((hit) => hit.label), exactNeighbours(vectors, dimension, query, k));
  }
  return total / 30;
}

describe('FaissIvfIndex (IVF-Flat, written without add)', () => {
  const index = FaissIvfIndex.fromVectors(vectors, dimension, { nlist, nprobe: 2 });

  it('describes itself and stores nprobe in its bytes', () => {
    expect(index.kind).toBe('IVF16,Flat');
    expect(index.size).toBe(4000);
    expect(index.dimension).toBe(dimension);
    expect(readIvfHeader(index.toBytes())).toMatchObject({ magic: 'IwFl', nlist, nprobe: 2, count: 4000 });
  });

  it('equals exact search (labels and scores) with nprobe = nlist', async () => {
    const full = index.withProbeCount(nlist);
    const flat = FaissFlatIndex.fromVectors(vectors, dimension);
    for (let q = 0; q < 30; q++) {
      const query = rowOf(queries, dimension, q);
      const hits = await full.search(query, 10);
      expect(hits.map((hit) => hit.label)).toEqual(exactNeighbours(vectors, dimension, query, 10));
      const exact = await flat.search(query, 10);
      hits.forEach((hit, i) => expect(hit.score).toBeCloseTo(exact[i]!.score, 5));
    }
  });

  it('recall@10 rises with the patched nprobe', async () => {
    const recalls = [];
    for (const nprobe of [1, 4, nlist]) recalls.push(await meanRecall(index.withProbeCount(nprobe)));
    expect(recalls[0]!).toBeLessThan(recalls[1]!);
    expect(recalls[1]!).toBeLessThanOrEqual(recalls[2]!);
    expect(recalls[2]!).toBe(1);
  });

  it('round-trips through bytes with identical results', async () => {
    const restored = FaissIvfIndex.fromBytes(index.toBytes());
    expect(restored.kind).toBe(index.kind);
    expect(restored.nprobe).toBe(2);
    for (let q = 0; q < 5; q++) {
      const query = rowOf(queries, dimension, q);
      expect(await restored.search(query, 10)).toEqual(await index.search(query, 10));
    }
  });

  it('validates input and refuses to search after close', async () => {
    expect(() => FaissIvfIndex.fromVectors(vectors.subarray(0, 8 * dimension), dimension, { nlist, nprobe: 1 })).toThrow(/at least nlist/);
    expect(() => FaissIvfIndex.fromVectors(vectors, dimension, { nlist, nprobe: 0 })).toThrow(/nprobe/);
    await expect(index.search(new Float32Array(dimension - 1), 3)).rejects.toMatchObject({ code: 'index-mismatch' });
    const closed = FaissIvfIndex.fromBytes(index.toBytes());
    closed.close();
    await expect(closed.search(rowOf(queries, dimension, 0), 3)).rejects.toMatchObject({ code: 'not-ready' });
  });
});

describe('FaissIvfIndex (IVF-SQ8)', () => {
  const index = FaissIvfIndex.fromVectors(vectors, dimension, { nlist, nprobe: 1, encoding: 'SQ8' });

  it('is about 4x smaller than IVF-Flat and stores nprobe', () => {
    expect(index.kind).toBe('IVF16,SQ8');
    const bytes = index.toBytes();
    expect(readIvfHeader(bytes)).toMatchObject({ magic: 'IwSq', nlist, nprobe: 1, count: 4000 });
    expect(bytes.length).toBeLessThan(4000 * (dimension + 8) + nlist * dimension * 4 + 2000);
  });

  it('round-trips through bytes, and nprobe = nlist gives near-exact recall', async () => {
    const restored = FaissIvfIndex.fromBytes(index.toBytes());
    const query = rowOf(queries, dimension, 0);
    expect(await restored.search(query, 10)).toEqual(await index.search(query, 10));
    const low = await meanRecall(index);
    const full = await meanRecall(index.withProbeCount(nlist));
    expect(full).toBeGreaterThan(low);
    expect(full).toBeGreaterThanOrEqual(0.9);
  });
});
