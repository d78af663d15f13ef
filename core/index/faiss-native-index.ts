import type faiss from 'faiss-node';
import type { VectorHit, VectorIndex } from '../ports/vector-index.ts';
import { AppError } from '../../shared/errors/app-error.ts';
import { withFaissStatics } from './faiss-statics.ts';
import { searchNative, validateQuery } from './native-search.ts';

/**
 * What every FAISS-backed index does the same way: search, serialise and release one native
 * index. Subclasses parse their own header and say which kind they are.
 */
export abstract class FaissNativeIndex implements VectorIndex {
  abstract readonly kind: string;
  readonly dimension: number;
  readonly size: number;
  #native: faiss.Index | null;

  protected constructor(native: faiss.Index, dimension: number, size: number) {
    this.#native = native;
    this.dimension = dimension;
    this.size = size;
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

/** Reads serialised FAISS bytes into a native index; bytes FAISS cannot read are a validation failure. */
export function readNativeIndex(bytes: Uint8Array): faiss.Index {
  try {
    return withFaissStatics((module) => module.Index.fromBuffer(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)));
  } catch (error) {
    throw new AppError('validation-failed', { detail: 'FAISS could not read the index bytes', cause: error });
  }
}

/** Refuses vectors holding NaN or ±Infinity, naming the first offending value. */
export function assertFiniteVectors(vectors: Float32Array): void {
  for (let i = 0; i < vectors.length; i++) {
    if (!Number.isFinite(vectors[i]!)) {
      throw new AppError('validation-failed', { detail: `vector value ${i} is not finite` });
    }
  }
}
