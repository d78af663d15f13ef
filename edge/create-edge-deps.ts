import { Ratelimit } from '@upstash/ratelimit';
import { createRemoteJWKSet } from 'jose';
import { createAccessTokenVerifier } from '../shared/auth/access-token-verifier.ts';
import { TOKEN_AUDIENCE, TOKEN_ISSUER } from '../shared/contracts/auth.ts';
import type { EdgeAppDeps } from './app.ts';
import { createEdgeRedis } from './cache/edge-redis.ts';
import type { EdgeConfig } from './config.ts';
import type { AccessTokenVerifier } from './http/authenticate.ts';

/**
 * Wires the edge's dependencies from its parsed config — the one factory both entries
 * (worker.ts, deno.ts) and the tests use. Opens nothing: Upstash is plain HTTP and the JWKS is
 * fetched on first use (jose caches it for JWKS_CACHE_MAX_AGE_MS and refetches when a token names
 * an unknown `kid`, at most once per JWKS_COOLDOWN_MS — so keys core rotates to verify at once).
 */
export function createEdgeDeps(config: EdgeConfig): EdgeAppDeps {
  const connection = { url: config.UPSTASH_REDIS_REST_URL, token: config.UPSTASH_REDIS_REST_TOKEN, timeoutMs: config.REDIS_TIMEOUT_MS };
  const cacheRedis = createEdgeRedis({ ...connection, automaticDeserialization: false });
  const limiterRedis = createEdgeRedis({ ...connection, automaticDeserialization: true });
  const limiter = (requests: number, window: EdgeConfig['RATE_LIMIT_WINDOW'], name: string) =>
    new Ratelimit({
      redis: limiterRedis,
      limiter: Ratelimit.slidingWindow(requests, window),
      prefix: `${config.KEY_PREFIX}ratelimit:${name}`,
      analytics: false,
      // Past this the limiter answers { success: true, reason: 'timeout' }: fail open on a slow store.
      timeout: config.REDIS_TIMEOUT_MS,
    });
  return {
    config,
    redis: cacheRedis,
    adviceLimiter: limiter(config.RATE_LIMIT_REQUESTS, config.RATE_LIMIT_WINDOW, 'advice'),
    authLimiter: limiter(config.AUTH_RATE_LIMIT_REQUESTS, config.AUTH_RATE_LIMIT_WINDOW, 'auth'),
    verifier: createVerifier(config),
  };
}

/** Static JWKS, else an HS256 secret, else core's JWKS endpoint. */
function createVerifier(config: EdgeConfig): AccessTokenVerifier {
  const keys = config.JWKS_JSON
    ? config.JWKS_JSON
    : config.JWT_SECRET
      ? new TextEncoder().encode(config.JWT_SECRET)
      : createRemoteJWKSet(new URL(config.JWKS_URL), { cooldownDuration: config.JWKS_COOLDOWN_MS, cacheMaxAge: config.JWKS_CACHE_MAX_AGE_MS });
  return createAccessTokenVerifier({ keys, issuer: TOKEN_ISSUER, audience: TOKEN_AUDIENCE });
}
