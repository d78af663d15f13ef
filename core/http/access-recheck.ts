import type { AccessTokenVerifier, ActiveUserCheck } from './authenticate.ts';

/**
 * Asks again, for a connection that outlives its request (the admin live feed), whether the token
 * it opened with is still good: it still verifies (signature under a published key, expiry) and
 * its user is still enabled, in the same role and the same token epoch (not disabled, demoted or
 * password-reset since). Resolves false on any refusal; rejects only when the check itself failed.
 */
export type AccessRecheck = (token: string) => Promise<boolean>;

export function createAccessRecheck(options: { verifier: AccessTokenVerifier; isUserActive?: ActiveUserCheck | undefined }): AccessRecheck {
  return async (token) => {
    let claims;
    try {
      claims = await options.verifier.verify(token);
    } catch {
      return false;
    }
    return options.isUserActive ? options.isUserActive(claims) : true;
  };
}
