import { AppError } from '../../shared/errors/app-error.ts';
import type { Embedder } from '../ports/embedder.ts';
import type { Bm25QueryOptions } from '../retrieval/bm25-retriever.ts';
import { DEFAULT_HYBRID, type RetrievalMode } from '../retrieval/create-retriever.ts';
import { DenseRetriever } from '../retrieval/dense-retriever.ts';
import { HybridRetriever, type FusionMethod } from '../retrieval/hybrid-retriever.ts';
import type { Retriever } from '../retrieval/retriever.ts';
import type { SegmentChain } from './segment-chain.ts';
import { SegmentedBm25Retriever } from './segmented-bm25.ts';
import { SegmentedVectorIndex } from './segmented-vector-index.ts';

export interface SegmentedRetrieverOptions {
  mode: RetrievalMode;
  /** The query embedder of the chain's base (needed for 'dense' and 'hybrid'). */
  embedder?: Embedder | undefined;
  bm25?: Bm25QueryOptions | undefined;
  hybrid?: { fusion?: FusionMethod; rrfK?: number; weights?: readonly [dense: number, bm25: number]; candidates?: number } | undefined;
}

/**
 * The retriever of a retrieval mode over a chain (labels index `chain.documents`): dense over
 * {@link SegmentedVectorIndex}, BM25 with {@link SegmentedBm25Retriever}, hybrid fusing the two as
 * createRetriever does for one version.
 */
export function createSegmentedRetriever(chain: SegmentChain, options: SegmentedRetrieverOptions): Retriever {
  const dense = () => {
    if (options.embedder === undefined) throw new AppError('validation-failed', { detail: `retrieval mode '${options.mode}' needs the chain's embedder` });
    return new DenseRetriever({ embedder: options.embedder, index: new SegmentedVectorIndex(chain) });
  };
  const bm25 = () => new SegmentedBm25Retriever(chain, options.bm25);
  if (options.mode === 'dense') return dense();
  if (options.mode === 'bm25') return bm25();
  const hybrid = Object.fromEntries(Object.entries(options.hybrid ?? {}).filter(([, value]) => value !== undefined));
  return new HybridRetriever({ retrievers: [dense(), bm25()], ...DEFAULT_HYBRID, ...hybrid });
}
