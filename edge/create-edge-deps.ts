import { createRemoteJWKSet } from 'jose';
import { createAccessTokenVerifier, type AccessTokenVerifier as SharedAccessTokenVerifier } from '../shared/auth/access-token-verifier.ts';
import { TOKEN_AUDIENCE, TOKEN_ISSUER } from '../shared/contracts/auth.ts';
import type { EdgeAppDeps } from './app.ts';
import { createEdgeRedis } from './cache/edge-redis.ts';
import type { EdgeConfig } from './config.ts';
import { createCachedTokenVerifier } from './http/cached-token-verifier.ts';
import { createSlidingWindowLimiter, durationMs } from './http/sliding-window-limiter.ts';

/**
 * Wires the edge's dependencies from its parsed config — the one factory both entries
 * (worker.ts, deno.ts) and the tests use. Opens nothing: Upstash is plain HTTP and the JWKS is
 * fetched on first use (jose caches it for JWKS_CACHE_MAX_AGE_MS and refetches when a token names
 * an unknown `kid`, at most once per JWKS_COOLDOWN_MS — so keys core rotates to verify at once).
 * One Upstash client serves the cache and both limiters (sliding-window-limiter.ts, whose script
 * also does the advice cache read); a verified token is reused until its expiry, at most
 * JWKS_CACHE_MAX_AGE_MS (cached-token-verifier.ts).
 */
export function createEdgeDeps(config: EdgeConfig): EdgeAppDeps {
  const connection = { url: config.UPSTASH_REDIS_REST_URL, token: config.UPSTASH_REDIS_REST_TOKEN, timeoutMs: config.REDIS_TIMEOUT_MS };
  // Past REDIS_TIMEOUT_MS a call rejects as unreachable: the limiters fail open on a slow store.
  const redis = createEdgeRedis({ ...connection, automaticDeserialization: false });
  const limiter = (tokens: number, window: EdgeConfig['RATE_LIMIT_WINDOW'], name: string) =>
    createSlidingWindowLimiter({ redis, prefix: `${config.KEY_PREFIX}ratelimit:${name}`, tokens, windowMs: durationMs(window) });
  return {
    config,
    redis,
    adviceLimiter: limiter(config.RATE_LIMIT_REQUESTS, config.RATE_LIMIT_WINDOW, 'advice'),
    authLimiter: limiter(config.AUTH_RATE_LIMIT_REQUESTS, config.AUTH_RATE_LIMIT_WINDOW, 'auth'),
    verifier: createCachedTokenVerifier({ verifier: createVerifier(config), maxReuseMs: config.JWKS_CACHE_MAX_AGE_MS }),
  };
}

/** Static JWKS, else an HS256 secret, else core's JWKS endpoint. */
function createVerifier(config: EdgeConfig): SharedAccessTokenVerifier {
  const keys = config.JWKS_JSON
    ? config.JWKS_JSON
    : config.JWT_SECRET
      ? new TextEncoder().encode(config.JWT_SECRET)
      : createRemoteJWKSet(new URL(config.JWKS_URL), { cooldownDuration: config.JWKS_COOLDOWN_MS, cacheMaxAge: config.JWKS_CACHE_MAX_AGE_MS });
  return createAccessTokenVerifier({ keys, issuer: TOKEN_ISSUER, audience: TOKEN_AUDIENCE });
}
