/** One retrieved document: its row in the corpus (0-based, insertion order) and a score, higher is better. */
export interface RetrievalHit {
  label: number;
  score: number;
}

export interface RetrieveOptions {
  /** The query already embedded by the index's embedder (saves a second embedding; lets callers time it). */
  queryVector?: Float32Array | undefined;
  /**
   * The sentences of the query that ask, when its other sentences state the borrower's situation
   * (core/advice/scene-sentences.ts): a lexical retriever weighs a term found only in those others
   * below one the question asks with. Undefined: every term counts alike.
   */
  asked?: string | undefined;
}

/**
 * Ranks the documents of one corpus for a query. Scores are comparable within one call only
 * (cosine for dense, BM25 for lexical, fused for hybrid); hits come best first, at most `k`.
 */
export interface Retriever {
  /** e.g. 'dense', 'bm25', 'hybrid-rrf(dense+bm25)'. */
  readonly kind: string;
  retrieve(query: string, k: number, options?: RetrieveOptions): Promise<RetrievalHit[]>;
  /**
   * Documents holding a retrieval term (a stem from shared/text/tokenize.ts), 0 when none: the
   * knowledge base's vocabulary, for spelling correction. Lexical retrievers have it.
   */
  documentFrequency?(term: string): number;
}
