import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/errors/app-error.ts';
import { fetchModelFiles, modelFiles, PINNED_SHA256 } from '../../../scripts/models-fetch.ts';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** What the fake Hub serves: bytes, and optionally the sha256 it declares in X-Linked-Etag. */
const served: Record<string, { body: Buffer; linkedEtag?: string }> = {
  'good.bin': { body: Buffer.from('good bytes '.repeat(10_000)) },
  'onnx/lfs.onnx': { body: Buffer.from('lfs graph bytes'), linkedEtag: sha256(Buffer.from('lfs graph bytes')) },
  'tampered.bin': { body: Buffer.from('tampered bytes') },
  'lying.onnx': { body: Buffer.from('not what was declared'), linkedEtag: sha256(Buffer.from('declared bytes')) },
  'unverifiable.bin': { body: Buffer.from('no hash anywhere') },
};

describe('fetchModelFiles against a local HTTP server', () => {
  const requests: string[] = [];
  let baseUrl: string;
  let dir: string;
  const server = createServer((request, response) => {
    requests.push(`${request.method} ${request.url}`);
    const file = served[(request.url ?? '').replace(/^\/repo\//, '')];
    if (file === undefined) {
      response.writeHead(404).end();
      return;
    }
    // Like the Hub's resolve URL: LFS files answer HEAD with X-Linked-Etag on a redirect.
    if (request.method === 'HEAD' && file.linkedEtag !== undefined) {
      response.writeHead(302, { location: `/cdn${request.url}`, 'x-linked-etag': `"${file.linkedEtag}"` }).end();
      return;
    }
    response.writeHead(200, { 'content-length': file.body.length, etag: '"0123456789abcdef0123456789abcdef01234567"' });
    response.end(request.method === 'HEAD' ? undefined : file.body);
  });

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/repo`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(async () => {
    requests.length = 0;
    dir = await mkdtemp(join(tmpdir(), 'apfa-models-fetch-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('saves a file matching its pinned sha256, and one matching the declared LFS oid, flat in the directory', async () => {
    const good = served['good.bin']!.body;
    const fetched = await fetchModelFiles({ baseUrl, dir, files: [{ path: 'good.bin', sha256: sha256(good) }, { path: 'onnx/lfs.onnx' }] });
    expect(fetched.map(({ verifiedAgainst }) => verifiedAgainst)).toEqual(['pinned', 'declared']);
    expect(await readFile(join(dir, 'good.bin'))).toEqual(good);
    expect(await readFile(join(dir, 'lfs.onnx'))).toEqual(served['onnx/lfs.onnx']!.body);
    expect((await readdir(dir)).sort()).toEqual(['good.bin', 'lfs.onnx']);
  });

  it('does not download again a file already present with its pinned hash', async () => {
    const files = [{ path: 'good.bin', sha256: sha256(served['good.bin']!.body) }];
    await fetchModelFiles({ baseUrl, dir, files });
    requests.length = 0;
    const [again] = await fetchModelFiles({ baseUrl, dir, files });
    expect(again?.skipped).toBe(true);
    expect(requests).toEqual([]);
  });

  it('refuses and removes a file whose bytes do not match the pinned sha256, including a stale copy', async () => {
    await writeFile(join(dir, 'tampered.bin'), 'stale');
    const error = await fetchModelFiles({ baseUrl, dir, files: [{ path: 'tampered.bin', sha256: sha256(Buffer.from('the real bytes')) }] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).message).toContain('does not match');
    expect(await readdir(dir)).toEqual([]);
  });

  it('refuses and removes a file whose bytes do not match the sha256 the server declares', async () => {
    const error = await fetchModelFiles({ baseUrl, dir, files: [{ path: 'lying.onnx' }] }).catch((caught: unknown) => caught);
    expect((error as AppError).message).toContain('does not match');
    expect(await readdir(dir)).toEqual([]);
  });

  it('refuses a file with no hash to check, and one whose pinned and declared hashes differ, before downloading', async () => {
    await expect(fetchModelFiles({ baseUrl, dir, files: [{ path: 'unverifiable.bin' }] })).rejects.toThrow(/no pinned or declared sha256/);
    await expect(fetchModelFiles({ baseUrl, dir, files: [{ path: 'onnx/lfs.onnx', sha256: sha256(Buffer.from('other')) }] })).rejects.toThrow(/refusing/);
    expect(requests.filter((line) => line.startsWith('GET'))).toEqual([]);
    expect(await readdir(dir)).toEqual([]);
  });

  it('lists the pinned files of the real model for each variant', () => {
    expect(modelFiles('fp32').map(({ path }) => path)).toContain('onnx/model.onnx');
    expect(modelFiles('fp32').find(({ path }) => path === 'onnx/model.onnx')?.sha256).toBe(PINNED_SHA256['onnx/model.onnx']);
    const int8 = modelFiles('int8').find(({ path }) => path.endsWith('.onnx'));
    expect(int8).toEqual({ path: 'onnx/model_qint8_avx512.onnx' });
  });
});
