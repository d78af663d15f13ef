/**
 * ONNX graphs for testing and benchmarking the ONNX embedder without the real weights (which
 * cannot be downloaded here). Every graph has exactly the interface of the all-MiniLM-L6-v2 export:
 * inputs input_ids / attention_mask / token_type_ids, int64 [batch, sequence], and output
 * last_hidden_state, float [batch, sequence, hidden].
 */
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import onnxProto from 'onnx-proto';
import type { onnx as proto } from 'onnx-proto';
import { FIXTURES_DIR } from './fixtures.ts';
import { writeTinyTokenizer } from './tiny-wordpiece-tokenizer.ts';

// onnx-proto is CommonJS: Node's ESM loader exposes it only as a default export.
const { onnx } = onnxProto;
type NodeAttribute = number | number[] | string;

/**
 * The real tokenizer files of all-MiniLM-L6-v2 (no weights), in the fixtures folder outside the
 * repository (test/support/fixtures.ts): the benchmarks use them for realistic token counts.
 */
export const MINILM_TOKENIZER_DIR = join(FIXTURES_DIR, 'models', 'all-MiniLM-L6-v2-tokenizer');

const FLOAT = onnx.TensorProto.DataType.FLOAT;
const INT64 = onnx.TensorProto.DataType.INT64;
const INT8 = onnx.TensorProto.DataType.INT8;
const UINT8 = onnx.TensorProto.DataType.UINT8;

/** Collects nodes and initializers, then serialises one ModelProto (ir_version 8, opset 17). */
class GraphBuilder {
  readonly #nodes: proto.INodeProto[] = [];
  readonly #initializers: proto.ITensorProto[] = [];
  #counter = 0;

  /** Adds a constant tensor and returns its name. */
  constant(prefix: string, dims: readonly number[], values: Float32Array | BigInt64Array | Int8Array | Uint8Array): string {
    const name = `${prefix}_${this.#counter++}`;
    const dataType = values instanceof Float32Array ? FLOAT : values instanceof BigInt64Array ? INT64 : values instanceof Int8Array ? INT8 : UINT8;
    this.#initializers.push({ name, dims: [...dims], dataType, rawData: new Uint8Array(values.buffer, values.byteOffset, values.byteLength) });
    return name;
  }

  scalar(value: number): string {
    return this.constant('scalar', [], Float32Array.of(value));
  }

  int64s(values: readonly number[]): string {
    return this.constant('ints', [values.length], BigInt64Array.from(values, BigInt));
  }

  /** Adds a node and returns the names of its outputs (one unless `outputs` says more). */
  node(opType: string, inputs: readonly string[], attributes: Record<string, NodeAttribute> = {}, outputs = 1): string[] {
    const names = Array.from({ length: outputs }, (_, i) => `${opType.toLowerCase()}_${this.#counter}_${i}`);
    this.#counter++;
    this.#nodes.push({ opType, input: [...inputs], output: names, name: names[0], attribute: Object.entries(attributes).map(([name, value]) => attribute(name, value)) });
    return names;
  }

  /** Shorthand for a single-output node. */
  op(opType: string, inputs: readonly string[], attributes: Record<string, NodeAttribute> = {}): string {
    return this.node(opType, inputs, attributes)[0]!;
  }

  /** Serialises the graph with the MiniLM inputs (or the ones named) and `output` renamed to last_hidden_state. */
  build(output: string, hidden: number, inputs: readonly string[] = ['input_ids', 'attention_mask', 'token_type_ids']): Uint8Array {
    this.#nodes.push({ opType: 'Identity', input: [output], output: ['last_hidden_state'], name: 'output_identity' });
    const sequenceInput = (name: string) => valueInfo(name, INT64, ['batch_size', 'sequence_length']);
    const model = onnx.ModelProto.create({
      irVersion: 8,
      producerName: 'apfa-test-graphs',
      opsetImport: [{ domain: '', version: 17 }],
      graph: {
        name: 'bert-shaped',
        node: this.#nodes,
        initializer: this.#initializers,
        input: inputs.map(sequenceInput),
        output: [valueInfo('last_hidden_state', FLOAT, ['batch_size', 'sequence_length', hidden])],
      },
    });
    return onnx.ModelProto.encode(model).finish();
  }
}

