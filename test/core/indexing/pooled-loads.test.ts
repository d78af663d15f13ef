import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLiveIndex } from '../../../core/advice/live-index.ts';
import { fitLexicalEmbedder } from '../../../core/embedding/lexical-embedder-state.ts';
import { buildIndexVersion } from '../../../core/indexing/build-index.ts';
import { createIndexRepository } from '../../../core/indexing/index-repository.ts';
import { findDocumentsById } from '../../../core/indexing/document-table-bytes.ts';
import { createServingIndexPreparer } from '../../../core/serving/prepare-serving-index.ts';
import { ioThreadPoolBuffers } from '../../../core/storage/io-thread.ts';
import { LocalFolderObjectStore } from '../../../core/storage/local-folder-object-store.ts';
import { LOAN_DOCUMENTS } from './loan-documents.ts';

/**
 * A serving instance's loads (`pooledFiles`): the documents table and BM25 postings are read into
 * the I/O thread's reusable buffers, handed back when the version closes, so the next load reuses
 * them; nothing of a closed version can be read silently from a reused buffer.
 */
describe('pooled version loads', () => {
  let root: string;
  let version: string;
  const store = () => new LocalFolderObjectStore(root);
  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'apfa-pooled-loads-'));
    const built = await buildIndexVersion({ documents: LOAN_DOCUMENTS, embedder: fitLexicalEmbedder(LOAN_DOCUMENTS), sourceName: 'test' });
    built.index.close();
    await createIndexRepository(store()).save(built);
    version = built.manifest.version;
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('reuses a closed version’s buffers for the next load, answers as an unpooled load does, and refuses reads of the closed one', async () => {
    const pooled = createIndexRepository(store(), { pooledFiles: true, deferVectors: () => true });
    const prepare = createServingIndexPreparer({ retrieval: { mode: 'bm25' } });
    const reference = await prepare(await createIndexRepository(store(), { deferVectors: () => true }).load(version));
    const expected = await reference.retriever.retrieve('FHA down payment credit score', 5);

    const first = await pooled.load(version);
    const buffers = ioThreadPoolBuffers();
    const serving = await prepare(first);
    expect(await serving.retriever.retrieve('FHA down payment credit score', 5)).toEqual(expected);
    expect(first.documents.map(({ id }) => id)).toEqual(LOAN_DOCUMENTS.map(({ id }) => id));

    first.index.close();
    first.index.close();
    expect(() => first.documents[0]!.text).toThrow(expect.objectContaining({ code: 'internal' }));
    expect(() => first.documents[1]!.url).toThrow(expect.objectContaining({ code: 'internal' }));
    expect(() => findDocumentsById(first.documents, new Set(['fha-basics']))).toThrow(expect.objectContaining({ code: 'internal' }));

    // The same two files again: into the buffers the closed version gave back.
    const second = await pooled.load(version);
    expect(ioThreadPoolBuffers()).toBe(buffers);
    expect(await (await prepare(second)).retriever.retrieve('FHA down payment credit score', 5)).toEqual(expected);
    expect(second.documents[0]).toMatchObject({ id: LOAN_DOCUMENTS[0]!.id, title: LOAN_DOCUMENTS[0]!.title, text: LOAN_DOCUMENTS[0]!.text });

    // While `second` is open its buffers are not reused: a third load takes two more.
    const third = await pooled.load(version);
    expect(ioThreadPoolBuffers()).toBe(buffers + 2);
    expect(second.documents[3]!.text).toBe(LOAN_DOCUMENTS[3]!.text);
    second.index.close();
    third.index.close();
  });

  it('gives a failed load’s buffers back: a tampered bm25.bin is refused naming it, and the next load reuses them', async () => {
    const pooled = createIndexRepository(store(), { pooledFiles: true, deferVectors: () => true });
    (await pooled.load(version)).index.close();
    const buffers = ioThreadPoolBuffers();
    const file = path.join(root, 'indexes', version, 'bm25.bin');
    const original = await readFile(file);
    const tampered = Buffer.from(original);
    tampered[tampered.length - 1] = tampered[tampered.length - 1]! ^ 0xff;
    await writeFile(file, tampered);
    await expect(pooled.load(version)).rejects.toMatchObject({ code: 'index-corrupt', detail: `bm25.bin of ${version} does not match its checksum` });
    await writeFile(file, original);
    const loaded = await pooled.load(version);
    expect(ioThreadPoolBuffers()).toBe(buffers);
    expect(loaded.documents[2]!.id).toBe(LOAN_DOCUMENTS[2]!.id);
    loaded.index.close();
  });

  it('keeps a swapped-out version readable while a request holds it, and hands its buffers back when that request ends', async () => {
    const pooled = createIndexRepository(store(), { pooledFiles: true, deferVectors: () => true });
    const prepare = createServingIndexPreparer({ retrieval: { mode: 'bm25' } });
    const live = createLiveIndex(await prepare(await pooled.load(version)));
    const lease = live.acquire()!;
    live.swap(await prepare(await pooled.load(version)));
    const buffers = ioThreadPoolBuffers();
    // Retired but leased: still the same text.
    expect(lease.serving.loaded.documents[4]!.text).toBe(LOAN_DOCUMENTS[4]!.text);
    lease.release();
    expect(() => lease.serving.loaded.documents[4]!.text).toThrow(expect.objectContaining({ code: 'internal' }));
    // Its buffers serve the next version.
    live.swap(await prepare(await pooled.load(version)));
    expect(ioThreadPoolBuffers()).toBe(buffers);
    expect(live.current()!.loaded.documents[4]!.text).toBe(LOAN_DOCUMENTS[4]!.text);
    live.close();
  });
});
