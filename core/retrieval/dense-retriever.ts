import type { Embedder } from '../ports/embedder.ts';
import type { VectorIndex } from '../ports/vector-index.ts';
import type { RetrievalHit, RetrieveOptions, Retriever } from './retriever.ts';

export interface DenseRetrieverOptions {
  embedder: Embedder;
  index: VectorIndex;
}

/** Embeds the query and searches the vector index; scores are inner products (cosine). */
export class DenseRetriever implements Retriever {
  readonly kind = 'dense';
  readonly #embedder: Embedder;
  readonly #index: VectorIndex;

  constructor(options: DenseRetrieverOptions) {
    this.#embedder = options.embedder;
    this.#index = options.index;
  }

  async retrieve(query: string, k: number, options: RetrieveOptions = {}): Promise<RetrievalHit[]> {
    const limit = Math.min(k, this.#index.size);
    if (limit <= 0) return [];
    const vector = options.queryVector ?? (await this.#embedder.embed([query]));
    const hits = await this.#index.search(vector, limit);
    return hits.filter((hit) => hit.label >= 0).map(({ label, score }) => ({ label, score }));
  }
}
