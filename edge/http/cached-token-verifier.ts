import { MAX_ACCESS_TOKEN_LIFETIME_SECONDS, type AccessTokenVerifier, type VerifiedAccessClaims } from '../../shared/auth/access-token-verifier.ts';
import { sha256Hex } from '../../shared/encoding/hex.ts';

export interface CachedTokenVerifierOptions {
  verifier: AccessTokenVerifier;
  /**
   * Longest a verification is reused, whatever the token's expiry: the JWKS cache age
   * (JWKS_CACHE_MAX_AGE_MS), so a key removed from core's JWKS stops verifying within the same
   * bound as without this cache.
   */
  maxReuseMs: number;
  /** Most tokens remembered; the oldest is forgotten first. */
  maxEntries?: number;
  /** Lifetime cap (exp − iat, token age) the verifier applies; default {@link MAX_ACCESS_TOKEN_LIFETIME_SECONDS}. */
  maxLifetimeSeconds?: number;
  now?: () => number;
}

/**
 * Reuses a successful verification of the same token (keyed by its SHA-256, so the isolate keeps
 * no bearer token) until the earliest of: its `exp`, `iat` + the lifetime cap, and `maxReuseMs`
 * after it was verified. Only successes are remembered; a refused token is verified (and refused)
 * every time. What the token alone cannot tell — a disabled user, a changed role, a reset
 * password — is still checked on every request against the token-epoch record read with the
 * cache entry (edge/http/admission-script.ts).
 */
export function createCachedTokenVerifier(options: CachedTokenVerifierOptions): AccessTokenVerifier {
  const now = options.now ?? Date.now;
  const maxEntries = options.maxEntries ?? 10_000;
  const maxLifetimeMs = (options.maxLifetimeSeconds ?? MAX_ACCESS_TOKEN_LIFETIME_SECONDS) * 1000;
  const verified = new Map<string, { claims: VerifiedAccessClaims; until: number }>();
  return {
    async verify(token) {
      const key = typeof token === 'string' && token.length > 0 ? await sha256Hex(token) : undefined;
      const known = key === undefined ? undefined : verified.get(key);
      const at = now();
      if (known && at < known.until) return known.claims;
      if (known) verified.delete(key!);
      const claims = await options.verifier.verify(token);
      const until = Math.min(claims.exp * 1000, claims.iat * 1000 + maxLifetimeMs, at + options.maxReuseMs);
      if (key !== undefined && at < until) {
        if (verified.size >= maxEntries) verified.delete(verified.keys().next().value!);
        verified.set(key, { claims, until });
      }
      return claims;
    },
  };
}
