import { randomBytes } from 'node:crypto';
import { Redis as IORedis } from 'ioredis';
import { startUpstashBridge } from '../../dev/upstash-bridge/start-upstash-bridge.ts';

export const TEST_REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** The local Upstash REST bridge over the machine's Redis, plus a direct client for setup and cleanup. */
export interface EdgeUpstash {
  /** Upstash REST URL and token for UPSTASH_REDIS_REST_URL / _TOKEN. */
  url: string;
  token: string;
  /** Direct Redis connection (seeding the live index version, checking keys). */
  redis: IORedis;
  /** Upstash REST requests the bridge has received so far (see UpstashBridge.requestCount). */
  requestCount(): number;
  /** A fresh key prefix; every key under it is deleted by close(). */
  uniquePrefix(label: string): string;
  close(): Promise<void>;
}

export async function startEdgeUpstash(): Promise<EdgeUpstash> {
  const token = randomBytes(18).toString('base64url');
  const bridge = await startUpstashBridge({ redisUrl: TEST_REDIS_URL, token, port: 0 });
  const redis = new IORedis(TEST_REDIS_URL, { maxRetriesPerRequest: 2 });
  const prefixes: string[] = [];
  return {
    url: bridge.url,
    token,
    redis,
    requestCount: () => bridge.bridge.requestCount,
    uniquePrefix(label) {
      const prefix = `apfa-test:edge:${label}:${randomBytes(5).toString('hex')}:`;
      prefixes.push(prefix);
      return prefix;
    },
    async close() {
      for (const prefix of prefixes) {
        const keys = await scanKeys(redis, `${prefix}*`);
        if (keys.length > 0) await redis.del(...keys);
      }
      await redis.quit();
      await bridge.close();
    },
  };
}

async function scanKeys(redis: IORedis, pattern: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
    cursor = next;
    keys.push(...batch);
  } while (cursor !== '0');
  return keys;
}

/** Polls until a key exists (background cache writes land after the response). */
export async function waitForKey(redis: IORedis, key: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await redis.exists(key)) === 1) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`key ${key} did not appear within ${timeoutMs} ms`);
}
