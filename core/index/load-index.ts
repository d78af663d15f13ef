import type { VectorIndex } from '../ports/vector-index.ts';
import { describeIndexBytes } from './describe-index-bytes.ts';
import { FaissFlatIndex } from './faiss-flat-index.ts';
import { FaissIvfIndex } from './faiss-ivf-index.ts';

/**
 * Loads serialised FAISS bytes into the matching in-thread VectorIndex, chosen by fourcc:
 * "IxFI" → {@link FaissFlatIndex}, "IwFl"/"IwSq" → {@link FaissIvfIndex}. Throws AppError
 * 'index-mismatch' for other types. For search off the event loop use ThreadedIndex.load.
 */
export function loadIndex(bytes: Uint8Array): VectorIndex {
  const { magic } = describeIndexBytes(bytes);
  return magic === 'IxFI' ? FaissFlatIndex.fromBytes(bytes) : FaissIvfIndex.fromBytes(bytes);
}
