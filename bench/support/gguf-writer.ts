import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { FILE_TYPE_OF, GGML_TYPE_NAMES, GGUF_DEFAULT_ALIGNMENT, GGUF_MAGIC, GGUF_VERSION, GgmlType, GgufValueType, alignUp, tensorByteSize, type GgufScalar, type GgufValue } from './gguf-format.ts';
import { encodeValues } from './gguf-quantize.ts';
import { readGgufHeader } from './gguf-reader.ts';

export interface TensorSpec {
  name: string;
  /** ggml order: dims[0] is the contiguous (row) dimension. */
  dims: number[];
  type: GgmlType;
  /** Fills `out` with the values at flat positions [start, start + out.length), called in order. */
  fill: (out: Float32Array, start: number) => void;
}

export interface GgufWriteSpec {
  metadata: ReadonlyMap<string, GgufValue>;
  tensors: readonly TensorSpec[];
  /** Default 32 (GGUF's default; written as general.alignment only when different). */
  alignment?: number;
}

/** Values encoded per chunk while writing tensor data (bounded memory for any tensor size). */
const CHUNK_VALUES = 1 << 20;

/**
 * Writes a GGUF v3 file: header, metadata, tensor infos, then each tensor's data at an aligned
 * offset, encoded chunk by chunk from its `fill` function. Written to `<path>.partial` and renamed,
 * so an interrupted run never leaves a truncated model behind.
 */
export function writeGguf(path: string, spec: GgufWriteSpec): { bytes: number } {
  const alignment = spec.alignment ?? GGUF_DEFAULT_ALIGNMENT;
  const metadata = new Map(spec.metadata);
  if (alignment !== GGUF_DEFAULT_ALIGNMENT) metadata.set('general.alignment', { type: GgufValueType.UINT32, value: alignment });

  const head: Buffer[] = [u32(GGUF_MAGIC), u32(GGUF_VERSION), u64(spec.tensors.length), u64(metadata.size)];
  for (const [key, value] of metadata) head.push(str(key), u32(value.type), encodeValue(value));
  let dataSize = 0;
  const placed = spec.tensors.map((tensor) => {
    const elements = tensor.dims.reduce((product, dim) => product * dim, 1);
    const rowValues = tensor.dims[0] ?? 1;
    if (rowValues % (tensor.type === GgmlType.Q8_0 || tensor.type === GgmlType.Q4_0 ? 32 : 1) !== 0) {
      throw new Error(`${tensor.name}: rows of ${rowValues} values cannot be stored as ${GGML_TYPE_NAMES[tensor.type]}`);
    }
    const offset = alignUp(dataSize, alignment);
    const bytes = tensorByteSize(tensor.type, elements);
    dataSize = offset + bytes;
    head.push(str(tensor.name), u32(tensor.dims.length), ...tensor.dims.map(u64), u32(tensor.type), u64(offset));
    return { tensor, elements, rowValues, offset };
  });
  const header = Buffer.concat(head);
  const dataStart = alignUp(header.length, alignment);

  const partial = `${path}.partial`;
  const fd = openSync(partial, 'w');
  try {
    writeAll(fd, header, 0);
    writeAll(fd, Buffer.alloc(dataStart - header.length), header.length);
    let scratch = Buffer.alloc(0);
    for (const { tensor, elements, rowValues, offset } of placed) {
      // Whole rows per chunk, so quantization blocks never straddle chunks.
      const chunkValues = Math.max(1, Math.floor(CHUNK_VALUES / rowValues)) * rowValues;
      let position = dataStart + offset;
      for (let start = 0; start < elements; start += chunkValues) {
        const values = new Float32Array(Math.min(chunkValues, elements - start));
        tensor.fill(values, start);
        const bytes = tensorByteSize(tensor.type, values.length);
        if (scratch.length < bytes) scratch = Buffer.alloc(bytes);
        encodeValues(tensor.type, values, scratch);
        writeAll(fd, scratch.subarray(0, bytes), position);
        position += bytes;
      }
    }
    const total = dataStart + dataSize;
    // The last tensor's padding is not required, but llama.cpp's own writer pads the file; so do we.
    const end = alignUp(total, alignment);
    if (end > total) writeAll(fd, Buffer.alloc(end - total), total);
    closeSync(fd);
    renameSync(partial, path);
    return { bytes: end };
  } catch (error) {
    closeSync(fd);
    rmSync(partial, { force: true });
    throw error;
  }
}

