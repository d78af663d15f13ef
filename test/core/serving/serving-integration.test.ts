import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLiveIndex } from '../../../core/advice/live-index.ts';
import { createEmbedderProvider } from '../../../core/embedding/embedder-provider.ts';
import { buildIndexVersion } from '../../../core/indexing/build-index.ts';
import { createIndexRepository, type IndexRepository } from '../../../core/indexing/index-repository.ts';
import { fitLexicalEmbedder } from '../../../core/embedding/lexical-embedder-state.ts';
import { syncSource } from '../../../core/indexing/sync-source.ts';
import type { DocumentSource } from '../../../core/ports/document-source.ts';
import { createServingIndexPreparer } from '../../../core/serving/prepare-serving-index.ts';
import { LocalFolderObjectStore } from '../../../core/storage/local-folder-object-store.ts';
import { knownWeightsGraph, writeModelDirectory } from '../../support/onnx-graphs.ts';
import { LOAN_DOCUMENTS } from '../indexing/loan-documents.ts';

const source = (documents = LOAN_DOCUMENTS, snapshot = 'snap-1'): DocumentSource => ({
  read: async () => ({ name: 'fixture', snapshot, documents: [...documents], rejected: [] }),
});

describe('retrieval wired into indexing and serving', () => {
  let root: string;
  let repository: IndexRepository;
  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'apfa-serving-'));
    repository = createIndexRepository(new LocalFolderObjectStore(root));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('stores BM25 state with each version and serves hybrid, BM25 and dense rankings from it', async () => {
    const built = await buildIndexVersion({ documents: LOAN_DOCUMENTS, embedder: fitLexicalEmbedder(LOAN_DOCUMENTS), sourceName: 'fixture' });
    expect(built.manifest.lexical).toEqual({ id: 'bm25-v1' });
    expect(built.manifest.checksums.bm25).toMatch(/^[0-9a-f]{64}$/);
    await repository.save(built);
    const loaded = await repository.loadLatest();
    expect(loaded?.bm25State).toMatchObject({ kind: 'bm25-postings', documentCount: LOAN_DOCUMENTS.length });

    const fha = LOAN_DOCUMENTS.findIndex((document) => /FHA/.test(document.title));
    expect(fha).toBeGreaterThanOrEqual(0);
    for (const mode of ['hybrid', 'bm25', 'dense'] as const) {
      const serving = await createServingIndexPreparer({ retrieval: { mode } })(loaded!);
      expect(serving.retriever.kind).toContain(mode === 'hybrid' ? 'hybrid-weighted' : mode);
      const hits = await serving.retriever.retrieve('FHA loan down payment', 3);
      expect(hits[0]?.label, mode).toBe(fha);
    }
  });

  it('refuses to load a version whose BM25 file was tampered with', async () => {
    const built = await buildIndexVersion({ documents: LOAN_DOCUMENTS, embedder: fitLexicalEmbedder(LOAN_DOCUMENTS), sourceName: 'fixture' });
    await repository.save(built);
    const store = new LocalFolderObjectStore(root);
    await store.put(`indexes/${built.manifest.version}/bm25.bin`, new TextEncoder().encode('APFABM25'));
    await expect(repository.load(built.manifest.version)).rejects.toMatchObject({ code: 'index-corrupt', message: expect.stringContaining('bm25.bin') });
  });

  it('builds IVF beyond the configured threshold and records its parameters', async () => {
    const documents = Array.from({ length: 300 }, (_, i) => ({
      id: `d${i}`,
      title: `Topic ${i % 7}`,
      text: `${['mortgage', 'auto loan', 'student loan', 'credit card', 'refinance', 'FHA', 'VA'][i % 7]} note number ${i} about rates and payments`,
    }));
    const built = await buildIndexVersion({
      documents,
      embedder: fitLexicalEmbedder(documents),
      sourceName: 'fixture',
      plan: { kind: 'IVF', nlist: 8, nprobe: 8, encoding: 'SQ8' },
    });
    expect(built.manifest.index).toEqual({ kind: 'IVF8,SQ8', params: { nlist: 8, nprobe: 8, encoding: 'SQ8' } });
    await repository.save(built);
    const loaded = await repository.load(built.manifest.version);
    expect(loaded.index.kind).toBe('IVF8,SQ8');
    const serving = await createServingIndexPreparer({ retrieval: { mode: 'dense' } })(loaded);
    // nprobe = nlist: every list is searched, so a document's own text finds it first.
    const hits = await serving.retriever.retrieve(documents[123]!.text, 1);
    expect(hits[0]?.label).toBe(123);
  });

  it('closes a swapped-out index only after the last request holding it has finished', async () => {
    const built = await buildIndexVersion({ documents: LOAN_DOCUMENTS, embedder: fitLexicalEmbedder(LOAN_DOCUMENTS), sourceName: 'fixture' });
    await repository.save(built);
    const prepare = createServingIndexPreparer({ retrieval: { mode: 'dense' } });
    const first = await prepare(await repository.load(built.manifest.version));
    const second = await prepare(await repository.load(built.manifest.version));
    const live = createLiveIndex(first);
    const lease = live.acquire()!;
    expect(lease.serving).toBe(first);
    live.swap(second);
    expect(live.current()).toBe(second);
    // The request that took the old index can still search it.
    expect((await lease.serving.retriever.retrieve('FHA down payment', 1)).length).toBe(1);
    lease.release();
    await expect(first.retriever.retrieve('FHA down payment', 1)).rejects.toThrow();
    expect((await live.acquire()!.serving.retriever.retrieve('FHA down payment', 1)).length).toBe(1);
  });

  it('EMBEDDER=auto without model files builds lexical and says why; a lexical version stays queryable', async () => {
    const provider = await createEmbedderProvider({ mode: 'auto', modelDir: path.join(root, 'no-model') });
    expect(provider.choice.kind).toBe('lexical');
    expect(provider.choice.reason).toContain('npm run models:fetch');
    const result = await syncSource({ source: source(), repository, embedders: provider });
    expect(result.built).toBe(true);
    const loaded = await repository.load(result.version);
    expect((await provider.forManifest(loaded.manifest)).id).toBe('lexical-hash-v1');
  });

  it('EMBEDDER=onnx builds with the model, rebuilds an unchanged source built by another embedder, and refuses other models', async () => {
    const lexical = await syncSource({ source: source(), repository });
    const modelDir = await writeModelDirectory(knownWeightsGraph(30522, 384), { name: 'tiny-known' });
    const onnx = await createEmbedderProvider({ mode: 'onnx', modelDir });
    try {
      expect(onnx.choice.kind).toBe('onnx');
      const rebuilt = await syncSource({ source: source(), repository, embedders: onnx });
      expect(rebuilt.built).toBe(true);
      expect(rebuilt.version).not.toBe(lexical.version);
      const loaded = await repository.load(rebuilt.version);
      expect(loaded.manifest.embedder.id).toBe('onnx:tiny-known');
      expect((await onnx.forManifest(loaded.manifest)).id).toBe('onnx:tiny-known');
      // The same source again is not rebuilt.
      expect((await syncSource({ source: source(), repository, embedders: onnx })).built).toBe(false);

      const lexicalOnly = await createEmbedderProvider({ mode: 'lexical', modelDir });
      await expect(lexicalOnly.forManifest(loaded.manifest)).rejects.toMatchObject({ code: 'index-mismatch' });
      const otherModel = { ...loaded.manifest, embedder: { ...loaded.manifest.embedder, modelHash: 'ffffffffffffffff' } };
      await expect(onnx.forManifest(otherModel)).rejects.toMatchObject({ code: 'index-mismatch' });
    } finally {
      await onnx.close();
      await rm(path.dirname(modelDir), { recursive: true, force: true });
    }
  });
});
