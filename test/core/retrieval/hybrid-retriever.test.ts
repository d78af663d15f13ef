import { describe, expect, it } from 'vitest';
import { HybridRetriever } from '../../../core/retrieval/hybrid-retriever.ts';
import { reciprocalRankFusion, weightedScoreFusion } from '../../../core/retrieval/rank-fusion.ts';
import type { RetrievalHit, Retriever } from '../../../core/retrieval/retriever.ts';
import { AppError } from '../../../shared/errors/app-error.ts';

/** Returns a fixed ranking and records the k it was asked for. */
class FixedRetriever implements Retriever {
  readonly requested: number[] = [];
  constructor(
    readonly kind: string,
    readonly hits: RetrievalHit[],
  ) {}
  async retrieve(_query: string, k: number): Promise<RetrievalHit[]> {
    this.requested.push(k);
    return this.hits.slice(0, k);
  }
}

// Ranking A: labels 1, 2, 3 (scores 3, 2, 1). Ranking B: labels 3, 1, 4 (scores 10, 6, 2).
const a = [
  { label: 1, score: 3 },
  { label: 2, score: 2 },
  { label: 3, score: 1 },
];
const b = [
  { label: 3, score: 10 },
  { label: 1, score: 6 },
  { label: 4, score: 2 },
];

describe('rank fusion', () => {
  it('computes reciprocal rank fusion by hand', () => {
    // k = 60: label 1 = 1/61 + 1/62 = 0.0325223; label 3 = 1/63 + 1/61 = 0.0322664;
    //         label 2 = 1/62 = 0.0161290; label 4 = 1/63 = 0.0158730.
    const fused = reciprocalRankFusion([a, b], 60);
    expect(fused.map((hit) => hit.label)).toEqual([1, 3, 2, 4]);
    expect(fused[0]!.score).toBeCloseTo(1 / 61 + 1 / 62, 12);
    expect(fused[1]!.score).toBeCloseTo(1 / 63 + 1 / 61, 12);
    expect(fused[3]!.score).toBeCloseTo(1 / 63, 12);
    // Weighting B 3×: label 3 = 1/63 + 3/61 = 0.0650495 beats label 1 = 1/61 + 3/62 = 0.0647858.
    expect(reciprocalRankFusion([a, b], 60, [1, 3]).map((hit) => hit.label)).toEqual([3, 1, 4, 2]);
  });

  it('computes min-max weighted fusion by hand', () => {
    // A normalised: 1 → 1, 2 → 0.5, 3 → 0. B normalised: 3 → 1, 1 → 0.5, 4 → 0.
    // Weights 1, 1: label 1 = 1.5, label 3 = 1, label 2 = 0.5, label 4 = 0.
    expect(weightedScoreFusion([a, b], [1, 1])).toEqual([
      { label: 1, score: 1.5 },
      { label: 3, score: 1 },
      { label: 2, score: 0.5 },
      { label: 4, score: 0 },
    ]);
    // Weights 1, 3: label 3 = 3 beats label 1 = 1 + 1.5 = 2.5.
    expect(weightedScoreFusion([a, b], [1, 3]).map((hit) => hit.label)).toEqual([3, 1, 2, 4]);
    // A single-hit list normalises to 1 instead of dividing by zero.
    expect(weightedScoreFusion([[{ label: 7, score: 0.2 }]], [2])).toEqual([{ label: 7, score: 2 }]);
  });
});

describe('HybridRetriever', () => {
  it('fuses its retrievers by RRF, asking each for the candidate depth', async () => {
    const first = new FixedRetriever('dense', a);
    const second = new FixedRetriever('bm25', b);
    const hybrid = new HybridRetriever({ retrievers: [first, second], candidates: 50 });
    expect(hybrid.kind).toBe('hybrid-rrf(dense+bm25)');
    const hits = await hybrid.retrieve('query', 3);
    expect(hits.map((hit) => hit.label)).toEqual([1, 3, 2]);
    expect(first.requested).toEqual([50]);
    expect(second.requested).toEqual([50]);
    await hybrid.retrieve('query', 80);
    expect(first.requested).toEqual([50, 80]);
  });

  it('fuses by weighted sum when asked', async () => {
    const hybrid = new HybridRetriever({
      retrievers: [new FixedRetriever('dense', a), new FixedRetriever('bm25', b)],
      fusion: 'weighted',
      weights: [1, 3],
    });
    expect((await hybrid.retrieve('query', 2)).map((hit) => hit.label)).toEqual([3, 1]);
  });

  it('rejects bad options', () => {
    const one = new FixedRetriever('dense', a);
    expect(() => new HybridRetriever({ retrievers: [] })).toThrow(AppError);
    expect(() => new HybridRetriever({ retrievers: [one], weights: [1, 1] })).toThrow(AppError);
    expect(() => new HybridRetriever({ retrievers: [one], candidates: 0 })).toThrow(AppError);
    expect(() => new HybridRetriever({ retrievers: [one], fusion: 'max' as 'rrf' })).toThrow(AppError);
  });
});
