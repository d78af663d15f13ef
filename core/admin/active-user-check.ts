import { isEpochRevoked } from '../../shared/auth/user-token-epoch.ts';
import type { UserRepository } from '../auth/user-repository.ts';
import type { ActiveUserCheck } from '../http/authenticate.ts';

/**
 * Accepts a verified token only while its user exists, is enabled, still has the role the token
 * names and has not changed since it was issued (the token's epoch is the user's current one):
 * disabling a user, changing their role or resetting their password takes effect on the next
 * request, not when the (≤ 15 min) access token expires.
 */
export function createActiveUserCheck(users: Pick<UserRepository, 'findById'>): ActiveUserCheck {
  return async (claims) => {
    const user = await users.findById(claims.sub);
    return user !== null && !user.disabled && user.role === claims.role && !isEpochRevoked(claims, user.tokenEpoch);
  };
}
