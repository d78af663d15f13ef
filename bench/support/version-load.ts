import { createHash } from 'node:crypto';
import type { KnowledgeDocument } from '../../core/ports/document.ts';
import type { ObjectStore } from '../../core/ports/object-store.ts';
import { fitLexicalEmbedder } from '../../core/embedding/lexical-embedder-state.ts';
import { buildIndexVersion } from '../../core/indexing/build-index.ts';
import { createIndexRepository } from '../../core/indexing/index-repository.ts';
import type { IndexManifest } from '../../core/indexing/index-manifest.ts';
import { ThreadedIndex } from '../../core/index/threaded-index.ts';
import { Bm25Retriever } from '../../core/retrieval/bm25-retriever.ts';
import { decodeBm25Postings } from '../../core/retrieval/bm25-postings.ts';
import { createServingIndexPreparer, resolveRetrievalMode, type RetrievalSetting } from '../../core/serving/prepare-serving-index.ts';
import { round } from './results.ts';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/**
 * Builds one version of `documents` (binary layout) and stores it twice: as built, and as the
 * first layout wrote it (documents.json, bm25.json, no `layout` in the manifest) under another
 * version id, so a load of each can be timed on the same data. Returns both version ids.
 */
export async function storeBothLayouts(store: ObjectStore, documents: readonly KnowledgeDocument[]): Promise<{ binary: string; json: string }> {
  const repository = createIndexRepository(store);
  const built = await buildIndexVersion({ documents, embedder: fitLexicalEmbedder(documents), sourceName: 'bench' });
  built.index.close();
  await repository.save(built, { setLatest: false });
  const documentsBytes = new TextEncoder().encode(JSON.stringify(documents.map(({ id, title, text, url }) => (url === undefined ? { id, title, text } : { id, title, text, url }))));
  const bm25Bytes = new TextEncoder().encode(JSON.stringify(Bm25Retriever.fromJSON(decodeBm25Postings(built.bm25Bytes!, 'bm25.bin')).toJSON()));
  const { layout: _layout, ...rest } = built.manifest;
  const manifest: IndexManifest = {
    ...rest,
    version: sha256(new TextEncoder().encode(`${built.manifest.version} json`)).slice(0, 16),
    checksums: { index: built.manifest.checksums.index, documents: sha256(documentsBytes), bm25: sha256(bm25Bytes) },
  };
  await repository.save({ ...built, manifest, documentsBytes, bm25Bytes }, { setLatest: false });
  return { binary: built.manifest.version, json: manifest.version };
}

/** One timed load of a stored version as a serving instance does it (activateVersion's steps, without the swap). */
export interface LoadMeasurement {
  /** Download + verify + read (repository.load). */
  repositoryLoadMs: number;
  /** repository.load + the retriever prepared + one warm-up query: what an API instance waits before it can swap. */
  loadMs: number;
  /** Longest the event loop was blocked during the load (a 1 ms timer's worst lateness). */
  maxEventLoopBlockMs: number;
  /** Process RSS before the load, at its highest during the load, and after it (the loaded version still held). */
  rssMiB: { before: number; peak: number; after: number };
}

/**
 * Loads `version` the way the API does (FAISS on a worker thread unless the retrieval mode needs
 * no vectors, in which case index.faiss waits for a first vector search) and measures it. The
 * loaded version is closed afterwards.
 */
export async function measureVersionLoad(store: ObjectStore, version: string, retrieval: RetrievalSetting): Promise<LoadMeasurement> {
  const repository = createIndexRepository(store, {
    loadVectors: (bytes) => ThreadedIndex.load(bytes),
    deferVectors: (manifest) => resolveRetrievalMode(retrieval, manifest.embedder.id) === 'bm25',
  });
  const prepare = createServingIndexPreparer({ retrieval: { mode: retrieval } });
  const mib = () => round(process.memoryUsage().rss / 2 ** 20, 1);
  const before = mib();
  let peak = before;
  let maxBlock = 0;
  let last = performance.now();
  const probe = setInterval(() => {
    const now = performance.now();
    maxBlock = Math.max(maxBlock, now - last - 1);
    last = now;
    peak = Math.max(peak, mib());
  }, 1);
  const started = performance.now();
  const loaded = await repository.load(version);
  const repositoryLoadMs = performance.now() - started;
  const serving = await prepare(loaded);
  await serving.retriever.retrieve('mortgage down payment', 1);
  const loadMs = performance.now() - started;
  clearInterval(probe);
  peak = Math.max(peak, mib());
  const after = mib();
  loaded.index.close();
  return { repositoryLoadMs: round(repositoryLoadMs, 1), loadMs: round(loadMs, 1), maxEventLoopBlockMs: round(maxBlock, 1), rssMiB: { before, peak, after } };
}
