import { describe, expect, it } from 'vitest';
import { buildIndexByRecall } from '../../../core/index/choose-index-by-recall.ts';
import { clusteredVectors } from './support/vectors.ts';

describe('buildIndexByRecall', () => {
  it('keeps IVF when it finds what exact search finds on held-out rows', async () => {
    // Tight, well separated clusters: the nearest lists hold every true neighbour.
    const vectors = clusteredVectors(4000, 16, 16, 3);
    const choice = await buildIndexByRecall(vectors, 16, { kind: 'IVF', nlist: 16, nprobe: 2, encoding: 'Flat' }, { queries: 50 });
    try {
      expect(choice.plan).toMatchObject({ kind: 'IVF', nlist: 16, encoding: 'Flat' });
      expect(choice.index.kind).toBe('IVF16,Flat');
      expect(choice.index.size).toBe(4000);
      expect(choice.measured).toMatchObject({ candidate: 'IVF16,Flat', k: 10, queries: 50, minimumRecall: 0.99 });
      expect(choice.measured!.recall).toBeGreaterThanOrEqual(0.99);
      expect(choice.plan.kind === 'IVF' && choice.plan.nprobe).toBe(choice.measured!.nprobe);
    } finally {
      choice.index.close();
    }
  });

  it('falls back to Flat, recording the recall it measured, when IVF misses neighbours', async () => {
    // Every row its own direction (no structure to cluster) and one list in 64 probed.
    const vectors = clusteredVectors(4000, 32, 4000, 5);
    const choice = await buildIndexByRecall(vectors, 32, { kind: 'IVF', nlist: 64, nprobe: 1, encoding: 'Flat' }, { queries: 50, probeMultiples: [1] });
    try {
      expect(choice.plan).toEqual({ kind: 'Flat' });
      expect(choice.index.kind).toBe('Flat');
      expect(choice.index.size).toBe(4000);
      expect(choice.measured).toMatchObject({ candidate: 'IVF64,Flat', nprobe: 1, queries: 50 });
      expect(choice.measured!.recall).toBeLessThan(0.99);
    } finally {
      choice.index.close();
    }
  });

  it('raises nprobe until recall is reached before giving up on IVF', async () => {
    const vectors = clusteredVectors(4000, 32, 4000, 5);
    const choice = await buildIndexByRecall(vectors, 32, { kind: 'IVF', nlist: 64, nprobe: 8, encoding: 'Flat' }, { queries: 50, probeMultiples: [1, 8] });
    try {
      // nprobe 64 of 64 lists is exhaustive: recall 1.
      expect(choice.measured).toMatchObject({ nprobe: 64, recall: 1 });
      expect(choice.plan).toMatchObject({ kind: 'IVF', nprobe: 64 });
    } finally {
      choice.index.close();
    }
  });

  it('builds a Flat plan as given, without measuring', async () => {
    const choice = await buildIndexByRecall(clusteredVectors(100, 8, 4), 8, { kind: 'Flat' });
    expect(choice.plan).toEqual({ kind: 'Flat' });
    expect(choice.measured).toBeUndefined();
    choice.index.close();
  });
});
