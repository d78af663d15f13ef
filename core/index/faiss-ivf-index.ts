import type faiss from 'faiss-node';
import type { VectorHit, VectorIndex } from '../ports/vector-index.ts';
import { AppError } from '../../shared/errors/app-error.ts';
import { IVF_FLAT_MAGIC, readIvfHeader, setIvfProbeCount, writeIvfFlatBytes } from './faiss-ivf-bytes.ts';
import { addInBatches, assignToCentroids, sampleRows, trainIvf, trainIvfCentroids } from './ivf-clustering.ts';
import { withFaissStatics } from './faiss-statics.ts';
import { searchNative, validateQuery } from './native-search.ts';

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
}

/**
 * Approximate inner-product search over FAISS's IndexIVFFlat or IndexIVFScalarQuantizer (SQ8):
 * a search compares the query with nlist centroids and scans only the `nprobe` nearest lists.
 * IVF-Flat is built without faiss-node's `add`: FAISS trains the centroids on a sample, rows are
 * assigned with a batched centroid search, and the serialisation is written directly
 * ({@link writeIvfFlatBytes}). SQ8 codes are FAISS's own (train, then add in batches).
 */
export class FaissIvfIndex implements VectorIndex {
  readonly kind: string;
  readonly dimension: number;
  readonly size: number;
  readonly nlist: number;
  readonly nprobe: number;
  #native: faiss.Index | null;

  private constructor(native: faiss.Index, kind: string, dimension: number, size: number, nlist: number, nprobe: number) {
    this.#native = native;
    this.kind = kind;
    this.dimension = dimension;
    this.size = size;
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
    for (let i = 0; i < vectors.length; i++) {
      if (!Number.isFinite(vectors[i]!)) {
        throw new AppError('validation-failed', { detail: `vector value ${i} is not finite` });
      }
    }
    const sample = sampleRows(vectors, dimension, Math.max(nlist, trainingSampleSize));
    let bytes: Uint8Array;
    if (encoding === 'Flat') {
      const centroids = trainIvfCentroids(sample, dimension, nlist);
      const assignments = assignToCentroids(centroids, vectors, dimension);
      bytes = writeIvfFlatBytes({ dimension, centroids, vectors, assignments, nprobe });
    } else {
      const native = trainIvf(sample, dimension, nlist, 'SQ8');
      addInBatches(native, vectors, dimension);
      const buffer = native.toBuffer();
      bytes = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
      setIvfProbeCount(bytes, nprobe);
    }
    return FaissIvfIndex.fromBytes(bytes);
  }

  /** Loads a serialised IVF index (from {@link FaissIvfIndex.toBytes} or FAISS's `write_index`). */
  static fromBytes(bytes: Uint8Array): FaissIvfIndex {
    const header = readIvfHeader(bytes);
    let native: faiss.Index;
    try {
      native = withFaissStatics((module) => module.Index.fromBuffer(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)));
    } catch (error) {
      throw new AppError('validation-failed', { detail: 'FAISS could not read the index bytes', cause: error });
    }
    const encoding = header.magic === IVF_FLAT_MAGIC ? 'Flat' : 'SQ8';
    return new FaissIvfIndex(native, `IVF${header.nlist},${encoding}`, header.dimension, header.count, header.nlist, header.nprobe);
  }

  /** The same index reloaded with another nprobe (the native index has no setter). */
  withProbeCount(nprobe: number): FaissIvfIndex {
    const bytes = this.toBytes().slice();
    setIvfProbeCount(bytes, nprobe);
    return FaissIvfIndex.fromBytes(bytes);
  }

  async search(query: Float32Array, k: number): Promise<VectorHit[]> {
    const native = this.#open();
    validateQuery(query, k, this.dimension);
    return searchNative(native, query, [k], this.size)[0] ?? [];
  }

  toBytes(): Uint8Array {
    const buffer = this.#open().toBuffer();
    return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  }

  /** The binding has no explicit free; dropping the last reference lets its finaliser release the memory. */
  close(): void {
    this.#native = null;
  }

  #open(): faiss.Index {
    if (this.#native === null) throw new AppError('not-ready', { detail: 'the index has been closed' });
    return this.#native;
  }
}
