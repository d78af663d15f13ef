import type { FeedEntry, FeedEvent } from './feed-event.ts';

export interface SubscribeOptions {
  /** Replay the events after this id that the feed still holds (bounded), then follow live ones. Default: live only. */
  afterId?: string | undefined;
  /** Ends the iteration. */
  signal?: AbortSignal | undefined;
}

/**
 * The admin live feed: a bounded, ordered log of events. In-memory for one process (embedded
 * default) or a Redis stream shared by API and worker processes.
 */
export interface EventFeed {
  readonly kind: 'memory' | 'redis';
  /** Appends an event; returns its id. */
  publish(event: FeedEvent): Promise<string>;
  /** Events in id order: the retained ones after `afterId`, then new ones as they come, until aborted or closed. */
  subscribe(options?: SubscribeOptions): AsyncGenerator<FeedEntry, void, undefined>;
  /** The newest id, or null when the feed holds nothing. */
  lastId(): Promise<string | null>;
  close(): Promise<void>;
}
