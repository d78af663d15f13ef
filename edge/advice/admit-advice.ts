import type { AdviceCache, CacheableQuestion, CacheCaller, CacheRead } from '../cache/advice-cache.ts';
import { enforceRateLimit, limitOrFailOpen, type RateLimiter } from '../http/rate-limit.ts';
import type { AdmissionLeases } from './admission-leases.ts';

export interface AdviceAdmission {
  /** The fresh cache read (a miss when Upstash could not be reached). */
  read: CacheRead;
  /** RateLimit-* fields for the response; undefined when the limiter failed open. */
  rateLimitHeaders: Record<string, string> | undefined;
}

export interface AdmitAdviceDeps {
  limiter: RateLimiter;
  cache: AdviceCache;
  leases: AdmissionLeases;
  now: () => number;
}

const UNREAD: CacheRead = { revoked: false, answer: null };

/**
 * An advice request's admission: from isolate memory when the caller holds a counted token and
 * the answer was read within LIVE_VERSION_CACHE_MS (admission-leases.ts), else ONE round trip to
 * Upstash — the per-user sliding window and the fresh cache read (live version, epoch record,
 * answer, hit/miss counter) in one script. Over the limit → 429 with RateLimit-* and Retry-After
 * (nothing read); Upstash answering with an error → 503 (fails closed); Upstash unreachable → no
 * limit and a miss (fails open: core checks the user itself).
 */
export async function admitAdvice(deps: AdmitAdviceDeps, identifier: string, question: CacheableQuestion, caller: CacheCaller): Promise<AdviceAdmission> {
  const contentHash = await deps.cache.contentHash(question);
  const remembered = deps.leases.admitFromMemory(identifier, caller, contentHash);
  if (remembered) return { read: { revoked: false, answer: remembered.answer }, rateLimitHeaders: enforceRateLimit(remembered.result, deps.now()) };

  const trip = deps.leases.beginRoundTrip(identifier, contentHash);
  let outcome;
  try {
    outcome = await limitOrFailOpen(() => deps.limiter.limitAndRead(identifier, deps.cache.freshReads(contentHash, caller, trip.pendingHits), trip.take));
  } catch (error) {
    deps.leases.abandon(trip);
    throw error;
  }
  if (outcome === undefined) {
    deps.leases.abandon(trip);
    return { read: UNREAD, rateLimitHeaders: undefined };
  }
  const fresh = outcome.result.success ? deps.cache.freshRead(outcome.values, caller) : { read: UNREAD, version: undefined, epochRecord: undefined };
  const { read } = fresh;
  const result = deps.leases.settle(trip, outcome, { version: fresh.version, epochRecord: fresh.epochRecord, answer: read.revoked ? null : read.answer });
  return { read, rateLimitHeaders: enforceRateLimit(result, deps.now()) };
}
