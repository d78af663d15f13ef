import type { MiddlewareHandler } from 'hono';
import { AppError } from '../../shared/errors/app-error.ts';
import { verifyServiceSignature } from '../../shared/auth/service-signature.ts';

/**
 * When core is configured to accept only the edge (REQUIRE_EDGE_SIGNATURE), refuses requests
 * without a valid HMAC service signature over timestamp, method, path and body hash (±60 s).
 */
export function requireEdgeSignature(options: { secret: string; now?: () => number }): MiddlewareHandler {
  return async (c, next) => {
    const body = c.req.method === 'GET' || c.req.method === 'HEAD' ? '' : await c.req.text();
    const result = await verifyServiceSignature({
      secret: options.secret,
      headers: c.req.raw.headers,
      method: c.req.method,
      path: new URL(c.req.url).pathname,
      body,
      ...(options.now ? { now: options.now } : {}),
    });
    if (!result.ok) throw new AppError('bad-signature', { detail: `Requests must come through the APFA edge (${result.reason}).` });
    await next();
  };
}
