import type { Context, Input, MiddlewareHandler } from 'hono';
import type { AccessClaims } from '../../shared/contracts/auth.ts';
import { isAppError } from '../../shared/errors/app-error.ts';
import { normalizeError } from '../../shared/http/error-handler.ts';
import { matchedRoute } from '../http/matched-route.ts';
import { ROUTE_RULES, ruleFor, type RouteRule } from '../http/route-permissions.ts';
import type { AuditLog, AuditOutcome } from './audit-log.ts';
import { routeTarget } from './audit-target.ts';
import { clientIp, type ClientIpOptions } from './client-ip.ts';

/** What a handler may add to its audit row. Never secrets or raw personal data. */
export interface AuditNote {
  target?: string;
  details?: Record<string, unknown>;
}

export type AuditVariables = {
  requestId: string;
  actor?: AccessClaims;
  auditNote?: AuditNote;
};

export interface AuditMutationsOptions extends ClientIpOptions {
  audit: Pick<AuditLog, 'append'>;
  rules?: Readonly<Record<string, RouteRule>>;
  /** Told when a row could not be written (the response still goes out). */
  onWriteError?: (error: unknown, c: Context) => void;
}

/** Sets the target and details of the current request's audit row. */
export function noteAudit<E extends { Variables: AuditVariables }, P extends string, I extends Input>(c: Context<E, P, I>, note: AuditNote): void {
  const context = c as unknown as Context<{ Variables: AuditVariables }>;
  const previous = context.get('auditNote') ?? {};
  context.set('auditNote', { ...previous, ...note, details: { ...previous.details, ...note.details } });
}

const outcomeOf = (status: number): AuditOutcome => (status < 400 ? 'success' : status === 401 || status === 403 ? 'denied' : 'failure');

/**
 * Writes one audit row for every call of a route whose rule names an `audit` action by a caller
 * whose access token verified, whatever the outcome: success, denied (403, or 401 for a disabled
 * account, including the authorisation middleware refusing it) or failure (bad input, conflict,
 * errors). Mount it before the authorisation middleware so refusals are recorded too. Rows hold
 * who (from the verified token), what, target, outcome, client IP, request id and the handler's
 * details; never request bodies.
 *
 * Requests without a verified token write no row: anyone can send them, so they would let
 * anyone grow the append-only table. They are counted in `apfa_requests_total` (by route
 * pattern and status 401) and the access log instead. A target the handler did not name is the
 * route pattern with its path parameters checked ({@link routeTarget}), never the raw path.
 */
export function auditMutations(options: AuditMutationsOptions): MiddlewareHandler<{ Variables: AuditVariables }> {
  const { audit, rules = ROUTE_RULES, onWriteError } = options;
  return async (c, next) => {
    const route = matchedRoute(c);
    if (!route) return next();
    const rule = ruleFor(route.method, route.path, rules);
    if (!rule || rule.access !== 'permission' || rule.audit === undefined) return next();
    await next();

    const actor = c.get('actor');
    if (actor === undefined) return;
    const status = c.res.status;
    const note = c.get('auditNote') ?? {};
    const error = c.error === undefined ? undefined : normalizeError(c.error);
    const details: Record<string, unknown> = { ...note.details, status };
    if (error !== undefined) details.problem = isAppError(error) ? error.code : 'internal';
    try {
      await audit.append({
        actorId: actor.sub,
        actorUsername: actor.username ?? null,
        action: rule.audit,
        target: note.target ?? routeTarget(route.path, new URL(c.req.url).pathname),
        outcome: outcomeOf(status),
        clientIp: clientIp(c, options),
        requestId: c.get('requestId') ?? null,
        details,
      });
    } catch (writeError) {
      onWriteError?.(writeError, c);
    }
  };
}
