import type { Redis } from 'ioredis';

/**
 * Remembers the nonces of edge signatures for as long as their timestamp is accepted, so a
 * signed request is served once. `claim` is true the first time a nonce is seen within `ttlSeconds`.
 */
export interface NonceStore {
  claim(nonce: string, ttlSeconds: number): Promise<boolean>;
}

/**
 * Nonces in Redis with `SET key 1 NX EX ttl`: one answer for every core process sharing
 * REDIS_URL. A Redis error propagates (the request is refused, never served unchecked).
 */
export function createRedisNonceStore(redis: Pick<Redis, 'set'>, prefix: string): NonceStore {
  return {
    async claim(nonce, ttlSeconds) {
      return (await redis.set(`${prefix}edge-nonce:${nonce}`, '1', 'EX', Math.max(1, Math.ceil(ttlSeconds)), 'NX')) === 'OK';
    },
  };
}

/** The most nonces the in-memory store holds; past it, new ones are refused until old ones expire. */
export const DEFAULT_MAX_MEMORY_NONCES = 100_000;

/**
 * Nonces in this process (the embedded single-process mode), at most `maxEntries`: at the
 * default 30 s window that is about 1,600 signed requests a second sustained. When full of
 * unexpired nonces a new one is refused (fail closed) rather than an old one forgotten, which
 * would let that one be replayed.
 */
export function createMemoryNonceStore(options: { maxEntries?: number; now?: () => number } = {}): NonceStore {
  const { maxEntries = DEFAULT_MAX_MEMORY_NONCES, now = Date.now } = options;
  // Insertion order is nearly expiry order (every nonce lives until its timestamp leaves the window), so a sweep from the front finds the expired ones.
  const expiries = new Map<string, number>();
  const sweep = (at: number) => {
    for (const [nonce, expiresAt] of expiries) {
      if (expiresAt > at) break;
      expiries.delete(nonce);
    }
  };
  return {
    async claim(nonce, ttlSeconds) {
      const at = now();
      sweep(at);
      const seen = expiries.get(nonce);
      if (seen !== undefined && seen > at) return false;
      if (expiries.size >= maxEntries) return false;
      expiries.set(nonce, at + ttlSeconds * 1000);
      return true;
    },
  };
}
