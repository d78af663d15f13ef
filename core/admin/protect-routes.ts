import type { Context, Hono } from 'hono';
import type { Env } from 'hono';
import type { AuditLog } from '../audit/audit-log.ts';
import { auditMutations } from '../audit/audit-mutations.ts';
import type { AccessTokenVerifier, ActiveUserCheck } from '../http/authenticate.ts';
import { authorizeRoutes } from '../http/authorize-route.ts';
import type { RouteRule } from '../http/route-permissions.ts';

export interface ProtectRoutesOptions {
  verifier: AccessTokenVerifier;
  isUserActive?: ActiveUserCheck | undefined;
  audit: Pick<AuditLog, 'append'>;
  /** Take the client IP from X-Forwarded-For (only behind a proxy that sets it). */
  trustForwardedFor?: boolean;
  onAuditWriteError?: (error: unknown, c: Context) => void;
  rules?: Readonly<Record<string, RouteRule>>;
}

/**
 * Mounts, app-wide and before any route is registered, the audit middleware and then the one
 * authorisation middleware, both driven by the route table (core/http/route-permissions.ts).
 * Call it in createCoreApp right after the request-id/metrics/access-log middleware.
 */
export function protectRoutes<E extends Env>(app: Hono<E>, options: ProtectRoutesOptions): void {
  const { verifier, isUserActive, audit, trustForwardedFor = false, onAuditWriteError, rules } = options;
  const target = app as unknown as Hono;
  target.use('*', auditMutations({ audit, trustForwardedFor, ...(onAuditWriteError ? { onWriteError: onAuditWriteError } : {}), ...(rules ? { rules } : {}) }));
  target.use('*', authorizeRoutes({ verifier, isUserActive, ...(rules ? { rules } : {}) }));
}
