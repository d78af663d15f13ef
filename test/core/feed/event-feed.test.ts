import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { EventFeed } from '../../../core/feed/event-feed.ts';
import { compareFeedIds, type FeedEntry, type FeedEvent } from '../../../core/feed/feed-event.ts';
import { createMemoryEventFeed } from '../../../core/feed/memory-event-feed.ts';
import { createRedisEventFeed } from '../../../core/feed/redis-event-feed.ts';

const REDIS_URL = 'redis://127.0.0.1:6379';
const at = () => new Date().toISOString();
const progress = (jobId: string, value: number): FeedEvent => ({ type: 'job.progress', queue: 'indexing', jobId, name: 'build-index', progress: value, at: at() });

/** Collects `count` entries from an iterator (or fails after a few seconds). */
async function take(iterator: AsyncGenerator<FeedEntry, void, undefined>, count: number): Promise<FeedEntry[]> {
  const out: FeedEntry[] = [];
  const deadline = setTimeout(() => void iterator.return(undefined), 5000);
  for await (const entry of iterator) {
    out.push(entry);
    if (out.length === count) break;
  }
  clearTimeout(deadline);
  return out;
}

interface FeedAdapter {
  name: string;
  /** A feed with the given replay bound; `second` opens another instance on the same storage (another process). */
  open(capacity: number): Promise<{ feed: EventFeed; second: () => Promise<EventFeed>; close: () => Promise<void> }>;
}

const clients: Redis[] = [];
afterAll(() => {
  for (const client of clients) client.disconnect();
});

const adapters: FeedAdapter[] = [
  {
    name: 'memory',
    async open(capacity) {
      const feed = createMemoryEventFeed({ capacity });
      return { feed, second: async () => feed, close: () => feed.close() };
    },
  },
  {
    name: 'redis',
    async open(capacity) {
      const prefix = `test:${randomBytes(6).toString('hex')}:`;
      const redis = new Redis(REDIS_URL);
      clients.push(redis);
      const feeds: EventFeed[] = [];
      const make = () => {
        const feed = createRedisEventFeed({ redis, prefix, maxLength: capacity, ringCapacity: 16, blockMs: 200 });
        feeds.push(feed);
        return feed;
      };
      return {
        feed: make(),
        second: async () => make(),
        async close() {
          for (const feed of feeds) await feed.close();
          const keys = await redis.keys(`${prefix}*`);
          if (keys.length > 0) await redis.del(...keys);
        },
      };
    },
  },
];

describe.each(adapters)('event feed ($name)', (adapter) => {
  let cleanup: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await cleanup?.();
    cleanup = undefined;
  });

  it('delivers new events to live subscribers in order, across instances', async () => {
    const opened = await adapter.open(1000);
    cleanup = opened.close;
    const other = await opened.second();
    const live = opened.feed.subscribe();
    const remote = other.subscribe();
    const first = take(live, 3);
    const second = take(remote, 3);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const ids = [];
    for (let index = 1; index <= 3; index += 1) ids.push(await opened.feed.publish(progress('job-1', index)));
    const [a, b] = await Promise.all([first, second]);
    expect(a.map((entry) => entry.id)).toEqual(ids);
    expect(b.map((entry) => entry.id)).toEqual(ids);
    expect(a.map((entry) => (entry.event.type === 'job.progress' ? entry.event.progress : null))).toEqual([1, 2, 3]);
    expect(compareFeedIds(ids[0]!, ids[2]!)).toBeLessThan(0);
    expect(await opened.feed.lastId()).toBe(ids[2]);
  });

  it('replays what a subscriber missed after its last id, then follows live events', async () => {
    const opened = await adapter.open(1000);
    cleanup = opened.close;
    const ids: string[] = [];
    for (let index = 0; index < 40; index += 1) ids.push(await opened.feed.publish(progress('job-2', index)));
    const resumed = (await opened.second()).subscribe({ afterId: ids[9] });
    const collected = take(resumed, 31);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const liveId = await opened.feed.publish({ type: 'index.swapped', version: 'v2', previous: 'v1', at: at() });
    const entries = await collected;
    expect(entries.map((entry) => entry.id)).toEqual([...ids.slice(10), liveId]);
    expect(entries.at(-1)?.event.type).toBe('index.swapped');
  });

  it('bounds replay to what the feed keeps', async () => {
    const opened = await adapter.open(100);
    cleanup = opened.close;
    const ids: string[] = [];
    for (let index = 0; index < 1000; index += 1) ids.push(await opened.feed.publish(progress('job-3', index)));
    const marker = await opened.feed.publish({ type: 'queue.depth', queue: 'embedding', counts: { waiting: 0 }, at: at() });
    const iterator = opened.feed.subscribe({ afterId: '0-0' });
    const all: FeedEntry[] = [];
    for await (const entry of iterator) {
      all.push(entry);
      if (entry.id === marker) break;
    }
    expect(all.length).toBeLessThan(400);
    expect(all.length).toBeGreaterThanOrEqual(100);
    expect(all.at(-2)?.id).toBe(ids.at(-1));
  });

  it('refuses events that do not match the schema, and ends subscriptions on close', async () => {
    const opened = await adapter.open(10);
    cleanup = opened.close;
    await expect(opened.feed.publish({ type: 'job.progress', queue: 'nope' } as unknown as FeedEvent)).rejects.toThrow();
    const iterator = opened.feed.subscribe();
    const done = (async () => {
      for await (const entry of iterator) void entry;
      return 'ended';
    })();
    await new Promise((resolve) => setTimeout(resolve, 50));
    await opened.feed.close();
    expect(await done).toBe('ended');
  });

  it('ends a subscription when its signal aborts', async () => {
    const opened = await adapter.open(10);
    cleanup = opened.close;
    const controller = new AbortController();
    const done = (async () => {
      for await (const entry of opened.feed.subscribe({ signal: controller.signal })) void entry;
      return 'ended';
    })();
    await new Promise((resolve) => setTimeout(resolve, 50));
    controller.abort();
    expect(await done).toBe('ended');
  });
});
