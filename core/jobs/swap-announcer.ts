import type { Redis } from 'ioredis';
import { indexSwapChannel, type SwapMessage } from './swap-message.ts';

/** Tells serving instances that a new index version is live. */
export interface SwapAnnouncer {
  readonly kind: string;
  /** Returns how many listeners received it, when known. */
  announce(message: SwapMessage): Promise<number>;
}

/** PUBLISH on `<prefix>index:swap`. */
export function createRedisSwapAnnouncer(redis: Redis, prefix: string): SwapAnnouncer {
  const channel = indexSwapChannel(prefix);
  return {
    kind: 'redis-pubsub',
    announce: async (message) => redis.publish(channel, JSON.stringify(message)),
  };
}

/** Embedded default (no Redis): calls the serving side directly, e.g. activateVersion in the same process. */
export function createCallbackSwapAnnouncer(callback: (message: SwapMessage) => Promise<void> | void): SwapAnnouncer {
  return {
    kind: 'in-process',
    async announce(message) {
      await callback(message);
      return 1;
    },
  };
}

/** Nobody to tell (API instances poll `indexes/latest`). */
export const noSwapAnnouncer: SwapAnnouncer = { kind: 'none', announce: async () => 0 };
