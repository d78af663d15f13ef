import type { Embedder } from '../ports/embedder.ts';
import type { LoadedIndex } from '../indexing/loaded-index.ts';
import type { Retriever } from '../retrieval/retriever.ts';

/** What serves queries: a loaded index version, the embedder that built it and the configured ranking over it. */
export interface ServingIndex {
  loaded: LoadedIndex;
  embedder: Embedder;
  /** Dense, BM25 or hybrid ranking over this version (labels index `loaded.documents`). */
  retriever: Retriever;
}

/** One request's hold on a serving index; the index is not released while a lease is open. */
export interface ServingLease {
  serving: ServingIndex;
  release(): void;
}

/**
 * Holds the live index behind one reference. A swap replaces the reference atomically;
 * requests that already took the old one (a lease) finish on it, and the old one is closed
 * when the last of them releases it.
 */
export interface LiveIndex {
  current(): ServingIndex | null;
  /** Takes the live index for one request, or null when none is loaded. Call `release` when done. */
  acquire(): ServingLease | null;
  /** Installs `next`; the previous one is closed once no lease holds it. Returns the previous one. */
  swap(next: ServingIndex): ServingIndex | null;
  /**
   * Closes the live index and every retired one, leases or not (the process is stopping: their
   * search worker threads must end). A later `swap` closes what it is given; `current()` is null.
   */
  close(): void;
}

export function createLiveIndex(initial: ServingIndex | null = null): LiveIndex {
  let current = initial;
  const leases = new Map<ServingIndex, number>();
  const retired = new Set<ServingIndex>();
  let closed = false;
  const closeIfIdle = (serving: ServingIndex) => {
    if (retired.has(serving) && (leases.get(serving) ?? 0) === 0) {
      retired.delete(serving);
      leases.delete(serving);
      serving.loaded.index.close();
    }
  };
  return {
    current: () => current,
    acquire() {
      const serving = current;
      if (!serving) return null;
      leases.set(serving, (leases.get(serving) ?? 0) + 1);
      let released = false;
      return {
        serving,
        release() {
          if (released) return;
          released = true;
          leases.set(serving, (leases.get(serving) ?? 1) - 1);
          closeIfIdle(serving);
        },
      };
    },
    swap(next) {
      if (closed) {
        next.loaded.index.close();
        return null;
      }
      const previous = current;
      current = next;
      if (previous && previous !== next) {
        retired.add(previous);
        closeIfIdle(previous);
      }
      return previous;
    },
    close() {
      closed = true;
      const open = new Set([...retired, ...(current ? [current] : [])]);
      current = null;
      retired.clear();
      leases.clear();
      for (const serving of open) serving.loaded.index.close();
    },
  };
}
