import type { Redis } from 'ioredis';
import type { Logger } from '../logger.ts';
import { indexSwapChannel, parseSwapMessage } from '../jobs/swap-message.ts';

export interface SwapOutcome {
  version: string;
  ok: boolean;
  ms: number;
  error?: unknown;
}

export interface SwapChannelOptions {
  /** Any connection to the Redis; the subscriber is a duplicate of it (a subscribed connection can do nothing else). */
  redis: Redis;
  prefix: string;
  /** Loads, verifies, warms and swaps in a version (connect it to index-follower's activateVersion). */
  activate: (version: string) => Promise<void>;
  /** The version serving now, to ignore announcements of it. */
  current: () => string | null;
  /**
   * The version `indexes/latest` points at. Called after every (re)connection, because messages
   * published while the subscriber was disconnected are lost (pub/sub does not queue).
   */
  latest?: (() => Promise<string | null>) | undefined;
  onOutcome?: ((outcome: SwapOutcome) => void) | undefined;
  logger: Logger;
}

export interface SwapChannel {
  /** Resolves when nothing is loading (tests, shutdown). */
  idle(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Follows `<prefix>index:swap` on a dedicated subscriber connection. Swaps run one at a time:
 * a message arriving while a version loads is remembered, and a newer one replaces it, so
 * after a burst only the last version is loaded. A failed load keeps the current index and is
 * reported. ioredis resubscribes after a reconnection; the `latest` check then catches up on
 * what was missed. Keep the polling follower running as the fallback.
 */
export async function subscribeToIndexSwaps(options: SwapChannelOptions): Promise<SwapChannel> {
  const channel = indexSwapChannel(options.prefix);
  const subscriber = options.redis.duplicate({ lazyConnect: true, maxRetriesPerRequest: null, enableOfflineQueue: true });
  let loading: Promise<void> | null = null;
  let pending: string | null = null;
  let closed = false;
  let connectedBefore = false;

  const request = (version: string) => {
    if (closed) return;
    pending = version;
    if (!loading) loading = drain().finally(() => (loading = null));
  };

  const drain = async () => {
    while (pending !== null && !closed) {
      const version = pending;
      pending = null;
      if (version === options.current()) continue;
      const started = performance.now();
      try {
        await options.activate(version);
        options.onOutcome?.({ version, ok: true, ms: performance.now() - started });
      } catch (error) {
        options.logger.error({ err: error, version }, 'index swap failed; keeping the current index');
        options.onOutcome?.({ version, ok: false, ms: performance.now() - started, error });
      }
    }
  };

  const catchUp = async () => {
    if (!options.latest) return;
    try {
      const latest = await options.latest();
      if (latest !== null && latest !== options.current()) request(latest);
    } catch (error) {
      options.logger.warn({ err: error }, 'could not read the latest index version after reconnecting');
    }
  };

  subscriber.on('message', (from: string, raw: string) => {
    if (from !== channel) return;
    const message = parseSwapMessage(raw);
    if (!message) {
      options.logger.warn({ channel }, 'ignored a malformed index swap message');
      return;
    }
    request(message.version);
  });
  subscriber.on('error', (error: Error) => options.logger.warn({ err: error, channel }, 'index swap subscriber connection error'));
  subscriber.on('ready', () => {
    if (connectedBefore) {
      options.logger.info({ channel }, 'index swap subscriber reconnected');
      void catchUp();
    }
    connectedBefore = true;
  });

  await subscriber.connect();
  await subscriber.subscribe(channel);
  return {
    async idle() {
      while (loading) await loading;
    },
    async close() {
      closed = true;
      pending = null;
      await subscriber.quit().catch(() => subscriber.disconnect());
      while (loading) await loading;
    },
  };
}
