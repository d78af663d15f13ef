import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LexicalEmbedder } from '../../../core/embedding/lexical-embedder.ts';
import { buildIndexVersion } from '../../../core/indexing/build-index.ts';
import { createIndexRepository } from '../../../core/indexing/index-repository.ts';
import type { IndexRepository } from '../../../core/indexing/index-repository.ts';
import { IndexManifestSchema } from '../../../core/indexing/index-manifest.ts';
import { fitLexicalEmbedder, lexicalEmbedderFromManifest } from '../../../core/embedding/lexical-embedder-state.ts';
import { searchDocuments } from '../../../core/indexing/loaded-index.ts';
import { LocalFolderObjectStore } from '../../../core/storage/local-folder-object-store.ts';
import { LOAN_DOCUMENTS } from './loan-documents.ts';

const fixedNow = () => new Date('2024-05-01T12:00:00.000Z');

describe('index build, storage and search', () => {
  let root: string;
  let repository: IndexRepository;

  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'apfa-indexes-'));
    repository = createIndexRepository(new LocalFolderObjectStore(root));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('builds, saves, loads the latest version and finds the FHA document first', async () => {
    expect(await repository.loadLatest()).toBeNull();
    const embedder = fitLexicalEmbedder(LOAN_DOCUMENTS);
    const progress: number[] = [];
    const built = await buildIndexVersion({
      documents: LOAN_DOCUMENTS,
      embedder,
      sourceName: 'test-fixture',
      batchSize: 6,
      now: fixedNow,
      onProgress: (embedded) => progress.push(embedded),
    });
    expect(progress).toEqual([6, 12, 18, 20]);
    expect(IndexManifestSchema.parse(built.manifest)).toEqual(built.manifest);
    expect(built.manifest).toMatchObject({
      count: 20,
      dimension: 384,
      embedder: { id: 'lexical-hash-v1', modelHash: embedder.modelHash },
      index: { kind: 'Flat', params: {} },
      created: '2024-05-01T12:00:00.000Z',
      source: { name: 'test-fixture', documents: 20 },
    });
    expect(built.manifest.version).toMatch(/^[0-9a-f]{16}$/);

    await repository.save(built);
    expect(await repository.latestVersion()).toBe(built.manifest.version);
    expect(await repository.listVersions()).toEqual([built.manifest.version]);

    const loaded = await repository.loadLatest();
    expect(loaded).not.toBeNull();
    // The embedder state comes back from embedder.bin as a table searched in place; serialised it is the built state.
    expect(JSON.parse(JSON.stringify(loaded!.manifest))).toEqual(built.manifest);
    expect(loaded!.documents.map((document) => document.id)).toEqual(LOAN_DOCUMENTS.map((document) => document.id));
    expect(loaded!.documents[0]!.url).toBe('https://www.hud.gov/buying/loans');

    const queryEmbedder = lexicalEmbedderFromManifest(loaded!.manifest);
    const hits = await searchDocuments(loaded!, queryEmbedder, 'How much is the FHA down payment?', 3);
    expect(hits).toHaveLength(3);
    expect(hits[0]!.document.id).toBe('fha-basics');
    expect(hits[0]!.label).toBe(0);
    const refinance = await searchDocuments(loaded!, queryEmbedder, 'cash-out refinance limit', 1);
    expect(refinance[0]!.document.id).toBe('cash-out');
  });

  it('gives the same version for the same input and a new one when a document changes', async () => {
    const embedder = fitLexicalEmbedder(LOAN_DOCUMENTS);
    const first = await buildIndexVersion({ documents: LOAN_DOCUMENTS, embedder, sourceName: 'a', now: fixedNow });
    const again = await buildIndexVersion({ documents: LOAN_DOCUMENTS, embedder, sourceName: 'a' });
    expect(again.manifest.version).toBe(first.manifest.version);
    const changedDocuments = LOAN_DOCUMENTS.map((document, i) => (i === 3 ? { ...document, url: 'https://example.org' } : document));
    const changed = await buildIndexVersion({ documents: changedDocuments, embedder, sourceName: 'a' });
    expect(changed.manifest.version).not.toBe(first.manifest.version);

    await repository.save(first);
    await repository.save(changed);
    expect(await repository.latestVersion()).toBe(changed.manifest.version);
    expect(new Set(await repository.listVersions())).toEqual(new Set([first.manifest.version, changed.manifest.version]));
    await repository.setLatest(first.manifest.version);
    expect((await repository.loadLatest())!.manifest.version).toBe(first.manifest.version);
  });

  it('refuses a tampered index file or documents table on load (first, JSON layout)', async () => {
    const built = await buildIndexVersion({ documents: LOAN_DOCUMENTS, embedder: fitLexicalEmbedder(LOAN_DOCUMENTS), sourceName: 'a', layout: 'json' });
    await repository.save(built);
    const indexFile = path.join(root, 'indexes', built.manifest.version, 'index.faiss');
    const original = await readFile(indexFile);
    const tampered = Buffer.from(original);
    tampered[tampered.length - 1]! ^= 0x01;
    await writeFile(indexFile, tampered);
    await expect(repository.loadLatest()).rejects.toMatchObject({ code: 'index-corrupt', detail: expect.stringMatching(/index\.faiss.*checksum/) });

    await writeFile(indexFile, original);
    await expect(repository.load(built.manifest.version)).resolves.toBeDefined();
    const documentsFile = path.join(root, 'indexes', built.manifest.version, 'documents.json');
    await writeFile(documentsFile, (await readFile(documentsFile, 'utf8')).replace('3.5%', '0%'));
    await expect(repository.load(built.manifest.version)).rejects.toMatchObject({ code: 'index-corrupt', detail: expect.stringMatching(/documents\.json.*checksum/) });
  });

  it('verifies every file the same way through a store that cannot hash where it reads (get, then hashed here)', async () => {
    const local = new LocalFolderObjectStore(root);
    // An S3-like store: no getHashed.
    const plain = { kind: 'plain', put: local.put.bind(local), get: local.get.bind(local), exists: local.exists.bind(local), list: local.list.bind(local), delete: local.delete.bind(local) };
    const viaGet = createIndexRepository(plain);
    const built = await buildIndexVersion({ documents: LOAN_DOCUMENTS, embedder: fitLexicalEmbedder(LOAN_DOCUMENTS), sourceName: 'a' });
    await viaGet.save(built);
    const [direct, loaded] = await Promise.all([repository.load(built.manifest.version), viaGet.load(built.manifest.version)]);
    expect(loaded.documents.map((document) => document.id)).toEqual(direct.documents.map((document) => document.id));
    const documentsFile = path.join(root, 'indexes', built.manifest.version, 'documents.bin');
    const tampered = Buffer.from(await readFile(documentsFile));
    tampered[tampered.length - 1]! ^= 0x01;
    await writeFile(documentsFile, tampered);
    for (const each of [viaGet, repository]) {
      await expect(each.load(built.manifest.version)).rejects.toMatchObject({ code: 'index-corrupt', detail: expect.stringMatching(/documents\.bin of [0-9a-f]{16} does not match its checksum/) });
    }
  });

  it('refuses a JSON documents table whose rows are not { id, title, text } even when its checksum matches', async () => {
    const built = await buildIndexVersion({ documents: LOAN_DOCUMENTS, embedder: fitLexicalEmbedder(LOAN_DOCUMENTS), sourceName: 'a', layout: 'json' });
    await repository.save(built);
    const folder = path.join(root, 'indexes', built.manifest.version);
    const rows = JSON.parse(await readFile(path.join(folder, 'documents.json'), 'utf8')) as Array<Record<string, unknown>>;
    rows[3] = { ...rows[3], text: 42 };
    const bytes = Buffer.from(JSON.stringify(rows));
    await writeFile(path.join(folder, 'documents.json'), bytes);
    // A writer that also rewrote the manifest's checksum: the row check still refuses it.
    const manifestFile = path.join(folder, 'manifest.json');
    const manifest = JSON.parse(await readFile(manifestFile, 'utf8')) as { checksums: { documents: string } };
    manifest.checksums.documents = createHash('sha256').update(bytes).digest('hex');
    await writeFile(manifestFile, JSON.stringify(manifest));
    await expect(repository.load(built.manifest.version)).rejects.toMatchObject({ code: 'index-corrupt', detail: expect.stringMatching(/row 3 is not/) });
  });

  it('refuses to search with a different embedder than the index was built with', async () => {
    const built = await buildIndexVersion({ documents: LOAN_DOCUMENTS, embedder: fitLexicalEmbedder(LOAN_DOCUMENTS), sourceName: 'a' });
    await repository.save(built);
    const loaded = (await repository.loadLatest())!;
    await expect(searchDocuments(loaded, new LexicalEmbedder(), 'FHA', 3)).rejects.toMatchObject({ code: 'index-mismatch' });
  });

  it('deletes a stored version that is not live, and refuses the live one', async () => {
    const embedder = fitLexicalEmbedder(LOAN_DOCUMENTS);
    const older = await buildIndexVersion({ documents: LOAN_DOCUMENTS.slice(0, 10), embedder, sourceName: 'test-fixture', now: fixedNow });
    const newer = await buildIndexVersion({ documents: LOAN_DOCUMENTS, embedder, sourceName: 'test-fixture', now: fixedNow });
    await repository.save(older);
    await repository.save(newer);
    await expect(repository.deleteVersion(newer.manifest.version)).rejects.toMatchObject({ code: 'live-index-version' });
    // index.faiss, documents.bin, bm25.bin, embedder.bin, manifest.json
    expect(await repository.deleteVersion(older.manifest.version)).toBe(5);
    expect(await repository.listVersions()).toEqual([newer.manifest.version]);
    await expect(repository.load(older.manifest.version)).rejects.toMatchObject({ code: 'not-found' });
    expect(await repository.deleteVersion(older.manifest.version)).toBe(0);
    await expect(repository.deleteVersion('not-a-version')).rejects.toMatchObject({ code: 'validation-failed' });
    (await repository.load(newer.manifest.version)).index.close();
  });

  it('reports unknown and malformed versions', async () => {
    await expect(repository.load('0123456789abcdef')).rejects.toMatchObject({ code: 'not-found' });
    await expect(repository.load('../../etc')).rejects.toMatchObject({ code: 'validation-failed' });
  });

  it('rejects duplicate document ids', async () => {
    const documents = [LOAN_DOCUMENTS[0]!, LOAN_DOCUMENTS[0]!];
    await expect(buildIndexVersion({ documents, embedder: new LexicalEmbedder(), sourceName: 'a' })).rejects.toMatchObject({ code: 'validation-failed' });
  });
});
