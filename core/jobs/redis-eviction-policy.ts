import type { Redis } from 'ioredis';

export interface EvictionPolicyCheck {
  /** The policy Redis reports, or null when neither CONFIG GET nor INFO told it. */
  policy: string | null;
  ok: boolean;
  /** Set when the policy is not `noeviction` (or unknown): what to tell the operator. */
  warning?: string;
}

/**
 * BullMQ keeps queued jobs as ordinary keys: under any eviction policy other than `noeviction`,
 * Redis may delete them under memory pressure and jobs vanish. Reads `CONFIG GET
 * maxmemory-policy`, falling back to `INFO memory` where CONFIG is disabled (managed Redis).
 */
export async function checkRedisEvictionPolicy(redis: Redis): Promise<EvictionPolicyCheck> {
  let policy: string | null = null;
  try {
    const reply = (await redis.call('CONFIG', 'GET', 'maxmemory-policy')) as unknown;
    if (Array.isArray(reply) && typeof reply[1] === 'string') policy = reply[1];
  } catch {
    // CONFIG is often renamed or disabled on managed Redis; INFO is not.
  }
  if (policy === null) {
    try {
      const info = await redis.info('memory');
      policy = /^maxmemory_policy:(\S+)/m.exec(info)?.[1] ?? null;
    } catch {
      policy = null;
    }
  }
  if (policy === 'noeviction') return { policy, ok: true };
  return {
    policy,
    ok: false,
    warning:
      policy === null
        ? 'Could not read the Redis maxmemory-policy; BullMQ needs "noeviction" or queued jobs can be evicted and lost.'
        : `Redis maxmemory-policy is "${policy}"; BullMQ needs "noeviction" (CONFIG SET maxmemory-policy noeviction, or maxmemory-policy in redis.conf), otherwise queued jobs can be evicted and lost.`,
  };
}
