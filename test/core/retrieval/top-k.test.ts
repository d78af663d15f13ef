import { describe, expect, it } from 'vitest';
import { topK } from '../../../core/retrieval/top-k.ts';

describe('topK', () => {
  it('matches a full sort, ties to the lower label, skipping NaN', () => {
    const scores = [0.5, 2, NaN, 2, -1, 7, 0.5, 3, 3, 1];
    const expected = scores
      .map((score, label) => ({ label, score }))
      .filter((hit) => !Number.isNaN(hit.score))
      .sort((x, y) => y.score - x.score || x.label - y.label);
    for (const k of [0, 1, 3, 5, 9, 20]) expect(topK(scores.length, k, (label) => scores[label]!)).toEqual(expected.slice(0, k));
  });

  it('only considers the given labels', () => {
    const scores = [9, 1, 8, 2];
    expect(topK(4, 2, (label) => scores[label]!, [1, 3]).map((hit) => hit.label)).toEqual([3, 1]);
  });
});
