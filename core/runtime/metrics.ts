import type { Redis } from 'ioredis';
import { edgeCacheCounterKeys } from '../../shared/cache/edge-cache-counter-keys.ts';
import type { CoreConfig } from '../config.ts';
import { createMetrics, type CoreMetrics } from '../http/metrics.ts';
import type { Logger } from '../logger.ts';

/**
 * The process's one metrics registry (apfa_*, with Node process metrics as apfa_process_*),
 * created before the subsystems so each is handed its observers. With Redis, the edge
 * answer-cache counters the Worker keeps there are read at scrape time.
 */
export function createRuntimeMetrics(config: Pick<CoreConfig, 'KEY_PREFIX'>, dependencies: { redis: Redis | null; logger: Logger }): CoreMetrics {
  const { redis, logger } = dependencies;
  const counters = edgeCacheCounterKeys(config.KEY_PREFIX);
  return createMetrics({
    defaultMetrics: true,
    onReadError: (error) => logger.warn({ err: error }, 'could not read a metric source at scrape time'),
    ...(redis
      ? {
          readEdgeCacheCounters: async () => {
            const [hits, misses] = await redis.mget(counters.hit, counters.miss);
            return { hits: Number(hits ?? 0), misses: Number(misses ?? 0) };
          },
        }
      : {}),
  });
}
