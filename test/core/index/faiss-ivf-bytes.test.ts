import type faiss from 'faiss-node';
import { describe, expect, it } from 'vitest';
import {
  NPROBE_OFFSET,
  readIvfCentroids,
  readIvfHeader,
  setIvfProbeCount,
  writeIvfFlatBytes,
} from '../../../core/index/faiss-ivf-bytes.ts';
import { withFaissStatics } from '../../../core/index/faiss-statics.ts';
import { assignToCentroids } from '../../../core/index/ivf-clustering.ts';
import { AppError } from '../../../shared/errors/app-error.ts';
import { clusteredVectors } from './support/vectors.ts';

const dimension = 16;
const nlist = 32;

/** A FAISS-trained, still empty IVF32,Flat (inner product) and its centroids. */
function trainedByFaiss(training: Float32Array): { native: faiss.Index; centroids: Float32Array } {
  // Through withFaissStatics: a worker from another test file in this process may have loaded the addon.
  const native = withFaissStatics((module) => module.Index.fromFactory(dimension, `IVF${nlist},Flat`, module.MetricType.METRIC_INNER_PRODUCT));
  native.train(Array.from(training));
  return { native, centroids: readIvfCentroids(new Uint8Array(native.toBuffer())) };
}

describe('writeIvfFlatBytes', () => {
  const vectors = clusteredVectors(3000, dimension, 10, 3);

  it('writes the same bytes as FAISS add + write_index (full list table)', () => {
    const { native, centroids } = trainedByFaiss(vectors.subarray(0, 1500 * dimension));
    native.add(Array.from(vectors));
    const expected = new Uint8Array(native.toBuffer());
    const assignments = assignToCentroids(centroids, vectors, dimension);
    const written = writeIvfFlatBytes({ dimension, centroids, vectors, assignments, nprobe: 1 });
    expect(written.length).toBe(expected.length);
    expect(Buffer.from(written).includes('full')).toBe(true);
    expect(Buffer.compare(Buffer.from(written), Buffer.from(expected))).toBe(0);
  });

  it('writes the same bytes as FAISS when most lists are empty (sparse list table)', () => {
    const { native, centroids } = trainedByFaiss(vectors.subarray(0, 1500 * dimension));
    const few = vectors.subarray(0, 10 * dimension);
    native.add(Array.from(few));
    const expected = new Uint8Array(native.toBuffer());
    const written = writeIvfFlatBytes({ dimension, centroids, vectors: few, assignments: assignToCentroids(centroids, few, dimension), nprobe: 1 });
    expect(Buffer.from(written).includes('sprs')).toBe(true);
    expect(Buffer.compare(Buffer.from(written), Buffer.from(expected))).toBe(0);
  });

  it('rejects assignments outside the lists and mismatched sizes', () => {
    const centroids = vectors.subarray(0, 4 * dimension);
    const two = vectors.subarray(0, 2 * dimension);
    expect(() => writeIvfFlatBytes({ dimension, centroids, vectors: two, assignments: new Int32Array([0, 4]), nprobe: 1 })).toThrow(AppError);
    expect(() => writeIvfFlatBytes({ dimension, centroids, vectors: two, assignments: new Int32Array([0]), nprobe: 1 })).toThrow(/do not match/);
  });
});

describe('IVF header', () => {
  const vectors = clusteredVectors(2000, dimension, 10, 5);
  const centroids = vectors.subarray(0, nlist * dimension);
  const bytes = writeIvfFlatBytes({ dimension, centroids, vectors, assignments: assignToCentroids(centroids, vectors, dimension), nprobe: 3 });

  it('reads back what was written', () => {
    expect(readIvfHeader(bytes)).toEqual({ magic: 'IwFl', dimension, count: 2000, nlist, nprobe: 3 });
    expect(readIvfCentroids(bytes)).toEqual(new Float32Array(centroids));
  });

  it('patches nprobe in place at the documented offset, clamped to nlist', () => {
    const copy = bytes.slice();
    setIvfProbeCount(copy, 7);
    expect(new DataView(copy.buffer).getBigUint64(NPROBE_OFFSET, true)).toBe(7n);
    setIvfProbeCount(copy, 10_000);
    expect(readIvfHeader(copy).nprobe).toBe(nlist);
    expect(() => setIvfProbeCount(copy, 0)).toThrow(/positive integer/);
  });

  it('refuses other index types', () => {
    const flat = new Uint8Array(200);
    flat.set([0x49, 0x78, 0x46, 0x49]);
    expect(() => readIvfHeader(flat)).toThrow(expect.objectContaining({ code: 'index-mismatch' }));
    expect(() => readIvfHeader(new Uint8Array(10))).toThrow(expect.objectContaining({ code: 'validation-failed' }));
  });
});
