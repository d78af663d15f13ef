import { describe, expect, it } from 'vitest';
import { buildIndex } from '../../../core/index/build-index.ts';
import { bytesPerVector, chooseIndexKind, describePlan } from '../../../core/index/choose-index-kind.ts';
import { describeIndexBytes } from '../../../core/index/describe-index-bytes.ts';
import { FaissFlatIndex } from '../../../core/index/faiss-flat-index.ts';
import { FaissIvfIndex } from '../../../core/index/faiss-ivf-index.ts';
import { loadIndex } from '../../../core/index/load-index.ts';
import { clusteredVectors, exactNeighbours, rowOf } from './support/vectors.ts';

describe('chooseIndexKind', () => {
  it('picks Flat below the threshold and IVF from it', () => {
    expect(chooseIndexKind(0)).toEqual({ kind: 'Flat' });
    expect(chooseIndexKind(24_999)).toEqual({ kind: 'Flat' });
    expect(chooseIndexKind(25_000)).toEqual({ kind: 'IVF', nlist: 512, nprobe: 8, encoding: 'Flat' });
    expect(chooseIndexKind(500_000)).toEqual({ kind: 'IVF', nlist: 2048, nprobe: 32, encoding: 'Flat' });
    expect(chooseIndexKind(1_000_000)).toEqual({ kind: 'IVF', nlist: 2048, nprobe: 32, encoding: 'Flat' });
    expect(chooseIndexKind(4_000_000, { encoding: 'SQ8' })).toEqual({ kind: 'IVF', nlist: 4096, nprobe: 64, encoding: 'SQ8' });
    expect(chooseIndexKind(100_000, { threshold: 50_000 })).toMatchObject({ kind: 'IVF', nlist: 1024, nprobe: 16 });
    expect(() => chooseIndexKind(-1)).toThrow(/non-negative/);
  });

  it('names plans and reports bytes per vector', () => {
    const ivf = chooseIndexKind(1_000_000);
    expect(describePlan({ kind: 'Flat' })).toBe('Flat');
    expect(describePlan(ivf)).toBe('IVF2048,Flat');
    expect(bytesPerVector({ kind: 'Flat' }, 384)).toBe(1536);
    expect(bytesPerVector(ivf, 384)).toBe(1544);
    expect(bytesPerVector({ kind: 'IVF', nlist: 2048, nprobe: 32, encoding: 'SQ8' }, 384)).toBe(392);
  });
});

describe('buildIndex / loadIndex', () => {
  const dimension = 16;
  const vectors = clusteredVectors(2000, dimension, 20, 31);
  const query = rowOf(clusteredVectors(1, dimension, 20, 32), dimension, 0);

  it('builds each kind and loads its bytes back into the matching class', async () => {
    const plans = [
      { kind: 'Flat' as const },
      { kind: 'IVF' as const, nlist: 8, nprobe: 8, encoding: 'Flat' as const },
      { kind: 'IVF' as const, nlist: 8, nprobe: 2, encoding: 'SQ8' as const },
    ];
    for (const plan of plans) {
      const built = buildIndex(vectors, dimension, plan);
      expect(built.kind).toBe(describePlan(plan));
      const bytes = built.toBytes();
      expect(describeIndexBytes(bytes)).toMatchObject({ kind: built.kind, dimension, count: 2000 });
      const loaded = loadIndex(bytes);
      expect(loaded).toBeInstanceOf(plan.kind === 'Flat' ? FaissFlatIndex : FaissIvfIndex);
      expect(loaded.kind).toBe(built.kind);
      expect(await loaded.search(query, 10)).toEqual(await built.search(query, 10));
      if (plan.encoding !== 'SQ8') {
        expect((await loaded.search(query, 10)).map((hit) => hit.label)).toEqual(exactNeighbours(vectors, dimension, query, 10));
      }
    }
  });

  it('refuses unknown index types', () => {
    expect(() => loadIndex(new TextEncoder().encode('IxM2 some other faiss index type....'))).toThrow(
      expect.objectContaining({ code: 'index-mismatch' }),
    );
  });
});
