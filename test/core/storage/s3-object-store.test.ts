import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inspect } from 'node:util';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ObjectStore } from '../../../core/ports/object-store.ts';
import { LocalFolderObjectStore } from '../../../core/storage/local-folder-object-store.ts';
import { S3ObjectStore } from '../../../core/storage/s3-object-store.ts';
import { AppError } from '../../../shared/errors/app-error.ts';
import { startS3rver, type RunningS3rver } from './s3rver-server.ts';

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (data: Uint8Array | null) => (data === null ? null : new TextDecoder().decode(data));
const freshBucket = () => `apfa-test-${randomUUID().slice(0, 8)}`;

/** A TCP port nothing listens on (bound, read, released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

let s3: RunningS3rver;
beforeAll(async () => {
  s3 = await startS3rver();
});
afterAll(async () => {
  await s3.stop();
});

/** The behaviour both adapters must share, run against each. */
describe.each([
  ['S3ObjectStore on s3rver', async () => ({ store: new S3ObjectStore(s3.config(freshBucket())) as ObjectStore, cleanup: async () => {} })],
  [
    'LocalFolderObjectStore',
    async () => {
      const root = await mkdtemp(path.join(tmpdir(), 'apfa-object-store-'));
      return { store: new LocalFolderObjectStore(root) as ObjectStore, cleanup: () => rm(root, { recursive: true, force: true }) };
    },
  ],
])('ObjectStore contract: %s', (_name, open) => {
  let store: ObjectStore;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ store, cleanup } = await open());
  });
  afterEach(async () => {
    await cleanup();
  });

  it('puts, gets, overwrites and deletes objects under nested keys', async () => {
    await store.put('indexes/v1/manifest.json', bytes('one'), { contentType: 'application/json' });
    expect(text(await store.get('indexes/v1/manifest.json'))).toBe('one');
    await store.put('indexes/v1/manifest.json', bytes('two'));
    expect(text(await store.get('indexes/v1/manifest.json'))).toBe('two');
    expect(await store.exists('indexes/v1/manifest.json')).toBe(true);
    await store.delete('indexes/v1/manifest.json');
    expect(await store.exists('indexes/v1/manifest.json')).toBe(false);
    expect(await store.get('indexes/v1/manifest.json')).toBeNull();
    await store.delete('indexes/v1/manifest.json');
  });

  it('stores empty and binary objects byte for byte', async () => {
    const binary = new Uint8Array(256).map((_, index) => index);
    await store.put('blobs/binary', binary);
    await store.put('blobs/empty', new Uint8Array(0));
    expect(await store.get('blobs/binary')).toEqual(binary);
    expect((await store.get('blobs/empty'))?.byteLength).toBe(0);
  });

  it('returns null / false for missing keys and for "folders"', async () => {
    await store.put('a/b', bytes('x'));
    expect(await store.get('missing')).toBeNull();
    expect(await store.get('a')).toBeNull();
    expect(await store.get('a/b/c')).toBeNull();
    expect(await store.exists('a')).toBe(false);
    expect(await store.exists('missing')).toBe(false);
  });

  it('lists keys by plain prefix, sorted', async () => {
    for (const key of ['indexes/latest', 'indexes/v2/index.faiss', 'indexes/v1/index.faiss', 'other/x', 'indexesque', 'batches/run-1/2', 'batches/run-1/10']) {
      await store.put(key, bytes(key));
    }
    expect(await store.list('indexes/')).toEqual(['indexes/latest', 'indexes/v1/index.faiss', 'indexes/v2/index.faiss']);
    expect(await store.list('indexes')).toEqual(['indexes/latest', 'indexes/v1/index.faiss', 'indexes/v2/index.faiss', 'indexesque']);
    expect(await store.list('indexes/v1/ind')).toEqual(['indexes/v1/index.faiss']);
    expect(await store.list('batches/run-1/')).toEqual(['batches/run-1/10', 'batches/run-1/2']);
    expect(await store.list('nothing/')).toEqual([]);
    expect((await store.list('')).length).toBe(7);
  });

  it.each(['../escape', 'a/../../b', '/etc/passwd', 'a//b', './a', 'a/', 'a\\b', '', 'nul\0byte', '.staging/x'])('rejects key %j', async (key) => {
    await expect(store.put(key, bytes('x'))).rejects.toBeInstanceOf(AppError);
    await expect(store.get(key)).rejects.toMatchObject({ code: 'validation-failed' });
    await expect(store.exists(key)).rejects.toMatchObject({ code: 'validation-failed' });
    await expect(store.delete(key)).rejects.toMatchObject({ code: 'validation-failed' });
  });

  it.each(['/abs', 'a\\b', 'x\0'])('rejects list prefix %j', async (prefix) => {
    await expect(store.list(prefix)).rejects.toMatchObject({ code: 'validation-failed' });
  });
});

