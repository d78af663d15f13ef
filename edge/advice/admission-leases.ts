import { isEpochRevoked } from '../../shared/auth/user-token-epoch.ts';
import type { CacheCaller, CachedAnswer } from '../cache/advice-cache.ts';
import type { LimitAndRead, RateLimitResult, TokenTake } from '../http/sliding-window-limiter.ts';

/**
 * What an isolate remembers between advice round trips, so that a caller asking fast does not pay
 * one Upstash round trip per request. Per caller (the rate-limit identifier) a **lease**: tokens
 * Redis has already counted against the caller's window (granted by the admission script, never
 * more than ⌊available ÷ 8⌋ at once), with the live version and the caller's token-epoch record
 * read in the same round trip; per (live version, question) the answer read then.
 *
 * A request is admitted from memory only when everything it relies on was read from Redis at most
 * `memoryMs` ago (LIVE_VERSION_CACHE_MS): a held token in the current window, the live version, the
 * epoch record, the answer. So a publish, a disabled user or a purged answer reaches the isolate
 * within `memoryMs`; a request is never admitted that Redis did not count, so a caller cannot
 * exceed the limit however many isolates serve them — the cost is that tokens one isolate holds
 * are not available to another until it spends or hands them back (each lease asks for what the
 * last one used, handed back unspent on the next round trip in the same window).
 *
 * `memoryMs` 0 turns it off: one round trip per request, one token each.
 */
export interface AdmissionLeases {
  /** A hit admitted from memory (one held token spent, the hit counted for the next round trip), or undefined: ask Upstash. */
  admitFromMemory(identifier: string, caller: CacheCaller, contentHash: string): { answer: CachedAnswer; result: RateLimitResult } | undefined;
  /** What the next round trip for `identifier` counts, and the hits it reports; pair it with {@link settle} or {@link abandon}. */
  beginRoundTrip(identifier: string, contentHash?: string): RoundTrip;
  /** Records what a round trip read: the lease's tokens, the version and epoch record, the answer. */
  settle(trip: RoundTrip, outcome: LimitAndRead, read: { version: unknown; epochRecord: unknown; answer: CachedAnswer | null }): RateLimitResult;
  /** A round trip that failed: its hits are reported by the next one. */
  abandon(trip: RoundTrip): void;
}

export interface RoundTrip {
  readonly identifier: string;
  readonly take: TokenTake;
  readonly contentHash: string | undefined;
  /** Hits served from memory since the last round trip, reported by this one. */
  readonly pendingHits: number;
  readonly startedAt: number;
}

export interface AdmissionLeasesOptions {
  /** How old a read may be and still admit a request (LIVE_VERSION_CACHE_MS); 0: never. */
  memoryMs: number;
  /** The most tokens one lease asks for. */
  maxLease?: number;
  /** Callers and answers remembered; the oldest are forgotten first (their held tokens go unspent). */
  maxCallers?: number;
  maxAnswers?: number;
  now?: () => number;
}

interface Lease {
  /** End of the fixed window the tokens were counted in (ms); they are spendable only before it. */
  reset: number;
  limit: number;
  /** Tokens held, counted in Redis and not yet spent. */
  tokens: number;
  /** Tokens granted since the lease was last renewed for being old (what the caller used, for sizing). */
  granted: number;
  /** What Redis said was left after the latest grant. */
  remaining: number;
  /** The size the next grant asks for. */
  size: number;
  readAt: number;
  version: unknown;
  epochRecord: unknown;
}

interface RememberedAnswer {
  answer: CachedAnswer;
  readAt: number;
}

const DEFAULT_MAX_LEASE = 64;