function attribute(name: string, value: NodeAttribute): proto.IAttributeProto {
  const { AttributeType } = onnx.AttributeProto;
  if (typeof value === 'string') return { name, type: AttributeType.STRING, s: new TextEncoder().encode(value) };
  if (Array.isArray(value)) return { name, type: AttributeType.INTS, ints: value };
  return Number.isInteger(value) ? { name, type: AttributeType.INT, i: value } : { name, type: AttributeType.FLOAT, f: value };
}

function valueInfo(name: string, elemType: number, dims: readonly (number | string)[]): proto.IValueInfoProto {
  return {
    name,
    type: { tensorType: { elemType, shape: { dim: dims.map((dim) => (typeof dim === 'number' ? { dimValue: dim } : { dimParam: dim })) } } },
  };
}

/** Row `id` of the known-weights graph's word table: a fixed function of (id, d), distinct per token. */
export function knownWordRow(id: number, hidden: number): Float32Array {
  return Float32Array.from({ length: hidden }, (_, d) => (((id * 31 + d * 17) % 97) - 48) / 97);
}

/** Row `type` of the known-weights graph's token-type table. */
export function knownTypeRow(type: number, hidden: number): Float32Array {
  return Float32Array.from({ length: hidden }, (_, d) => (type + 1) * 0.01 * (d + 1));
}

/** What the known-weights graph adds at positions whose attention mask is 1 (not at padding). */
export function knownMaskRow(hidden: number): Float32Array {
  return Float32Array.from({ length: hidden }, (_, d) => (d % 2 === 0 ? 0.25 : -0.25));
}

/**
 * A graph whose output is known in closed form: last_hidden_state[b, s] =
 * knownWordRow(input_ids[b, s]) + knownTypeRow(token_type_ids[b, s]) + attention_mask[b, s] · knownMaskRow.
 * Padding positions carry knownWordRow(0) (non-zero), so pooling that forgets the mask is caught.
 * With `tokenTypeIds: false` the graph declares no token_type_ids input and has no type term,
 * like exports that drop it.
 */
export function knownWeightsGraph(vocab: number, hidden: number, options: { tokenTypeIds?: boolean } = {}): Uint8Array {
  const { tokenTypeIds = true } = options;
  const graph = new GraphBuilder();
  const words = new Float32Array(vocab * hidden);
  for (let id = 0; id < vocab; id++) words.set(knownWordRow(id, hidden), id * hidden);
  const types = new Float32Array(2 * hidden);
  types.set(knownTypeRow(0, hidden), 0);
  types.set(knownTypeRow(1, hidden), hidden);
  const word = graph.op('Gather', [graph.constant('words', [vocab, hidden], words), 'input_ids']);
  const mask = graph.op('Unsqueeze', [graph.op('Cast', ['attention_mask'], { to: FLOAT }), graph.int64s([2])]);
  const masked = graph.op('Add', [word, graph.op('Mul', [mask, graph.constant('mask_row', [hidden], knownMaskRow(hidden))])]);
  if (!tokenTypeIds) return graph.build(masked, hidden, ['input_ids', 'attention_mask']);
  const type = graph.op('Gather', [graph.constant('types', [2, hidden], types), 'token_type_ids']);
  return graph.build(graph.op('Add', [masked, type]), hidden);
}

export interface MiniLmArchitectureOptions {
  layers?: number;
  hidden?: number;
  heads?: number;
  ffn?: number;
  vocab?: number;
  maxPositions?: number;
  seed?: number;
  /** 'int8': weight MatMuls as DynamicQuantizeLinear + MatMulInteger, as onnxruntime's dynamic quantisation writes them. */
  weights?: 'fp32' | 'int8';
}

/**
 * A random-weight BERT encoder with all-MiniLM-L6-v2's shape (by default 6 layers, hidden 384,
 * 12 heads, FFN 1536, vocabulary 30522, 512 positions), laid out as the transformers ONNX export
 * is: word + position + type embeddings and LayerNorm; per layer Q/K/V MatMul+Add, reshape to
 * heads, scaled dot-product attention plus the (1 − mask)·−10000 bias, softmax, output projection,
 * residual + LayerNorm, FFN MatMul+Add, GELU in its Erf form, MatMul+Add, residual + LayerNorm.
 * Same operators and sizes, so inference costs what the real model costs; the values mean nothing.
 */