describe('S3ObjectStore', () => {
  it('stores a 70 MiB object in one PUT (s3rver cannot do multipart) and reads it back intact', async () => {
    const store = new S3ObjectStore(s3.config(freshBucket()));
    const large = randomBytes(70 * 1024 * 1024);
    await store.put('indexes/big/index.faiss', large);
    const back = await store.get('indexes/big/index.faiss');
    expect(back?.byteLength).toBe(large.byteLength);
    expect(Buffer.from(back ?? new Uint8Array()).equals(large)).toBe(true);
  });

  it('names itself by bucket and never exposes the secret', async () => {
    const secretKey = `secret-${randomUUID()}`;
    const store = new S3ObjectStore(s3.config(freshBucket(), { secretKey }));
    await store.put('k', bytes('v'));
    expect(store.kind).toBe('s3');
    expect(store.name).toMatch(/^s3:\/\/apfa-test-/);
    expect(JSON.stringify(store)).not.toContain(secretKey);
    expect(inspect(store, { depth: 10, showHidden: true })).not.toContain(secretKey);
  });

  it('creates a missing bucket only when allowed', async () => {
    const bucket = freshBucket();
    const strict = new S3ObjectStore(s3.config(bucket, { createBucket: false }));
    await expect(strict.get('k')).rejects.toMatchObject({ code: 'upstream-unavailable', detail: expect.stringContaining('does not exist') });
    const creating = new S3ObjectStore(s3.config(bucket, { createBucket: true }));
    await creating.ensureBucket();
    await creating.put('k', bytes('v'));
    expect(text(await strict.get('k'))).toBe('v');
  });

  it('refuses invalid settings with validation-failed', () => {
    expect(() => new S3ObjectStore(s3.config('Bad_Bucket'))).toThrow(AppError);
    expect(() => new S3ObjectStore(s3.config('apfa-ok', { endpoint: 'ftp://127.0.0.1:21' }))).toThrow(/endpoint/);
    expect(() => new S3ObjectStore(s3.config('apfa-ok', { partSize: 1024 }))).toThrow(/partSize/);
  });

  it('reports an unreachable endpoint as upstream-unavailable without the secret', async () => {
    const port = await closedPort();
    const secretKey = `secret-${randomUUID()}`;
    const store = new S3ObjectStore({ endpoint: `http://127.0.0.1:${port}`, bucket: 'apfa-down', accessKey: 'a', secretKey });
    for (const attempt of [() => store.get('k'), () => store.put('k', bytes('v')), () => store.list(''), () => store.exists('k'), () => store.delete('k')]) {
      const error = await attempt().then(
        () => null,
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(AppError);
      expect(error).toMatchObject({ code: 'upstream-unavailable', status: 503 });
      expect((error as AppError).detail).toContain('ECONNREFUSED');
      expect(JSON.stringify(error)).not.toContain(secretKey);
      expect((error as AppError).message).not.toContain(secretKey);
    }
  });

  it('turns an outage mid-life into upstream-unavailable, and works again once S3 is back', async () => {
    const own = await startS3rver();
    const store = new S3ObjectStore(own.config(freshBucket()));
    await store.put('indexes/latest', bytes('v1'));
    await own.stop();
    await expect(store.get('indexes/latest')).rejects.toMatchObject({ code: 'upstream-unavailable' });
    await expect(store.put('indexes/latest', bytes('v2'))).rejects.toMatchObject({ code: 'upstream-unavailable' });
    await expect(store.list('indexes/')).rejects.toMatchObject({ code: 'upstream-unavailable' });
  });

  it('gives up on a black-holed endpoint after timeoutMs with upstream-timeout', async () => {
    // A server that accepts connections and never answers.
    const sockets: import('node:net').Socket[] = [];
    const silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    try {
      const store = new S3ObjectStore({ endpoint: `http://127.0.0.1:${port}`, bucket: 'apfa-hang', accessKey: 'a', secretKey: 'b', timeoutMs: 300 });
      await expect(store.get('k')).rejects.toMatchObject({ code: 'upstream-timeout' });
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});
