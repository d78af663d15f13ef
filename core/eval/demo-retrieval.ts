import type { Passage } from '../ports/generator.ts';
import type { LexicalEmbedder } from '../embedding/lexical-embedder.ts';
import { buildIndexVersion } from '../indexing/build-index.ts';
import { fitLexicalEmbedder } from '../embedding/lexical-embedder-state.ts';
import { createDocumentSource } from '../sources/create-document-source.ts';
import { AppError } from '../../shared/errors/app-error.ts';

export interface DemoRetrieval {
  embedder: LexicalEmbedder;
  documents: number;
  /** Top `topK` passages above `minScore`, numbered from 1, as the advice pipeline builds them. */
  retrieve(query: string): Promise<Passage[]>;
  close(): void;
}

/**
 * An in-memory index over a JSONL corpus (the demo lending guide by default), built the way the
 * service builds one: lexical embedder fitted on the documents, flat inner-product index.
 */
export async function buildDemoRetrieval(corpusPath: string, options: { topK?: number; minScore?: number } = {}): Promise<DemoRetrieval> {
  const { topK = 4, minScore = 0.05 } = options;
  const snapshot = await createDocumentSource({ kind: 'jsonl', path: corpusPath }).read();
  if (snapshot.documents.length === 0) throw new AppError('validation-failed', { detail: `${corpusPath} has no valid documents` });
  const embedder = fitLexicalEmbedder(snapshot.documents);
  const built = await buildIndexVersion({ documents: snapshot.documents, embedder, sourceName: 'fairness-eval' });
  return {
    embedder,
    documents: snapshot.documents.length,
    async retrieve(query) {
      const hits = await built.index.search(await embedder.embed([query]), topK);
      const passages: Passage[] = [];
      for (const hit of hits) {
        const document = snapshot.documents[hit.label];
        if (!document || hit.score <= minScore) continue;
        passages.push({ citation: passages.length + 1, id: document.id, title: document.title, text: document.text, score: hit.score });
      }
      return passages;
    },
    close: () => built.index.close(),
  };
}
