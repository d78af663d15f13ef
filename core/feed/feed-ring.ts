import { compareFeedIds, type FeedEntry } from './feed-event.ts';

/**
 * The newest `capacity` entries (up to an eighth more between evictions), in id order. Everything after `floor` (the newest evicted id,
 * or where the ring started) is in the ring, so a reader whose cursor is at or after `floor`
 * misses nothing by reading from here.
 */
export class FeedRing {
  private entries: FeedEntry[] = [];
  floor: string;

  constructor(
    readonly capacity: number,
    start: string,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error('capacity must be a positive integer');
    this.floor = start;
  }

  /** Newest id held, or the floor when empty. */
  head(): string {
    return this.entries.at(-1)?.id ?? this.floor;
  }

  get size(): number {
    return this.entries.length;
  }

  push(entry: FeedEntry): void {
    this.entries.push(entry);
    // Evict in chunks, so eviction costs O(1) per push on average.
    const excess = this.entries.length - this.capacity;
    if (excess > Math.max(16, this.capacity >> 3)) {
      const evicted = this.entries.splice(0, excess);
      this.floor = evicted.at(-1)?.id ?? this.floor;
    }
  }

  /** True when entries after `cursor` may have been evicted (the cursor is older than the floor). */
  isBehind(cursor: string): boolean {
    return compareFeedIds(cursor, this.floor) < 0;
  }

  /** Up to `max` entries with ids after `cursor` (from the oldest held when the cursor is behind). */
  after(cursor: string, max: number): FeedEntry[] {
    let low = 0;
    let high = this.entries.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (compareFeedIds(this.entries[middle]!.id, cursor) <= 0) low = middle + 1;
      else high = middle;
    }
    return this.entries.slice(low, low + max);
  }
}

/** Wakes waiting readers when entries arrive; `version` lets a reader wait only if nothing came since it looked. */
export class FeedNotifier {
  version = 0;
  closed = false;
  private waiters = new Set<() => void>();

  notify(): void {
    this.version += 1;
    const waiters = [...this.waiters];
    this.waiters.clear();
    for (const wake of waiters) wake();
  }

  close(): void {
    this.closed = true;
    this.notify();
  }

  /** Resolves once `version` moved past `seen`, the notifier closed, or the signal aborted. */
  wait(seen: number, signal?: AbortSignal): Promise<void> {
    if (this.version !== seen || this.closed || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = () => {
        signal?.removeEventListener('abort', wake);
        this.waiters.delete(wake);
        resolve();
      };
      this.waiters.add(wake);
      signal?.addEventListener('abort', wake, { once: true });
    });
  }
}

/** Where a subscription reads from: entries after a cursor, and a notifier for new ones. */
export interface FeedSource {
  notifier: FeedNotifier;
  read(cursor: string, max: number): Promise<FeedEntry[]>;
}

/** Follows a source from `cursor`: yields what is there, waits for more, ends on abort or close. */
export async function* followFeed(source: FeedSource, cursor: string, signal?: AbortSignal): AsyncGenerator<FeedEntry, void, undefined> {
  let position = cursor;
  while (!signal?.aborted && !source.notifier.closed) {
    const seen = source.notifier.version;
    const batch = await source.read(position, 256);
    if (batch.length === 0) {
      await source.notifier.wait(seen, signal);
      continue;
    }
    for (const entry of batch) {
      if (signal?.aborted) return;
      position = entry.id;
      yield entry;
    }
  }
}
