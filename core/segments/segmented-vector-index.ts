import { AppError } from '../../shared/errors/app-error.ts';
import type { VectorHit, VectorIndex } from '../ports/vector-index.ts';
import type { SegmentChain } from './segment-chain.ts';

/**
 * The vectors of a chain as one VectorIndex over global labels: each segment's index is searched
 * for k plus its tombstoned rows (so k live hits remain once those are dropped), and the hits are
 * merged by score, ties to the lower label. `size` counts hidden rows too (labels never move).
 * Closing it closes no segment itself: the segments belong to the loader, which closes each one
 * when the last version holding it is closed; `onClose` (e.g. LoadedChain.close) tells it.
 */
export class SegmentedVectorIndex implements VectorIndex {
  readonly dimension: number;
  readonly size: number;
  readonly kind: string;
  readonly #chain: SegmentChain;
  readonly #onClose: (() => void) | undefined;

  constructor(chain: SegmentChain, onClose?: () => void) {
    this.#chain = chain;
    this.#onClose = onClose;
    this.dimension = chain.base.loaded.manifest.dimension;
    this.size = chain.documents.length;
    this.kind = `segmented(${chain.base.loaded.index.kind}+${chain.deltas.length})`;
  }

  async search(query: Float32Array, k: number): Promise<VectorHit[]> {
    const chain = this.#chain;
    const perSegment = await Promise.all(
      chain.segments.map(async (segment, s) => {
        const index = segment.index;
        if (index === null || index.size === 0) return [];
        const hidden = chain.tombstoned[s]!;
        const limit = Math.min(index.size, k + hidden.size);
        const offset = chain.offsets[s]!;
        const hits = await index.search(query, limit);
        return hits.filter((hit) => hit.label >= 0 && !hidden.has(hit.label)).map((hit) => ({ label: hit.label + offset, score: hit.score }));
      }),
    );
    return perSegment
      .flat()
      .sort((a, b) => b.score - a.score || a.label - b.label)
      .slice(0, k);
  }

  toBytes(): Uint8Array {
    throw new AppError('internal', { detail: 'a segmented version has no single FAISS serialization (merge it into a base first)' });
  }

  close(): void {
    this.#onClose?.();
  }
}
