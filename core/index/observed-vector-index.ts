import type { VectorHit, VectorIndex } from '../ports/vector-index.ts';
import { wrappedVectorIndex } from './wrapped-vector-index.ts';

/**
 * The same index, telling `observeSearch` how long each search took (seconds, successful
 * searches only). Used for the search-latency metric without the index knowing about metrics.
 */
export function observedVectorIndex(index: VectorIndex, observeSearch: (seconds: number) => void): VectorIndex {
  return wrappedVectorIndex(index, {
    async search(query: Float32Array, k: number): Promise<VectorHit[]> {
      const started = performance.now();
      const hits = await index.search(query, k);
      observeSearch((performance.now() - started) / 1000);
      return hits;
    },
  });
}
