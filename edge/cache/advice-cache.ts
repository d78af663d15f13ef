import { adviceCacheKey } from '../../shared/cache/advice-cache-key.ts';
import { edgeCacheCounterKeys, type EdgeCacheCounterKeys } from '../../shared/cache/edge-cache-counter-keys.ts';
import { AdviceResponseSchema, type AdviceResponse, type BorrowerProfile } from '../../shared/contracts/advice.ts';
import type { EdgeRedis } from './edge-redis.ts';
import { createLiveIndexVersionReader } from './live-index-version.ts';
import { staleAdviceKey } from './stale-advice-key.ts';

/** A question after validation and text policy: the query is already normalised. */
export interface CacheableQuestion {
  query: string;
  profile?: BorrowerProfile | undefined;
}

export type CacheOutcome = keyof EdgeCacheCounterKeys;

export interface AdviceCache {
  /** The answer stored for the live index version, or null (no version announced, absent, unreadable). */
  lookup(question: CacheableQuestion): Promise<AdviceResponse | null>;
  /** The last good answer for this question under any index version, or null. */
  lookupStale(question: CacheableQuestion): Promise<AdviceResponse | null>;
  /** Stores an answer under its own index version, plus the version-less stale copy. */
  store(question: CacheableQuestion, response: AdviceResponse): Promise<void>;
  /** Increments the hit/miss counter core exports to Prometheus. */
  count(outcome: CacheOutcome): Promise<void>;
}

export interface AdviceCacheOptions {
  redis: EdgeRedis;
  prefix: string;
  ttlSeconds: number;
  staleTtlSeconds: number;
  liveVersionCacheMs: number;
  now: () => number;
}

/**
 * The edge's answer cache over Upstash Redis. Reads never throw: any Redis failure reads as a miss,
 * so the request degrades to asking core. Writes and counters may reject; callers run them in the
 * background where failures are dropped.
 */
export function createAdviceCache(options: AdviceCacheOptions): AdviceCache {
  const { redis, prefix } = options;
  const counters = edgeCacheCounterKeys(prefix);
  const liveVersion = createLiveIndexVersionReader({ redis, prefix, cacheMs: options.liveVersionCacheMs, now: options.now });
  const freshKey = (question: CacheableQuestion, indexVersion: string) =>
    adviceCacheKey({ prefix, indexVersion, query: question.query, profile: question.profile });

  const readAnswer = async (key: string): Promise<AdviceResponse | null> => {
    try {
      return parseStoredAnswer(await redis.get(key));
    } catch {
      return null;
    }
  };

  return {
    async lookup(question) {
      const version = await liveVersion();
      if (version === null) return null;
      return readAnswer(await freshKey(question, version));
    },
    async lookupStale(question) {
      return readAnswer(await staleAdviceKey(prefix, question));
    },
    async store(question, response) {
      const text = JSON.stringify(response);
      const [fresh, stale] = await Promise.all([freshKey(question, response.indexVersion), staleAdviceKey(prefix, question)]);
      await redis.pipeline().set(fresh, text, { ex: options.ttlSeconds }).set(stale, text, { ex: options.staleTtlSeconds }).exec();
    },
    async count(outcome) {
      await redis.incr(counters[outcome]);
    },
  };
}

/** Accepts JSON text (the edge's own writes) or an already-decoded object; anything invalid is a miss. */
function parseStoredAnswer(raw: unknown): AdviceResponse | null {
  if (raw === null || raw === undefined) return null;
  let value: unknown = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      return null;
    }
  }
  const parsed = AdviceResponseSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}
