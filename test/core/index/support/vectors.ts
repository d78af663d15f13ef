import { clusteredVectors } from '../../../../bench/support/results.ts';

export { clusteredVectors };

/** Labels of the k rows with the largest inner product with `query` (exact, in JS). */
export function exactNeighbours(vectors: Float32Array, dimension: number, query: Float32Array, k: number): number[] {
  const scores: { label: number; score: number }[] = [];
  for (let row = 0; row * dimension < vectors.length; row++) {
    let score = 0;
    for (let j = 0; j < dimension; j++) score += vectors[row * dimension + j]! * query[j]!;
    scores.push({ label: row, score });
  }
  return scores.sort((a, b) => b.score - a.score).slice(0, k).map((hit) => hit.label);
}

/** Fraction of `expected` labels found in `actual`. */
export function overlap(actual: readonly number[], expected: readonly number[]): number {
  const found = new Set(actual);
  return expected.filter((label) => found.has(label)).length / Math.max(1, expected.length);
}

/** Row `row` of a row-major matrix. */
export const rowOf = (matrix: Float32Array, dimension: number, row: number): Float32Array => matrix.subarray(row * dimension, (row + 1) * dimension);
