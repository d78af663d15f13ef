import type { MiddlewareHandler } from 'hono';

const SAFE_ID = /^[A-Za-z0-9._-]{1,128}$/;

/** Propagates a caller's x-request-id when it is well-formed, or mints one; echoes it on the response. */
export function requestId(): MiddlewareHandler<{ Variables: { requestId: string } }> {
  return async (c, next) => {
    const incoming = c.req.header('x-request-id');
    const id = incoming && SAFE_ID.test(incoming) ? incoming : crypto.randomUUID();
    c.set('requestId', id);
    c.header('x-request-id', id);
    await next();
  };
}
