import { wrappedVectorIndex } from '../index/wrapped-vector-index.ts';
import type { VectorIndex } from '../ports/vector-index.ts';

/**
 * The same index, whose `close` (once) also calls `release`: a loaded version's pooled files
 * (documents table, BM25 postings) go back for reuse when the version closes, the way a chain's
 * index releases its segments (segmented-serving.ts). The live index closes a retired version
 * once its last request's lease ends, so nothing reads those files afterwards.
 */
export function releasingOnClose(index: VectorIndex, release: () => void): VectorIndex {
  let closed = false;
  return wrappedVectorIndex(index, {
    close() {
      if (closed) return;
      closed = true;
      try {
        index.close();
      } finally {
        release();
      }
    },
  });
}
