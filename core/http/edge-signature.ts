import type { MiddlewareHandler } from 'hono';
import { AppError } from '../../shared/errors/app-error.ts';
import { DEFAULT_SIGNATURE_TOLERANCE_SECONDS, verifyServiceSignature } from '../../shared/auth/service-signature.ts';
import type { NonceStore } from './signature-nonces.ts';

export interface EdgeSignatureOptions {
  secret: string;
  /** Where seen nonces are kept: Redis when core has REDIS_URL, else this process's memory. */
  nonces: NonceStore;
  /** Largest accepted difference between the signing time and now, either way (default 30 s). */
  toleranceSeconds?: number;
  now?: () => number;
  /** Told why a request was refused (for logs, never sent to the client). */
  onRefused?: (reason: string) => void;
}

/**
 * When core is configured to accept only the edge (REQUIRE_EDGE_SIGNATURE), refuses requests
 * without a valid version-2 service signature (shared/auth/service-signature.ts: method, path
 * with query, body hash, Authorization hash, time, nonce) made within ±30 s, and any whose nonce
 * it has already seen in that window: a captured request cannot be sent again, changed, or
 * reused with another caller's token.
 */
export function requireEdgeSignature(options: EdgeSignatureOptions): MiddlewareHandler {
  const toleranceSeconds = options.toleranceSeconds ?? DEFAULT_SIGNATURE_TOLERANCE_SECONDS;
  const refuse = (reason: string) => {
    options.onRefused?.(reason);
    return new AppError('bad-signature', { detail: `Requests must come through the APFA edge (${reason}).` });
  };
  return async (c, next) => {
    const body = c.req.method === 'GET' || c.req.method === 'HEAD' ? '' : await c.req.text();
    const url = new URL(c.req.url);
    const result = await verifyServiceSignature({
      secret: options.secret,
      headers: c.req.raw.headers,
      method: c.req.method,
      path: `${url.pathname}${url.search}`,
      body,
      toleranceSeconds,
      ...(options.now ? { now: options.now } : {}),
    });
    if (!result.ok) throw refuse(result.reason);
    // Remembered until its timestamp can no longer be accepted: up to the window after now.
    const remember = result.timestamp + toleranceSeconds - Math.floor((options.now ?? Date.now)() / 1000) + 1;
    let first: boolean;
    try {
      first = await options.nonces.claim(result.nonce, remember);
    } catch (error) {
      throw new AppError('upstream-unavailable', { detail: 'Cannot check the edge signature now.', headers: { 'Retry-After': '5' }, cause: error });
    }
    if (!first) throw refuse('nonce already used');
    await next();
  };
}
