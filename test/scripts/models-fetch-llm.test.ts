import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../shared/errors/app-error.ts';
import { DEFAULT_INSTRUCT_MODEL, INSTRUCT_MODELS, instructModelBaseUrl, type InstructModel } from '../../scripts/instruct-models.ts';
import { fetchModelFiles, parseModelsFetchArguments, runModelsFetch } from '../../scripts/models-fetch.ts';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** A stand-in GGUF: random bytes, served like a Hub LFS file. */
const GGUF = randomBytes(300_000);
const TEST_MODEL: InstructModel = {
  repository: 'test-org/Tiny-Instruct-GGUF',
  file: 'tiny-instruct-q8_0.gguf',
  revision: '0123456789abcdef0123456789abcdef01234567',
  size: GGUF.length,
  sha256: sha256(GGUF),
  description: 'a stand-in',
};

interface Served {
  body: Buffer;
  /** The LFS sha256 the Hub declares on HEAD (X-Linked-Etag). */
  linkedEtag?: string;
  /** Send no Content-Length (chunked), so only the streamed byte count can catch a wrong size. */
  chunked?: boolean;
  /** Content-Length to announce instead of the body's. */
  announce?: number;
}

describe('models:fetch --llm against a local Hub-like HTTP server', () => {
  const served = new Map<string, Served>();
  const requests: string[] = [];
  let endpoint: string;
  let dir: string;
  const server = createServer((request, response: ServerResponse) => {
    requests.push(`${request.method} ${request.url}`);
    const file = served.get(request.url ?? '');
    if (file === undefined) {
      response.writeHead(404).end();
      return;
    }
    if (request.method === 'HEAD' && file.linkedEtag !== undefined) {
      response.writeHead(302, { location: `/cdn${request.url}`, 'x-linked-etag': `"${file.linkedEtag}"`, 'x-linked-size': String(file.body.length) }).end();
      return;
    }
    if (request.method === 'HEAD') {
      response.writeHead(200).end();
      return;
    }
    if (file.chunked) {
      response.writeHead(200, { 'content-type': 'application/octet-stream' });
      response.write(file.body.subarray(0, 1000));
      response.end(file.body.subarray(1000));
      return;
    }
    response.writeHead(200, { 'content-length': String(file.announce ?? file.body.length) });
    if (file.announce !== undefined && file.announce !== file.body.length) {
      response.flushHeaders();
      response.destroy();
      return;
    }
    response.end(file.body);
  });
  const pathOf = (model: InstructModel) => new URL(`${instructModelBaseUrl(model, endpoint)}/${model.file}`).pathname;

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(async () => {
    served.clear();
    requests.length = 0;
    dir = await mkdtemp(join(tmpdir(), 'apfa-models-fetch-llm-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('downloads the chosen model at its pinned revision from HF_ENDPOINT, checks size and sha256, and says how to use it', async () => {
    served.set(pathOf(TEST_MODEL), { body: GGUF, linkedEtag: TEST_MODEL.sha256 });
    const lines: string[] = [];
    const [file] = await runModelsFetch(['--llm', 'tiny', '--dir', dir], { env: { HF_ENDPOINT: endpoint }, models: { tiny: TEST_MODEL }, log: (line) => lines.push(line) });
    expect(requests).toEqual([`HEAD /test-org/Tiny-Instruct-GGUF/resolve/${TEST_MODEL.revision}/tiny-instruct-q8_0.gguf`, `GET /test-org/Tiny-Instruct-GGUF/resolve/${TEST_MODEL.revision}/tiny-instruct-q8_0.gguf`]);
    expect(file).toMatchObject({ savedAs: join(dir, TEST_MODEL.file), bytes: GGUF.length, sha256: TEST_MODEL.sha256, verifiedAgainst: 'pinned+declared', skipped: false });
    expect(await readFile(join(dir, TEST_MODEL.file))).toEqual(GGUF);
    expect(lines.join('\n')).toContain(`use it with: GENERATOR=llama-cpp LLM_MODEL_PATH=${join(dir, TEST_MODEL.file)}`);

    // Present with the pinned size and hash: nothing is fetched again.
    requests.length = 0;
    const [again] = await runModelsFetch(['--llm', 'tiny', '--dir', dir], { env: { HF_ENDPOINT: endpoint }, models: { tiny: TEST_MODEL }, log: () => {} });
    expect(again?.skipped).toBe(true);
    expect(requests).toEqual([]);
  });

  it('refuses a body of the wrong size, announced or not, and leaves nothing behind', async () => {
    const model = (size: number): InstructModel => ({ ...TEST_MODEL, size });
    served.set(pathOf(TEST_MODEL), { body: GGUF, chunked: true });
    // Longer than pinned: cut off while streaming.
    await expect(fetchModelFiles({ baseUrl: instructModelBaseUrl(TEST_MODEL, endpoint), dir, files: [{ path: TEST_MODEL.file, sha256: TEST_MODEL.sha256, size: GGUF.length - 1 }] })).rejects.toThrow(/more than the expected 299999 bytes/);
    expect(await readdir(dir)).toEqual([]);
    // Shorter than pinned (no Content-Length to tell): refused after the stream ends.
    await expect(runModelsFetch(['--llm', 'tiny', '--dir', dir], { env: { HF_ENDPOINT: endpoint }, models: { tiny: model(GGUF.length + 1) }, log: () => {} })).rejects.toThrow(/300000 bytes instead of the expected 300001/);
    expect(await readdir(dir)).toEqual([]);
    // A Content-Length that differs from the pin: refused before the body is read.
    served.set(pathOf(TEST_MODEL), { body: GGUF, announce: GGUF.length + 5 });
    const error = await runModelsFetch(['--llm', 'tiny', '--dir', dir], { env: { HF_ENDPOINT: endpoint }, models: { tiny: TEST_MODEL }, log: () => {} }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).message).toMatch(/announces 300005 bytes instead of the expected 300000; refusing/);
    expect(await readdir(dir)).toEqual([]);
  });

  it('refuses bytes that do not match the pinned sha256, and a file whose declared LFS hash differs from the pin before downloading', async () => {
    const tampered = Buffer.from(GGUF);
    tampered[1234] = tampered[1234]! ^ 0xff;
    served.set(pathOf(TEST_MODEL), { body: tampered });
    await expect(runModelsFetch(['--llm', 'tiny', '--dir', dir], { env: { HF_ENDPOINT: endpoint }, models: { tiny: TEST_MODEL }, log: () => {} })).rejects.toThrow(/does not match the expected/);
    expect(await readdir(dir)).toEqual([]);

    // The real catalog entry, as the Hub would serve it if the file had changed under the pinned name.
    const real = INSTRUCT_MODELS['smollm2-360m'];
    served.set(pathOf(real), { body: GGUF, linkedEtag: sha256(GGUF) });
    requests.length = 0;
    await expect(runModelsFetch(['--llm', 'smollm2-360m', '--dir', dir], { env: { HF_ENDPOINT: endpoint }, log: () => {} })).rejects.toThrow(/declares sha256 .* but 48ab3034.* is pinned; refusing/);
    expect(requests).toEqual([`HEAD /HuggingFaceTB/SmolLM2-360M-Instruct-GGUF/resolve/${real.revision}/smollm2-360m-instruct-q8_0.gguf`]);
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('models:fetch arguments and the instruct catalog', () => {
  it('fetches the embedding model by default and an instruct GGUF with --llm [name]', () => {
    expect(parseModelsFetchArguments([])).toEqual({ kind: 'embedding', dir: undefined, variant: 'fp32' });
    expect(parseModelsFetchArguments(['--variant', 'int8', '--dir', '/m'])).toEqual({ kind: 'embedding', dir: '/m', variant: 'int8' });
    expect(parseModelsFetchArguments(['--llm'])).toEqual({ kind: 'llm', dir: undefined, model: DEFAULT_INSTRUCT_MODEL });
    expect(parseModelsFetchArguments(['--llm', '--dir', '/m'])).toEqual({ kind: 'llm', dir: '/m', model: DEFAULT_INSTRUCT_MODEL });
    expect(parseModelsFetchArguments(['--llm', 'smollm2-360m'])).toEqual({ kind: 'llm', dir: undefined, model: 'smollm2-360m' });
    expect(() => parseModelsFetchArguments(['--llm', 'gpt-9'])).toThrow(/unknown model gpt-9; usage: .*--llm \[qwen2\.5-0\.5b\|smollm2-360m\]/);
    expect(() => parseModelsFetchArguments(['--llm', '--variant', 'int8'])).toThrow(/--variant applies to the embedding model/);
    expect(() => parseModelsFetchArguments(['--model', 'x'])).toThrow(/unknown argument --model/);
  });

  it('pins every offered model to a commit, an exact size and a sha256', () => {
    expect(Object.keys(INSTRUCT_MODELS)).toEqual(['qwen2.5-0.5b', 'smollm2-360m']);
    for (const model of Object.values(INSTRUCT_MODELS) as InstructModel[]) {
      expect(model.revision).toMatch(/^[0-9a-f]{40}$/);
      expect(model.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(model.size).toBeGreaterThan(100_000_000);
      expect(model.file).toMatch(/\.gguf$/);
      expect(instructModelBaseUrl(model)).toBe(`https://huggingface.co/${model.repository}/resolve/${model.revision}`);
    }
  });
});
