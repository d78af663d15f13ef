import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { createLiveIndex } from './advice/live-index.ts';
import { createActiveUserCheck } from './admin/active-user-check.ts';
import { createIndexControl } from './admin/index-control.ts';
import { createUserDirectory } from './admin/user-directory.ts';
import { createCoreApp, type CoreApp } from './app.ts';
import { createAuditLog } from './audit/audit-log.ts';
import { flaggedAnswerAuditEntry } from './audit/fairness-audit.ts';
import type { EventFeed } from './feed/event-feed.ts';
import { createMemoryEventFeed } from './feed/memory-event-feed.ts';
import { createRedisEventFeed } from './feed/redis-event-feed.ts';
import { createAdviceHistory } from './history/advice-history.ts';
import { startHistoryRetention } from './history/history-retention.ts';
import { ensureBootstrapAdmin } from './auth/bootstrap-admin.ts';
import { createSigningKeyStore } from './auth/signing-keys.ts';
import { createLocalAccessTokenVerifier, createTokenService } from './auth/token-service.ts';
import { createUserRepository } from './auth/user-repository.ts';
import { LexiconBiasChecker } from './bias/lexicon-bias-checker.ts';
import type { CoreConfig } from './config.ts';
import { registerFairnessMetrics } from './bias/fairness-metrics.ts';
import { createGenerator } from './generation/create-generator.ts';
import { ExtractiveGenerator } from './generation/extractive-generator.ts';
import { DEFAULT_BUDGET_MS } from './generation/resilient-generator.ts';
import { redactPersonalData } from './privacy/personal-data.ts';
import { createMetrics } from './http/metrics.ts';
import { createEmbedderProvider } from './embedding/embedder-provider.ts';
import { chooseIndexKind } from './index/choose-index-kind.ts';
import { loadIndex } from './index/load-index.ts';
import { ThreadedIndex } from './index/threaded-index.ts';
import { createIndexRepository } from './indexing/index-repository.ts';
import { createJobSystem, type JobSystem } from './jobs/create-job-system.ts';
import { providerBuildEmbedders } from './jobs/build-embedders.ts';
import type { JobEvent } from './jobs/job-events.ts';
import { jobSettingsFromEnv } from './jobs/job-settings.ts';
import { createConfiguredSandbox } from './jobs/sandbox/configured-sandbox.ts';
import { subscribeToIndexSwaps } from './serving/swap-channel.ts';
import { waitForFirstIndex } from './serving/wait-for-first-index.ts';
import type { Logger } from './logger.ts';
import type { JobState, QueueCounts } from './ports/job-runner.ts';
import type { SqlClient } from './ports/sql-client.ts';
import { activateVersion, followLatestVersion } from './serving/index-follower.ts';
import { createServingIndexPreparer } from './serving/prepare-serving-index.ts';
import { createRedisLiveVersionPublisher, noLiveVersionPublisher, type LiveVersionPublisher } from './serving/live-version-publisher.ts';
import type { ObjectStore } from './ports/object-store.ts';
import { combineDocumentSources } from './sources/combined-document-source.ts';
import { createDocumentSource } from './sources/create-document-source.ts';
import { createUploadedDocumentStore } from './sources/uploaded-document-store.ts';
import { createS3ObjectStore } from './storage/s3-object-store.ts';
import { s3ConfigFromEnv } from './storage/s3-object-store-config.ts';
import { migrate } from './storage/migrations/index.ts';
import { createPgliteClient } from './storage/pglite-client.ts';
import { createPostgresClient } from './storage/postgres-client.ts';
import { LocalFolderObjectStore } from './storage/local-folder-object-store.ts';

export type RunMode = 'all' | 'api' | 'worker';

/** The name of the configured knowledge-base source in jobs and manifests. */
const CORPUS_SOURCE = 'corpus';

