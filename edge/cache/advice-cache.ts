import { adviceCacheKey, adviceContentHash, liveIndexVersionKey } from '../../shared/cache/advice-cache-key.ts';
import { edgeCacheCounterKeys } from '../../shared/cache/edge-cache-counter-keys.ts';
import { isEpochRevoked, tokenEpoch, userTokenEpochKey } from '../../shared/auth/user-token-epoch.ts';
import { AdviceResponseSchema, type AdviceResponse, type BorrowerProfile } from '../../shared/contracts/advice.ts';
import type { ScriptReads } from '../http/sliding-window-limiter.ts';
import type { EdgeRedis } from './edge-redis.ts';
import { staleAdviceKey } from './stale-advice-key.ts';

/** A question after validation and text policy: the query is already normalised. */
export interface CacheableQuestion {
  query: string;
  profile?: BorrowerProfile | undefined;
}

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
  /**
   * The reads a fresh lookup needs, for the admission script (edge/http/admission-script.ts) to
   * run in the same round trip as the rate limit: the live version, the caller's epoch record and
   * the answer under that version, counting the hit or miss.
   */
  freshReads(question: CacheableQuestion, caller: CacheCaller): Promise<ScriptReads>;
  /** The answer of those reads (null: no version announced, absent, unreadable), unless the caller is revoked. */
  freshRead(values: readonly unknown[], caller: CacheCaller): CacheRead;
  /** The last good answer for this question under any index version, unless the caller is revoked. */
  lookupStale(question: CacheableQuestion, caller: CacheCaller): Promise<CacheRead>;
  /** Stores an answer under its own index version, plus the version-less stale copy. */
  store(question: CacheableQuestion, response: AdviceResponse): Promise<void>;
}

export interface AdviceCacheOptions {
  redis: EdgeRedis;
  prefix: string;
  ttlSeconds: number;
  staleTtlSeconds: number;
  /**
   * Ignored: the live version is read inside the admission script on every request, so a publish
   * is visible to the next request. Kept so existing wiring compiles (LIVE_VERSION_CACHE_MS).
   */
  liveVersionCacheMs?: number;
  now?: () => number;
}

/**
 * The edge's answer cache over Upstash Redis. Reads never throw: any Redis failure reads as a miss,
 * so the request degrades to asking core. Writes and counters may reject; callers run them in the
 * background where failures are dropped.
 */
export function createAdviceCache(options: AdviceCacheOptions): AdviceCache {
  const { redis, prefix } = options;
  const counters = edgeCacheCounterKeys(prefix);
  const freshKey = (question: CacheableQuestion, indexVersion: string) =>
    adviceCacheKey({ prefix, indexVersion, query: question.query, profile: question.profile });

  /**
   * One MGET of the stale answer and the caller's epoch record. A failed read is a miss that is
   * not known to be revoked: the request goes on failing as core did; no cached answer is ever
   * served without the record read.
   */
  const readStale = async (key: string, caller: CacheCaller): Promise<CacheRead> => {
    try {
      const [answer, epoch] = await redis.mget<[unknown, unknown]>(key, userTokenEpochKey(prefix, caller.sub));
      return answerUnlessRevoked(answer, epoch, caller);
    } catch {
      return { revoked: false, answer: null };
    }
  };

  return {
    async freshReads(question, caller) {
      return {
        keys: [liveIndexVersionKey(prefix), userTokenEpochKey(prefix, caller.sub), counters.hit, counters.miss],
        args: [`${prefix}advice:`, await adviceContentHash(question.query, question.profile), String(tokenEpoch(caller))],
      };
    },
    freshRead(values, caller) {
      const [, epoch, answer] = values;
      return answerUnlessRevoked(answer, epoch, caller);
    },
    async lookupStale(question, caller) {
      return readStale(await staleAdviceKey(prefix, question), caller);
    },
    async store(question, response) {
      const text = JSON.stringify(response);
      const [fresh, stale] = await Promise.all([freshKey(question, response.indexVersion), staleAdviceKey(prefix, question)]);
      await redis.pipeline().set(fresh, text, { ex: options.ttlSeconds }).set(stale, text, { ex: options.staleTtlSeconds }).exec();
    },
  };
}

/** The stored answer, unless the epoch record says the caller changed since their token was issued. */
function answerUnlessRevoked(answer: unknown, epoch: unknown, caller: CacheCaller): CacheRead {
  if (isEpochRevoked(caller, epoch)) return { revoked: true };
  return { revoked: false, answer: parseStoredAnswer(answer) };
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
