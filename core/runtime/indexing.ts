import type { Redis } from 'ioredis';
import type { CoreConfig } from '../config.ts';
import type { EventFeed } from '../feed/event-feed.ts';
import { createMemoryEventFeed } from '../feed/memory-event-feed.ts';
import { createRedisEventFeed } from '../feed/redis-event-feed.ts';
import { chooseIndexKind } from '../index/choose-index-kind.ts';
import type { IndexRepository } from '../indexing/index-repository.ts';
import { providerBuildEmbedders, type BuildEmbedders } from '../jobs/build-embedders.ts';
import { createJobRunner } from '../jobs/create-job-runner.ts';
import { createJobSystem, type JobSystem } from '../jobs/create-job-system.ts';
import type { JobEvent } from '../jobs/job-events.ts';
import type { JobObserver } from '../jobs/job-observer.ts';
import type { Tracing } from '../tracing/tracing.ts';
import { jobSettingsFromEnv, type JobSettings } from '../jobs/job-settings.ts';
import { createConfiguredSandbox } from '../jobs/sandbox/configured-sandbox.ts';
import type { Logger } from '../logger.ts';
import type { DocumentSource } from '../ports/document-source.ts';
import type { EmbedderProvider } from '../embedding/embedder-provider.ts';
import type { ObjectStore } from '../ports/object-store.ts';
import type { LiveIndex } from '../advice/live-index.ts';
import { waitForFirstIndex } from '../serving/wait-for-first-index.ts';
import { combineDocumentSources } from '../sources/combined-document-source.ts';
import { createDocumentSource } from '../sources/create-document-source.ts';
import { createUploadedDocumentStore, type UploadedDocumentStore } from '../sources/uploaded-document-store.ts';
import { createClosers } from './closers.ts';
import { createIndexRepository } from '../indexing/index-repository.ts';
import { createChangePublisher } from '../segments/change-publisher.ts';
import type { RunMode } from './run-mode.ts';

/** The name of the configured knowledge-base source in jobs and manifests. */
export const CORPUS_SOURCE = 'corpus';

/** The indexing job system, the knowledge-base source with admin uploads, and the admin live feed. */
export interface Indexing {
  jobs: JobSystem;
  feed: EventFeed;
  uploads: UploadedDocumentStore;
  /** Sources the admin API may sync. */
  sources: readonly [string, ...string[]];
  /** Resolves when no indexing job is waiting, delayed or running. */
  whenIdle(): Promise<void>;
  describe: { jobs: string; jobSandbox: string; liveFeed: string };
  /**
   * Stops taking jobs and waits for those in flight; after `graceMs` (default: no limit) the
   * sandboxed ones are stopped (they fail and are retried) and inline ones are left running for
   * the process exit to end (BullMQ puts them back when their lock expires). Nothing is lost.
   */
  close(options?: { graceMs?: number | undefined }): Promise<void>;
}

export interface IndexingDependencies {
  mode: RunMode;
  store: ObjectStore;
  redis: Redis | null;
  repository: IndexRepository;
  embedders: EmbedderProvider;
  /** This process's serialised activation; absent where nothing is served (worker mode). */
  activate?: ((version: string) => Promise<void>) | undefined;
  /** The live index of a serving process: the first build of a fresh install is awaited into it. */
  live?: LiveIndex | undefined;
  logger: Logger;
  /** Build-side embedders instead of the provider's (tests). */
  buildEmbedders?: BuildEmbedders;
  /** Job settings over those of the config (tests). */
  settings?: Partial<JobSettings>;
  /** Every job event, after the feed got it (tests). */
  onEvent?: (event: JobEvent) => void;
  /** The live feed to publish to instead of the configured one (tests); the caller closes it. */
  feed?: EventFeed;
  /** Told each job run, outcome and embedding batch (metrics). */
  jobObserver?: JobObserver;
  /** Jobs carry and continue the trace of what enqueued them. */
  tracing?: Tracing;
  /** Queue a sync of the corpus at start where workers run (default true). */
  initialSync?: boolean;
}

type IndexingConfig = Parameters<typeof jobSettingsFromEnv>[0] &
  Parameters<typeof createConfiguredSandbox>[0] &
  Pick<CoreConfig, 'REDIS_URL' | 'KEY_PREFIX' | 'DOCUMENT_SOURCE' | 'CORPUS_PATH' | 'INDEX_IVF_THRESHOLD' | 'INDEX_ENCODING' | 'LEXICAL_REFIT_FRACTION' | 'FEED_MAX_EVENTS' | 'FIRST_INDEX_TIMEOUT_SECONDS' | 'INDEX_SEGMENTS'>;

/**
 * Starts the job system (BullMQ with REDIS_URL, else in process), installs the schedules where
 * workers run, and queues a sync of the corpus; a serving process with no index yet waits for
 * that first build (bounded by FIRST_INDEX_TIMEOUT_SECONDS).
 */
