import type { Logger } from '../logger.ts';
import type { IndexRepository } from '../indexing/index-repository.ts';
import { createServingIndexPreparer, type PrepareServingIndex } from './prepare-serving-index.ts';
import type { LiveIndex, ServingIndex } from '../advice/live-index.ts';
import type { LiveVersionPublisher } from './live-version-publisher.ts';
import type { ServeVersion } from './serve-chain.ts';

/**
 * Loads a stored version fully (download, checksum verification, FAISS load, embedder
 * restore), then swaps it in with one reference assignment. A failed load leaves the current
 * index serving and is reported to the caller.
 */
export async function activateVersion(options: {
  repository: IndexRepository;
  live: LiveIndex;
  version: string;
  publisher: LiveVersionPublisher;
  logger: Logger;
  /** Builds the query side (embedder + retriever); default: the version's lexical embedder, dense retrieval. */
  prepare?: PrepareServingIndex | undefined;
  /** Loads the version and its query side instead of `repository.load` and `prepare` (segments on: createChainServing). */
  serve?: ServeVersion | undefined;
}): Promise<ServingIndex> {
  const started = performance.now();
  const prepare = options.prepare ?? createServingIndexPreparer({ retrieval: { mode: 'dense' } });
  const load = options.serve ?? (async (version: string) => {
    const loaded = await options.repository.load(version);
    try {
      return await prepare(loaded);
    } catch (error) {
      loaded.index.close();
      throw error;
    }
  });
  const next = await load(options.version);
  const { loaded } = next;
  try {
    // Warm: one query through the whole ranking so the first borrower does not pay first-touch costs.
    await next.retriever.retrieve('mortgage down payment', 1);
  } catch (error) {
    loaded.index.close();
    throw error;
  }
  // The previous index is closed by the live index once the requests using it have finished.
  const previous = options.live.swap(next);
  // ms: download, verification, load, warm-up and swap (this instance serves the version from here); publishedMs adds telling the edge.
  const ms = Math.round(performance.now() - started);
  await options.publisher.publish(loaded.manifest.version).catch((error: unknown) => {
    options.logger.warn({ err: error, publisher: options.publisher.kind }, 'could not publish the live index version');
  });
  options.logger.info(
    { version: loaded.manifest.version, documents: loaded.manifest.count, ms, publishedMs: Math.round(performance.now() - started) },
    previous ? 'index swapped' : 'index loaded',
  );
  return next;
}

/**
 * API mode: polls the `indexes/latest` pointer and activates new versions as workers publish
 * them. Returns a stop function.
 */
export function followLatestVersion(options: {
  repository: IndexRepository;
  live: LiveIndex;
  publisher: LiveVersionPublisher;
  logger: Logger;
  intervalMs: number;
  prepare?: PrepareServingIndex | undefined;
  /** Activation to use instead of activateVersion (e.g. one serialised with the swap channel). */
  activate?: ((version: string) => Promise<void>) | undefined;
}): () => void {
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      const latest = await options.repository.latestVersion();
      if (latest !== null && latest !== options.live.current()?.loaded.manifest.version) {
        if (options.activate) await options.activate(latest);
        else await activateVersion({ ...options, version: latest });
      }
    } catch (error) {
      options.logger.error({ err: error }, 'index follow failed; keeping the current index');
    } finally {
      running = false;
    }
  };
  void tick();
  const timer = setInterval(() => void tick(), options.intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
