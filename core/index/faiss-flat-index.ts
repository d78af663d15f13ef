import type faiss from 'faiss-node';
import { readFlatIpHeader, writeFlatIpBytes } from './faiss-flat-bytes.ts';
import { assertFiniteVectors, FaissNativeIndex, readNativeIndex } from './faiss-native-index.ts';

/**
 * Exact inner-product search over FAISS's IndexFlatIP (cosine for normalised vectors).
 * Search is synchronous native code (≈50 ms for one query over 100k × 384 on Debian's FAISS),
 * so it blocks the event loop for that long; fine for the embedded default, not for huge indexes.
 */
export class FaissFlatIndex extends FaissNativeIndex {
  readonly kind = 'Flat';

  private constructor(native: faiss.Index, dimension: number, size: number) {
    super(native, dimension, size);
  }

  /** Builds an index from row-major vectors (`vectors.length` a multiple of `dimension`). */
  static fromVectors(vectors: Float32Array, dimension: number): FaissFlatIndex {
    assertFiniteVectors(vectors);
    return FaissFlatIndex.fromBytes(writeFlatIpBytes(vectors, dimension));
  }

  /** Loads a serialised IndexFlatIP (from {@link FaissFlatIndex.toBytes} or FAISS's `write_index`). */
  static fromBytes(bytes: Uint8Array): FaissFlatIndex {
    const header = readFlatIpHeader(bytes);
    return new FaissFlatIndex(readNativeIndex(bytes), header.dimension, header.count);
  }
}
