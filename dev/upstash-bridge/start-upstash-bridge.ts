import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Redis } from 'ioredis';
import { createUpstashBridge, type UpstashBridge } from './create-upstash-bridge.ts';

export interface StartedUpstashBridge {
  url: string;
  bridge: UpstashBridge;
  close(): Promise<void>;
}

/** Starts the bridge on a loopback port (0 = any free port) over a new Redis connection. */
export async function startUpstashBridge(options: { redisUrl: string; token: string; port?: number; host?: string }): Promise<StartedUpstashBridge> {
  const redis = new Redis(options.redisUrl, { maxRetriesPerRequest: 2 });
  const bridge = createUpstashBridge({ redis, token: options.token });
  const host = options.host ?? '127.0.0.1';
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const started = serve({ fetch: bridge.fetch, port: options.port ?? 0, hostname: host }, () => resolve(started));
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${port}`,
    bridge,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      });
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
