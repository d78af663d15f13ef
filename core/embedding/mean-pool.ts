/**
 * Sentence vectors from token vectors, as sentence-transformers computes them for all-MiniLM-L6-v2:
 * the mean of each row's token vectors over the positions its attention mask marks (padding
 * excluded), then L2-normalised. Writes `rows × dimension` values into `out` at `outOffset`.
 *
 * @param hidden row-major [rows, sequenceLength, dimension] token vectors (last_hidden_state)
 * @param mask row-major [rows, sequenceLength]; non-zero marks a real token
 */
export function poolAndNormalise(
  hidden: Float32Array,
  mask: BigInt64Array,
  shape: { rows: number; sequenceLength: number; dimension: number },
  out: Float32Array,
  outOffset = 0,
): void {
  const { rows, sequenceLength, dimension } = shape;
  const sum = new Float64Array(dimension);
  for (let row = 0; row < rows; row++) {
    sum.fill(0);
    let count = 0;
    for (let position = 0; position < sequenceLength; position++) {
      if (mask[row * sequenceLength + position] === 0n) continue;
      count++;
      const base = (row * sequenceLength + position) * dimension;
      for (let d = 0; d < dimension; d++) sum[d]! += hidden[base + d]!;
    }
    // sentence-transformers clamps the token count at 1e-9; with a zero count the sum is zero anyway.
    const inverseCount = 1 / Math.max(count, 1e-9);
    let norm = 0;
    for (let d = 0; d < dimension; d++) {
      const mean = sum[d]! * inverseCount;
      sum[d] = mean;
      norm += mean * mean;
    }
    // F.normalize's eps: a zero vector stays zero instead of becoming NaN.
    const scale = 1 / Math.max(Math.sqrt(norm), 1e-12);
    const target = outOffset + row * dimension;
    for (let d = 0; d < dimension; d++) out[target + d] = sum[d]! * scale;
  }
}