function writeAll(fd: number, data: Buffer, position: number): void {
  let written = 0;
  while (written < data.length) written += writeSync(fd, data, written, data.length - written, position + written);
}

const u32 = (value: number) => {
  const out = Buffer.alloc(4);
  out.writeUInt32LE(value >>> 0, 0);
  return out;
};
const u64 = (value: number | bigint) => {
  const out = Buffer.alloc(8);
  out.writeBigUInt64LE(BigInt(value), 0);
  return out;
};
const str = (value: string) => {
  const bytes = Buffer.from(value, 'utf8');
  return Buffer.concat([u64(bytes.length), bytes]);
};

function encodeScalar(type: GgufScalar['type'], value: GgufScalar['value']): Buffer {
  const out = Buffer.alloc(type === GgufValueType.UINT64 || type === GgufValueType.INT64 || type === GgufValueType.FLOAT64 ? 8 : 4);
  switch (type) {
    case GgufValueType.UINT8:
      return Buffer.from([Number(value) & 0xff]);
    case GgufValueType.INT8:
      return Buffer.from([Number(value) & 0xff]);
    case GgufValueType.BOOL:
      return Buffer.from([value ? 1 : 0]);
    case GgufValueType.UINT16:
      out.writeUInt16LE(Number(value), 0);
      return out.subarray(0, 2);
    case GgufValueType.INT16:
      out.writeInt16LE(Number(value), 0);
      return out.subarray(0, 2);
    case GgufValueType.UINT32:
      out.writeUInt32LE(Number(value), 0);
      return out;
    case GgufValueType.INT32:
      out.writeInt32LE(Number(value), 0);
      return out;
    case GgufValueType.FLOAT32:
      out.writeFloatLE(Number(value), 0);
      return out;
    case GgufValueType.FLOAT64:
      out.writeDoubleLE(Number(value), 0);
      return out;
    case GgufValueType.UINT64:
      out.writeBigUInt64LE(BigInt(value as bigint | number), 0);
      return out;
    case GgufValueType.INT64:
      out.writeBigInt64LE(BigInt(value as bigint | number), 0);
      return out;
    case GgufValueType.STRING:
      return str(String(value));
  }
}

function encodeValue(value: GgufValue): Buffer {
  if (value.type !== GgufValueType.ARRAY) return encodeScalar(value.type, value.value);
  return Buffer.concat([u32(value.itemType), u64(value.items.length), ...value.items.map((item) => encodeScalar(value.itemType, item))]);
}

// ---------------------------------------------------------------------------------------------
// Random-weight llama-architecture models at real shapes.

/** The dimensions of a llama-architecture model (Hugging Face config names in comments). */
export interface LlamaShape {
  name: string;
  /** hidden_size */
  hidden: number;
  /** num_hidden_layers */
  layers: number;
  /** num_attention_heads */
  heads: number;
  /** num_key_value_heads */
  kvHeads: number;
  /** intermediate_size */
  ffn: number;
  /** vocab_size */
  vocab: number;
  /** max_position_embeddings */
  contextLength: number;
  /** tie_word_embeddings: no separate output matrix, the embedding is reused. */
  tiedEmbeddings: boolean;
  /** rope_theta */
  ropeTheta: number;
  /** rms_norm_eps */
  rmsEps: number;
}

/** SmolLM2-135M(-Instruct) config.json. */
export const SMOLLM2_135M: LlamaShape = { name: 'smollm2-135m-shape', hidden: 576, layers: 30, heads: 9, kvHeads: 3, ffn: 1536, vocab: 49152, contextLength: 8192, tiedEmbeddings: true, ropeTheta: 100_000, rmsEps: 1e-5 };
/** SmolLM2-360M(-Instruct) config.json. */
export const SMOLLM2_360M: LlamaShape = { name: 'smollm2-360m-shape', hidden: 960, layers: 32, heads: 15, kvHeads: 5, ffn: 2560, vocab: 49152, contextLength: 8192, tiedEmbeddings: true, ropeTheta: 100_000, rmsEps: 1e-5 };

/** SmolLM2's chat template (ChatML), so node-llama-cpp formats prompts as it would for the real model. */
export const CHATML_TEMPLATE =
  "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}{{ '<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n' }}{% endif %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}";

