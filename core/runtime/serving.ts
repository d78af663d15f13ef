import type { Redis } from 'ioredis';
import { createLiveIndex, type LiveIndex } from '../advice/live-index.ts';
import { createSerialQueue } from '../concurrency/serial-queue.ts';
import type { CoreConfig } from '../config.ts';
import { createEmbedderProvider, type EmbedderProvider } from '../embedding/embedder-provider.ts';
import { loadIndex } from '../index/load-index.ts';
import { observedVectorIndex } from '../index/observed-vector-index.ts';
import { ThreadedIndex } from '../index/threaded-index.ts';
import { createIndexRepository, type IndexRepository } from '../indexing/index-repository.ts';
import type { Logger } from '../logger.ts';
import type { ObjectStore } from '../ports/object-store.ts';
import { activateVersion, followLatestVersion } from '../serving/index-follower.ts';
import { createRedisLiveVersionPublisher, noLiveVersionPublisher, type LiveVersionPublisher } from '../serving/live-version-publisher.ts';
import { createServingIndexPreparer, resolveRetrievalMode } from '../serving/prepare-serving-index.ts';
import { subscribeToIndexSwaps } from '../serving/swap-channel.ts';
import { createChainServing } from '../serving/serve-chain.ts';
import { createSegmentLoader } from '../segments/segment-loader.ts';
import { segmentedIndexRepository } from '../segments/segmented-repository.ts';
import { createClosers } from './closers.ts';

type ServingConfig = Pick<
  CoreConfig,
  'KEY_PREFIX' | 'SEARCH_WORKER_MIN_VECTORS' | 'EMBEDDER' | 'MODEL_DIR' | 'EMBED_BATCH_SIZE' | 'EMBED_THREADS' | 'RETRIEVAL' | 'HYBRID_FUSION' | 'INDEX_POLL_SECONDS' | 'INDEX_SEGMENTS'
>;

/** The index versions, the embedders, and the live index this process answers from. */
export interface Serving {
  live: LiveIndex;
  repository: IndexRepository;
  embedders: EmbedderProvider;
  publisher: LiveVersionPublisher;
  /** Loads, verifies, warms and swaps in a stored version; one activation at a time, a version already live is skipped. */
  activate(version: string): Promise<void>;
  /** The version answering now, or null. */
  servingVersion(): string | null;
  /**
   * Loads the latest stored version and follows new ones (polling `indexes/latest`, and the
   * `index:swap` Redis channel when there is Redis). Only processes that answer call it.
   */
  follow(): Promise<void>;
  /** INDEX_SEGMENTS=on: the live pointer may name a segmented version (docs/segments.md). */
  segmented: boolean;
  describe: { embedder: string; retrieval: string; liveVersionPublisher: string };
  close(): Promise<void>;
}

export interface ServingDependencies {
  store: ObjectStore;
  redis: Redis | null;
  logger: Logger;
  /** Embedders to use instead of the configured provider (tests). */
  embedders?: EmbedderProvider;
  /** Told each vector search's duration (the search-latency metric). */
  observeSearch?: (seconds: number) => void;
  /** Told each activation's duration and outcome (the swap metrics); skipped activations (version already live) are not told. */
  observeSwap?: (event: { seconds: number; outcome: 'success' | 'failure' }) => void;
}

export async function createServing(config: ServingConfig, dependencies: ServingDependencies): Promise<Serving> {
  const { store, redis, logger } = dependencies;
  const closers = createClosers();
  const publisher = redis ? createRedisLiveVersionPublisher(redis, config.KEY_PREFIX) : noLiveVersionPublisher;
  const { observeSearch, observeSwap } = dependencies;
  const versions = createIndexRepository(store, {
    // Large indexes are searched on a worker thread so a 40 ms Flat scan never blocks HTTP.
    loadVectors: async (bytes, manifest) => {
      const index =
        manifest.count >= config.SEARCH_WORKER_MIN_VECTORS
          ? await ThreadedIndex.load(bytes, { onError: (error) => logger.error({ err: error, version: manifest.version }, 'search worker failed') })
          : loadIndex(bytes);
      return observeSearch ? observedVectorIndex(index, observeSearch) : index;
    },
    // Ranking with BM25 alone searches no vectors: a load skips index.faiss until a search needs it.
    deferVectors: (manifest) => resolveRetrievalMode(config.RETRIEVAL, manifest.embedder.id) === 'bm25',
    // A version's large files in reusable buffers, handed back when it closes: a swap allocates nothing (docs/benchmarks.md).
    pooledFiles: true,
  });
  const embedders =
    dependencies.embedders ??
    (await createEmbedderProvider({ mode: config.EMBEDDER, modelDir: config.MODEL_DIR, batchSize: config.EMBED_BATCH_SIZE, intraOpThreads: config.EMBED_THREADS }));
  if (!dependencies.embedders) closers.add(() => embedders.close());
  const retrieval = { mode: config.RETRIEVAL, ...(config.HYBRID_FUSION ? { fusion: config.HYBRID_FUSION } : {}) };
  const prepare = createServingIndexPreparer({ embedders, retrieval });
  // Segments on: the live pointer may name a segmented version, loaded through the segment loader (docs/segments.md).
  const segmented = config.INDEX_SEGMENTS === 'on';
  const repository = segmented ? segmentedIndexRepository(versions, store) : versions;
  const serve = segmented ? createChainServing({ loader: createSegmentLoader({ store, repository: versions }), embedders, retrieval }) : undefined;
  const live = createLiveIndex();
  // Closes the live version and every retired one still held by a request (their search worker threads included).
  closers.add(() => live.close());
  const servingVersion = () => live.current()?.loaded.manifest.version ?? null;
  // The poller, the swap channel, the admin API and in-process publish jobs all activate through this one queue.
  const activations = createSerialQueue();
  const activate = (version: string) =>
    activations.run(async () => {
      if (servingVersion() === version) return;
      const started = performance.now();
      const seconds = () => (performance.now() - started) / 1000;
      try {
        await activateVersion({ repository, live, version, publisher, logger, prepare, serve });
      } catch (error) {
        observeSwap?.({ seconds: seconds(), outcome: 'failure' });
        throw error;
      }
      observeSwap?.({ seconds: seconds(), outcome: 'success' });
    });

  return {
    live,
    repository,
    embedders,
    publisher,
    activate,
    servingVersion,
    async follow() {
      const latest = await repository.latestVersion();
      // Startup never embeds: it loads the stored version, and indexing runs as background jobs.
      if (latest) await activate(latest).catch((error: unknown) => logger.error({ err: error, version: latest }, 'could not load the latest index version'));
      else logger.info('no index version stored yet; /ready answers 503 until one is built');
      closers.add(followLatestVersion({ repository, live, publisher, logger, intervalMs: config.INDEX_POLL_SECONDS * 1000, prepare, activate }));
      if (redis) {
        const swaps = await subscribeToIndexSwaps({ redis, prefix: config.KEY_PREFIX, activate, current: servingVersion, latest: () => repository.latestVersion(), logger });
        closers.add(() => swaps.close());
      }
    },
    segmented,
    describe: { embedder: `${embedders.choice.kind} (${embedders.choice.reason})`, retrieval: config.RETRIEVAL, liveVersionPublisher: publisher.kind },
    close: () => closers.close(),
  };
}
