import { adviceCacheKey } from '../../shared/cache/advice-cache-key.ts';
import { edgeCacheCounterKeys, type EdgeCacheCounterKeys } from '../../shared/cache/edge-cache-counter-keys.ts';
import { isEpochRevoked, userTokenEpochKey } from '../../shared/auth/user-token-epoch.ts';
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

/** Who asks: the verified token's subject and the token epoch it was issued under. */
export interface CacheCaller {
  sub: string;
  epoch?: number | undefined;
}

/**
 * A cache read together with the caller's token-epoch record (shared/auth/user-token-epoch.ts),
 * fetched in the same Redis round trip: `revoked` when the user changed (disabled, demoted,
 * password reset) since the token was issued, so no answer is served to them.
 */
export type CacheRead = { revoked: true } | { revoked: false; answer: AdviceResponse | null };

export interface AdviceCache {
  /** The answer stored for the live index version (null: no version announced, absent, unreadable), unless the caller is revoked. */
  lookup(question: CacheableQuestion, caller: CacheCaller): Promise<CacheRead>;
  /** The last good answer for this question under any index version, unless the caller is revoked. */
  lookupStale(question: CacheableQuestion, caller: CacheCaller): Promise<CacheRead>;
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

  /**
   * One MGET of the answer and the caller's epoch record (a GET of the record when there is no key
   * to read). A failed read is a miss that is not known to be revoked: the request goes to core,
   * which checks the user itself; no cached answer is ever served without the record read.
   */
  const readAnswer = async (key: string | null, caller: CacheCaller): Promise<CacheRead> => {
    const epochKey = userTokenEpochKey(prefix, caller.sub);
    try {
      const [answer, epoch] = key === null ? [null, await redis.get(epochKey)] : await redis.mget<[unknown, unknown]>(key, epochKey);
      if (isEpochRevoked(caller, epoch)) return { revoked: true };
      return { revoked: false, answer: parseStoredAnswer(answer) };
    } catch {
      return { revoked: false, answer: null };
    }
  };

  return {
    async lookup(question, caller) {
      const version = await liveVersion();
      return readAnswer(version === null ? null : await freshKey(question, version), caller);
    },
    async lookupStale(question, caller) {
      return readAnswer(await staleAdviceKey(prefix, question), caller);
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
