import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BLOCK_LAYOUT, GgmlType, GgufValueType, tensorByteSize, type GgufValue } from '../../bench/support/gguf-format.ts';
import { decodeValues, encodeValues, fromFloat16Bits, toFloat16Bits } from '../../bench/support/gguf-quantize.ts';
import { readGgufHeader, readTensorBytes } from '../../bench/support/gguf-reader.ts';
import { SMOLLM2_135M, writeGguf, writeRandomLlamaGguf, type LlamaShape } from '../../bench/support/gguf-writer.ts';
import { tinyLlamaGguf } from '../support/fixtures.ts';

const TINY = tinyLlamaGguf();
const TINY_FIXTURE = TINY.path;
const dir = mkdtempSync(join(tmpdir(), 'apfa-gguf-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('float16 conversion', () => {
  it('encodes normal, rounding, overflow and subnormal values as IEEE binary16', () => {
    expect(toFloat16Bits(1)).toBe(0x3c00);
    expect(toFloat16Bits(-2)).toBe(0xc000);
    expect(toFloat16Bits(0.1)).toBe(0x2e66);
    expect(toFloat16Bits(65504)).toBe(0x7bff);
    expect(toFloat16Bits(65520)).toBe(0x7c00); // rounds up to infinity
    expect(toFloat16Bits(2 ** -24)).toBe(0x0001); // smallest subnormal
    expect(toFloat16Bits(2 ** -26)).toBe(0x0000); // underflows to zero
    expect(toFloat16Bits(1 + 2 ** -11)).toBe(0x3c00); // halfway: ties to even (down)
    expect(toFloat16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02); // halfway: ties to even (up)
    expect(fromFloat16Bits(0x2e66)).toBeCloseTo(0.1, 4);
    expect(fromFloat16Bits(0x0001)).toBe(2 ** -24);
  });
});

describe('block encodings', () => {
  it('writes Q8_0 blocks as an fp16 scale and 32 int8 values rounded half away from zero', () => {
    const values = Float32Array.from({ length: 32 }, (_, i) => (i - 16) * 0.5 + (i === 31 ? 48 : 0)); // max |x| = 55.5 at i = 31
    const out = Buffer.alloc(tensorByteSize(GgmlType.Q8_0, 32));
    expect(encodeValues(GgmlType.Q8_0, values, out)).toBe(34);
    const d = 55.5 / 127;
    expect(out.readUInt16LE(0)).toBe(toFloat16Bits(d));
    expect(out.readInt8(2 + 31)).toBe(127);
    expect(out.readInt8(2 + 0)).toBe(Math.round(8 / d) * -1); // -8 / d = -18.3 → -18
    expect(out.readInt8(2 + 16)).toBe(0);
    const decoded = decodeValues(GgmlType.Q8_0, out, 32);
    for (let i = 0; i < 32; i++) expect(Math.abs(decoded[i]! - values[i]!)).toBeLessThanOrEqual(d / 2 + 1e-3);
  });

  it('writes Q4_0 blocks with value j in the low and value j+16 in the high nibble, the largest magnitude at -8', () => {
    // On the grid (k - 8) * 0.25 with -2 the largest magnitude: d = -2 / -8 = 0.25, every value exact.
    const values = Float32Array.from({ length: 32 }, (_, i) => ((i * 5) % 16 - 8) * 0.25);
    values[3] = -2;
    const out = Buffer.alloc(BLOCK_LAYOUT[GgmlType.Q4_0].bytes);
    encodeValues(GgmlType.Q4_0, values, out);
    expect(fromFloat16Bits(out.readUInt16LE(0))).toBe(-0.25 * -1);
    expect(out.readUInt8(2 + 1)).toBe((((1 * 5) % 16) | (((17 * 5) % 16) << 4)) & 0xff);
    expect(Array.from(decodeValues(GgmlType.Q4_0, out, 32))).toEqual(Array.from(values));
  });

  it('refuses a row that is not a whole number of blocks', () => {
    expect(() => encodeValues(GgmlType.Q8_0, new Float32Array(40), Buffer.alloc(100))).toThrow(/multiple of 32/);
  });
});

