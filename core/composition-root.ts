import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { createLiveIndex } from './advice/live-index.ts';
import { createCoreApp, type CoreApp } from './app.ts';
import { ensureBootstrapAdmin } from './auth/bootstrap-admin.ts';
import { createSigningKeyStore } from './auth/signing-keys.ts';
import { createLocalAccessTokenVerifier, createTokenService } from './auth/token-service.ts';
import { createUserRepository } from './auth/user-repository.ts';
import { LexiconBiasChecker } from './bias/lexicon-bias-checker.ts';
import type { CoreConfig } from './config.ts';
import { ExtractiveGenerator } from './generation/extractive-generator.ts';
import { createMetrics } from './http/metrics.ts';
import { createEmbedderProvider } from './embedding/embedder-provider.ts';
import { chooseIndexKind } from './index/choose-index-kind.ts';
import { loadIndex } from './index/load-index.ts';
import { ThreadedIndex } from './index/threaded-index.ts';
import { createIndexRepository } from './indexing/index-repository.ts';
import { syncSource } from './indexing/sync-source.ts';
import type { Logger } from './logger.ts';
import type { SqlClient } from './ports/sql-client.ts';
import { activateVersion, followLatestVersion } from './serving/index-follower.ts';
import { createServingIndexPreparer } from './serving/prepare-serving-index.ts';
import { createRedisLiveVersionPublisher, noLiveVersionPublisher, type LiveVersionPublisher } from './serving/live-version-publisher.ts';
import { createJsonlDocumentSource } from './sources/jsonl-document-source.ts';
import { migrate } from './storage/migrations/index.ts';
import { createPgliteClient } from './storage/pglite-client.ts';
import { createPostgresClient } from './storage/postgres-client.ts';
import { LocalFolderObjectStore } from './storage/local-folder-object-store.ts';

export type RunMode = 'all' | 'api' | 'worker';

export interface CoreRuntime {
  app: CoreApp;
  /** Adapters in use, as reported by the startup log and /ready. */
  runtime: Record<string, string>;
  close(): Promise<void>;
}

/**
 * The one composition root: picks an adapter for every port from the parsed config, prepares
 * storage, and wires the HTTP app. Embedded default: PGlite + local folder + in-process indexing.
 */
