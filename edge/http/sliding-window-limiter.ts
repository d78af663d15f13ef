import type { Redis } from '@upstash/redis/cloudflare';
import { ADMISSION_SCRIPT } from './admission-script.ts';

/** A rate-limit decision; `reset` is when the current window ends (ms since the epoch). */
export interface RateLimitResult {
  success: boolean;
  limit: number;
  remaining: number;
  reset: number;
  /** `blocked`: refused from this isolate's memory of an exhausted window, without asking Redis. */
  reason?: 'blocked';
}

/** Keys and arguments appended to the window's own (see admission-script.ts). */
export interface ScriptReads {
  keys: string[];
  args: string[];
}

/** What one round trip returned: the decision, and the reads' values (empty when refused). */
export interface LimitAndRead {
  result: RateLimitResult;
  values: unknown[];
  /** Tokens counted for the caller in this round trip (its lease; 0 when it asked for none or was refused). */
  granted: number;
}

/**
 * How many tokens a round trip counts (admission-script.ts): `request` tokens (0: none, the caller
 * spends one it holds), after handing back `refund.tokens` counted earlier in the window that ends
 * at `refund.reset` — ignored once that window is over, as its bucket is no longer the current one.
 */
export interface TokenTake {
  request: number;
  refund?: { reset: number; tokens: number } | undefined;
}

const ONE: TokenTake = { request: 1 };

/**
 * The edge's rate limiter. Both methods reject when Upstash fails — an `UpstashError` when it
 * answers with an error, anything else when it cannot be reached — and the caller decides
 * (edge/http/rate-limit.ts: closed on an error, open when unreachable).
 */
export interface RateLimiter {
  limit(identifier: string): Promise<RateLimitResult>;
  /** Counts the request (or the tokens `take` asks for) and runs `reads` in the same script, in one round trip. */
  limitAndRead(identifier: string, reads: ScriptReads, take?: TokenTake): Promise<LimitAndRead>;
}

export interface SlidingWindowLimiterOptions {
  /** An Upstash client created with `automaticDeserialization: false`. */
  redis: Pick<Redis, 'createScript'>;
  /** Bucket keys are `<prefix>:<identifier>:<window number>` (@upstash/ratelimit's layout). */
  prefix: string;
  tokens: number;
  windowMs: number;
  now?: () => number;
}

/**
 * A sliding-window limiter with @upstash/ratelimit's semantics (same keys, same weighting, same
 * `reset` at the end of the current fixed window, and its ephemeral cache: an identifier refused
 * once is refused from isolate memory until that window ends) whose script can also read the
 * advice cache in the same round trip. `limit` runs the window part only.
 */
export function createSlidingWindowLimiter(options: SlidingWindowLimiterOptions): RateLimiter {
  const { tokens, windowMs } = options;
  const now = options.now ?? Date.now;
  const script = options.redis.createScript<unknown[]>(ADMISSION_SCRIPT);
  const blockedUntil = new Map<string, number>();

  const run = async (identifier: string, reads: ScriptReads, take: TokenTake = ONE): Promise<LimitAndRead> => {
    const at = now();
    const currentWindow = Math.floor(at / windowMs);
    const reset = (currentWindow + 1) * windowMs;
    const blocked = blockedUntil.get(identifier);
    if (blocked !== undefined) {
      if (at < blocked) return { result: { success: false, limit: tokens, remaining: 0, reset: blocked, reason: 'blocked' }, values: [], granted: 0 };
      blockedUntil.delete(identifier);
    }
    const bucket = `${options.prefix}:${identifier}`;
    const refund = take.refund !== undefined && take.refund.reset === reset ? take.refund.tokens : 0;
    const reply = await script.exec(
      [`${bucket}:${currentWindow}`, `${bucket}:${currentWindow - 1}`, ...reads.keys],
      [String(tokens), String(at), String(windowMs), String(take.request), String(refund), ...reads.args],
    );
    if (!Array.isArray(reply) || typeof reply[0] !== 'number' || typeof reply[1] !== 'number' || typeof reply[2] !== 'number') {
      throw new Error('the rate-limit script returned an unexpected reply');
    }
    const [remaining, limit, granted, ...values] = reply as [number, number, number, ...unknown[]];
    const success = remaining >= 0 || take.request === 0;
    if (!success) blockedUntil.set(identifier, reset);
    return { result: { success, limit, remaining: Math.max(0, remaining), reset }, values, granted };
  };

  return {
    async limit(identifier) {
      return (await run(identifier, { keys: [], args: [] })).result;
    },
    limitAndRead: run,
  };
}

/** Milliseconds in an @upstash/ratelimit duration (`60 s`, `500 ms`, `1 h`). */
export function durationMs(duration: string): number {
  const match = /^(\d+) ?(ms|s|m|h|d)$/.exec(duration.trim());
  if (!match) throw new Error(`not a duration: ${duration}`);
  const unit = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as 'ms' | 's' | 'm' | 'h' | 'd'];
  return Number(match[1]) * unit;
}
