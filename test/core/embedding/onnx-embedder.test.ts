import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OnnxEmbedder } from '../../../core/embedding/onnx-embedder.ts';
import { WordPieceTokenizer } from '../../../core/embedding/wordpiece-tokenizer.ts';
import { AppError } from '../../../shared/errors/app-error.ts';
import {
  knownMaskRow,
  knownTypeRow,
  knownWeightsGraph,
  knownWordRow,
  miniLmArchitectureGraph,
  writeModelDirectory,
} from '../../support/onnx-graphs.ts';
import { tinyTokenizerConfig, tinyTokenizerJson } from '../../support/tiny-wordpiece-tokenizer.ts';

const HIDDEN = 8;
const VOCAB = 30522;
const row = (matrix: Float32Array, i: number, dimension: number) => matrix.subarray(i * dimension, (i + 1) * dimension);
const norm = (vector: Float32Array) => Math.hypot(...vector);

/** The known-weights graph's pooled, normalised vector for token ids, computed by hand. */
function expectedVector(ids: readonly number[], withTypes = true): Float32Array {
  const sum = new Float64Array(HIDDEN);
  for (const id of ids) {
    const word = knownWordRow(id, HIDDEN);
    const type = knownTypeRow(0, HIDDEN);
    const mask = knownMaskRow(HIDDEN);
    for (let d = 0; d < HIDDEN; d++) sum[d]! += word[d]! + (withTypes ? type[d]! : 0) + mask[d]!;
  }
  const length = Math.hypot(...sum);
  return Float32Array.from(sum, (value) => value / length);
}

function expectClose(actual: Float32Array, expected: Float32Array, tolerance = 1e-5): void {
  expect(actual.length).toBe(expected.length);
  const worst = Math.max(...actual.map((value, i) => Math.abs(value - expected[i]!)));
  expect(worst).toBeLessThan(tolerance);
}

const directories: string[] = [];
const modelDirectory = async (...args: Parameters<typeof writeModelDirectory>) => {
  const dir = await writeModelDirectory(...args);
  directories.push(dirname(dir));
  return dir;
};

