import type { MiddlewareHandler } from 'hono';

const SAFE_ID = /^[A-Za-z0-9._-]{1,128}$/;

export type RequestIdVariables = { requestId: string };

/**
 * Propagates a caller's well-formed x-request-id or mints one, and puts it on every response
 * (error responses included: onError runs inside `next()`).
 */
export function requestId(): MiddlewareHandler<{ Variables: RequestIdVariables }> {
  return async (c, next) => {
    const incoming = c.req.header('x-request-id');
    const id = incoming && SAFE_ID.test(incoming) ? incoming : crypto.randomUUID();
    c.set('requestId', id);
    await next();
    c.res.headers.set('x-request-id', id);
  };
}
