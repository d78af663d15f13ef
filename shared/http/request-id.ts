import type { MiddlewareHandler } from 'hono';

export type RequestIdVariables = { requestId: string };

/** The shape both tiers mint (`crypto.randomUUID()`), lower-case. */
export const MINTED_REQUEST_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface RequestIdOptions {
  /**
   * Whether a caller's `x-request-id` may be kept as this request's id (it ends up in logs and
   * audit rows). Default: never, a fresh id is minted for every request.
   */
  accept?: (incoming: string) => boolean;
}

/**
 * Gives every request an id (`c.var.requestId`) and puts it on every response, error responses
 * included (onError runs inside `next()`). A caller-sent `x-request-id` is kept only when
 * `accept` says so; anything else is replaced by a minted UUID, so no client-chosen text is
 * stored as a request id.
 */
export function requestId(options: RequestIdOptions = {}): MiddlewareHandler<{ Variables: RequestIdVariables }> {
  const accept = options.accept ?? (() => false);
  return async (c, next) => {
    const incoming = c.req.header('x-request-id');
    const id = incoming !== undefined && accept(incoming) ? incoming : crypto.randomUUID();
    c.set('requestId', id);
    c.header('x-request-id', id);
    await next();
    c.res.headers.set('x-request-id', id);
  };
}
