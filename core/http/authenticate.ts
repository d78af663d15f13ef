import type { AccessClaims } from '../../shared/contracts/auth.ts';

export interface AccessTokenVerifier {
  verify(token: string): Promise<AccessClaims>;
}

/** Hook that can refuse a verified token, e.g. when the user has been disabled since it was issued. */
export type ActiveUserCheck = (claims: AccessClaims) => Promise<boolean>;

export type AuthVariables = { requestId: string; user: AccessClaims };
