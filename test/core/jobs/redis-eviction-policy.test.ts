import { rm } from 'node:fs/promises';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkRedisEvictionPolicy } from '../../../core/jobs/redis-eviction-policy.ts';
import { createHarness, startOwnRedis } from './job-system-harness.ts';

describe('Redis noeviction check', () => {
  let server: Awaited<ReturnType<typeof startOwnRedis>>;
  beforeAll(async () => {
    server = await startOwnRedis({ policy: 'allkeys-lru' });
  });
  afterAll(async () => {
    await server.stop();
    await rm(server.dir, { recursive: true, force: true });
  });

  it('warns clearly at start when the policy is not noeviction', async () => {
    const harness = await createHarness({ redisUrl: server.url, start: false });
    try {
      const { warnings, evictionPolicy } = await harness.system.start();
      expect(evictionPolicy).toMatchObject({ policy: 'allkeys-lru', ok: false });
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/maxmemory-policy is "allkeys-lru".*noeviction/);
    } finally {
      await harness.close();
    }
  });

  it('is quiet under noeviction', async () => {
    const redis = new Redis(server.url);
    try {
      await redis.config('SET', 'maxmemory-policy', 'noeviction');
      expect(await checkRedisEvictionPolicy(redis)).toEqual({ policy: 'noeviction', ok: true });
    } finally {
      await redis.config('SET', 'maxmemory-policy', 'allkeys-lru');
      redis.disconnect();
    }
  });
});
