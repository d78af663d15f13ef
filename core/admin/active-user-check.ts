import type { UserRepository } from '../auth/user-repository.ts';
import type { ActiveUserCheck } from '../http/authenticate.ts';

/**
 * Accepts a verified token only while its user exists, is enabled and still has the role the
 * token names: disabling a user or changing their role takes effect on the next request, not
 * when the (≤ 15 min) access token expires.
 */
export function createActiveUserCheck(users: Pick<UserRepository, 'findById'>): ActiveUserCheck {
  return async (claims) => {
    const user = await users.findById(claims.sub);
    return user !== null && !user.disabled && user.role === claims.role;
  };
}
