import type { EventFeed } from './event-feed.ts';
import { FEED_START, FeedEventSchema, type FeedEntry } from './feed-event.ts';
import { FeedNotifier, FeedRing, followFeed } from './feed-ring.ts';

export interface MemoryEventFeedOptions {
  /** Events kept for replay (default 10,000). */
  capacity?: number;
  now?: () => number;
}

/** The feed inside one process (embedded default): a bounded ring, ids shaped like Redis stream ids. */
export function createMemoryEventFeed(options: MemoryEventFeedOptions = {}): EventFeed {
  const { capacity = 10_000, now = Date.now } = options;
  const ring = new FeedRing(capacity, FEED_START);
  const notifier = new FeedNotifier();
  let lastMs = 0;
  let sequence = 0;

  const nextId = (): string => {
    const ms = now();
    if (ms > lastMs) {
      lastMs = ms;
      sequence = 0;
    } else {
      sequence += 1;
    }
    return `${lastMs}-${sequence}`;
  };

  return {
    kind: 'memory',
    async publish(event) {
      if (notifier.closed) throw new Error('The event feed is closed');
      const entry: FeedEntry = { id: nextId(), event: FeedEventSchema.parse(event) };
      ring.push(entry);
      notifier.notify();
      return entry.id;
    },
    subscribe(subscribeOptions = {}) {
      const source = { notifier, read: async (cursor: string, max: number) => ring.after(cursor, max) };
      return followFeed(source, subscribeOptions.afterId ?? ring.head(), subscribeOptions.signal);
    },
    async lastId() {
      return ring.size > 0 ? ring.head() : null;
    },
    async close() {
      notifier.close();
    },
  };
}