export async function createRuntime(config: CoreConfig, options: { logger: Logger; mode: RunMode }): Promise<CoreRuntime> {
  const { logger, mode } = options;
  const closers: Array<() => Promise<void> | void> = [];
  mkdirSync(config.APFA_DATA_DIR, { recursive: true });

  const sql: SqlClient = config.DATABASE_URL
    ? await createPostgresClient({ connectionString: config.DATABASE_URL, ...(config.DATABASE_SCHEMA ? { schema: config.DATABASE_SCHEMA } : {}) })
    : await createPgliteClient({ dataDir: join(config.APFA_DATA_DIR, 'pglite') });
  closers.push(() => sql.close());
  const applied = await migrate(sql);
  const redis = config.REDIS_URL ? new Redis(config.REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 2, enableOfflineQueue: false }) : null;
  if (redis) {
    await redis.connect();
    closers.push(async () => {
      await redis.quit().catch(() => redis.disconnect());
    });
  }
  const publisher: LiveVersionPublisher = redis ? createRedisLiveVersionPublisher(redis, config.KEY_PREFIX) : noLiveVersionPublisher;
  const objectsDir = join(config.APFA_DATA_DIR, 'objects');
  const store = new LocalFolderObjectStore(objectsDir);
  const repository = createIndexRepository(store, {
    // Large indexes are searched on a worker thread so a 40 ms Flat scan never blocks HTTP.
    loadVectors: (bytes, manifest) =>
      manifest.count >= config.SEARCH_WORKER_MIN_VECTORS
        ? ThreadedIndex.load(bytes, { onError: (error) => logger.error({ err: error, version: manifest.version }, 'search worker failed') })
        : loadIndex(bytes),
  });
  const embedders = await createEmbedderProvider({
    mode: config.EMBEDDER,
    modelDir: config.MODEL_DIR,
    batchSize: config.EMBED_BATCH_SIZE,
    intraOpThreads: config.EMBED_THREADS,
  });
  closers.push(() => embedders.close());
  const plan = (count: number) => chooseIndexKind(count, { threshold: config.INDEX_IVF_THRESHOLD, encoding: config.INDEX_ENCODING });
  const prepare = createServingIndexPreparer({
    embedders,
    retrieval: { mode: config.RETRIEVAL, ...(config.HYBRID_FUSION ? { fusion: config.HYBRID_FUSION } : {}) },
  });

  const runtime: Record<string, string> = {
    mode,
    database: sql.kind === 'pglite' ? `pglite (${join(config.APFA_DATA_DIR, 'pglite')})` : 'postgres',
    objectStore: `${store.kind} (${objectsDir})`,
    jobs: 'in-process',
    embedder: `${embedders.choice.kind} (${embedders.choice.reason})`,
    retrieval: config.RETRIEVAL,
    generator: 'extractive-v1',
    biasChecker: 'lexicon-v1',
    liveVersionPublisher: publisher.kind,
  };
  logger.info({ ...runtime, migrationsApplied: applied.applied }, 'APFA core starting');

  const users = createUserRepository(sql);
  const bootstrap = await ensureBootstrapAdmin({ users, ...(config.APFA_ADMIN_PASSWORD ? { password: config.APFA_ADMIN_PASSWORD } : {}) });
  if (bootstrap.created) {
    logger.info({ username: 'admin', role: 'super_admin' }, 'created the first user');
    if (bootstrap.generatedPassword) {
      // Printed once, to the terminal only, never to the structured log.
      process.stderr.write(
        `\n  First start: created user "admin" (super_admin) with password: ${bootstrap.generatedPassword}\n  Set APFA_ADMIN_PASSWORD to choose it yourself. This is the only time it is shown.\n\n`,
      );
    }
  }
  const keys = createSigningKeyStore(sql);
  await keys.current();
  const tokens = createTokenService({
    sql,
    keys,
    users,
    accessTtlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
    refreshTtlSeconds: config.REFRESH_TOKEN_TTL_SECONDS,
  });
  const verifier = createLocalAccessTokenVerifier(keys);

  const live = createLiveIndex();
  if (mode === 'all' || mode === 'worker') {
    const source = createJsonlDocumentSource(config.CORPUS_PATH, 'corpus');
    const result = await syncSource({ source, repository, embedders, plan, batchSize: config.EMBED_BATCH_SIZE });
    logger.info(
      { version: result.version, built: result.built, documents: result.documents, rejected: result.rejected.length, ms: Math.round(result.ms) },
      result.built ? 'indexed the corpus into a new version' : 'corpus unchanged; reusing the stored index version',
    );
    for (const row of result.rejected.slice(0, 20)) logger.warn({ row: row.row, reason: row.reason }, 'rejected corpus row');
  }
  if (mode === 'worker') {
    const latest = await repository.latestVersion();
    if (latest) await publisher.publish(latest);
  } else {
    const latest = await repository.latestVersion();
    if (latest) await activateVersion({ repository, live, version: latest, publisher, logger, prepare });
    else logger.warn('no index version stored yet; /ready answers 503 until a worker publishes one');
    const stopFollowing = followLatestVersion({ repository, live, publisher, logger, intervalMs: config.INDEX_POLL_SECONDS * 1000, prepare });
    closers.push(stopFollowing);
  }

  const prefix = config.KEY_PREFIX;
  const metrics = createMetrics({
    defaultMetrics: true,
    ...(redis
      ? {
          readEdgeCacheCounters: async () => {
            const [hits, misses] = await redis.mget(`${prefix}metrics:edge_cache:hit`, `${prefix}metrics:edge_cache:miss`);
            return { hits: Number(hits ?? 0), misses: Number(misses ?? 0) };
          },
        }
      : {}),
  });

  const biasChecker = new LexiconBiasChecker();
  // Compile the checker's patterns now, not on the first borrower's request.
  await biasChecker.check({ query: 'warm-up', answer: 'warm-up' });

  const app = createCoreApp({
    logger,
    metrics,
    live,
    pipeline: { generator: new ExtractiveGenerator(), biasChecker, topK: config.RETRIEVAL_TOP_K, minScore: 0.05 },
    tokens,
    jwks: () => keys.jwks(),
    verifier,
    isUserActive: async (claims) => {
      const user = await users.findById(claims.sub);
      return user !== null && !user.disabled;
    },
    edgeSignatureSecret: config.REQUIRE_EDGE_SIGNATURE ? config.EDGE_SHARED_SECRET : undefined,
    describeRuntime: () => runtime,
  });

  return {
    app,
    runtime,
    async close() {
      for (const close of closers.reverse()) await close();
    },
  };
}
