import type { ServingIndex } from '../advice/live-index.ts';
import { prepareTopicTerms } from '../advice/scene-sentences.ts';
import type { EmbedderProvider } from '../embedding/embedder-provider.ts';
import { LEXICAL_EMBEDDER_ID } from '../embedding/lexical-embedder.ts';
import type { LoadedIndex } from '../indexing/loaded-index.ts';
import { lexicalEmbedderFromManifest } from '../embedding/lexical-embedder-state.ts';
import { borrowerQueryExpansion } from '../../shared/text/query-expansion.ts';
import { Bm25Retriever, type Bm25QueryOptions } from '../retrieval/bm25-retriever.ts';
import { createRetriever, type RetrievalMode } from '../retrieval/create-retriever.ts';
import type { FusionMethod } from '../retrieval/hybrid-retriever.ts';

/** Turns a loaded version into what serves queries: its query embedder plus the configured retriever. */
export type PrepareServingIndex = (loaded: LoadedIndex) => Promise<ServingIndex>;

/** A configured retrieval mode: one of the retriever's, or 'auto' (chosen by the embedder, {@link resolveRetrievalMode}). */
export type RetrievalSetting = RetrievalMode | 'auto';

/**
 * What 'auto' means: BM25 alone when the embedder is the lexical-hash one, hybrid when it is a
 * neural model. The lexical vectors see the same terms as BM25, only hashed and noisier: on the
 * dev half of SciFact's judged queries no fusion with them beat BM25 alone (best, weighted
 * [0.05, 1]: 0.678 against 0.682 nDCG@10; RRF 0.548), so it is not the default
 * (bench/retrieval-quality.ts, docs/retrieval.md). An explicit mode is returned unchanged.
 */
export function resolveRetrievalMode(setting: RetrievalSetting, embedderId: string): RetrievalMode {
  if (setting !== 'auto') return setting;
  return embedderId === LEXICAL_EMBEDDER_ID ? 'bm25' : 'hybrid';
}

export interface RetrievalSettings {
  mode: RetrievalSetting;
  /** Fusion for 'hybrid'; by default weighted [0.05, 1] over the lexical-hash embedder and RRF over a neural one. */
  fusion?: FusionMethod | undefined;
  /** [dense, bm25] weights for 'hybrid'. */
  weights?: readonly [number, number] | undefined;
  /**
   * BM25 query expansion: 'lending' (default; the service's corpus is lending guidance) adds the
   * other names of the programs and concepts a question mentions (shared/text/lending-vocabulary.ts)
   * and the guide's words for a borrower's everyday ones (shared/text/everyday-synonyms.ts),
   * 'none' searches the question's own words only.
   */
  queryExpansion?: QueryExpansionSetting | undefined;
}

/** Which query expansion BM25 uses. */
export type QueryExpansionSetting = 'lending' | 'none';

/** BM25's query options for an expansion setting. */
export function bm25QueryOptions(setting: QueryExpansionSetting = 'lending'): Bm25QueryOptions {
  return setting === 'lending' ? { expansion: borrowerQueryExpansion } : {};
}

/**
 * Hybrid defaults: with the lexical-hash embedder, the fusion that did best on SciFact's dev half
 * (a weighted sum with the dense side at 0.05; it still trails BM25 alone there); with a neural
 * embedder RRF with equal weights, the standard choice.
 */
export function hybridDefaults(embedderId: string): { fusion: FusionMethod; weights: readonly [number, number] } {
  return embedderId === LEXICAL_EMBEDDER_ID ? { fusion: 'weighted', weights: [0.05, 1] } : { fusion: 'rrf', weights: [1, 1] };
}

/**
 * The query embedder comes from the provider, which refuses a version built by another model.
 * A version stored without BM25 state (built before hybrid retrieval) has BM25 rebuilt from its documents.
 */
export function createServingIndexPreparer(options: {
  embedders?: Pick<EmbedderProvider, 'forManifest'> | undefined;
  retrieval: RetrievalSettings;
}): PrepareServingIndex {
  return async (loaded) => {
    const embedder = options.embedders ? await options.embedders.forManifest(loaded.manifest) : lexicalEmbedderFromManifest(loaded.manifest);
    const defaults = hybridDefaults(embedder.id);
    const mode = resolveRetrievalMode(options.retrieval.mode, embedder.id);
    // Restored in slices: this runs on a serving instance's event loop while it answers requests.
    const query = bm25QueryOptions(options.retrieval.queryExpansion);
    const bm25Retriever = mode !== 'dense' && loaded.bm25State !== undefined ? await Bm25Retriever.restore(loaded.bm25State, query) : undefined;
    const retriever = createRetriever({
      mode,
      embedder,
      index: loaded.index,
      documents: loaded.documents,
      bm25State: loaded.bm25State,
      bm25Retriever,
      bm25: query,
      hybrid: { fusion: options.retrieval.fusion ?? defaults.fusion, weights: options.retrieval.weights ?? defaults.weights },
    });
    // The title words that tell a question's scene from its subject (advice/scene-sentences.ts), before the first request needs them.
    await prepareTopicTerms(loaded.documents);
    return { loaded, embedder, retriever };
  };
}
