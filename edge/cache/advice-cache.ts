import { adviceCacheKey, adviceContentHash, liveIndexVersionKey } from '../../shared/cache/advice-cache-key.ts';
import { edgeCacheCounterKeys } from '../../shared/cache/edge-cache-counter-keys.ts';
import { isEpochRevoked, tokenEpoch, userTokenEpochKey } from '../../shared/auth/user-token-epoch.ts';
import { AdviceResponseSchema, type AdviceResponse, type BorrowerProfile } from '../../shared/contracts/advice.ts';
import type { ScriptReads } from '../http/sliding-window-limiter.ts';
import { createBoundedMemo } from '../../shared/memo/bounded-memo.ts';
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
export type CacheRead = { revoked: true } | { revoked: false; answer: CachedAnswer | null };

/** An answer from the cache, as a hit sends it. */
export interface CachedAnswer {
  /** JSON text of the AdviceResponse marked `cached: true`: the body of a hit, sent as it is. */
  readonly body: string;
  /** The same answer as an object (the event stream writes its parts); parsed on first use. */
  response(): AdviceResponse;
}

/**
 * What marks a value the edge stored itself (see {@link createAdviceCache}'s `store`): this line,
 * then the hit body. Anything without it (an entry written before the format existed, or by
 * anything else) is parsed and checked against AdviceResponseSchema as before.
 */
export const STORED_ANSWER_TAG = 'apfa-edge-answer/1\n';

/** The admission script's reads, taken apart (see {@link AdviceCache.freshRead}). */
export interface FreshRead {
  read: CacheRead;
  version: unknown;
  epochRecord: unknown;
}

export interface AdviceCache {
  /** The question's content hash (the answer key's last part), memoised per isolate. */
  contentHash(question: CacheableQuestion): Promise<string>;
  /**
   * The reads a fresh lookup needs, for the admission script (edge/http/admission-script.ts) to
   * run in the same round trip as the rate limit: the live version, the caller's epoch record and
   * the answer under that version, counting the hit or miss — plus `pendingHits` served from
   * isolate memory since the last round trip.
   */
  freshReads(contentHash: string, caller: CacheCaller, pendingHits?: number): ScriptReads;
  /**
   * What those reads returned: the answer (null: no version announced, absent, unreadable) unless
   * the caller is revoked, and the live version and epoch record as read (kept by the admission
   * leases).
   */
  freshRead(values: readonly unknown[], caller: CacheCaller): FreshRead;
  /** The last good answer for this question under any index version, unless the caller is revoked. */
  lookupStale(question: CacheableQuestion, caller: CacheCaller): Promise<CacheRead>;
  /**
   * Stores an answer under its own index version, plus the version-less stale copy, as the body a
   * hit will send. Give it only an answer checked against AdviceResponseSchema (parseAnswer):
   * reads of the edge's own entries trust that check and do not repeat it.
   */
  store(question: CacheableQuestion, response: AdviceResponse): Promise<void>;
}

export interface AdviceCacheOptions {
  redis: EdgeRedis;
  prefix: string;
  ttlSeconds: number;
  staleTtlSeconds: number;
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
  // The content hash of a question seen before, without normalising and hashing it again: a pure
  // function of (query, profile), so a bounded per-isolate memo returns exactly what it would.
  const hashes = createBoundedMemo<string>({ maxEntries: 1_000, maxKeyLength: 2_048 });
  const contentHash = async (question: CacheableQuestion): Promise<string> => {
    // JSON text never holds a raw U+0000, so the separator keeps (query, profile) pairs apart.
    const key = `${question.query}\u0000${JSON.stringify(question.profile ?? null)}`;
    const known = hashes.get(key);
    if (known !== undefined) return known;
    const hash = await adviceContentHash(question.query, question.profile);
    hashes.set(key, hash);
    return hash;
  };

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
    contentHash,
    freshReads(hash, caller, pendingHits = 0) {
      return {
        keys: [liveIndexVersionKey(prefix), userTokenEpochKey(prefix, caller.sub), counters.hit, counters.miss],
        args: [`${prefix}advice:`, hash, String(tokenEpoch(caller)), String(pendingHits)],
      };
    },
    freshRead(values, caller) {
      const [version, epochRecord, answer] = values;
      return { read: answerUnlessRevoked(answer, epochRecord, caller), version, epochRecord };
    },
    async lookupStale(question, caller) {
      return readStale(await staleAdviceKey(prefix, question), caller);
    },
    async store(question, response) {
      const text = `${STORED_ANSWER_TAG}${JSON.stringify({ ...response, cached: true })}`;
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

/**
 * A stored value as a cached answer; anything unreadable is a miss. The edge's own entries
 * ({@link STORED_ANSWER_TAG}) hold the hit body of an answer checked when it was stored, and are
 * sent as they are — no parse, no schema check, no re-serialising on a hit. Untagged values (JSON
 * text, or an already-decoded object) are parsed and checked against AdviceResponseSchema.
 */
function parseStoredAnswer(raw: unknown): CachedAnswer | null {
  if (raw === null || raw === undefined) return null;
  if (typeof raw === 'string' && raw.startsWith(STORED_ANSWER_TAG)) {
    const body = raw.slice(STORED_ANSWER_TAG.length);
    // A truncated or mangled value is a miss, not a broken 200.
    if (!body.startsWith('{') || !body.endsWith('}')) return null;
    let parsed: AdviceResponse | undefined;
    return { body, response: () => (parsed ??= JSON.parse(body) as AdviceResponse) };
  }
  let value: unknown = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      return null;
    }
  }
  const parsed = AdviceResponseSchema.safeParse(value);
  if (!parsed.success) return null;
  const response = { ...parsed.data, cached: true };
  return { body: JSON.stringify(response), response: () => response };
}