describe('GGUF reader', () => {
  it.skipIf(!TINY.present)('reads the metadata and tensor table of a GGUF written by llama.cpp tools', () => {
    const header = readGgufHeader(TINY_FIXTURE);
    expect(header.version).toBe(3);
    expect(header.metadata.get('general.architecture')).toEqual({ type: GgufValueType.STRING, value: 'llama' });
    const tokens = header.metadata.get('tokenizer.ggml.tokens');
    expect(tokens?.type === GgufValueType.ARRAY && tokens.items.length).toBe(32000);
    expect(header.tensors.map((tensor) => tensor.name)).toContain('blk.0.ffn_down.weight');
    // The last tensor ends at the end of the file: offsets and the data section start are right.
    const last = header.tensors.reduce((a, b) => (b.offset > a.offset ? b : a));
    const elements = last.dims.reduce((p, d) => p * d, 1);
    expect(header.dataOffset + last.offset + tensorByteSize(last.type as GgmlType, elements)).toBe(statSync(TINY_FIXTURE).size);
  });
});

describe('GGUF writer', () => {
  it('writes metadata of every kind and aligned tensors that read back as written', () => {
    const path = join(dir, 'roundtrip.gguf');
    const metadata = new Map<string, GgufValue>([
      ['general.architecture', { type: GgufValueType.STRING, value: 'llama' }],
      ['test.u32', { type: GgufValueType.UINT32, value: 4_000_000_000 }],
      ['test.i32', { type: GgufValueType.INT32, value: -7 }],
      ['test.f32', { type: GgufValueType.FLOAT32, value: 0.5 }],
      ['test.bool', { type: GgufValueType.BOOL, value: true }],
      ['test.u64', { type: GgufValueType.UINT64, value: 2n ** 40n }],
      ['test.strings', { type: GgufValueType.ARRAY, itemType: GgufValueType.STRING, items: ['a', 'ünïcode', ''] }],
      ['test.ints', { type: GgufValueType.ARRAY, itemType: GgufValueType.INT32, items: [1, -2, 3] }],
    ]);
    const ramp = (out: Float32Array, start: number) => out.forEach((_, i) => (out[i] = ((start + i) % 64) / 64 - 0.5));
    writeGguf(path, {
      metadata,
      alignment: 64,
      tensors: [
        { name: 'norm', dims: [3], type: GgmlType.F32, fill: ramp },
        { name: 'half', dims: [32, 2], type: GgmlType.F16, fill: ramp },
        { name: 'q8', dims: [64, 3], type: GgmlType.Q8_0, fill: ramp },
      ],
    });
    const header = readGgufHeader(path);
    expect(header.alignment).toBe(64);
    for (const [key, value] of metadata) expect(header.metadata.get(key)).toEqual(value);
    expect(header.tensors.map(({ name, dims, type }) => ({ name, dims, type }))).toEqual([
      { name: 'norm', dims: [3], type: GgmlType.F32 },
      { name: 'half', dims: [32, 2], type: GgmlType.F16 },
      { name: 'q8', dims: [64, 3], type: GgmlType.Q8_0 },
    ]);
    for (const tensor of header.tensors) expect(tensor.offset % 64).toBe(0);
    const q8 = header.tensors[2]!;
    const decoded = decodeValues(GgmlType.Q8_0, readTensorBytes(path, header, q8, tensorByteSize(GgmlType.Q8_0, 192)), 192);
    for (let i = 0; i < 192; i++) expect(decoded[i]!).toBeCloseTo((i % 64) / 64 - 0.5, 2);
    const half = decodeValues(GgmlType.F16, readTensorBytes(path, header, header.tensors[1]!, 128), 64);
    expect(half[63]).toBeCloseTo(63 / 64 - 0.5, 3);
  });
});

