import { liveIndexVersionKey } from '../../shared/cache/advice-cache-key.ts';
import type { EdgeRedis } from './edge-redis.ts';

export interface LiveIndexVersionOptions {
  redis: EdgeRedis;
  prefix: string;
  /** How long one read is reused in this isolate (0: read every time). */
  cacheMs: number;
  now: () => number;
}

/**
 * Reads the index version core announces in Redis, memoised in isolate memory for `cacheMs` so a
 * burst of requests costs about one Redis round trip. Only settled values are shared between
 * requests (never an in-flight promise: in workerd one request must not wait on another's I/O). A
 * failed read counts as "no version" (the request then goes to core) and is memoised as well, so
 * an unreachable Redis is not retried on every request.
 */
export function createLiveIndexVersionReader(options: LiveIndexVersionOptions): () => Promise<string | null> {
  const key = liveIndexVersionKey(options.prefix);
  let memo: { value: string | null; expiresAt: number } | undefined;
  const read = async (): Promise<string | null> => {
    try {
      const raw: unknown = await options.redis.get(key);
      if (raw === null || raw === undefined || raw === '') return null;
      return String(raw);
    } catch {
      return null;
    }
  };
  return async () => {
    const startedAt = options.now();
    if (memo && startedAt < memo.expiresAt) return memo.value;
    const value = await read();
    memo = { value, expiresAt: startedAt + options.cacheMs };
    return value;
  };
}
