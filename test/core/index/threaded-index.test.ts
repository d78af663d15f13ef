import { afterEach, describe, expect, it } from 'vitest';
import { FaissFlatIndex } from '../../../core/index/faiss-flat-index.ts';
import { FaissIvfIndex } from '../../../core/index/faiss-ivf-index.ts';
import { ThreadedIndex } from '../../../core/index/threaded-index.ts';
import type { AppError } from '../../../shared/errors/app-error.ts';
import { clusteredVectors, exactNeighbours, rowOf } from './support/vectors.ts';

const dimension = 32;
const vectors = clusteredVectors(3000, dimension, 30, 21);
const queries = clusteredVectors(50, dimension, 30, 22);
const opened: ThreadedIndex[] = [];

async function open(bytes: Uint8Array, options: Parameters<typeof ThreadedIndex.load>[1] = {}): Promise<ThreadedIndex> {
  const index = await ThreadedIndex.load(bytes, options);
  opened.push(index);
  return index;
}

afterEach(() => {
  for (const index of opened.splice(0)) index.close();
});

describe('ThreadedIndex', () => {
  it('returns the same hits as the in-thread Flat and IVF indexes', async () => {
    const flat = FaissFlatIndex.fromVectors(vectors, dimension);
    const ivf = FaissIvfIndex.fromVectors(vectors, dimension, { nlist: 16, nprobe: 3 });
    for (const inThread of [flat, ivf]) {
      const threaded = await open(inThread.toBytes().slice());
      expect(threaded.kind).toBe(inThread.kind);
      expect(threaded.size).toBe(3000);
      expect(threaded.dimension).toBe(dimension);
      for (let q = 0; q < 10; q++) {
        const query = rowOf(queries, dimension, q);
        expect(await threaded.search(query, 10)).toEqual(await inThread.search(query, 10));
      }
    }
  });

  it('answers 50 concurrent searches with per-query results in few native calls', async () => {
    const threaded = await open(FaissFlatIndex.fromVectors(vectors, dimension).toBytes().slice());
    const ks = Array.from({ length: 50 }, (_, q) => 1 + (q % 7));
    const results = await Promise.all(ks.map((k, q) => threaded.search(rowOf(queries, dimension, q), k)));
    results.forEach((hits, q) => {
      expect(hits.map((hit) => hit.label)).toEqual(exactNeighbours(vectors, dimension, rowOf(queries, dimension, q), ks[q]!));
    });
    expect(threaded.stats.searches).toBe(50);
    expect(threaded.stats.batches).toBeLessThan(5);
  });

  it('transfers the bytes unless asked to retain them', async () => {
    const bytes = FaissFlatIndex.fromVectors(vectors, dimension).toBytes().slice();
    const retained = await open(bytes, { retainBytes: true });
    expect(retained.toBytes()).toBe(bytes);
    const transferred = await open(bytes);
    expect(bytes.byteLength).toBe(0);
    expect(() => transferred.toBytes()).toThrow(/retainBytes/);
  });

  it('validates queries, clamps k and returns [] for k = 0', async () => {
    const threaded = await open(FaissFlatIndex.fromVectors(vectors.subarray(0, 4 * dimension), dimension).toBytes().slice());
    const query = rowOf(queries, dimension, 0);
    expect(await threaded.search(query, 50)).toHaveLength(4);
    expect(await threaded.search(query, 0)).toEqual([]);
    await expect(threaded.search(new Float32Array(3), 1)).rejects.toMatchObject({ code: 'index-mismatch' });
    await expect(threaded.search(query, 1.5)).rejects.toMatchObject({ code: 'validation-failed' });
  });

  it('close() rejects pending and later searches with not-ready', async () => {
    const threaded = await open(FaissFlatIndex.fromVectors(vectors, dimension).toBytes().slice());
    const pending = threaded.search(rowOf(queries, dimension, 0), 5);
    threaded.close();
    await expect(pending).rejects.toMatchObject({ code: 'not-ready' });
    await expect(threaded.search(rowOf(queries, dimension, 1), 5)).rejects.toMatchObject({ code: 'not-ready' });
  });

  it('rejects pending searches with internal and reports it when the worker crashes', async () => {
    const reported: AppError[] = [];
    const threaded = await open(FaissFlatIndex.fromVectors(vectors, dimension).toBytes().slice(), {
      workerUrl: new URL('./fixtures/crashing-search-worker.mjs', import.meta.url),
      onError: (error) => reported.push(error),
    });
    const searches = [0, 1, 2].map((q) => threaded.search(rowOf(queries, dimension, q), 3));
    for (const search of searches) await expect(search).rejects.toMatchObject({ code: 'internal' });
    expect(reported).toHaveLength(1);
    expect(reported[0]?.cause).toBeInstanceOf(Error);
    await expect(threaded.search(rowOf(queries, dimension, 0), 3)).rejects.toMatchObject({ code: 'not-ready' });
  });

  it('leaves main-thread FAISS loading working after workers load and exit', async () => {
    const bytes = FaissFlatIndex.fromVectors(vectors, dimension).toBytes();
    const threaded = await ThreadedIndex.load(bytes.slice());
    threaded.close();
    await new Promise((resolve) => setTimeout(resolve, 100));
    // faiss-node's fromBuffer uses a class reference the worker's addon load replaced (see faiss-statics.ts).
    const reloaded = FaissFlatIndex.fromBytes(bytes);
    const query = rowOf(queries, dimension, 3);
    expect((await reloaded.search(query, 3)).map((hit) => hit.label)).toEqual(exactNeighbours(vectors, dimension, query, 3));
  });

  it('refuses bytes it cannot load', async () => {
    await expect(ThreadedIndex.load(new TextEncoder().encode('definitely not a FAISS index, just text....'))).rejects.toMatchObject({
      code: 'index-mismatch',
    });
    const truncated = FaissFlatIndex.fromVectors(vectors.subarray(0, 10 * dimension), dimension).toBytes().slice();
    const view = new DataView(truncated.buffer);
    view.setBigUint64(37, 10n ** 12n, true);
    await expect(ThreadedIndex.load(truncated)).rejects.toThrow();
  });
});
