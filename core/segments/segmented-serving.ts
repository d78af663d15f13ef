import type { ServingIndex } from '../advice/live-index.ts';
import type { Embedder } from '../ports/embedder.ts';
import type { Bm25QueryOptions } from '../retrieval/bm25-retriever.ts';
import type { RetrievalMode } from '../retrieval/create-retriever.ts';
import type { LoadedChain } from './segment-loader.ts';
import { createSegmentedRetriever, type SegmentedRetrieverOptions } from './segmented-retriever.ts';
import { SegmentedVectorIndex } from './segmented-vector-index.ts';

export interface SegmentedServingOptions {
  mode: RetrievalMode;
  embedder: Embedder;
  bm25?: Bm25QueryOptions | undefined;
  hybrid?: SegmentedRetrieverOptions['hybrid'];
}

/**
 * A loaded chain as what the live index serves: its `loaded` carries the chain's version id and
 * global documents, and closing its index (the live index does, once a swapped-out version's last
 * lease ends) releases the chain's segments, so segments the new version shares stay open.
 */
export function servingIndexOfChain(loaded: LoadedChain, options: SegmentedServingOptions): ServingIndex {
  const { chain } = loaded;
  const index = new SegmentedVectorIndex(chain, () => loaded.close());
  const manifest = { ...chain.base.loaded.manifest, version: chain.version, count: chain.documents.length };
  return {
    loaded: { manifest, index, documents: chain.documents as ServingIndex['loaded']['documents'] },
    embedder: options.embedder,
    retriever: createSegmentedRetriever(chain, options),
  };
}