describe.skipIf(!TINY.present)('random-weight llama GGUF', () => {
  const shape: LlamaShape = { ...SMOLLM2_135M, name: 'tiny-test', hidden: 64, layers: 2, heads: 4, kvHeads: 2, ffn: 128, vocab: 32_768, contextLength: 512 };

  it('pads the borrowed tokenizer to the shape, adds ChatML control tokens, and lays out llama tensors', () => {
    const path = join(dir, 'layout.gguf');
    const info = writeRandomLlamaGguf(path, { shape, type: GgmlType.Q8_0, tokenizerFrom: TINY_FIXTURE });
    expect(info).toMatchObject({ vocab: 32_768, tokenizerTokens: 32_000, paddingTokens: 768, type: 'Q8_0' });
    const header = readGgufHeader(path);
    const tokens = header.metadata.get('tokenizer.ggml.tokens');
    expect(tokens?.type === GgufValueType.ARRAY && tokens.items.slice(32_000, 32_002)).toEqual(['<|im_start|>', '<|im_end|>']);
    expect(header.metadata.get('tokenizer.ggml.eos_token_id')).toEqual({ type: GgufValueType.UINT32, value: 32_001 });
    const byName = new Map(header.tensors.map((tensor) => [tensor.name, tensor]));
    expect(byName.get('token_embd.weight')?.dims).toEqual([64, 32_768]);
    expect(byName.get('blk.1.attn_k.weight')?.dims).toEqual([64, 32]); // 2 KV heads of 16
    expect(byName.get('blk.1.ffn_down.weight')?.dims).toEqual([128, 64]);
    expect(byName.get('blk.0.attn_norm.weight')?.type).toBe(GgmlType.F32);
    expect(byName.has('output.weight')).toBe(false); // tied embeddings, as SmolLM2
    expect(info.parameters).toBe(64 * 32_768 + 2 * (2 * 64 + 2 * 64 * 64 + 2 * 64 * 32 + 3 * 64 * 128) + 64);
    expect(statSync(path).size).toBe(info.bytes);
  });

  it('the shapes match the SmolLM2-135M parameter count', () => {
    const { hidden, layers, kvHeads, heads, ffn, vocab } = SMOLLM2_135M;
    const kv = (hidden / heads) * kvHeads;
    expect(hidden * vocab + layers * (2 * hidden + 2 * hidden * hidden + 2 * hidden * kv + 3 * hidden * ffn) + hidden).toBe(134_515_008);
  });

  it('loads in node-llama-cpp with each weight type and generates tokens with the ChatML template', async () => {
    const { getLlama, LlamaChatSession, LlamaLogLevel } = await import('node-llama-cpp');
    const llama = await getLlama({ gpu: false, build: 'never', logLevel: LlamaLogLevel.error });
    try {
      for (const type of [GgmlType.Q8_0, GgmlType.Q4_0, GgmlType.F16]) {
        const path = join(dir, `tiny-${type}.gguf`);
        writeRandomLlamaGguf(path, { shape, type, tokenizerFrom: TINY_FIXTURE, seed: 3 });
        const model = await llama.loadModel({ modelPath: path });
        try {
          expect(model.tokenize('<|im_start|>', true)).toEqual([32_000]);
          const context = await model.createContext({ contextSize: 512, threads: 1 });
          const session = new LlamaChatSession({ contextSequence: context.getSequence() });
          expect(session.chatWrapper.wrapperName).toBe('ChatML');
          let tokens = 0;
          const answer = await session.promptWithMeta('What is an FHA loan?', { maxTokens: 6, temperature: 0.8, seed: 1, onToken: (chunk) => (tokens += chunk.length) });
          expect(tokens).toBeGreaterThan(0);
          expect(answer.stopReason === 'maxTokens' || answer.stopReason === 'eogToken').toBe(true);
          await context.dispose();
        } finally {
          await model.dispose();
        }
      }
    } finally {
      await llama.dispose();
    }
  }, 120_000);
});
