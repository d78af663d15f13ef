import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import type { Embedder } from '../ports/embedder.ts';
import { AppError } from '../../shared/errors/app-error.ts';
import { poolAndNormalise } from './mean-pool.ts';
import { describeMissingModelFiles, inspectModelDirectory, MODEL_FETCH_HINT, TOKENIZER_FILE } from './model-files.ts';
import { WordPieceTokenizer } from './wordpiece-tokenizer.ts';
import type { TokenBatch } from './wordpiece-tokenizer.ts';

export interface OnnxEmbedderOptions {
  /** Directory holding the graph, tokenizer.json and (optionally) tokenizer_config.json / config.json. */
  modelDir: string;
  /** Graph file inside `modelDir`; by default model.onnx, else model_quantized.onnx, else model_qint8*.onnx. */
  modelFile?: string;
  /** Name in the embedder id (`onnx:<name>`); defaults to the directory name, e.g. all-MiniLM-L6-v2. */
  name?: string;
  /** Longest token sequence, [CLS]/[SEP] included (default 256, the model's max_seq_length). */
  maxLength?: number;
  /** Texts per inference call (default 32). */
  batchSize?: number;
  /** Threads onnxruntime may use inside one operator (default 1). */
  intraOpThreads?: number;
}

/** The token-type, mask and id inputs a BERT graph may declare; anything else cannot be fed. */
const KNOWN_INPUTS = new Set(['input_ids', 'attention_mask', 'token_type_ids']);

/**
 * Sentence embeddings from a BERT-family ONNX graph (all-MiniLM-L6-v2 by default) on the
 * onnxruntime CPU provider: WordPiece tokenisation, the graph's `last_hidden_state`,
 * attention-masked mean pooling and L2 normalisation, as sentence-transformers does it.
 */
export class OnnxEmbedder implements Embedder {
  readonly id: string;
  readonly modelHash: string;
  #dimension: number;
  readonly #session: InferenceSession;
  readonly #tokenizer: WordPieceTokenizer;
  readonly #batchSize: number;
  readonly #outputName: string;

  private constructor(init: {
    id: string;
    modelHash: string;
    dimension: number;
    session: InferenceSession;
    tokenizer: WordPieceTokenizer;
    batchSize: number;
    outputName: string;
  }) {
    this.id = init.id;
    this.modelHash = init.modelHash;
    this.#dimension = init.dimension;
    this.#session = init.session;
    this.#tokenizer = init.tokenizer;
    this.#batchSize = init.batchSize;
    this.#outputName = init.outputName;
  }

