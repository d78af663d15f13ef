import { AppError } from '../../shared/errors/app-error.ts';
import type { Embedder } from '../ports/embedder.ts';
import type { VectorIndex } from '../ports/vector-index.ts';
import { Bm25Retriever } from './bm25-retriever.ts';
import type { Bm25Options, Bm25QueryOptions } from './bm25-retriever.ts';
import { DenseRetriever } from './dense-retriever.ts';
import { HybridRetriever } from './hybrid-retriever.ts';
import type { FusionMethod } from './hybrid-retriever.ts';
import type { Retriever } from './retriever.ts';

export type RetrievalMode = 'dense' | 'bm25' | 'hybrid';

/**
 * Hybrid defaults: plain RRF (k 60, equal weights), the usual choice for a neural dense model plus
 * BM25. With today's 384-d lexical-hash embedder it scores below BM25 alone on SciFact (0.564 vs
 * 0.694 nDCG@10), because that embedder sees the same terms as BM25, only noisier; the service
 * uses BM25 alone there (core/serving/prepare-serving-index.ts).
 */
export const DEFAULT_HYBRID = { fusion: 'rrf', rrfK: 60, weights: [1, 1], candidates: 100 } as const satisfies {
  fusion: FusionMethod;
  rrfK: number;
  weights: readonly [number, number];
  candidates: number;
};

export interface CreateRetrieverOptions {
  mode: RetrievalMode;
  /** Query embedder; needed for 'dense' and 'hybrid'. */
  embedder?: Embedder | undefined;
  /** Vector index of the documents, row i = documents[i]; needed for 'dense' and 'hybrid'. */
  index?: VectorIndex | undefined;
  /** The indexed documents in index order; BM25 indexes title + text. */
  documents: readonly { title: string; text: string }[];
  /** A saved {@link Bm25Retriever.toJSON} for these documents; without it BM25 is rebuilt from `documents`. */
  bm25State?: unknown;
  /** BM25 already restored from that state (e.g. with {@link Bm25Retriever.restore}); wins over `bm25State`. */
  bm25Retriever?: Bm25Retriever | undefined;
  /** BM25 parameters and query options (expansion); ignored when `bm25Retriever` is given, which has its own. */
  bm25?: (Bm25Options & Bm25QueryOptions) | undefined;
  hybrid?: { fusion?: FusionMethod; rrfK?: number; weights?: readonly [dense: number, bm25: number]; candidates?: number } | undefined;
}

/**
 * Builds the retriever for a retrieval mode. AppError 'validation-failed' when the mode's
 * pieces are missing; 'index-mismatch' when the vector index or BM25 state covers a different
 * number of documents than `documents`.
 */
export function createRetriever(options: CreateRetrieverOptions): Retriever {
  const { mode, documents } = options;
  const dense = (): Retriever => {
    const { embedder, index } = options;
    if (!embedder || !index) throw new AppError('validation-failed', { detail: `retrieval mode '${mode}' needs an embedder and a vector index` });
    if (index.size !== documents.length) {
      throw new AppError('index-mismatch', { detail: `vector index has ${index.size} vectors for ${documents.length} documents` });
    }
    return new DenseRetriever({ embedder, index });
  };
  const bm25 = (): Retriever => {
    if (options.bm25Retriever === undefined && options.bm25State === undefined) return Bm25Retriever.build(documents, options.bm25);
    const retriever = options.bm25Retriever ?? Bm25Retriever.fromJSON(options.bm25State, options.bm25);
    if (retriever.size !== documents.length) {
      throw new AppError('index-mismatch', { detail: `BM25 state covers ${retriever.size} documents, not ${documents.length}` });
    }
    return retriever;
  };
  switch (mode) {
    case 'dense':
      return dense();
    case 'bm25':
      return bm25();
    case 'hybrid':
      return new HybridRetriever({ retrievers: [dense(), bm25()], ...DEFAULT_HYBRID, ...definedOnly(options.hybrid ?? {}) });
    default:
      throw new AppError('validation-failed', { detail: `unknown retrieval mode '${String(mode)}'` });
  }
}

function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<T>;
}
