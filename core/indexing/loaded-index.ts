import type { Embedder } from '../ports/embedder.ts';
import type { KnowledgeDocument } from '../ports/document.ts';
import type { VectorIndex } from '../ports/vector-index.ts';
import { AppError } from '../../shared/errors/app-error.ts';
import type { IndexManifest } from './index-manifest.ts';

/** An index version loaded and verified: label i of `index` is `documents[i]`. */
export interface LoadedIndex {
  manifest: IndexManifest;
  index: VectorIndex;
  documents: KnowledgeDocument[];
  /** The stored BM25 state (see Bm25Retriever.toJSON), when the version has one. */
  bm25State?: unknown;
}

export interface DocumentHit {
  document: KnowledgeDocument;
  /** Inner product of query and document vectors (cosine for normalised vectors). */
  score: number;
  label: number;
}

/**
 * Embeds the query with `embedder` and returns the k nearest documents, best first.
 * Refuses with AppError 'index-mismatch' when the embedder is not the one the index was built
 * with (id or modelHash differ): vectors from another model would search garbage silently.
 */
export async function searchDocuments(loaded: LoadedIndex, embedder: Embedder, query: string, k: number): Promise<DocumentHit[]> {
  const expected = loaded.manifest.embedder;
  if (embedder.id !== expected.id || embedder.modelHash !== expected.modelHash) {
    throw new AppError('index-mismatch', {
      detail: `index ${loaded.manifest.version} needs embedder ${expected.id}@${expected.modelHash}, got ${embedder.id}@${embedder.modelHash}`,
    });
  }
  const vector = await embedder.embed([query]);
  const hits = await loaded.index.search(vector, k);
  return hits.flatMap(({ label, score }) => {
    const document = loaded.documents[label];
    return document === undefined ? [] : [{ document, score, label }];
  });
}
