import type { Ratelimit } from '@upstash/ratelimit';
import type { Context, MiddlewareHandler } from 'hono';
import { AppError } from '../../shared/errors/app-error.ts';
import { runInBackground } from './execution-context.ts';
import { isRedisRefusal } from './redis-refusal.ts';

/** The part of @upstash/ratelimit the edge uses (a structural type, so tests may record calls). */
export type RateLimiter = Pick<Ratelimit, 'limit'>;

export interface RateLimitOptions<C extends Context> {
  limiter: RateLimiter;
  /**
   * Whose bucket this request counts against (user id, client IP). Null: the caller cannot be
   * identified, and is refused rather than counted in a bucket every such caller would share.
   */
  identify: (c: C) => string | null;
  now?: () => number;
}

/** IETF draft RateLimit-* fields: the window's limit, what is left, seconds until it resets. */
export function rateLimitHeaders(result: { limit: number; remaining: number; reset: number }, now: number): Record<string, string> {
  return {
    'RateLimit-Limit': String(result.limit),
    'RateLimit-Remaining': String(Math.max(0, result.remaining)),
    'RateLimit-Reset': String(secondsUntil(result.reset, now)),
  };
}

const secondsUntil = (resetAtMs: number, now: number): number => Math.max(0, Math.ceil((resetAtMs - now) / 1000));

/**
 * Counts the request with @upstash/ratelimit. Over the limit → 429 problem with RateLimit-* and
 * Retry-After; otherwise the RateLimit-* fields go on whatever response follows.
 *
 * Failure policy: the limiter FAILS OPEN only when Redis cannot be reached (transport error, our
 * per-call timeout, or the limiter's own timeout, which @upstash/ratelimit reports as
 * `reason: "timeout"`) — an outage of the rate-limit store must not take the API down. When
 * Upstash answers with an error (bad token, script error) that is a misconfiguration and FAILS
 * CLOSED with 503.
 */
export function rateLimit<C extends Context>(options: RateLimitOptions<C>): MiddlewareHandler {
  const now = options.now ?? Date.now;
  return async (c, next) => {
    const identifier = options.identify(c as C);
    if (identifier === null) {
      throw new AppError('internal', { detail: 'The edge cannot tell who is calling, so it cannot rate-limit this request.' });
    }
    let result: Awaited<ReturnType<RateLimiter['limit']>>;
    try {
      result = await options.limiter.limit(identifier);
    } catch (error) {
      if (!isRedisRefusal(error)) return next();
      throw new AppError('upstream-unavailable', { detail: 'Rate limiting is unavailable.', headers: { 'Retry-After': '5' }, cause: error });
    }
    runInBackground(c, result.pending);
    if (result.reason === 'timeout') return next();
    const headers = rateLimitHeaders(result, now());
    if (!result.success) {
      throw new AppError('rate-limited', {
        detail: `At most ${result.limit} requests per window; try again in ${headers['RateLimit-Reset']} s.`,
        headers: { ...headers, 'Retry-After': String(Math.max(1, secondsUntil(result.reset, now()))) },
      });
    }
    await next();
    for (const [name, value] of Object.entries(headers)) c.res.headers.set(name, value);
  };
}
