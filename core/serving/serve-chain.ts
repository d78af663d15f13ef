import type { ServingIndex } from '../advice/live-index.ts';
import { prepareTopicTerms } from '../advice/scene-sentences.ts';
import type { EmbedderProvider } from '../embedding/embedder-provider.ts';
import type { SegmentLoader } from '../segments/segment-loader.ts';
import { servingIndexOfChain } from '../segments/segmented-serving.ts';
import { bm25QueryOptions, hybridDefaults, resolveRetrievalMode, type RetrievalSettings } from './prepare-serving-index.ts';

/** Loads any version (a base, or a base and deltas) as what serves queries. */
export type ServeVersion = (version: string) => Promise<ServingIndex>;

/**
 * Segments on: a version is loaded through the segment loader (segments another open version
 * holds are reused, so a new delta costs only the delta) and served as one chain, with the same
 * query embedder and retrieval settings as an ordinary version (createServingIndexPreparer).
 * Closing the served index releases its segments.
 */
export function createChainServing(options: { loader: SegmentLoader; embedders: Pick<EmbedderProvider, 'forManifest'>; retrieval: RetrievalSettings }): ServeVersion {
  return async (version) => {
    const loaded = await options.loader.load(version);
    try {
      const embedder = await options.embedders.forManifest(loaded.chain.base.loaded.manifest);
      const defaults = hybridDefaults(embedder.id);
      const served = servingIndexOfChain(loaded, {
        mode: resolveRetrievalMode(options.retrieval.mode, embedder.id),
        embedder,
        bm25: bm25QueryOptions(options.retrieval.queryExpansion),
        hybrid: { fusion: options.retrieval.fusion ?? defaults.fusion, weights: options.retrieval.weights ?? defaults.weights },
      });
      // As createServingIndexPreparer does: the title words before the first request needs them.
      await prepareTopicTerms(served.loaded.documents);
      return served;
    } catch (error) {
      loaded.close();
      throw error;
    }
  };
}
