import type { MiddlewareHandler } from 'hono';
import type { Logger } from '../logger.ts';

/** One structured line per request: method, path, status, duration, request id. Never bodies or headers. */
export function accessLog(logger: Logger): MiddlewareHandler<{ Variables: { requestId: string } }> {
  return async (c, next) => {
    const started = performance.now();
    await next();
    const path = new URL(c.req.url).pathname;
    if (path === '/health' || path === '/metrics') return;
    logger.info(
      { requestId: c.get('requestId'), method: c.req.method, path, status: c.res.status, ms: Math.round((performance.now() - started) * 10) / 10 },
      'request',
    );
  };
}
