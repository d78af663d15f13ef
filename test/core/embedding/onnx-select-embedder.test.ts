import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveEmbedderChoice } from '../../../core/embedding/select-embedder.ts';
import { AppError } from '../../../shared/errors/app-error.ts';

describe('resolveEmbedderChoice', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'apfa-select-embedder-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const put = (...names: string[]) => Promise.all(names.map((name) => writeFile(join(dir, name), 'x')));

  it("'lexical' is lexical whatever the directory holds", async () => {
    await put('model.onnx', 'tokenizer.json');
    expect((await resolveEmbedderChoice({ mode: 'lexical', modelDir: dir })).kind).toBe('lexical');
  });

  it("'auto' picks onnx when a graph and tokenizer.json are present (fp32 or int8 names)", async () => {
    await put('model_qint8_avx512.onnx', 'tokenizer.json');
    const int8 = await resolveEmbedderChoice({ mode: 'auto', modelDir: dir });
    expect(int8.kind).toBe('onnx');
    expect(int8.reason).toContain('model_qint8_avx512.onnx');
    await put('model.onnx');
    expect((await resolveEmbedderChoice({ mode: 'auto', modelDir: dir })).reason).toContain('model.onnx');
  });

  it("'auto' falls back to lexical with a reason naming the directory and the fetch command", async () => {
    await put('model.onnx');
    const noTokenizer = await resolveEmbedderChoice({ mode: 'auto', modelDir: dir });
    expect(noTokenizer.kind).toBe('lexical');
    expect(noTokenizer.reason).toContain('tokenizer.json');
    expect(noTokenizer.reason).toContain(dir);
    expect(noTokenizer.reason).toContain('npm run models:fetch');
    const absent = await resolveEmbedderChoice({ mode: 'auto', modelDir: join(dir, 'missing') });
    expect(absent.kind).toBe('lexical');
    expect(absent.reason).toContain(join(dir, 'missing'));
  });

  it("'onnx' takes the files when present and throws not-ready with the hint when not", async () => {
    const error = await resolveEmbedderChoice({ mode: 'onnx', modelDir: dir }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('not-ready');
    expect((error as AppError).message).toContain(dir);
    expect((error as AppError).message).toContain('npm run models:fetch');
    await put('model_quantized.onnx', 'tokenizer.json');
    expect((await resolveEmbedderChoice({ mode: 'onnx', modelDir: dir })).kind).toBe('onnx');
  });
});