export function miniLmArchitectureGraph(options: MiniLmArchitectureOptions = {}): Uint8Array {
  const { layers = 6, hidden = 384, heads = 12, ffn = 1536, vocab = 30522, maxPositions = 512, seed = 1, weights = 'fp32' } = options;
  if (hidden % heads !== 0) throw new Error(`hidden ${hidden} is not divisible by heads ${heads}`);
  const headSize = hidden / heads;
  const next = uniform(seed);
  const graph = new GraphBuilder();
  const randomTensor = (prefix: string, dims: readonly number[]) => {
    const values = new Float32Array(dims.reduce((a, b) => a * b, 1));
    // Uniform with BERT's initializer_range (0.02) as standard deviation.
    for (let i = 0; i < values.length; i++) values[i] = (next() * 2 - 1) * 0.02 * Math.sqrt(3);
    return graph.constant(prefix, dims, values);
  };
  const ones = graph.constant('ln_gamma', [hidden], new Float32Array(hidden).fill(1));
  const zeros = graph.constant('ln_beta', [hidden], new Float32Array(hidden));
  const layerNorm = (x: string) => graph.op('LayerNormalization', [x, ones, zeros], { axis: -1, epsilon: 1e-12 });
  const linear = (x: string, rows: number, columns: number, prefix: string) => {
    const bias = randomTensor(`${prefix}_bias`, [columns]);
    if (weights === 'fp32') return graph.op('Add', [graph.op('MatMul', [x, randomTensor(`${prefix}_weight`, [rows, columns])]), bias]);
    return graph.op('Add', [quantizedMatMul(graph, x, rows, columns, next, prefix), bias]);
  };

  // Embeddings: word + position (0..S-1) + token type, then LayerNorm.
  const word = graph.op('Gather', [randomTensor('word_embeddings', [vocab, hidden]), 'input_ids']);
  const sequenceLength = graph.op('Gather', [graph.op('Shape', ['input_ids']), graph.constant('one', [], BigInt64Array.of(1n))], { axis: 0 });
  const positionIds = graph.op('Range', [graph.constant('zero', [], BigInt64Array.of(0n)), sequenceLength, graph.constant('step', [], BigInt64Array.of(1n))]);
  const position = graph.op('Gather', [randomTensor('position_embeddings', [maxPositions, hidden]), positionIds]);
  const type = graph.op('Gather', [randomTensor('token_type_embeddings', [2, hidden]), 'token_type_ids']);
  let state = layerNorm(graph.op('Add', [graph.op('Add', [word, position]), type]));

  // Extended attention mask [B, 1, 1, S]: 0 where attended, -10000 at padding.
  const maskFloat = graph.op('Cast', [graph.op('Unsqueeze', ['attention_mask', graph.int64s([1, 2])])], { to: FLOAT });
  const maskBias = graph.op('Mul', [graph.op('Sub', [graph.scalar(1), maskFloat]), graph.scalar(-10000)]);
  const toHeads = graph.int64s([0, 0, heads, headSize]);
  const fromHeads = graph.int64s([0, 0, hidden]);
  const scale = graph.scalar(Math.sqrt(headSize));

  for (let layer = 0; layer < layers; layer++) {
    const split = (name: string) => graph.op('Reshape', [linear(state, hidden, hidden, `layer${layer}_${name}`), toHeads]);
    const query = graph.op('Transpose', [split('query')], { perm: [0, 2, 1, 3] });
    const keyTransposed = graph.op('Transpose', [split('key')], { perm: [0, 2, 3, 1] });
    const value = graph.op('Transpose', [split('value')], { perm: [0, 2, 1, 3] });
    const scores = graph.op('Add', [graph.op('Div', [graph.op('MatMul', [query, keyTransposed]), scale]), maskBias]);
    const context = graph.op('MatMul', [graph.op('Softmax', [scores], { axis: -1 }), value]);
    const merged = graph.op('Reshape', [graph.op('Transpose', [context], { perm: [0, 2, 1, 3] }), fromHeads]);
    state = layerNorm(graph.op('Add', [linear(merged, hidden, hidden, `layer${layer}_attention_output`), state]));

    const intermediate = linear(state, hidden, ffn, `layer${layer}_intermediate`);
    const erf = graph.op('Erf', [graph.op('Div', [intermediate, graph.scalar(Math.SQRT2)])]);
    const gelu = graph.op('Mul', [graph.op('Mul', [intermediate, graph.op('Add', [erf, graph.scalar(1)])]), graph.scalar(0.5)]);
    state = layerNorm(graph.op('Add', [linear(gelu, ffn, hidden, `layer${layer}_output`), state]));
  }
  return graph.build(state, hidden);
}

