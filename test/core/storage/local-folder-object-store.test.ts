import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalFolderObjectStore } from '../../../core/storage/local-folder-object-store.ts';
import { ioThreadPoolBuffers } from '../../../core/storage/io-thread.ts';
import { documentTableCheck, encodeDocumentTable } from '../../../core/indexing/document-table-bytes.ts';
import { AppError } from '../../../shared/errors/app-error.ts';

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (data: Uint8Array | null) => (data === null ? null : new TextDecoder().decode(data));

describe('LocalFolderObjectStore', () => {
  let root: string;
  let store: LocalFolderObjectStore;

  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'apfa-object-store-'));
    store = new LocalFolderObjectStore(root);
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('puts, gets, overwrites and deletes objects in sub-folders', async () => {
    expect(store.kind).toBe('local-folder');
    await store.put('indexes/v1/manifest.json', bytes('one'));
    expect(text(await store.get('indexes/v1/manifest.json'))).toBe('one');
    expect(await readdir(path.join(root, 'indexes', 'v1'))).toEqual(['manifest.json']);
    await store.put('indexes/v1/manifest.json', bytes('two'));
    expect(text(await store.get('indexes/v1/manifest.json'))).toBe('two');
    expect(await store.exists('indexes/v1/manifest.json')).toBe(true);
    await store.delete('indexes/v1/manifest.json');
    expect(await store.exists('indexes/v1/manifest.json')).toBe(false);
    await store.delete('indexes/v1/manifest.json');
  });

  it('returns null / false for missing keys and for folders', async () => {
    await store.put('a/b', bytes('x'));
    expect(await store.get('missing')).toBeNull();
    expect(await store.get('a')).toBeNull();
    expect(await store.get('a/b/c')).toBeNull();
    expect(await store.exists('a')).toBe(false);
  });

  it('lists keys by prefix, sorted, without staging files', async () => {
    for (const key of ['indexes/latest', 'indexes/v2/index.faiss', 'indexes/v1/index.faiss', 'other/x', 'indexesque']) {
      await store.put(key, bytes(key));
    }
    expect(await store.list('indexes/')).toEqual(['indexes/latest', 'indexes/v1/index.faiss', 'indexes/v2/index.faiss']);
    expect(await store.list('indexes')).toEqual(['indexes/latest', 'indexes/v1/index.faiss', 'indexes/v2/index.faiss', 'indexesque']);
    expect(await store.list('indexes/v1/ind')).toEqual(['indexes/v1/index.faiss']);
    expect(await store.list('nothing/')).toEqual([]);
    expect((await store.list('')).length).toBe(5);
    expect(await readdir(path.join(root, '.staging'))).toEqual([]);
  });

  it.each(['../escape', 'a/../../b', '/etc/passwd', 'a//b', './a', 'a\\b', '', '.staging/x'])('rejects key %j', async (key) => {
    await expect(store.put(key, bytes('x'))).rejects.toBeInstanceOf(AppError);
    await expect(store.get(key)).rejects.toMatchObject({ code: 'validation-failed' });
  });

  it('stores binary data byte for byte', async () => {
    const data = Uint8Array.from({ length: 1024 }, (_, i) => (i * 37) % 256);
    await store.put('blob.bin', data);
    expect(await store.get('blob.bin')).toEqual(data);
  });

  it('reads an object of many megabytes whole, into a view over a buffer of its own', async () => {
    // Larger than fs.readFile's 512 KB reads, and not a multiple of them.
    const data = Uint8Array.from({ length: 5 * 2 ** 20 + 3 }, (_, i) => (i * 131 + (i >> 11)) & 0xff);
    await store.put('indexes/v1/documents.bin', data);
    const read = await store.get('indexes/v1/documents.bin');
    expect(read).not.toBeNull();
    expect(Buffer.compare(read!, data)).toBe(0);
    // The index repository transfers such a view to its hashing thread: it must cover its whole ArrayBuffer.
    expect(read!.byteOffset).toBe(0);
    expect(read!.buffer.byteLength).toBe(data.length);
  });

  it('reads empty and small objects into buffers of their own size, not a shared pool', async () => {
    await store.put('empty', new Uint8Array(0));
    await store.put('small-a', bytes('alpha'));
    await store.put('small-b', bytes('beta'));
    expect((await store.get('empty'))?.length).toBe(0);
    const [a, b] = await Promise.all([store.get('small-a'), store.get('small-b')]);
    expect(text(a)).toBe('alpha');
    expect(text(b)).toBe('beta');
    expect(a!.buffer.byteLength).toBe(5);
    expect(b!.buffer).not.toBe(a!.buffer);
  });

  it('reads an object with its sha256 computed where it is read, and says null for missing keys and folders', async () => {
    const large = Uint8Array.from({ length: 6 * 2 ** 20 + 1 }, (_, i) => (i * 7 + (i >> 13)) & 0xff);
    await store.put('indexes/v1/bm25.bin', large);
    await store.put('empty', new Uint8Array(0));
    const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');
    const [hashed, empty] = await Promise.all([store.getHashed('indexes/v1/bm25.bin'), store.getHashed('empty')]);
    expect(hashed!.sha256).toBe(sha256(large));
    expect(Buffer.compare(hashed!.bytes, large)).toBe(0);
    expect(hashed!.bytes.buffer.byteLength).toBe(large.length);
    expect(empty).toEqual({ bytes: new Uint8Array(0), sha256: sha256(new Uint8Array(0)), checked: false });
    expect(await store.getHashed('indexes/v1/missing.bin')).toBeNull();
    expect(await store.getHashed('indexes')).toBeNull();
    expect(await store.getHashed('indexes/v1/bm25.bin/below')).toBeNull();
    await expect(store.getHashed('../escape')).rejects.toMatchObject({ code: 'validation-failed' });
  });

  it('runs a structure check where it reads an object, only when the object is the one expected', async () => {
    const table = encodeDocumentTable([{ id: 'a', title: 'A', text: 'alpha' }, { id: 'b', title: 'B', text: 'beta' }]);
    const broken = table.slice();
    // The first field's end offset past the next one's: the offsets go backwards, the sizes still add up.
    new DataView(broken.buffer).setUint32(20, 200, true);
    await store.put('good.bin', table);
    await store.put('broken.bin', broken);
    const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');
    const good = await store.getHashed('good.bin', { check: documentTableCheck('good.bin', sha256(table)) });
    expect(good).toMatchObject({ sha256: sha256(table), checked: true });
    await expect(store.getHashed('broken.bin', { check: documentTableCheck('broken.bin', sha256(broken)) })).rejects.toMatchObject({
      code: 'index-corrupt',
      detail: 'broken.bin is not a valid documents table: offset 2 goes backwards',
    });
    // Another object than the one expected is not checked: the caller refuses it by its checksum.
    expect(await store.getHashed('broken.bin', { check: documentTableCheck('broken.bin', sha256(table)) })).toMatchObject({ sha256: sha256(broken), checked: false });
  });

  it('reads pooled objects into shared buffers it reuses once released, never while held; a refused read frees its buffer', async () => {
    const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');
    const pattern = (length: number, seed: number) => Uint8Array.from({ length }, (_, i) => (i * seed + (i >> 9)) & 0xff);
    const a = pattern(3 * 2 ** 20, 31);
    // A little longer than `a`: a buffer made for `a` has room for it (a quarter of headroom).
    const b = pattern(3 * 2 ** 20 + 4_096, 17);
    const large = pattern(5 * 2 ** 20, 7);
    await store.put('a.bin', a);
    await store.put('b.bin', b);
    await store.put('large.bin', large);

    const before = ioThreadPoolBuffers();
    const first = await store.getHashed('a.bin', { pooled: true });
    expect(first!.bytes.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(first!.bytes.byteOffset).toBe(0);
    expect(first!.sha256).toBe(sha256(a));
    expect(Buffer.compare(first!.bytes, a)).toBe(0);
    // `a`'s buffer was made with a spare of its size beside it.
    const made = ioThreadPoolBuffers();
    expect(made).toBe(before + 2);
    // `a` is still held: `b` goes into the spare, and nothing new is made.
    const second = await store.getHashed('b.bin', { pooled: true });
    expect(second!.bytes.buffer).not.toBe(first!.bytes.buffer);
    expect(ioThreadPoolBuffers()).toBe(made);
    expect(Buffer.compare(first!.bytes, a)).toBe(0);

    first!.release!();
    first!.release!();
    const reused = await store.getHashed('b.bin', { pooled: true });
    expect(reused!.bytes.buffer).toBe(first!.bytes.buffer);
    expect(reused!.sha256).toBe(sha256(b));
    expect(Buffer.compare(reused!.bytes, b)).toBe(0);
    expect(ioThreadPoolBuffers()).toBe(made);

    // Larger than every free buffer: a new one, and its spare.
    second!.release!();
    const bigger = await store.getHashed('large.bin', { pooled: true });
    expect([first!.bytes.buffer, second!.bytes.buffer]).not.toContain(bigger!.bytes.buffer);
    expect(Buffer.compare(bigger!.bytes, large)).toBe(0);
    expect(ioThreadPoolBuffers()).toBe(made + 2);

    // A read refused by its structure check gives its buffer back at once.
    const broken = encodeDocumentTable([{ id: 'a', title: 'A', text: 'x'.repeat(3 * 2 ** 20) }]);
    new DataView(broken.buffer).setUint32(20, 2 ** 30, true);
    await store.put('broken.bin', broken);
    await expect(store.getHashed('broken.bin', { pooled: true, check: documentTableCheck('broken.bin', sha256(broken)) })).rejects.toMatchObject({ code: 'index-corrupt' });
    const afterRefusal = await store.getHashed('a.bin', { pooled: true });
    expect(afterRefusal!.bytes.buffer).toBe(second!.bytes.buffer);
    expect(ioThreadPoolBuffers()).toBe(made + 2);

    // Missing objects take no buffer; reads not asked to pool are unchanged.
    expect(await store.getHashed('missing.bin', { pooled: true })).toBeNull();
    const plainRead = await store.getHashed('a.bin');
    expect(plainRead!.bytes.buffer).toBeInstanceOf(ArrayBuffer);
    expect(plainRead!.release).toBeUndefined();
    for (const read of [reused, bigger, afterRefusal]) read!.release!();
  });
});