export function createAdmissionLeases(options: AdmissionLeasesOptions): AdmissionLeases {
  const now = options.now ?? Date.now;
  const maxLease = options.maxLease ?? DEFAULT_MAX_LEASE;
  const leases = new Map<string, Lease>();
  const answers = new Map<string, RememberedAnswer>();
  let pendingHits = 0;
  const fresh = (readAt: number, at: number) => at - readAt < options.memoryMs;
  const answerKey = (version: string, contentHash: string) => `${version}:${contentHash}`;

  const remember = <V>(map: Map<string, V>, key: string, value: V, max: number) => {
    map.delete(key);
    if (map.size >= max) map.delete(map.keys().next().value!);
    map.set(key, value);
  };

  return {
    admitFromMemory(identifier, caller, contentHash) {
      if (options.memoryMs <= 0) return undefined;
      const lease = leases.get(identifier);
      const at = now();
      if (!lease || lease.tokens < 1 || at >= lease.reset || !fresh(lease.readAt, at)) return undefined;
      if (typeof lease.version !== 'string' || lease.version === '' || isEpochRevoked(caller, lease.epochRecord)) return undefined;
      const remembered = answers.get(answerKey(lease.version, contentHash));
      if (!remembered || !fresh(remembered.readAt, at)) return undefined;
      lease.tokens -= 1;
      pendingHits += 1;
      return { answer: remembered.answer, result: { success: true, limit: lease.limit, remaining: lease.remaining + lease.tokens, reset: lease.reset } };
    },

    beginRoundTrip(identifier, contentHash) {
      const at = now();
      const reported = pendingHits;
      pendingHits = 0;
      const lease = options.memoryMs > 0 ? leases.get(identifier) : undefined;
      const trip = (take: TokenTake): RoundTrip => ({ identifier, take, contentHash, pendingHits: reported, startedAt: at });
      if (!lease) return trip({ request: 1 });
      const inWindow = at < lease.reset;
      if (inWindow && fresh(lease.readAt, at)) {
        // A held token pays for this request; the round trip only reads (an answer not in memory yet).
        if (lease.tokens >= 1) {
          lease.tokens -= 1;
          return trip({ request: 0 });
        }
        // Spent within memoryMs: the caller asks faster than the lease lasts.
        lease.size = Math.min(maxLease, lease.size * 2);
        return trip({ request: lease.size });
      }
      // Old, or its window is over: hand back what is unspent (in the same window), and ask for
      // what the caller used while it was fresh.
      const refund = inWindow && lease.tokens > 0 ? { reset: lease.reset, tokens: lease.tokens } : undefined;
      if (!fresh(lease.readAt, at)) lease.size = Math.max(1, Math.min(maxLease, lease.granted - lease.tokens));
      lease.tokens = 0;
      lease.granted = 0;
      return trip({ request: lease.size, refund });
    },

    settle(trip, outcome, read) {
      const { result, granted } = outcome;
      const lease = leases.get(trip.identifier);
      if (!result.success) {
        // Refused before the script reported anything: the hits go with the next round trip.
        pendingHits += trip.pendingHits;
        if (lease) lease.tokens = 0;
        return result;
      }
      const spentNow = trip.take.request > 0 ? 1 : 0;
      if (options.memoryMs > 0) {
        const sameWindow = lease !== undefined && lease.reset === result.reset;
        const next: Lease = {
          reset: result.reset,
          limit: result.limit,
          tokens: (sameWindow ? lease.tokens : 0) + Math.max(0, granted - spentNow),
          granted: (sameWindow ? lease.granted : 0) + granted,
          remaining: result.remaining,
          size: lease?.size ?? 1,
          readAt: trip.startedAt,
          version: read.version,
          epochRecord: read.epochRecord,
        };
        remember(leases, trip.identifier, next, options.maxCallers ?? 10_000);
        if (read.answer && typeof read.version === 'string' && trip.contentHash !== undefined) {
          remember(answers, answerKey(read.version, trip.contentHash), { answer: read.answer, readAt: trip.startedAt }, options.maxAnswers ?? 1_000);
        }
        return { ...result, remaining: result.remaining + next.tokens };
      }
      return result;
    },

    abandon(trip) {
      pendingHits += trip.pendingHits;
    },
  };
}