/**
 * x · W with W stored as symmetric per-tensor int8: DynamicQuantizeLinear(x) → MatMulInteger →
 * Cast → × (x_scale · w_scale), the pattern onnxruntime fuses into MatMulIntegerToFloat.
 */
function quantizedMatMul(graph: GraphBuilder, x: string, rows: number, columns: number, next: () => number, prefix: string): string {
  const values = new Float32Array(rows * columns);
  let largest = 0;
  for (let i = 0; i < values.length; i++) {
    values[i] = (next() * 2 - 1) * 0.02 * Math.sqrt(3);
    largest = Math.max(largest, Math.abs(values[i]!));
  }
  const weightScale = largest / 127 || 1;
  const quantized = Int8Array.from(values, (value) => Math.round(value / weightScale));
  const [xq, xScale, xZeroPoint] = graph.node('DynamicQuantizeLinear', [x], {}, 3) as [string, string, string];
  const weight = graph.constant(`${prefix}_weight_int8`, [rows, columns], quantized);
  const weightZeroPoint = graph.constant(`${prefix}_weight_zero_point`, [], Int8Array.of(0));
  const product = graph.op('Cast', [graph.op('MatMulInteger', [xq, weight, xZeroPoint, weightZeroPoint])], { to: FLOAT });
  return graph.op('Mul', [product, graph.op('Mul', [xScale, graph.scalar(weightScale)])]);
}

/** mulberry32: deterministic weights from a seed. */
function uniform(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface ModelDirectoryOptions {
  /** Directory name, which becomes the embedder id (`onnx:<name>`). */
  name?: string;
  modelFile?: string;
  /** Writes config.json with this hidden_size; `false` writes none (the embedder then probes the width). */
  hidden?: number | false;
  /**
   * A folder whose tokenizer.json and tokenizer_config.json are copied (the benchmarks pass
   * {@link MINILM_TOKENIZER_DIR}); by default the small WordPiece tokenizer of
   * test/support/tiny-wordpiece-tokenizer.ts is written, so tests need nothing from outside.
   */
  tokenizerDir?: string;
}

/**
 * Writes `graph` into a fresh temporary directory (`apfa-onnx-*`) next to tokenizer files and a
 * config.json, and returns the model directory; the caller removes `dirname(result)`. Nothing is
 * left behind when writing fails.
 */
export async function writeModelDirectory(graph: Uint8Array, options: ModelDirectoryOptions = {}): Promise<string> {
  const { name = 'test-model', modelFile = 'model.onnx', hidden = 384, tokenizerDir } = options;
  const dir = join(await mkdtemp(join(tmpdir(), 'apfa-onnx-')), name);
  try {
    await mkdir(dir);
    await writeFile(join(dir, modelFile), graph);
    if (tokenizerDir === undefined) await writeTinyTokenizer(dir);
    else for (const file of ['tokenizer.json', 'tokenizer_config.json']) await copyFile(join(tokenizerDir, file), join(dir, file));
    if (hidden !== false) await writeFile(join(dir, 'config.json'), JSON.stringify({ model_type: 'bert', architectures: ['BertModel'], hidden_size: hidden }, null, 2));
    return dir;
  } catch (error) {
    await rm(dirname(dir), { recursive: true, force: true });
    throw error;
  }
}