export interface CoreRuntime {
  app: CoreApp;
  /** The indexing job system (BullMQ with REDIS_URL, else in-process). */
  jobs: JobSystem;
  /** Resolves when no indexing job is waiting, delayed or running (worker mode without Redis exits then). */
  untilJobsIdle(): Promise<void>;
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
    redis.on('error', (error: Error) => logger.warn({ err: error }, 'Redis connection error'));
    await redis.connect();
    closers.push(async () => {
      await redis.quit().catch(() => redis.disconnect());
    });
  }
  const publisher: LiveVersionPublisher = redis ? createRedisLiveVersionPublisher(redis, config.KEY_PREFIX) : noLiveVersionPublisher;
  const objectsDir = join(config.APFA_DATA_DIR, 'objects');
  const s3 = s3ConfigFromEnv(config);
  const store: ObjectStore = s3 ? createS3ObjectStore(s3) : new LocalFolderObjectStore(objectsDir);
  const uploads = createUploadedDocumentStore(store);
  // Fails fast on a bad DOCUMENT_SOURCE spec; admin uploads join the configured source (later ids win).
  const corpus = combineDocumentSources(
    [createDocumentSource(config.DOCUMENT_SOURCE ?? { kind: 'jsonl', path: config.CORPUS_PATH, name: CORPUS_SOURCE }, { store }), uploads.source()],
    CORPUS_SOURCE,
  );
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

  // CPU-heavy processors (embed-batch, build-index, the lexical fit) run in child processes (started
  // on first use), so this event loop keeps renewing job locks and answering HTTP; api mode runs none.
  const sandbox = mode === 'api' ? undefined : createConfiguredSandbox(config, logger);
  const runtime: Record<string, string> = {
    mode,
    database: sql.kind === 'pglite' ? `pglite (${join(config.APFA_DATA_DIR, 'pglite')})` : 'postgres',
    objectStore: s3 ? `${store.kind} (${new URL(s3.endpoint).host}/${s3.bucket})` : `${store.kind} (${objectsDir})`,
    jobs: config.REDIS_URL ? 'bullmq' : 'in-process',
    jobSandbox: sandbox ? sandbox.kind : mode === 'api' ? 'none (api mode runs no jobs)' : 'inline (JOB_SANDBOX=off)',
    embedder: `${embedders.choice.kind} (${embedders.choice.reason})`,
    retrieval: config.RETRIEVAL,
    generator: config.generator.kind,
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
  const keys = createSigningKeyStore(sql, { overlapSeconds: config.SIGNING_KEY_OVERLAP_SECONDS });
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
  // One activation at a time (poller, swap channel and in-process jobs all call this); a version already live is skipped.
  let activations: Promise<void> = Promise.resolve();
  const activate = (version: string): Promise<void> => {
    const next = activations.then(async () => {
      if (live.current()?.loaded.manifest.version === version) return;
      await activateVersion({ repository, live, version, publisher, logger, prepare });
    });
    activations = next.catch(() => undefined);
    return next;
  };
  const serves = mode !== 'worker';
  if (serves) {
    const latest = await repository.latestVersion();
    // Startup never embeds: it loads the stored version, and indexing runs as background jobs.
    if (latest) await activate(latest).catch((error: unknown) => logger.error({ err: error, version: latest }, 'could not load the latest index version'));
    else logger.info('no index version stored yet; /ready answers 503 until one is built');
    closers.push(followLatestVersion({ repository, live, publisher, logger, intervalMs: config.INDEX_POLL_SECONDS * 1000, prepare, activate }));
    if (redis) {
      const swaps = await subscribeToIndexSwaps({
        redis,
        prefix: config.KEY_PREFIX,
        activate,
        current: () => live.current()?.loaded.manifest.version ?? null,
        latest: () => repository.latestVersion(),
        logger,
      });
      closers.push(() => swaps.close());
    }
  }

  const feedListeners = new Set<(event: JobEvent) => void>();
  // The admin live feed: a Redis stream shared by every process, or in memory on the embedded default.
  const feed: EventFeed = redis
    ? createRedisEventFeed({ redis, prefix: config.KEY_PREFIX, maxLength: config.FEED_MAX_EVENTS, onError: (error) => logger.warn({ err: error }, 'live feed reader error') })
    : createMemoryEventFeed({ capacity: config.FEED_MAX_EVENTS });
  closers.push(() => feed.close());
  runtime.liveFeed = feed.kind;
  // With Redis only processes that run workers publish (an API-only producer would duplicate them).
  if (!redis || mode !== 'api') {
    feedListeners.add((event) => void feed.publish(event).catch((error: unknown) => logger.warn({ err: error }, 'could not publish a feed event')));
  }
  const jobs = createJobSystem({
    redisUrl: config.REDIS_URL,
    prefix: config.KEY_PREFIX,
    store,
    repository,
    sources: (name) => (name === CORPUS_SOURCE ? corpus : undefined),
    embedders: providerBuildEmbedders(embedders, { refitFraction: config.LEXICAL_REFIT_FRACTION }),
    plan,
    settings: jobSettingsFromEnv(config),
    resyncSources: [CORPUS_SOURCE],
    role: mode === 'api' ? 'producer' : 'all',
    onSwap: (message) => (serves ? activate(message.version) : undefined),
    onEvent: (event) => {
      for (const listener of feedListeners) listener(event);
    },
    // queue.depth on the live feed as jobs finish: at most one counts read a second.
    queueDepthIntervalMs: 1000,
    sandbox,
    logger,
  });
  const started = await jobs.start();
  for (const warning of started.warnings) logger.warn(warning);
  closers.push(() => jobs.close());
  runtime.jobs = jobs.runner.kind;
  if (mode !== 'api') {
    const first = live.current() === null && serves ? waitForFirstIndex(live, feedListeners, config.FIRST_INDEX_TIMEOUT_SECONDS * 1000) : null;
    await jobs.enqueueSync(CORPUS_SOURCE);
    if (first) {
      await first.catch((error: unknown) => logger.error({ err: error }, 'the first index build did not finish; /ready answers 503 until one is built'));
    }
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
  const fairnessMetrics = registerFairnessMetrics(metrics.registry);

  const extractive = new ExtractiveGenerator();
  const created = createGenerator(config.generator, {
    fallback: extractive,
    redact: (text) => redactPersonalData(text).text,
    onCircuitStateChange: ({ provider, state }) => logger.warn({ provider, state }, 'generator circuit changed state'),
    onFallback: ({ provider, reason }) => logger.warn({ provider, reason }, 'generator fell back to the extractive answer'),
  });
  closers.push(() => created.close());
  await created.warmUp().catch((error: unknown) => logger.error({ err: error }, 'could not warm up the generator; answers fall back to extractive until it loads'));
  runtime.generator = created.description;

  const history = createAdviceHistory({ sql, retentionDays: config.HISTORY_RETENTION_DAYS, redact: (text) => redactPersonalData(text).text });
  if (mode !== 'worker') {
    closers.push(
      startHistoryRetention({
        history,
        onPurged: (count) => logger.info({ count }, 'purged expired advice history'),
        onError: (error) => logger.warn({ err: error }, 'advice history purge failed'),
      }),
    );
  }

  const audit = createAuditLog(sql);
  const app = createCoreApp({
    logger,
    metrics,
    live,
    pipeline: {
      generator: created.generator,
      fallbackGenerator: extractive,
      biasChecker,
      topK: config.RETRIEVAL_TOP_K,
      minScore: 0.05,
      fairness: { mode: config.FAIRNESS_COUNTERFACTUAL, threshold: config.FAIRNESS_THRESHOLD, maxVariants: config.FAIRNESS_MAX_VARIANTS },
      // The answer and its fairness re-asks share one LLM_BUDGET_MS.
      budgetMs: config.generator.kind === 'extractive' ? undefined : (config.generator.resilience.budgetMs ?? DEFAULT_BUDGET_MS),
      onBiasReport: (report, context) => {
        fairnessMetrics.observe(report);
        // Flagged answers are logged and audited without the question's or answer's text (personal data); the audit write never holds up the answer.
        if (report.flagged) {
          const requestId = context.caller?.requestId;
          logger.warn({ requestId, score: report.score, reasons: report.reasons, neutralAnswerReturned: context.neutralAnswerReturned }, 'answer flagged by the fairness check');
          audit.append(flaggedAnswerAuditEntry(report, context)).catch((error: unknown) => logger.error({ err: error, requestId }, 'could not audit a flagged answer'));
        }
      },
    },
    tokens,
    jwks: () => keys.jwks(),
    verifier,
    isUserActive: createActiveUserCheck(users),
    edgeSignatureSecret: config.REQUIRE_EDGE_SIGNATURE ? config.EDGE_SHARED_SECRET : undefined,
    describeRuntime: () => runtime,
    admin: {
      users,
      directory: createUserDirectory(sql),
      tokens,
      keys,
      audit,
      history,
      feed,
      trustForwardedFor: config.TRUST_FORWARDED_FOR,
      operations: {
        jobs,
        sources: [CORPUS_SOURCE],
        uploads,
        index: createIndexControl({
          repository,
          announcer: jobs.announcer,
          activate: serves ? activate : undefined,
          servingVersion: () => live.current()?.loaded.manifest.version ?? null,
          publish: (event) => feed.publish(event),
          onPublishError: (error) => logger.warn({ err: error }, 'could not publish a feed event'),
        }),
      },
    },
  });

  return {
    app,
    jobs,
    async untilJobsIdle() {
      const busy = (counts: QueueCounts) =>
        Object.values(counts).some((states) => ['waiting', 'waiting-children', 'prioritized', 'delayed', 'active'].some((state) => (states[state as JobState] ?? 0) > 0));
      while (busy(await jobs.counts())) await new Promise((resolve) => setTimeout(resolve, 100));
    },
    runtime,
    async close() {
      for (const close of closers.reverse()) await close();
    },
  };
}
