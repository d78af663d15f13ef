import type faiss from 'faiss-node';
import type { VectorHit, VectorIndex } from '../ports/vector-index.ts';
import { AppError } from '../../shared/errors/app-error.ts';
import { readFlatIpHeader, writeFlatIpBytes } from './faiss-flat-bytes.ts';
import { withFaissStatics } from './faiss-statics.ts';
import { searchNative, validateQuery } from './native-search.ts';

/**
 * Exact inner-product search over FAISS's IndexFlatIP (cosine for normalised vectors).
 * Search is synchronous native code (≈50 ms for one query over 100k × 384 on Debian's FAISS),
 * so it blocks the event loop for that long; fine for the embedded default, not for huge indexes.
 */
export class FaissFlatIndex implements VectorIndex {
  readonly kind = 'Flat';
  readonly dimension: number;
  readonly size: number;
  #native: faiss.Index | null;

  private constructor(native: faiss.Index, dimension: number, size: number) {
    this.#native = native;
    this.dimension = dimension;
    this.size = size;
  }

  /** Builds an index from row-major vectors (`vectors.length` a multiple of `dimension`). */
  static fromVectors(vectors: Float32Array, dimension: number): FaissFlatIndex {
    for (let i = 0; i < vectors.length; i++) {
      if (!Number.isFinite(vectors[i]!)) {
        throw new AppError('validation-failed', { detail: `vector value ${i} is not finite` });
      }
    }
    return FaissFlatIndex.fromBytes(writeFlatIpBytes(vectors, dimension));
  }

  /** Loads a serialised IndexFlatIP (from {@link FaissFlatIndex.toBytes} or FAISS's `write_index`). */
  static fromBytes(bytes: Uint8Array): FaissFlatIndex {
    const header = readFlatIpHeader(bytes);
    let native: faiss.Index;
    try {
      native = withFaissStatics((module) => module.Index.fromBuffer(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)));
    } catch (error) {
      throw new AppError('validation-failed', { detail: 'FAISS could not read the index bytes', cause: error });
    }
    return new FaissFlatIndex(native, header.dimension, header.count);
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
