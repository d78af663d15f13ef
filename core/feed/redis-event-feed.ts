import type { Redis } from 'ioredis';
import type { EventFeed } from './event-feed.ts';
import { FEED_START, FeedEventSchema, type FeedEntry } from './feed-event.ts';
import { FeedNotifier, FeedRing, followFeed } from './feed-ring.ts';

export interface RedisEventFeedOptions {
  /** Shared connection for XADD and XRANGE; the feed duplicates it for its blocking reader and never closes it. */
  redis: Redis;
  /** Key prefix (KEY_PREFIX); the stream is `<prefix>feed:events`. */
  prefix: string;
  /** Approximate stream length kept (XADD MAXLEN ~), i.e. the replay bound (default 10,000). */
  maxLength?: number;
  /** Recent events this process keeps in memory for its subscribers (default 2,000). */
  ringCapacity?: number;
  /** XREAD BLOCK timeout (default 5 s); the loop re-blocks after it. */
  blockMs?: number;
  /** Told about reader errors (the loop retries after a second). */
  onError?: (error: unknown) => void;
}

type StreamEntry = [id: string, fields: string[]];

const isStreamEntries = (value: unknown): value is StreamEntry[] =>
  Array.isArray(value) && value.every((item) => Array.isArray(item) && typeof item[0] === 'string' && Array.isArray(item[1]));

/** Parses stream entries, skipping any whose event does not match the schema (written by something else). */
function toEntries(raw: StreamEntry[]): { entries: FeedEntry[]; lastId: string | undefined } {
  const entries: FeedEntry[] = [];
  for (const [id, fields] of raw) {
    const index = fields.indexOf('event');
    const text = index >= 0 ? fields[index + 1] : undefined;
    if (text === undefined) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      continue;
    }
    const event = FeedEventSchema.safeParse(parsed);
    if (event.success) entries.push({ id, event: event.data });
  }
  return { entries, lastId: raw.at(-1)?.[0] };
}

/** Entries of a one-stream XREAD reply: `[[key, entries]]` (RESP2), or `[key, entries]` as some clients flatten it; null on timeout. */
function xreadEntries(raw: unknown): StreamEntry[] | null {
  if (!Array.isArray(raw) || raw.length === 0) return null;
  const stream: unknown = typeof raw[0] === 'string' ? raw : raw[0];
  const items: unknown = Array.isArray(stream) ? stream[1] : undefined;
  // An unexpected shape must not spin the loop: report it as empty (the caller backs off).
  return isStreamEntries(items) ? items : [];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The feed on a Redis stream, shared by every core process: XADD with MAXLEN ~ N bounds it.
 * One blocking XREAD loop per process (on its own connection) fills a ring that local
 * subscribers read from; a subscriber resuming from an id older than the ring reads the gap
 * with XRANGE first, so replay reaches back as far as the stream does.
 */
export function createRedisEventFeed(options: RedisEventFeedOptions): EventFeed {
  const { redis, prefix, maxLength = 10_000, ringCapacity = 2_000, blockMs = 5_000, onError } = options;
  const key = `${prefix}feed:events`;
  const notifier = new FeedNotifier();
  let ring: FeedRing | undefined;
  let reader: Redis | undefined;
  let starting: Promise<FeedRing> | undefined;
  let closed = false;

  const newestId = async (): Promise<string | null> => {
    const raw: unknown = await redis.call('XREVRANGE', key, '+', '-', 'COUNT', '1');
    return isStreamEntries(raw) ? (raw[0]?.[0] ?? null) : null;
  };

  const readLoop = async (connection: Redis, target: FeedRing) => {
    let cursor = target.head();
    while (!closed) {
      try {
        const raw: unknown = await connection.call('XREAD', 'COUNT', '512', 'BLOCK', String(blockMs), 'STREAMS', key, cursor);
        const items = xreadEntries(raw);
        if (items === null) continue;
        if (items.length === 0) {
          await sleep(100);
          continue;
        }
        const { entries, lastId } = toEntries(items);
        for (const entry of entries) target.push(entry);
        if (lastId !== undefined) cursor = lastId;
        notifier.notify();
      } catch (error) {
        if (closed) return;
        onError?.(error);
        await sleep(1000);
      }
    }
  };

  /** Starts the reader on first use: the ring begins at the stream's newest id, so nothing after it is missed. */
  const start = (): Promise<FeedRing> => {
    starting ??= (async () => {
      const created = new FeedRing(ringCapacity, (await newestId()) ?? FEED_START);
      reader = redis.duplicate();
      // Connection errors surface through the read loop's onError; without a listener ioredis prints them as unhandled.
      reader.on('error', () => {});
      ring = created;
      void readLoop(reader, created);
      return created;
    })();
    return starting;
  };

  const read = async (cursor: string, max: number): Promise<FeedEntry[]> => {
    const target = await start();
    if (!target.isBehind(cursor)) return target.after(cursor, max);
    const raw: unknown = await redis.call('XRANGE', key, `(${cursor}`, '+', 'COUNT', String(max));
    if (isStreamEntries(raw) && raw.length > 0) {
      const { entries, lastId } = toEntries(raw);
      if (entries.length > 0) return entries;
      // Only unparseable entries in this stretch: continue after them.
      if (lastId !== undefined) return read(lastId, max);
    }
    return target.after(target.floor, max);
  };

  return {
    kind: 'redis',
    async publish(event) {
      if (closed) throw new Error('The event feed is closed');
      const json = JSON.stringify(FeedEventSchema.parse(event));
      const id = await redis.xadd(key, 'MAXLEN', '~', String(maxLength), '*', 'event', json);
      if (id === null) throw new Error('XADD returned no id');
      return id;
    },
    subscribe(subscribeOptions = {}) {
      const { afterId, signal } = subscribeOptions;
      return (async function* () {
        const target = await start();
        yield* followFeed({ notifier, read }, afterId ?? target.head(), signal);
      })();
    },
    lastId: newestId,
    async close() {
      closed = true;
      notifier.close();
      // The reader may be blocked in XREAD: drop the connection rather than wait for it.
      reader?.disconnect();
    },
  };
}