afterAll(async () => {
  await Promise.all(directories.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('OnnxEmbedder on a graph with known weights', () => {
  let knownDir: string;
  let tokenizer: WordPieceTokenizer;
  beforeAll(async () => {
    knownDir = await modelDirectory(knownWeightsGraph(VOCAB, HIDDEN), { name: 'known-weights', hidden: HIDDEN });
    // The same tokenizer files writeModelDirectory puts beside the graph.
    tokenizer = new WordPieceTokenizer(tinyTokenizerJson(), tinyTokenizerConfig());
  });

  it('implements the port: id, 16-hex modelHash, dimension from config.json, empty input', async () => {
    const embedder = await OnnxEmbedder.load({ modelDir: knownDir });
    expect(embedder.id).toBe('onnx:known-weights');
    expect(embedder.modelHash).toMatch(/^[0-9a-f]{16}$/);
    expect(embedder.dimension).toBe(HIDDEN);
    expect((await embedder.embed([])).length).toBe(0);
    await embedder.release();
  });

  it('mean-pools over real tokens only and L2-normalises, matching the hand computation', async () => {
    const embedder = await OnnxEmbedder.load({ modelDir: knownDir });
    const texts = ['How do I get a mortgage with bad credit?', 'FHA loan'];
    const vectors = await embedder.embed(texts);
    expect(vectors.length).toBe(2 * HIDDEN);
    texts.forEach((text, i) => {
      expectClose(row(vectors, i, HIDDEN), expectedVector(tokenizer.encode(text).ids));
      expect(norm(row(vectors, i, HIDDEN))).toBeCloseTo(1, 5);
    });
    await embedder.release();
  });

  it('gives a text the same vector alone and padded in a batch with a long text', async () => {
    const embedder = await OnnxEmbedder.load({ modelDir: knownDir });
    const short = 'PMI';
    const long = 'What credit score do I need for a conventional mortgage with a five percent down payment in Texas?';
    expect(tokenizer.encode(long).ids.length).toBeGreaterThan(tokenizer.encode(short).ids.length + 10);
    const alone = await embedder.embed([short]);
    const batched = await embedder.embed([long, short]);
    expectClose(row(batched, 1, HIDDEN), alone);
    expectClose(alone, expectedVector(tokenizer.encode(short).ids));
    await embedder.release();
  });

  it('splits into batches of batchSize and keeps the order', async () => {
    const embedder = await OnnxEmbedder.load({ modelDir: knownDir, batchSize: 2 });
    const texts = ['escrow', 'a much longer question about closing costs and escrow', 'VA loan', 'rate lock', 'APR'];
    const vectors = await embedder.embed(texts);
    expect(vectors.length).toBe(texts.length * HIDDEN);
    texts.forEach((text, i) => expectClose(row(vectors, i, HIDDEN), expectedVector(tokenizer.encode(text).ids)));
    await embedder.release();
  });

  it('truncates to maxLength, keeping [SEP]', async () => {
    const embedder = await OnnxEmbedder.load({ modelDir: knownDir, maxLength: 6 });
    const text = 'refinance '.repeat(50);
    const ids = tokenizer.encode(text).ids;
    expectClose(await embedder.embed([text]), expectedVector([...ids.slice(0, 5), ids[ids.length - 1]!]));
    await embedder.release();
  });

  it('feeds only the inputs the graph declares', async () => {
    const dir = await modelDirectory(knownWeightsGraph(VOCAB, HIDDEN, { tokenTypeIds: false }), { hidden: HIDDEN });
    const embedder = await OnnxEmbedder.load({ modelDir: dir });
    expectClose(await embedder.embed(['down payment']), expectedVector(tokenizer.encode('down payment').ids, false));
    await embedder.release();
  });

  it('learns the dimension from the output when config.json is absent; the hash follows the bytes', async () => {
    const dir = await modelDirectory(knownWeightsGraph(VOCAB, HIDDEN), { hidden: false });
    const embedder = await OnnxEmbedder.load({ modelDir: dir });
    expect(embedder.dimension).toBe(HIDDEN);
    const original = await OnnxEmbedder.load({ modelDir: knownDir });
    expect(embedder.modelHash).toBe(original.modelHash);
    const other = await OnnxEmbedder.load({ modelDir: await modelDirectory(knownWeightsGraph(VOCAB, 4), { hidden: 4 }) });
    expect(other.modelHash).not.toBe(original.modelHash);
    await Promise.all([embedder.release(), original.release(), other.release()]);
  });
});

describe('OnnxEmbedder on the MiniLM-L6 architecture (random weights)', () => {
  it('loads and embeds 2 texts into finite, normalised, distinct 384-wide rows', async () => {
    const dir = await writeModelDirectory(miniLmArchitectureGraph({ seed: 7 }), { name: 'all-MiniLM-L6-v2' });
    try {
      const embedder = await OnnxEmbedder.load({ modelDir: dir });
      expect(embedder.id).toBe('onnx:all-MiniLM-L6-v2');
      expect(embedder.dimension).toBe(384);
      const vectors = await embedder.embed(['How do I get a mortgage with bad credit?', 'What is escrow?']);
      expect(vectors.length).toBe(2 * 384);
      expect(vectors.every(Number.isFinite)).toBe(true);
      expect(norm(row(vectors, 0, 384))).toBeCloseTo(1, 4);
      expect(norm(row(vectors, 1, 384))).toBeCloseTo(1, 4);
      expect(Math.max(...row(vectors, 0, 384).map((value, i) => Math.abs(value - vectors[384 + i]!)))).toBeGreaterThan(1e-3);
      await embedder.release();
    } finally {
      await rm(dirname(dir), { recursive: true, force: true });
    }
  });
});

describe('OnnxEmbedder.load failures', () => {
  it('names a missing model directory and the fetch command', async () => {
    const missing = join(tmpdir(), 'apfa-no-such-model-dir', 'all-MiniLM-L6-v2');
    const error = await OnnxEmbedder.load({ modelDir: missing }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('not-ready');
    expect((error as AppError).message).toContain(missing);
    expect((error as AppError).message).toContain('npm run models:fetch');
  });

  it('names a missing graph file, and rejects bytes that are not a model', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'apfa-onnx-broken-'));
    try {
      await writeFile(join(dir, 'tokenizer.json'), '{}');
      const missingGraph = await OnnxEmbedder.load({ modelDir: dir }).catch((caught: unknown) => caught);
      expect((missingGraph as AppError).code).toBe('not-ready');
      expect((missingGraph as AppError).message).toContain(join(dir, 'model.onnx'));
      expect((missingGraph as AppError).message).toContain('npm run models:fetch');

      const real = await writeModelDirectory(knownWeightsGraph(16, 4), { hidden: 4 });
      directories.push(dirname(real));
      await writeFile(join(real, 'model.onnx'), 'not an onnx graph');
      const corrupt = await OnnxEmbedder.load({ modelDir: real }).catch((caught: unknown) => caught);
      expect(corrupt).toBeInstanceOf(AppError);
      expect((corrupt as AppError).message).toContain('cannot load ONNX model');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('rejects invalid options', async () => {
    await expect(OnnxEmbedder.load({ modelDir: join(tmpdir(), 'apfa-no-such-model-dir'), batchSize: 0 })).rejects.toMatchObject({ code: 'validation-failed' });
  });
});
