import type { MiddlewareHandler } from 'hono';
import { bearerToken } from '../../shared/auth/access-token-verifier.ts';
import type { AccessClaims } from '../../shared/contracts/auth.ts';
import { AppError } from '../../shared/errors/app-error.ts';

/** Verifies APFA access tokens (shared/auth/access-token-verifier.ts, or a test double). */
export interface AccessTokenVerifier {
  verify(token: string): Promise<AccessClaims>;
}

export type AuthVariables = { claims: AccessClaims };

/**
 * Requires a valid bearer token and keeps its claims for later middleware. The verifier's
 * AppErrors (401) pass through; anything else means keys could not be fetched — not the caller's
 * fault — and becomes 503.
 */
export function authenticate(verifier: AccessTokenVerifier): MiddlewareHandler<{ Variables: AuthVariables }> {
  return async (c, next) => {
    const token = bearerToken(c.req.header('authorization'));
    try {
      c.set('claims', await verifier.verify(token));
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw new AppError('upstream-unavailable', { detail: 'Token keys are unavailable.', headers: { 'Retry-After': '5' }, cause: error });
    }
    await next();
  };
}
