import type { Context, MiddlewareHandler } from 'hono';
import { AppError } from '../../shared/errors/app-error.ts';
import { isRedisRefusal } from './redis-refusal.ts';
import type { RateLimiter, RateLimitResult } from './sliding-window-limiter.ts';

export type { RateLimiter, RateLimitResult } from './sliding-window-limiter.ts';

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

/** The caller's identity, or a 500 problem when the platform did not say who is calling. */
export function requireIdentifier(identifier: string | null): string {
  if (identifier === null) {
    throw new AppError('internal', { detail: 'The edge cannot tell who is calling, so it cannot rate-limit this request.' });
  }
  return identifier;
}

/**
 * The failure policy of every rate-limit call: the limiter FAILS OPEN (undefined: no decision)
 * only when Redis cannot be reached (transport error, our per-call timeout) — an outage of the
 * rate-limit store must not take the API down. When Upstash answers with an error (bad token,
 * script error) that is a misconfiguration and FAILS CLOSED with 503.
 */
export async function limitOrFailOpen<T>(call: () => Promise<T>): Promise<T | undefined> {
  try {
    return await call();
  } catch (error) {
    if (!isRedisRefusal(error)) return undefined;
    throw new AppError('upstream-unavailable', { detail: 'Rate limiting is unavailable.', headers: { 'Retry-After': '5' }, cause: error });
  }
}

/** A refused decision → 429 problem with RateLimit-* and Retry-After; an accepted one → the RateLimit-* fields for the response. */
export function enforceRateLimit(result: RateLimitResult, now: number): Record<string, string> {
  const headers = rateLimitHeaders(result, now);
  if (!result.success) {
    throw new AppError('rate-limited', {
      detail: `At most ${result.limit} requests per window; try again in ${headers['RateLimit-Reset']} s.`,
      headers: { ...headers, 'Retry-After': String(Math.max(1, secondsUntil(result.reset, now))) },
    });
  }
  return headers;
}

/** Puts RateLimit-* fields on whatever response follows, error responses included. */
async function withRateLimitHeaders(c: Context, headers: Record<string, string> | undefined, next: () => Promise<void>): Promise<void> {
  await next();
  if (headers) for (const [name, value] of Object.entries(headers)) c.res.headers.set(name, value);
}

/** Where a handler that counts the request itself leaves the RateLimit-* fields for {@link rateLimitAfter}. */
export type RateLimitVariables = { rateLimitHeaders?: Record<string, string> };

/** Refusals of a request's body (malformed, too large, wrong media type, invalid) made before a handler counts it. */
const isBodyRefusal = (status: number): boolean => status === 400 || status === 413 || status === 415 || status === 422;

/**
 * For routes whose handler counts the request itself (the advice routes, in their one Upstash
 * round trip): copies the `rateLimitHeaders` it set onto whatever response follows, error
 * responses included; an identified request refused for its body before the handler ran is
 * counted here, as it was when the limit ran first (over the limit it becomes the 429).
 */
export function rateLimitAfter<C extends Context>(options: RateLimitOptions<C>): MiddlewareHandler {
  const now = options.now ?? Date.now;
  return async (c, next) => {
    await next();
    let headers = (c as Context<{ Variables: RateLimitVariables }>).get('rateLimitHeaders');
    if (!headers && isBodyRefusal(c.res.status)) {
      const identifier = options.identify(c as C);
      const result = identifier === null ? undefined : await limitOrFailOpen(() => options.limiter.limit(identifier));
      if (result) headers = enforceRateLimit(result, now());
    }
    if (headers) for (const [name, value] of Object.entries(headers)) c.res.headers.set(name, value);
  };
}

/**
 * Counts the request before anything else runs (the login route). Over the limit → 429 problem
 * with RateLimit-* and Retry-After; otherwise the RateLimit-* fields go on whatever response
 * follows. Failure policy: {@link limitOrFailOpen}. The advice routes count in their cache read
 * instead (edge/advice/admit-advice.ts), one round trip for both.
 */
export function rateLimit<C extends Context>(options: RateLimitOptions<C>): MiddlewareHandler {
  const now = options.now ?? Date.now;
  return async (c, next) => {
    const identifier = requireIdentifier(options.identify(c as C));
    const result = await limitOrFailOpen(() => options.limiter.limit(identifier));
    if (result === undefined) return next();
    await withRateLimitHeaders(c, enforceRateLimit(result, now()), next);
  };
}
