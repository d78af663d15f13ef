import type { MiddlewareHandler } from 'hono';
import { requestId as sharedRequestId, type RequestIdVariables } from '../../shared/http/request-id.ts';

export type { RequestIdVariables };

/** The edge is the public entry: every request gets a fresh id; a client's x-request-id is ignored. */
export function requestId(): MiddlewareHandler<{ Variables: RequestIdVariables }> {
  return sharedRequestId();
}
