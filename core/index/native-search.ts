import type faiss from 'faiss-node';
import type { VectorHit } from '../ports/vector-index.ts';
import { AppError } from '../../shared/errors/app-error.ts';

/**
 * Checks one query against an index's dimension and a requested `k`. Throws AppError
 * 'index-mismatch' for a wrong dimension, 'validation-failed' for non-finite values or a bad k.
 */
export function validateQuery(query: Float32Array, k: number, dimension: number): void {
  if (query.length !== dimension) {
    throw new AppError('index-mismatch', { detail: `query has dimension ${query.length}, index has ${dimension}` });
  }
  if (!query.every(Number.isFinite)) {
    throw new AppError('validation-failed', { detail: 'query vector has non-finite values' });
  }
  if (!Number.isInteger(k) || k < 0) {
    throw new AppError('validation-failed', { detail: `k must be a non-negative integer, got ${k}` });
  }
}

/**
 * Splits FAISS's flat n × k result arrays into one hit list per query, dropping the -1 labels
 * FAISS pads with when fewer than k neighbours were found (IVF with small nprobe), and keeping
 * only the first `limits[q]` hits of query q (a batch is searched with the largest k asked).
 */
export function splitHits(
  labels: ArrayLike<number>,
  distances: ArrayLike<number>,
  k: number,
  limits: readonly number[],
): VectorHit[][] {
  return limits.map((limit, query) => {
    const hits: VectorHit[] = [];
    for (let i = query * k; i < query * k + k && hits.length < limit; i++) {
      const label = labels[i] ?? -1;
      if (label >= 0) hits.push({ label, score: distances[i] ?? Number.NaN });
    }
    return hits;
  });
}

/**
 * Searches `queries` (row-major, `limits.length` rows) in a native FAISS index in one call and
 * returns each query's hits. FAISS aborts the process on k = 0 and the binding throws for
 * k > ntotal, so k is clamped to `size` here and an empty search never reaches native code.
 */
export function searchNative(native: faiss.Index, queries: Float32Array, limits: readonly number[], size: number): VectorHit[][] {
  const k = Math.min(size, Math.max(0, ...limits));
  if (k === 0) return limits.map(() => []);
  const result = native.search(Array.from(queries), k);
  return splitHits(result.labels, result.distances, k, limits);
}