/** llama.cpp token types (tokenizer.ggml.token_type). */
const TOKEN_TYPE = { normal: 1, control: 3 } as const;

export interface RandomLlamaOptions {
  shape: LlamaShape;
  /** Type of the 2-D weight matrices (norms are always F32, as llama.cpp's quantizer leaves them). */
  type: GgmlType;
  /** A GGUF whose `tokenizer.*` metadata is copied (a llama/SentencePiece tokenizer). */
  tokenizerFrom: string;
  /** Context length written to the metadata (default: the shape's). */
  contextLength?: number;
  /** Seed of the weights (default 1): the same options give the same file. */
  seed?: number;
  /** Standard deviation of the matrices' uniform random values (default 0.02, a typical init). */
  std?: number;
  /** Write SmolLM2's ChatML chat template and its <|im_start|>/<|im_end|> control tokens (default true). */
  chatml?: boolean;
}

export interface RandomLlamaInfo {
  path: string;
  bytes: number;
  /** Vocabulary actually written (the shape's when the tokenizer could be padded to it). */
  vocab: number;
  /** Tokens of the source tokenizer. */
  tokenizerTokens: number;
  /** Tokens appended to reach the shape's vocabulary (never matched by ordinary text). */
  paddingTokens: number;
  /** Parameters in the file (embedding counted once when tied). */
  parameters: number;
  type: string;
}

/**
 * Writes a llama-architecture GGUF with random weights at a given shape, so llama.cpp does exactly
 * the work (matrix sizes, layers, heads, KV cache) the real model would: its speed is the real
 * model's speed, its text is gibberish. The tokenizer is borrowed from another GGUF (SentencePiece,
 * 32,000 tokens for Llama 2) and padded with never-matched tokens up to the shape's vocabulary, so
 * the embedding and output matrices have the real model's size; a tokenizer larger than the shape
 * keeps its own size. Prompts are tokenized by the borrowed tokenizer, so token counts differ a
 * little from the real model's (GPT-2-style BPE for SmolLM2).
 */
