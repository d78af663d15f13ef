import { join } from 'node:path';
import { Redis } from 'ioredis';
import type { CoreConfig } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { ObjectStore } from '../ports/object-store.ts';
import type { SqlClient } from '../ports/sql-client.ts';
import { LocalFolderObjectStore } from '../storage/local-folder-object-store.ts';
import { ensureOwnerOnlyDirectory, restrictTree } from '../storage/owner-only.ts';
import { migrate } from '../storage/migrations/index.ts';
import { createPgliteClient } from '../storage/pglite-client.ts';
import { createPostgresClient } from '../storage/postgres-client.ts';
import { createS3ObjectStore } from '../storage/s3-object-store.ts';
import { s3ConfigFromEnv } from '../storage/s3-object-store-config.ts';
import { createClosers } from './closers.ts';

/** Where state lives: SQL (migrated), Redis when configured, and the object store. */
export interface Storage {
  sql: SqlClient;
  /** REDIS_URL's connection (shared by the live-version publisher, swap channel, feed and metrics), or null. */
  redis: Redis | null;
  store: ObjectStore;
  /** Migration versions this start applied. */
  migrationsApplied: readonly number[];
  /** What is in use, for the startup log and /ready. */
  describe: { database: string; objectStore: string };
  close(): Promise<void>;
}

/** Opens PostgreSQL (DATABASE_URL) or PGlite, applies migrations, connects Redis, picks S3 or the local folder. */
export async function openStorage(config: CoreConfig, logger: Logger): Promise<Storage> {
  const closers = createClosers();
  // Owner-only (0700): the embedded database, index versions and uploads live here (docs/security.md, Files on disk).
  ensureOwnerOnlyDirectory(config.APFA_DATA_DIR);
  // Folders written by earlier versions (0755 / 0644 under the usual umask) are made owner-only too.
  restrictTree(config.APFA_DATA_DIR);
  const pgliteDir = join(config.APFA_DATA_DIR, 'pglite');
  try {
    const sql: SqlClient = config.DATABASE_URL
      ? await createPostgresClient({ connectionString: config.DATABASE_URL, ...(config.DATABASE_SCHEMA ? { schema: config.DATABASE_SCHEMA } : {}) })
      : await createPgliteClient({ dataDir: pgliteDir });
    closers.add(() => sql.close());
    const applied = await migrate(sql);
    const redis = config.REDIS_URL ? new Redis(config.REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 2, enableOfflineQueue: false }) : null;
    if (redis) {
      redis.on('error', (error: Error) => logger.warn({ err: error }, 'Redis connection error'));
      await redis.connect();
      closers.add(async () => {
        await redis.quit().catch(() => redis.disconnect());
      });
    }
    const objectsDir = join(config.APFA_DATA_DIR, 'objects');
    const s3 = s3ConfigFromEnv(config);
    const store: ObjectStore = s3 ? createS3ObjectStore(s3) : new LocalFolderObjectStore(objectsDir);
    return {
      sql,
      redis,
      store,
      migrationsApplied: applied.applied,
      describe: {
        database: sql.kind === 'pglite' ? `pglite (${pgliteDir})` : 'postgres',
        objectStore: s3 ? `${store.kind} (${new URL(s3.endpoint).host}/${s3.bucket})` : `${store.kind} (${objectsDir})`,
      },
      close: () => closers.close(),
    };
  } catch (error) {
    await closers.close();
    throw error;
  }
}
