import type { Redis } from 'ioredis';
import { liveIndexVersionKey } from '../../shared/cache/advice-cache-key.ts';

/** Where core announces the live index version so the edge keys its answer cache by it. */
export interface LiveVersionPublisher {
  readonly kind: string;
  publish(version: string): Promise<void>;
}

/** Writes the live version to Redis (the edge reads the same key through Upstash REST). */
export function createRedisLiveVersionPublisher(redis: Redis, prefix: string): LiveVersionPublisher {
  return {
    kind: 'redis',
    async publish(version) {
      await redis.set(liveIndexVersionKey(prefix), version);
    },
  };
}

/** Embedded default: no edge cache to inform. */
export const noLiveVersionPublisher: LiveVersionPublisher = { kind: 'none', publish: async () => {} };
