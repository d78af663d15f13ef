import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { S3ObjectStoreConfig } from '../../../core/storage/s3-object-store-config.ts';

interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
  /** The node:http server behind it, once running. */
  httpServer?: import('node:http').Server;
}
type S3rverClass = new (options: { address: string; port: number; silent: boolean; directory: string }) => S3rverInstance;

/** s3rver ships no types; it is a CommonJS class. */
const S3rver = createRequire(import.meta.url)('s3rver') as S3rverClass;

export interface RunningS3rver {
  endpoint: string;
  /** Settings for an S3ObjectStore on this server (s3rver does not check secrets). */
  config(bucket: string, overrides?: Partial<S3ObjectStoreConfig>): S3ObjectStoreConfig;
  stop(): Promise<void>;
}

/** Starts s3rver on a random loopback port over a fresh temporary folder. */
export async function startS3rver(): Promise<RunningS3rver> {
  const directory = await mkdtemp(path.join(tmpdir(), 'apfa-s3rver-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory });
  const address = await server.run();
  const endpoint = `http://127.0.0.1:${address.port}`;
  let stopped = false;
  return {
    endpoint,
    config: (bucket, overrides = {}) => ({
      endpoint,
      bucket,
      accessKey: 'S3RVER',
      secretKey: 'S3RVER',
      region: 'us-east-1',
      createBucket: true,
      ...overrides,
    }),
    async stop() {
      if (stopped) return;
      stopped = true;
      // Like a server that is gone: kept-alive client sockets are cut, not waited for.
      const closed = server.close();
      server.httpServer?.closeAllConnections();
      await closed;
      await rm(directory, { recursive: true, force: true });
    },
  };
}
