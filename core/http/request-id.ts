import type { MiddlewareHandler } from 'hono';
import { MINTED_REQUEST_ID, requestId as sharedRequestId, type RequestIdVariables } from '../../shared/http/request-id.ts';

/**
 * Core's request id: the edge's id when the request carries one in the shape the tiers mint (a
 * UUID, so it joins the edge's and core's logs), otherwise a fresh UUID; any other caller text
 * is replaced, never stored.
 */
export function requestId(): MiddlewareHandler<{ Variables: RequestIdVariables }> {
  return sharedRequestId({ accept: (incoming) => MINTED_REQUEST_ID.test(incoming) });
}
