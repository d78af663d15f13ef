import { z } from 'zod';

/** Every environment variable the local Upstash REST bridge reads (`npm run upstash-bridge`). */
export const BridgeEnvSchema = z.object({
  UPSTASH_BRIDGE_PORT: z.coerce.number().int().min(0).max(65535).default(8079),
  UPSTASH_BRIDGE_HOST: z.string().default('127.0.0.1'),
  REDIS_URL: z.string().url().default('redis://127.0.0.1:6379'),
  UPSTASH_BRIDGE_TOKEN: z.string().min(8).optional(),
});
