import { createLocalJWKSet, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { accessTokenErrorReason as reason, accessTokenVerifyOptions, assertTokenLifetime, unauthorized } from '../../shared/auth/access-token-verifier.ts';
import { AccessClaimsSchema, TOKEN_AUDIENCE, TOKEN_ISSUER, type AccessClaims } from '../../shared/contracts/auth.ts';
import { SIGNING_ALGORITHMS, type JsonWebKeySet, type SigningKeyStore } from './signing-keys.ts';

export interface AccessTokenVerifier {
  /** Returns the token's claims; throws AppError 'unauthorized' (with WWW-Authenticate) when it is not valid. */
  verify(token: string): Promise<AccessClaims>;
}

export interface LocalAccessTokenVerifierOptions {
  now?: () => number;
  /** Least time between JWKS re-reads forced by tokens with an unknown kid (e.g. after another instance rotated). */
  refreshCooldownSeconds?: number;
}

/**
 * Verifies APFA access tokens in the process that issues them, against the signing-key store's
 * JWKS (retired keys included during their overlap): signature, typ, issuer, audience, expiry,
 * jti, iat not in the future and the lifetime cap (shared/auth/access-token-verifier.ts).
 */
export function createLocalAccessTokenVerifier(
  keys: Pick<SigningKeyStore, 'jwks'>,
  options: LocalAccessTokenVerifierOptions = {},
): AccessTokenVerifier {
  const { now = Date.now, refreshCooldownSeconds = 10 } = options;
  let lastSet: JsonWebKeySet | undefined;
  let getKey: JWTVerifyGetKey | undefined;
  let lastForcedRefresh = Number.NEGATIVE_INFINITY;
  // Core issues and verifies on its own clock: no skew allowed (the edge allows a few seconds).
  const TOKEN_RULES = { now, clockToleranceSeconds: 0 };

  const keySet = async (refresh: boolean): Promise<JWTVerifyGetKey> => {
    const set = await keys.jwks({ refresh });
    if (set !== lastSet || !getKey) {
      lastSet = set;
      getKey = createLocalJWKSet(set);
    }
    return getKey;
  };

  const attempt = async (token: string, refresh: boolean) =>
    jwtVerify(token, await keySet(refresh), {
      issuer: TOKEN_ISSUER,
      audience: TOKEN_AUDIENCE,
      algorithms: [...SIGNING_ALGORITHMS],
      // The same typ, required claims, iat and lifetime rules as the edge's verifier.
      ...accessTokenVerifyOptions(TOKEN_RULES),
    });

  return {
    async verify(token) {
      if (typeof token !== 'string' || token.length === 0) throw unauthorized('The access token is missing.');
      let result: Awaited<ReturnType<typeof attempt>>;
      try {
        result = await attempt(token, false);
      } catch (error) {
        const mayBeNewKey = error instanceof errors.JWKSNoMatchingKey && now() - lastForcedRefresh >= refreshCooldownSeconds * 1000;
        if (!mayBeNewKey) throw unauthorized(reason(error));
        lastForcedRefresh = now();
        try {
          result = await attempt(token, true);
        } catch (retryError) {
          throw unauthorized(reason(retryError));
        }
      }
      assertTokenLifetime(result.payload as Record<string, unknown>, TOKEN_RULES);
      const claims = AccessClaimsSchema.safeParse(result.payload);
      if (!claims.success) throw unauthorized('The access token claims are not valid.');
      const { sub, role, username, epoch } = claims.data;
      return { sub, role, ...(username === undefined ? {} : { username }), ...(epoch === undefined ? {} : { epoch }) };
    },
  };
}
