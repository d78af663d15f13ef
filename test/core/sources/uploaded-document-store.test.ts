import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { combineDocumentSources } from '../../../core/sources/combined-document-source.ts';
import { createDocumentSource } from '../../../core/sources/create-document-source.ts';
import { createUploadedDocumentStore } from '../../../core/sources/uploaded-document-store.ts';
import { LocalFolderObjectStore } from '../../../core/storage/local-folder-object-store.ts';

const FIXED = 'A fixed-rate mortgage keeps the same interest rate for the whole term.';
const CORRECTED = 'A fixed-rate mortgage keeps one interest rate for the entire loan term.';
const POINTS = 'Discount points lower the interest rate in exchange for a fee paid at closing.';

describe('uploaded documents', () => {
  let folder: string;
  let store: LocalFolderObjectStore;
  beforeEach(async () => {
    folder = await mkdtemp(path.join(tmpdir(), 'apfa-uploads-'));
    store = new LocalFolderObjectStore(path.join(folder, 'objects'));
  });
  afterEach(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('validates, stores, replaces and deletes single documents (ids with / and :)', async () => {
    const uploads = createUploadedDocumentStore(store);
    await uploads.put({ id: 'faq/rates:1', title: 'Fixed', text: FIXED, extra: 'dropped' });
    expect(await store.list('documents/uploaded/')).toEqual(['documents/uploaded/faq%2Frates%3A1.json']);
    expect(await uploads.get('faq/rates:1')).toEqual({ id: 'faq/rates:1', title: 'Fixed', text: FIXED });
    await uploads.put({ id: 'faq/rates:1', title: 'Fixed', text: CORRECTED });
    expect((await uploads.get('faq/rates:1'))?.text).toBe(CORRECTED);
    expect(await uploads.delete('faq/rates:1')).toBe(true);
    expect(await uploads.delete('faq/rates:1')).toBe(false);
    expect(await uploads.get('faq/rates:1')).toBeNull();
  });

  it('refuses an invalid document with the field errors, storing nothing', async () => {
    const uploads = createUploadedDocumentStore(store);
    const error = await uploads.put({ id: 'bad id', title: '', text: 'short' }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'validation-failed' });
    const paths = (error as { extensions: { errors: Array<{ path: string }> } }).extensions.errors.map((entry) => entry.path);
    expect(paths).toEqual(expect.arrayContaining(['id', 'title', 'text']));
    expect(await store.list('')).toEqual([]);
  });

  it('combines with the configured source: uploads add and override documents, snapshot follows both', async () => {
    await writeFile(path.join(folder, 'docs.csv'), `id,title,text\nfixed,Fixed,${FIXED}\nshort,Short,tiny\n`);
    const uploads = createUploadedDocumentStore(store);
    const combined = combineDocumentSources([createDocumentSource({ kind: 'csv', path: path.join(folder, 'docs.csv'), name: 'corpus' }), uploads.source()], 'corpus+uploads');
    const before = await combined.read();
    expect(before.documents.map((document) => document.id)).toEqual(['fixed']);
    expect(before.rejected).toEqual([{ row: 3, reason: expect.stringMatching(/^corpus: text/) }]);

    await uploads.put({ id: 'fixed', title: 'Fixed (corrected)', text: CORRECTED });
    await uploads.put({ id: 'points', title: 'Points', text: POINTS });
    const after = await combined.read();
    expect(after.name).toBe('corpus+uploads');
    expect(after.documents.map((document) => [document.id, document.title])).toEqual([['fixed', 'Fixed (corrected)'], ['points', 'Points']]);
    expect(after.snapshot).not.toBe(before.snapshot);
    expect((await combined.read()).snapshot).toBe(after.snapshot);
  });
});
