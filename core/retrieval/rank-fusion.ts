import type { RetrievalHit } from './retriever.ts';

/**
 * Reciprocal rank fusion (Cormack et al., 2009): each list adds weight / (rrfK + rank) for the
 * documents it ranks (rank 1-based). Returns every fused label, best first, ties to the lower label.
 */
export function reciprocalRankFusion(rankings: readonly (readonly RetrievalHit[])[], rrfK = 60, weights?: readonly number[]): RetrievalHit[] {
  const fused = new Map<number, number>();
  rankings.forEach((ranking, list) => {
    const weight = weights?.[list] ?? 1;
    ranking.forEach((hit, i) => fused.set(hit.label, (fused.get(hit.label) ?? 0) + weight / (rrfK + i + 1)));
  });
  return sortFused(fused);
}

/**
 * Weighted sum of min-max normalised scores: each list's scores are mapped to [0, 1] (all 1 when
 * they are equal), multiplied by the list's weight and summed; a list that misses a document adds 0.
 */
export function weightedScoreFusion(rankings: readonly (readonly RetrievalHit[])[], weights: readonly number[]): RetrievalHit[] {
  const fused = new Map<number, number>();
  rankings.forEach((ranking, list) => {
    if (ranking.length === 0) return;
    const weight = weights[list] ?? 1;
    let min = Infinity;
    let max = -Infinity;
    for (const { score } of ranking) {
      min = Math.min(min, score);
      max = Math.max(max, score);
    }
    const range = max - min;
    for (const { label, score } of ranking) {
      const normalised = range > 0 ? (score - min) / range : 1;
      fused.set(label, (fused.get(label) ?? 0) + weight * normalised);
    }
  });
  return sortFused(fused);
}

function sortFused(fused: Map<number, number>): RetrievalHit[] {
  return [...fused].map(([label, score]) => ({ label, score })).sort((a, b) => b.score - a.score || a.label - b.label);
}
