import { describe, expect, it } from 'vitest';
import { LexicalEmbedder } from '../../../core/embedding/lexical-embedder.ts';
import { FaissFlatIndex } from '../../../core/index/faiss-flat-index.ts';
import { Bm25Retriever } from '../../../core/retrieval/bm25-retriever.ts';
import { createRetriever } from '../../../core/retrieval/create-retriever.ts';
import { AppError } from '../../../shared/errors/app-error.ts';

const documents = [
  { title: 'FHA loans', text: 'FHA loans allow a down payment as low as 3.5% with a credit score of 580.' },
  { title: 'VA loans', text: 'VA loans require no down payment for eligible veterans and service members.' },
  { title: 'Escrow', text: 'An escrow account holds property tax and homeowners insurance payments.' },
];

async function denseParts() {
  const texts = documents.map((document) => `${document.title} ${document.text}`);
  const embedder = LexicalEmbedder.fit(texts);
  const index = FaissFlatIndex.fromVectors(await embedder.embed(texts), embedder.dimension);
  return { embedder, index };
}

const codeOf = (run: () => unknown): string | undefined => {
  try {
    run();
  } catch (error) {
    return error instanceof AppError ? error.code : 'not-app-error';
  }
  return undefined;
};

describe('createRetriever', () => {
  it('builds each mode and each finds the escrow document first', async () => {
    const { embedder, index } = await denseParts();
    for (const mode of ['dense', 'bm25', 'hybrid'] as const) {
      const retriever = createRetriever({ mode, embedder, index, documents });
      expect(retriever.kind).toMatch(mode === 'hybrid' ? /^hybrid-rrf\(dense\+bm25\)$/ : new RegExp(`^${mode}$`));
      const hits = await retriever.retrieve('escrow account for property tax', 2);
      expect(hits[0]?.label).toBe(2);
    }
    index.close();
  });

  it('restores BM25 from saved state, and refuses state for other documents', async () => {
    const state = JSON.parse(JSON.stringify(Bm25Retriever.build(documents).toJSON()));
    const restored = createRetriever({ mode: 'bm25', documents, bm25State: state });
    expect((await restored.retrieve('veterans', 1))[0]?.label).toBe(1);
    expect(codeOf(() => createRetriever({ mode: 'bm25', documents: documents.slice(0, 2), bm25State: state }))).toBe('index-mismatch');
  });

  it('fails fast when a mode lacks its pieces', async () => {
    const { embedder, index } = await denseParts();
    expect(codeOf(() => createRetriever({ mode: 'dense', documents }))).toBe('validation-failed');
    expect(codeOf(() => createRetriever({ mode: 'hybrid', embedder, documents }))).toBe('validation-failed');
    expect(codeOf(() => createRetriever({ mode: 'dense', embedder, index, documents: documents.slice(1) }))).toBe('index-mismatch');
    expect(codeOf(() => createRetriever({ mode: 'sparse' as 'bm25', documents }))).toBe('validation-failed');
    index.close();
  });
});