export function writeRandomLlamaGguf(path: string, options: RandomLlamaOptions): RandomLlamaInfo {
  const { shape, type, seed = 1, std = 0.02, chatml = true } = options;
  if (shape.hidden % shape.heads !== 0 || shape.heads % shape.kvHeads !== 0) throw new Error(`${shape.name}: heads must divide hidden and kv heads must divide heads`);
  const headDim = shape.hidden / shape.heads;
  const kvDim = headDim * shape.kvHeads;

  const source = readGgufHeader(options.tokenizerFrom);
  const tokens = arrayOf(source.metadata.get('tokenizer.ggml.tokens'), 'tokenizer.ggml.tokens') as string[];
  const scores = arrayOf(source.metadata.get('tokenizer.ggml.scores'), 'tokenizer.ggml.scores') as number[];
  const types = arrayOf(source.metadata.get('tokenizer.ggml.token_type'), 'tokenizer.ggml.token_type') as number[];
  const tokenizerTokens = tokens.length;
  const outTokens = [...tokens];
  const outScores = [...scores];
  const outTypes = [...types];
  const lowest = scores.reduce((min, score) => Math.min(min, score), 0) - 1;
  const append = (text: string, tokenType: number) => {
    outTokens.push(text);
    outScores.push(lowest);
    outTypes.push(tokenType);
    return outTokens.length - 1;
  };
  let imEnd: number | undefined;
  if (chatml && outTokens.length + 2 <= shape.vocab) {
    append('<|im_start|>', TOKEN_TYPE.control);
    imEnd = append('<|im_end|>', TOKEN_TYPE.control);
  }
  while (outTokens.length < shape.vocab) append(`<|pad_${outTokens.length}|>`, TOKEN_TYPE.normal);
  const vocab = outTokens.length;

  const metadata = new Map<string, GgufValue>();
  const string = (value: string): GgufValue => ({ type: GgufValueType.STRING, value });
  const uint32 = (value: number): GgufValue => ({ type: GgufValueType.UINT32, value });
  const float32 = (value: number): GgufValue => ({ type: GgufValueType.FLOAT32, value });
  metadata.set('general.architecture', string('llama'));
  metadata.set('general.name', string(`${shape.name} random weights (benchmark only)`));
  metadata.set('general.file_type', uint32(FILE_TYPE_OF[type]));
  metadata.set('llama.vocab_size', uint32(vocab));
  metadata.set('llama.context_length', uint32(options.contextLength ?? shape.contextLength));
  metadata.set('llama.embedding_length', uint32(shape.hidden));
  metadata.set('llama.block_count', uint32(shape.layers));
  metadata.set('llama.feed_forward_length', uint32(shape.ffn));
  metadata.set('llama.rope.dimension_count', uint32(headDim));
  metadata.set('llama.rope.freq_base', float32(shape.ropeTheta));
  metadata.set('llama.attention.head_count', uint32(shape.heads));
  metadata.set('llama.attention.head_count_kv', uint32(shape.kvHeads));
  metadata.set('llama.attention.layer_norm_rms_epsilon', float32(shape.rmsEps));
  for (const [key, value] of source.metadata) {
    if (key.startsWith('tokenizer.')) metadata.set(key, value);
  }
  metadata.set('tokenizer.ggml.tokens', { type: GgufValueType.ARRAY, itemType: GgufValueType.STRING, items: outTokens });
  metadata.set('tokenizer.ggml.scores', { type: GgufValueType.ARRAY, itemType: GgufValueType.FLOAT32, items: outScores });
  metadata.set('tokenizer.ggml.token_type', { type: GgufValueType.ARRAY, itemType: GgufValueType.INT32, items: outTypes });
  if (imEnd !== undefined) {
    metadata.set('tokenizer.chat_template', string(CHATML_TEMPLATE));
    metadata.set('tokenizer.ggml.eos_token_id', uint32(imEnd));
  }

  let tensorIndex = 0;
  const matrix = (name: string, dims: number[]): TensorSpec => ({ name, dims, type, fill: uniformFill(seed * 7919 + tensorIndex++, std) });
  const norm = (name: string): TensorSpec => ({ name, dims: [shape.hidden], type: GgmlType.F32, fill: (out) => out.fill(1) });
  const tensors: TensorSpec[] = [matrix('token_embd.weight', [shape.hidden, vocab])];
  for (let layer = 0; layer < shape.layers; layer++) {
    const block = `blk.${layer}`;
    tensors.push(
      norm(`${block}.attn_norm.weight`),
      matrix(`${block}.attn_q.weight`, [shape.hidden, shape.hidden]),
      matrix(`${block}.attn_k.weight`, [shape.hidden, kvDim]),
      matrix(`${block}.attn_v.weight`, [shape.hidden, kvDim]),
      matrix(`${block}.attn_output.weight`, [shape.hidden, shape.hidden]),
      norm(`${block}.ffn_norm.weight`),
      matrix(`${block}.ffn_gate.weight`, [shape.hidden, shape.ffn]),
      matrix(`${block}.ffn_up.weight`, [shape.hidden, shape.ffn]),
      matrix(`${block}.ffn_down.weight`, [shape.ffn, shape.hidden]),
    );
  }
  tensors.push(norm('output_norm.weight'));
  if (!shape.tiedEmbeddings) tensors.push(matrix('output.weight', [shape.hidden, vocab]));

  const { bytes } = writeGguf(path, { metadata, tensors });
  const parameters = tensors.reduce((sum, tensor) => sum + tensor.dims.reduce((product, dim) => product * dim, 1), 0);
  return { path, bytes, vocab, tokenizerTokens, paddingTokens: vocab - tokenizerTokens, parameters, type: GGML_TYPE_NAMES[type] };
}

function arrayOf(value: GgufValue | undefined, key: string): Array<GgufScalar['value']> {
  if (!value || value.type !== GgufValueType.ARRAY) throw new Error(`the tokenizer GGUF has no ${key} array`);
  return value.items;
}

/** Uniform values in [-a, a] with standard deviation `std` (xorshift32: fast and repeatable). */
function uniformFill(seed: number, std: number): (out: Float32Array) => void {
  let state = (seed * 2654435761) >>> 0 || 1;
  const scale = (std * Math.sqrt(3) * 2) / 4294967296;
  const half = std * Math.sqrt(3);
  return (out) => {
    for (let i = 0; i < out.length; i++) {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      out[i] = (state >>> 0) * scale - half;
    }
  };
}
