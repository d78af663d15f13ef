import { describe, expect, it } from 'vitest';
import { parseCoreConfig } from '../../../core/config.ts';
import { fitLexicalEmbedder } from '../../../core/embedding/lexical-embedder-state.ts';
import { LEXICAL_EMBEDDER_ID } from '../../../core/embedding/lexical-embedder.ts';
import { buildIndexVersion } from '../../../core/indexing/build-index.ts';
import { createServingIndexPreparer, resolveRetrievalMode } from '../../../core/serving/prepare-serving-index.ts';
import { LOAN_DOCUMENTS } from '../indexing/loan-documents.ts';

describe('the default retrieval mode', () => {
  it("is 'auto' in the configuration", () => {
    expect(parseCoreConfig({}).RETRIEVAL).toBe('auto');
  });

  it('is BM25 alone with the lexical embedder and hybrid with a neural one; explicit modes are kept', () => {
    expect(resolveRetrievalMode('auto', LEXICAL_EMBEDDER_ID)).toBe('bm25');
    expect(resolveRetrievalMode('auto', 'onnx:all-MiniLM-L6-v2')).toBe('hybrid');
    for (const mode of ['bm25', 'dense', 'hybrid'] as const) expect(resolveRetrievalMode(mode, LEXICAL_EMBEDDER_ID)).toBe(mode);
  });

  it('serves a lexical-embedder version with BM25 alone, ranking as BM25 does', async () => {
    const built = await buildIndexVersion({ documents: LOAN_DOCUMENTS, embedder: fitLexicalEmbedder(LOAN_DOCUMENTS), sourceName: 'fixture' });
    const loaded = { manifest: built.manifest, index: built.index, documents: [...LOAN_DOCUMENTS] };
    const auto = await createServingIndexPreparer({ retrieval: { mode: 'auto' } })(loaded);
    const bm25 = await createServingIndexPreparer({ retrieval: { mode: 'bm25' } })(loaded);
    expect(auto.retriever.kind).toBe('bm25');
    const query = 'How much do I need to put down on an FHA loan?';
    expect(await auto.retriever.retrieve(query, 5)).toEqual(await bm25.retriever.retrieve(query, 5));
    built.index.close();
  });

  it('expands questions with the lending vocabulary by default, and not with queryExpansion none', async () => {
    const built = await buildIndexVersion({ documents: LOAN_DOCUMENTS, embedder: fitLexicalEmbedder(LOAN_DOCUMENTS), sourceName: 'fixture' });
    const loaded = { manifest: built.manifest, index: built.index, documents: [...LOAN_DOCUMENTS] };
    const lending = await createServingIndexPreparer({ retrieval: { mode: 'auto' } })(loaded);
    const plain = await createServingIndexPreparer({ retrieval: { mode: 'auto', queryExpansion: 'none' } })(loaded);
    // "ARM" is written out in the document ("adjustable-rate mortgage"), never abbreviated.
    const query = 'Should I take an ARM?';
    expect(await plain.retriever.retrieve(query, 3)).toEqual([]);
    const hits = await lending.retriever.retrieve(query, 3);
    expect(LOAN_DOCUMENTS[hits[0]!.label]!.id).toBe('arm');
    built.index.close();
  });
});
