import type { MiddlewareHandler } from 'hono';
import type { AccessClaims } from '../../shared/contracts/auth.ts';
import { AppError } from '../../shared/errors/app-error.ts';
import { bearerToken } from '../../shared/auth/access-token-verifier.ts';
import { hasPermission, type Permission } from '../../shared/rbac/roles.ts';

export interface AccessTokenVerifier {
  verify(token: string): Promise<AccessClaims>;
}

/** Hook that can refuse a verified token, e.g. when the user has been disabled since it was issued. */
export type ActiveUserCheck = (claims: AccessClaims) => Promise<boolean>;

export type AuthVariables = { requestId: string; user: AccessClaims };

/**
 * The one authorisation middleware: verifies the bearer token (core re-verifies what the edge
 * verified: defence in depth), then checks the role's permissions from shared/rbac.
 */
export function requirePermission(
  verifier: AccessTokenVerifier,
  permission: Permission,
  isActive?: ActiveUserCheck,
): MiddlewareHandler<{ Variables: AuthVariables }> {
  return async (c, next) => {
    const claims = await verifier.verify(bearerToken(c.req.header('authorization')));
    if (isActive && !(await isActive(claims))) {
      throw new AppError('unauthorized', {
        detail: 'This account is disabled.',
        headers: { 'WWW-Authenticate': 'Bearer error="invalid_token"' },
      });
    }
    if (!hasPermission(claims.role, permission)) {
      throw new AppError('forbidden', { detail: `Your role (${claims.role}) lacks the permission ${permission}.` });
    }
    c.set('user', claims);
    await next();
  };
}
