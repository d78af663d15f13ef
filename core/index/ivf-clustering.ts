import type faiss from 'faiss-node';
import { AppError } from '../../shared/errors/app-error.ts';
import { writeFlatIpBytes } from './faiss-flat-bytes.ts';
import { readIvfCentroids } from './faiss-ivf-bytes.ts';
import { withFaissStatics } from './faiss-statics.ts';

/** Rows per native call when rows cross into faiss-node as a number[] (bounds the JS array's memory). */
const BATCH_ROWS = 2048;

/**
 * Every `count / sampleSize`-th row of `vectors` (all rows when there are fewer), so training
 * sees the whole corpus without a random generator and builds are reproducible.
 */
export function sampleRows(vectors: Float32Array, dimension: number, sampleSize: number): Float32Array {
  const count = vectors.length / dimension;
  if (count <= sampleSize) return vectors;
  const sample = new Float32Array(sampleSize * dimension);
  for (let i = 0; i < sampleSize; i++) {
    const row = Math.floor((i * count) / sampleSize);
    sample.set(vectors.subarray(row * dimension, (row + 1) * dimension), i * dimension);
  }
  return sample;
}

/**
 * Trains a FAISS `IVF<nlist>,<encoding>` index (inner product) on `sample` and returns the native,
 * trained, still empty index. Training needs at least `nlist` rows; FAISS prints a warning
 * below 39 rows per list and works anyway.
 */
export function trainIvf(sample: Float32Array, dimension: number, nlist: number, encoding: 'Flat' | 'SQ8'): faiss.Index {
  const rows = sample.length / dimension;
  if (!Number.isInteger(nlist) || nlist < 1 || rows < nlist) {
    throw new AppError('validation-failed', { detail: `IVF training needs at least nlist (${nlist}) vectors, got ${rows}` });
  }
  const index = withFaissStatics((module) => module.Index.fromFactory(dimension, `IVF${nlist},${encoding}`, module.MetricType.METRIC_INNER_PRODUCT));
  index.train(Array.from(sample));
  return index;
}

/** k-means centroids (nlist × d) of `sample`, as FAISS's IVF training finds them. */
export function trainIvfCentroids(sample: Float32Array, dimension: number, nlist: number): Float32Array {
  const buffer = trainIvf(sample, dimension, nlist, 'Flat').toBuffer();
  return readIvfCentroids(new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength));
}

/**
 * The nearest centroid (largest inner product) of every row, the assignment FAISS's
 * IndexIVF::add makes, found with an IndexFlatIP of the centroids searched in batches.
 * The cost is dominated by faiss-node copying each batch in from a number[] (≈0.1 µs a value).
 */
export function assignToCentroids(centroids: Float32Array, vectors: Float32Array, dimension: number): Int32Array {
  const quantizerBytes = writeFlatIpBytes(centroids, dimension);
  const quantizer = withFaissStatics((module) => module.Index.fromBuffer(Buffer.from(quantizerBytes.buffer, quantizerBytes.byteOffset, quantizerBytes.byteLength)));
  const count = vectors.length / dimension;
  const assignments = new Int32Array(count);
  for (let first = 0; first < count; first += BATCH_ROWS) {
    const end = Math.min(count, first + BATCH_ROWS);
    const { labels } = quantizer.search(Array.from(vectors.subarray(first * dimension, end * dimension)), 1);
    for (let row = first; row < end; row++) assignments[row] = labels[row - first] ?? -1;
  }
  return assignments;
}

/** Adds `vectors` to a trained native index in batches (faiss-node's add takes a number[]). */
export function addInBatches(index: faiss.Index, vectors: Float32Array, dimension: number): void {
  const count = vectors.length / dimension;
  for (let first = 0; first < count; first += BATCH_ROWS) {
    const end = Math.min(count, first + BATCH_ROWS);
    index.add(Array.from(vectors.subarray(first * dimension, end * dimension)));
  }
}
