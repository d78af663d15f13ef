import type faiss from 'faiss-node';
import { AppError } from '../../shared/errors/app-error.ts';
import { IVF_FLAT_MAGIC, readIvfHeader, setIvfProbeCount, writeIvfFlatBytes } from './faiss-ivf-bytes.ts';
import { assertFiniteVectors, FaissNativeIndex, readNativeIndex } from './faiss-native-index.ts';
import { addInBatches, assignToCentroids, sampleRows, trainIvf, trainIvfCentroids } from './ivf-clustering.ts';

/** How IVF lists store vectors: raw float32 ('Flat', exact scores) or 8-bit scalar quantized ('SQ8', 4× smaller). */
export type IvfEncoding = 'Flat' | 'SQ8';

/** Options of {@link FaissIvfIndex.fromVectors}. */
export interface IvfBuildOptions {
  /** Number of k-means lists. */
  nlist: number;
  /** Lists visited per search (recall vs speed); stored in the bytes. */
  nprobe: number;
  encoding?: IvfEncoding;
  /** Rows k-means trains on (every n/sampleSize-th row). */
  trainingSampleSize?: number;
  /** nlist × d centroids trained already (see {@link FaissIvfIndex.trainCentroids}); 'Flat' encoding only. */
  centroids?: Float32Array | undefined;
}

/**
 * Approximate inner-product search over FAISS's IndexIVFFlat or IndexIVFScalarQuantizer (SQ8):
 * a search compares the query with nlist centroids and scans only the `nprobe` nearest lists.
 * IVF-Flat is built without faiss-node's `add`: FAISS trains the centroids on a sample, rows are
 * assigned with a batched centroid search, and the serialisation is written directly
 * ({@link writeIvfFlatBytes}). SQ8 codes are FAISS's own (train, then add in batches).
 */
export class FaissIvfIndex extends FaissNativeIndex {
  readonly kind: string;
  readonly nlist: number;
  readonly nprobe: number;

  private constructor(native: faiss.Index, kind: string, dimension: number, size: number, nlist: number, nprobe: number) {
    super(native, dimension, size);
    this.kind = kind;
    this.nlist = nlist;
    this.nprobe = nprobe;
  }

  /** Trains and builds an IVF index over row-major `vectors` (needs at least `nlist` rows). */
  static fromVectors(vectors: Float32Array, dimension: number, options: IvfBuildOptions): FaissIvfIndex {
    const { nlist, nprobe, encoding = 'Flat', trainingSampleSize = 50_000 } = options;
    if (!Number.isInteger(dimension) || dimension < 1 || vectors.length % dimension !== 0) {
      throw new AppError('validation-failed', { detail: `vector data length ${vectors.length} is not a multiple of dimension ${dimension}` });
    }
    if (!Number.isInteger(nprobe) || nprobe < 1) {
      throw new AppError('validation-failed', { detail: `nprobe must be a positive integer, got ${nprobe}` });
    }
    assertFiniteVectors(vectors);
    if (options.centroids !== undefined && (encoding !== 'Flat' || options.centroids.length !== nlist * dimension)) {
      throw new AppError('validation-failed', { detail: `trained centroids need the 'Flat' encoding and nlist × dimension (${nlist * dimension}) values` });
    }
    let bytes: Uint8Array;
    if (encoding === 'Flat') {
      const centroids = options.centroids ?? FaissIvfIndex.trainCentroids(vectors, dimension, nlist, trainingSampleSize);
      const assignments = assignToCentroids(centroids, vectors, dimension);
      bytes = writeIvfFlatBytes({ dimension, centroids, vectors, assignments, nprobe });
    } else {
      const native = trainIvf(sampleRows(vectors, dimension, Math.max(nlist, trainingSampleSize)), dimension, nlist, 'SQ8');
      addInBatches(native, vectors, dimension);
      const buffer = native.toBuffer();
      bytes = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
      setIvfProbeCount(bytes, nprobe);
    }
    return FaissIvfIndex.fromBytes(bytes);
  }

  /** k-means centroids (nlist × d) of every n/sampleSize-th row of `vectors`, as {@link fromVectors} trains them. */
  static trainCentroids(vectors: Float32Array, dimension: number, nlist: number, trainingSampleSize = 50_000): Float32Array {
    return trainIvfCentroids(sampleRows(vectors, dimension, Math.max(nlist, trainingSampleSize)), dimension, nlist);
  }

  /** Loads a serialised IVF index (from {@link FaissIvfIndex.toBytes} or FAISS's `write_index`). */
  static fromBytes(bytes: Uint8Array): FaissIvfIndex {
    const header = readIvfHeader(bytes);
    const native = readNativeIndex(bytes);
    const encoding = header.magic === IVF_FLAT_MAGIC ? 'Flat' : 'SQ8';
    return new FaissIvfIndex(native, `IVF${header.nlist},${encoding}`, header.dimension, header.count, header.nlist, header.nprobe);
  }

  /** The same index reloaded with another nprobe (the native index has no setter). */
  withProbeCount(nprobe: number): FaissIvfIndex {
    const bytes = this.toBytes().slice();
    setIvfProbeCount(bytes, nprobe);
    return FaissIvfIndex.fromBytes(bytes);
  }
}
