import type { Embedder } from '../ports/embedder.ts';
import type { LoadedIndex } from '../indexing/loaded-index.ts';

/** What serves queries: a loaded index version and the embedder that built it. */
export interface ServingIndex {
  loaded: LoadedIndex;
  embedder: Embedder;
}

/**
 * Holds the live index behind one reference. A swap replaces the reference atomically;
 * requests that already took the old one finish on it.
 */
export interface LiveIndex {
  current(): ServingIndex | null;
  /** Installs `next` and returns the previous one (for the caller to release). */
  swap(next: ServingIndex): ServingIndex | null;
}

export function createLiveIndex(initial: ServingIndex | null = null): LiveIndex {
  let current = initial;
  return {
    current: () => current,
    swap(next) {
      const previous = current;
      current = next;
      return previous;
    },
  };
}