export async function createIndexing(config: IndexingConfig, dependencies: IndexingDependencies): Promise<Indexing> {
  const { mode, store, redis, repository, logger } = dependencies;
  const closers = createClosers();
  const uploads = createUploadedDocumentStore(store);
  // Fails fast on a bad DOCUMENT_SOURCE spec; admin uploads join the configured source (later ids win).
  const corpus: DocumentSource = combineDocumentSources(
    [createDocumentSource(config.DOCUMENT_SOURCE ?? { kind: 'jsonl', path: config.CORPUS_PATH, name: CORPUS_SOURCE }, { store }), uploads.source()],
    CORPUS_SOURCE,
  );
  // The admin live feed: a Redis stream shared by every process, or in memory on the embedded default.
  const feed: EventFeed =
    dependencies.feed ??
    (redis
    ? createRedisEventFeed({ redis, prefix: config.KEY_PREFIX, maxLength: config.FEED_MAX_EVENTS, onError: (error) => logger.warn({ err: error }, 'live feed reader error') })
    : createMemoryEventFeed({ capacity: config.FEED_MAX_EVENTS }));
  if (!dependencies.feed) closers.add(() => feed.close());
  // With Redis only processes that run workers publish (an API-only producer would duplicate them).
  const publishes = !redis || mode !== 'api';
  const listeners = new Set<(event: JobEvent) => void>();
  // CPU-heavy processors (embed-batch, build-index, the lexical fit) run in child processes (started
  // on first use), so this event loop keeps renewing job locks and answering HTTP; api mode runs none.
  const sandbox = mode === 'api' ? undefined : createConfiguredSandbox(config, logger);
  const settings = { ...jobSettingsFromEnv(config), ...dependencies.settings };
  const role = mode === 'api' ? 'producer' : 'all';
  const runner = createJobRunner({ redis: config.REDIS_URL ?? null, prefix: config.KEY_PREFIX, settings, logger, role });
  closers.add(() => runner.close());
  // Segments on, where workers run: small syncs publish deltas (the base is held here between changes; vectors are never searched here).
  const segments =
    config.INDEX_SEGMENTS === 'on' && mode !== 'api'
      ? createChangePublisher({
          store,
          repository: createIndexRepository(store, { deferVectors: () => true }),
          policy: { maxChangeFraction: config.INDEX_SEGMENTS_MAX_CHANGE, mergeDeltas: config.INDEX_SEGMENTS_MERGE_DELTAS, mergeTombstoneFraction: config.INDEX_SEGMENTS_MERGE_TOMBSTONES },
        })
      : undefined;
  if (segments) closers.add(() => segments.close());
  const jobs = createJobSystem({
    segments,
    runner,
    store,
    repository,
    sources: (name) => (name === CORPUS_SOURCE ? corpus : undefined),
    embedders: dependencies.buildEmbedders ?? providerBuildEmbedders(dependencies.embedders, { refitFraction: config.LEXICAL_REFIT_FRACTION }),
    plan: (count: number) => chooseIndexKind(count, { threshold: config.INDEX_IVF_THRESHOLD, encoding: config.INDEX_ENCODING }),
    settings,
    resyncSources: [CORPUS_SOURCE],
    onSwap: (message) => dependencies.activate?.(message.version),
    onEvent: (event) => {
      if (publishes) void feed.publish(event).catch((error: unknown) => logger.warn({ err: error }, 'could not publish a feed event'));
      dependencies.onEvent?.(event);
      for (const listener of listeners) listener(event);
    },
    // queue.depth on the live feed as jobs finish: at most one counts read a second.
    queueDepthIntervalMs: 1000,
    sandbox,
    observer: dependencies.jobObserver,
    tracing: dependencies.tracing,
    logger,
  });
  const started = await jobs.start();
  for (const warning of started.warnings) logger.warn(warning);
  closers.add(() => jobs.close());
  if (mode !== 'api' && dependencies.initialSync !== false) {
    const live = dependencies.live;
    const first = live && live.current() === null ? waitForFirstIndex(live, listeners, config.FIRST_INDEX_TIMEOUT_SECONDS * 1000) : null;
    await jobs.enqueueSync(CORPUS_SOURCE);
    await first?.catch((error: unknown) => logger.error({ err: error }, 'the first index build did not finish; /ready answers 503 until one is built'));
  }
  return {
    jobs,
    feed,
    uploads,
    sources: [CORPUS_SOURCE],
    whenIdle: () => jobs.whenIdle(),
    describe: {
      jobs: jobs.runner.kind,
      jobSandbox: sandbox ? sandbox.kind : mode === 'api' ? 'none (api mode runs no jobs)' : 'inline (JOB_SANDBOX=off)',
      liveFeed: feed.kind,
    },
    async close(options = {}) {
      const closing = closers.close();
      if (options.graceMs === undefined || (await settlesWithin(closing, options.graceMs))) return closing;
      logger.warn({ graceMs: options.graceMs }, 'jobs still running after SHUTDOWN_GRACE_SECONDS: stopping them; they are retried (BullMQ: by the next worker)');
      await sandbox?.close({ force: true });
      // Inline processors cannot be interrupted: the process exit ends them and their lock expires.
      await settlesWithin(closing, 2000);
    },
  };
}

/** Whether `promise` settles within `ms` (it keeps running either way). */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([promise.then(() => true, () => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
