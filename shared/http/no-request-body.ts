import type { MiddlewareHandler } from 'hono';
import { AppError } from '../errors/app-error.ts';

/**
 * For operations that take no body: a request with one (Content-Length above 0, or any bytes in
 * a chunked body, read up to 1 byte past nothing) is refused with 422 instead of being silently
 * ignored, so a client never believes an option it sent was applied.
 */
export function noRequestBody(): MiddlewareHandler {
  return async (c, next) => {
    const declared = Number(c.req.header('content-length') ?? '0');
    const hasBytes = declared > 0 || !Number.isFinite(declared) || (c.req.raw.body !== null && (await c.req.raw.arrayBuffer()).byteLength > 0);
    if (hasBytes) throw new AppError('validation-failed', { detail: `${c.req.method} ${new URL(c.req.url).pathname} takes no request body.` });
    await next();
  };
}
