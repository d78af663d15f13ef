import type { MiddlewareHandler } from 'hono';

/**
 * After the response is decided, reads and discards a small request body nobody read (a request
 * refused before its body mattered: bad token, rate limit). An HTTP/1.1 server that answers
 * without consuming the body can reset a keep-alive connection while the client is still
 * sending, which the client sees as ECONNRESET instead of our 401/429. Bodies declared larger
 * than `maxBytes` are left alone: the connection may close, which is right for them.
 */
export function drainUnreadBody(options: { maxBytes: number }): MiddlewareHandler {
  return async (c, next) => {
    await next();
    const request = c.req.raw;
    if (!request.body || request.bodyUsed) return;
    const declared = Number(request.headers.get('content-length') ?? '0');
    if (!Number.isFinite(declared) || declared > options.maxBytes) return;
    const reader = request.body.getReader();
    let total = 0;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        total += value.byteLength;
        if (total > options.maxBytes) {
          await reader.cancel();
          break;
        }
      }
    } catch {
      // The client went away; nothing to drain.
    }
  };
}
