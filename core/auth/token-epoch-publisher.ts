import type { Redis } from 'ioredis';
import { userTokenEpochKey, userTokenEpochTtlSeconds } from '../../shared/auth/user-token-epoch.ts';
import type { User } from './user-repository.ts';

/** Tells the edge a user's token epoch rose (shared/auth/user-token-epoch.ts). */
export type TokenEpochPublisher = (user: Pick<User, 'id' | 'tokenEpoch'>) => Promise<void>;

// Keeps the highest epoch when two changes of one user race; each write restarts the record's lifetime.
const RAISE_EPOCH = `
local current = tonumber(redis.call('GET', KEYS[1]) or '-1') or -1
if current < tonumber(ARGV[1]) then
  redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
  return 1
end
redis.call('EXPIRE', KEYS[1], ARGV[2])
return 0`;

/**
 * Writes `<prefix>auth:epoch:<userId>` = the user's epoch in the Redis the edge reads through
 * Upstash, for the access-token lifetime plus a minute: long enough that every token issued under
 * an older epoch has expired when the record does.
 */
export function createRedisTokenEpochPublisher(redis: Pick<Redis, 'eval'>, options: { prefix: string; accessTtlSeconds: number }): TokenEpochPublisher {
  const ttl = userTokenEpochTtlSeconds(options.accessTtlSeconds);
  return async (user) => {
    await redis.eval(RAISE_EPOCH, 1, userTokenEpochKey(options.prefix, user.id), String(user.tokenEpoch), String(ttl));
  };
}