  /** Reads the model directory and opens an inference session; fails with AppError('not-ready') when files are missing. */
  static async load(options: OnnxEmbedderOptions): Promise<OnnxEmbedder> {
    const batchSize = options.batchSize ?? 32;
    const intraOpThreads = options.intraOpThreads ?? 1;
    const maxLength = options.maxLength ?? 256;
    for (const [name, value, min] of [['batchSize', batchSize, 1], ['intraOpThreads', intraOpThreads, 1], ['maxLength', maxLength, 2]] as const) {
      if (!Number.isInteger(value) || value < min) {
        throw new AppError('validation-failed', { detail: `onnx embedder ${name} must be an integer ≥ ${min}, got ${value}` });
      }
    }
    const modelDir = resolve(options.modelDir);
    const contents = await inspectModelDirectory(modelDir);
    const modelFile = options.modelFile ?? contents.modelFile ?? 'model.onnx';
    const problem = !contents.exists || !contents.hasTokenizer ? describeMissingModelFiles(modelDir, contents) : undefined;
    if (problem !== undefined) throw new AppError('not-ready', { detail: `${problem}; ${MODEL_FETCH_HINT}` });

    const modelPath = join(modelDir, modelFile);
    const modelBytes = await readRequired(modelPath);
    const tokenizerBytes = await readRequired(join(modelDir, TOKENIZER_FILE));
    const tokenizer = await WordPieceTokenizer.fromDirectory(modelDir, { maxLength });
    const modelHash = createHash('sha256').update(modelBytes).update(tokenizerBytes).digest('hex').slice(0, 16);

    let session: InferenceSession;
    try {
      session = await InferenceSession.create(modelBytes, {
        executionProviders: ['cpu'],
        graphOptimizationLevel: 'all',
        intraOpNumThreads: intraOpThreads,
        interOpNumThreads: 1,
        executionMode: 'sequential',
      });
    } catch (error) {
      throw new AppError('not-ready', { detail: `cannot load ONNX model ${modelPath}: ${(error as Error).message}`, cause: error });
    }
    const unknown = session.inputNames.filter((name) => !KNOWN_INPUTS.has(name));
    if (unknown.length > 0 || !session.inputNames.includes('input_ids')) {
      await session.release();
      throw new AppError('validation-failed', { detail: `${modelPath} declares inputs [${session.inputNames.join(', ')}]; expected input_ids plus attention_mask/token_type_ids` });
    }
    const outputName = session.outputNames.includes('last_hidden_state') ? 'last_hidden_state' : session.outputNames[0];
    if (outputName === undefined) {
      await session.release();
      throw new AppError('validation-failed', { detail: `${modelPath} declares no outputs` });
    }

    const embedder = new OnnxEmbedder({
      id: `onnx:${options.name ?? basename(modelDir)}`,
      modelHash,
      dimension: (await configuredHiddenSize(modelDir)) ?? 0,
      session,
      tokenizer,
      batchSize,
      outputName,
    });
    // Without config.json, learn the width from one tiny inference instead of guessing.
    if (embedder.#dimension === 0) embedder.#dimension = await embedder.#probeDimension();
    return embedder;
  }

  /** Width of every vector: config.json's hidden_size, or the graph's output width when that is absent. */
  get dimension(): number {
    return this.#dimension;
  }

  async embed(texts: readonly string[]): Promise<Float32Array> {
    const out = new Float32Array(texts.length * this.dimension);
    for (let start = 0; start < texts.length; start += this.#batchSize) {
      const batch = this.#tokenizer.encodeBatch(texts.slice(start, start + this.#batchSize));
      const hidden = await this.#run(batch);
      if (hidden.dims[2] !== this.dimension) {
        throw new AppError('internal', { detail: `${this.id} produced width ${hidden.dims[2]}, expected ${this.dimension}` });
      }
      poolAndNormalise(hidden.data, batch.attentionMask, { rows: batch.size, sequenceLength: batch.sequenceLength, dimension: this.dimension }, out, start * this.dimension);
    }
    return out;
  }

  /** Frees the native session; the embedder cannot be used afterwards. */
  async release(): Promise<void> {
    await this.#session.release();
  }

  /** Runs one batch and returns the token vectors [size, sequenceLength, width]. */
  async #run(batch: TokenBatch): Promise<{ data: Float32Array; dims: readonly number[] }> {
    const dims = [batch.size, batch.sequenceLength];
    const available: Record<string, BigInt64Array> = {
      input_ids: batch.inputIds,
      attention_mask: batch.attentionMask,
      token_type_ids: batch.tokenTypeIds,
    };
    // Feed only what the graph declares: some exports drop token_type_ids.
    const feeds: Record<string, Tensor> = {};
    for (const name of this.#session.inputNames) feeds[name] = new Tensor('int64', available[name]!, dims);
    const results = await this.#session.run(feeds, [this.#outputName]);
    const output = results[this.#outputName];
    if (output === undefined || output.type !== 'float32' || output.dims.length !== 3 || output.dims[0] !== batch.size || output.dims[1] !== batch.sequenceLength) {
      throw new AppError('internal', {
        detail: `${this.id}: output ${this.#outputName} is ${output?.type ?? 'missing'} [${output?.dims.join(', ') ?? ''}], expected float32 [${batch.size}, ${batch.sequenceLength}, width]`,
      });
    }
    return { data: output.data as Float32Array, dims: output.dims };
  }

  async #probeDimension(): Promise<number> {
    const { dims } = await this.#run(this.#tokenizer.encodeBatch(['']));
    const width = dims[2];
    if (width === undefined || width < 1) throw new AppError('validation-failed', { detail: `${this.id}: cannot tell the output width from [${dims.join(', ')}]` });
    return width;
  }
}

async function readRequired(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    throw new AppError('not-ready', { detail: `cannot read ${path} (${(error as { code?: string }).code ?? (error as Error).message}); ${MODEL_FETCH_HINT}`, cause: error });
  }
}

/** hidden_size from config.json, or undefined when the file or the field is absent. */
async function configuredHiddenSize(modelDir: string): Promise<number | undefined> {
  let text: string;
  try {
    text = await readFile(join(modelDir, 'config.json'), 'utf8');
  } catch {
    // config.json is optional: the width is then probed from the graph.
    return undefined;
  }
  let hiddenSize: unknown;
  try {
    hiddenSize = (JSON.parse(text) as { hidden_size?: unknown } | null)?.hidden_size;
  } catch (error) {
    throw new AppError('validation-failed', { detail: `${join(modelDir, 'config.json')} is not valid JSON`, cause: error });
  }
  return typeof hiddenSize === 'number' && Number.isInteger(hiddenSize) && hiddenSize > 0 ? hiddenSize : undefined;
}
