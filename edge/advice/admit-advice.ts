import type { AdviceCache, CacheableQuestion, CacheCaller, CacheRead } from '../cache/advice-cache.ts';
import { enforceRateLimit, limitOrFailOpen, type RateLimiter } from '../http/rate-limit.ts';

export interface AdviceAdmission {
  /** The fresh cache read (a miss when Upstash could not be reached). */
  read: CacheRead;
  /** RateLimit-* fields for the response; undefined when the limiter failed open. */
  rateLimitHeaders: Record<string, string> | undefined;
}

export interface AdmitAdviceDeps {
  limiter: RateLimiter;
  cache: AdviceCache;
  now: () => number;
}

const UNREAD: CacheRead = { revoked: false, answer: null };

/**
 * An advice request's one round trip to Upstash: the per-user sliding window and the fresh cache
 * read (live version, epoch record, answer, hit/miss counter) in one script. Over the limit → 429
 * with RateLimit-* and Retry-After (nothing read); Upstash answering with an error → 503 (fails
 * closed); Upstash unreachable → no limit and a miss (fails open: core checks the user itself).
 */
export async function admitAdvice(deps: AdmitAdviceDeps, identifier: string, question: CacheableQuestion, caller: CacheCaller): Promise<AdviceAdmission> {
  const reads = await deps.cache.freshReads(question, caller);
  const outcome = await limitOrFailOpen(() => deps.limiter.limitAndRead(identifier, reads));
  if (outcome === undefined) return { read: UNREAD, rateLimitHeaders: undefined };
  const rateLimitHeaders = enforceRateLimit(outcome.result, deps.now());
  return { read: deps.cache.freshRead(outcome.values, caller), rateLimitHeaders };
}
