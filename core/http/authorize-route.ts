import type { Context, MiddlewareHandler } from 'hono';
import { bearerToken, unauthorized } from '../../shared/auth/access-token-verifier.ts';
import type { AccessClaims } from '../../shared/contracts/auth.ts';
import { AppError } from '../../shared/errors/app-error.ts';
import { hasPermission } from '../../shared/rbac/roles.ts';
import type { AccessTokenVerifier, ActiveUserCheck, AuthVariables } from './authenticate.ts';
import { cookieAccessToken } from './console-dashboard-cookie.ts';
import { matchedRoute } from './matched-route.ts';
import { ROUTE_RULES, ruleFor, type RouteRule } from './route-permissions.ts';

/** Sec-WebSocket-Protocol entry carrying the access token: `bearer.<jwt>`. */
export const WEBSOCKET_TOKEN_PROTOCOL_PREFIX = 'bearer.';

export type AuthorizeVariables = AuthVariables & {
  /** Who called, once the token verified, even when the permission check then refused them (for the audit log). */
  actor?: AccessClaims;
};

export interface AuthorizeRoutesOptions {
  verifier: AccessTokenVerifier;
  /** Refuses tokens of users disabled (or changed) since the token was issued. */
  isUserActive?: ActiveUserCheck | undefined;
  rules?: Readonly<Record<string, RouteRule>>;
}

/** The access token of a request: the Authorization header, or for WebSocket routes a `bearer.<jwt>` subprotocol. */
export function requestToken(c: Context, allowWebSocketProtocol: boolean): string {
  const header = c.req.header('authorization');
  if (header !== undefined || !allowWebSocketProtocol) return bearerToken(header);
  const offered = (c.req.header('sec-websocket-protocol') ?? '').split(',').map((value) => value.trim());
  const entry = offered.find((value) => value.startsWith(WEBSOCKET_TOKEN_PROTOCOL_PREFIX));
  if (!entry) throw unauthorized('Send an access token: Authorization: Bearer <token>, or the WebSocket subprotocol bearer.<token>.');
  return entry.slice(WEBSOCKET_TOKEN_PROTOCOL_PREFIX.length);
}

/**
 * The access token of a request under `rule`: the Authorization header when present, else the
 * cookie the rule accepts (from this site's pages only), else as {@link requestToken}.
 */
function ruleToken(c: Context, rule: { websocket?: boolean; cookie?: string }): string {
  if (rule.cookie !== undefined && c.req.header('authorization') === undefined) {
    const token = cookieAccessToken(c, rule.cookie);
    if (token !== undefined) return token;
    throw unauthorized('Send an access token (Authorization: Bearer <token>), or open this page from the console.');
  }
  return requestToken(c, rule.websocket === true);
}

/**
 * The one authorisation middleware, mounted once for the whole app before any route: looks up
 * the matched route in the route table (core/http/route-permissions.ts), lets public routes
 * through, and for the rest verifies the bearer token (or the cookie a rule accepts), checks the user is still active and
 * that the role holds the route's permission (shared/rbac). A route missing from the table is
 * refused (deny by default). Requests that match no route fall through to the 404 handler.
 */
export function authorizeRoutes(options: AuthorizeRoutesOptions): MiddlewareHandler<{ Variables: AuthorizeVariables }> {
  const { verifier, isUserActive, rules = ROUTE_RULES } = options;
  return async (c, next) => {
    const route = matchedRoute(c);
    if (!route) return next();
    const rule = ruleFor(route.method, route.path, rules);
    if (!rule) throw new AppError('forbidden', { detail: `No permission rule covers ${route.method} ${route.path}.` });
    if (rule.access === 'public') return next();

    const claims = await verifier.verify(ruleToken(c, rule));
    c.set('actor', claims);
    if (isUserActive && !(await isUserActive(claims))) {
      throw new AppError('unauthorized', {
        detail: 'This account is disabled or its role changed; sign in again.',
        headers: { 'WWW-Authenticate': 'Bearer error="invalid_token"' },
      });
    }
    if (!hasPermission(claims.role, rule.permission)) {
      throw new AppError('forbidden', { detail: `Your role (${claims.role}) lacks the permission ${rule.permission}.` });
    }
    c.set('user', claims);
    await next();
  };
}

/**
 * For route factories that take their own `authorize` middleware (adviceRoutes): with
 * authorizeRoutes mounted app-wide this only asserts that it ran, so a route is never served
 * unauthenticated because of a wiring mistake.
 */
export function requireAuthorized(): MiddlewareHandler<{ Variables: AuthVariables }> {
  return async (c, next) => {
    if (!c.get('user')) throw new AppError('unauthorized', { detail: 'Not authenticated.' });
    await next();
  };
}
