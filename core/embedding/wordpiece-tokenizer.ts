import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { AppError } from '../../shared/errors/app-error.ts';

/** One batch of encoded texts, padded to its longest member, in the layout BERT-style graphs take. */
export interface TokenBatch {
  /** Number of texts (rows). */
  size: number;
  /** Tokens per row after padding (the longest row of this batch). */
  sequenceLength: number;
  /** Row-major [size, sequenceLength]. */
  inputIds: BigInt64Array;
  /** 1 for real tokens, 0 for padding. */
  attentionMask: BigInt64Array;
  tokenTypeIds: BigInt64Array;
}

export interface WordPieceTokenizerOptions {
  /** Longest sequence kept, [CLS] and [SEP] included (default 256, all-MiniLM-L6-v2's max_seq_length). */
  maxLength?: number;
}

/**
 * Encodes texts for a BERT-family ONNX graph with @huggingface/tokenizers.
 *
 * Its `encode()` applies neither the truncation nor the padding that tokenizer.json declares, so
 * this class does both: a text longer than `maxLength` keeps its first `maxLength - 1` tokens and
 * its final special token ([SEP]), and each batch is padded with the pad id (0) to its own longest
 * row, not to a fixed width, so short batches cost short inference.
 */
export class WordPieceTokenizer {
  readonly maxLength: number;
  readonly #tokenizer: Tokenizer;
  readonly #padId: number;

  constructor(tokenizerJson: unknown, tokenizerConfig: unknown, options: WordPieceTokenizerOptions = {}) {
    this.maxLength = options.maxLength ?? 256;
    if (!Number.isInteger(this.maxLength) || this.maxLength < 2) {
      throw new AppError('validation-failed', { detail: `tokenizer maxLength must be an integer ≥ 2, got ${this.maxLength}` });
    }
    this.#tokenizer = new Tokenizer(tokenizerJson as object, (tokenizerConfig ?? {}) as object);
    this.#padId = padIdOf(tokenizerJson);
  }

  /** Reads tokenizer.json and (when present) tokenizer_config.json from `modelDir`. */
  static async fromDirectory(modelDir: string, options: WordPieceTokenizerOptions = {}): Promise<WordPieceTokenizer> {
    const tokenizerJson = await readJson(join(modelDir, 'tokenizer.json'), true);
    const tokenizerConfig = await readJson(join(modelDir, 'tokenizer_config.json'), false);
    return new WordPieceTokenizer(tokenizerJson, tokenizerConfig ?? {}, options);
  }

  /** Token ids of one text with [CLS]/[SEP], truncated to `maxLength`. */
  encode(text: string): { ids: number[]; typeIds: number[] } {
    const encoding = this.#tokenizer.encode(text, { return_token_type_ids: true });
    let ids = encoding.ids;
    let typeIds = encoding.token_type_ids;
    if (ids.length > this.maxLength) {
      // Keep the closing special token so the model still sees a terminated sequence.
      ids = [...ids.slice(0, this.maxLength - 1), ids[ids.length - 1]!];
      typeIds = [...typeIds.slice(0, this.maxLength - 1), typeIds[typeIds.length - 1]!];
    }
    return { ids, typeIds };
  }

  /** Encodes `texts` into one batch padded to its longest row. */
  encodeBatch(texts: readonly string[]): TokenBatch {
    const encoded = texts.map((text) => this.encode(text));
    const sequenceLength = encoded.reduce((longest, { ids }) => Math.max(longest, ids.length), 0);
    const cells = texts.length * sequenceLength;
    const inputIds = new BigInt64Array(cells).fill(BigInt(this.#padId));
    const attentionMask = new BigInt64Array(cells);
    const tokenTypeIds = new BigInt64Array(cells);
    encoded.forEach(({ ids, typeIds }, row) => {
      const offset = row * sequenceLength;
      ids.forEach((id, i) => {
        inputIds[offset + i] = BigInt(id);
        attentionMask[offset + i] = 1n;
        tokenTypeIds[offset + i] = BigInt(typeIds[i] ?? 0);
      });
    });
    return { size: texts.length, sequenceLength, inputIds, attentionMask, tokenTypeIds };
  }
}

/** The pad id tokenizer.json declares ([PAD] is 0 for BERT vocabularies). */
function padIdOf(tokenizerJson: unknown): number {
  const padding = (tokenizerJson as { padding?: { pad_id?: unknown } | null } | null)?.padding;
  return typeof padding?.pad_id === 'number' ? padding.pad_id : 0;
}

async function readJson(path: string, required: boolean): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (!required && (error as { code?: unknown }).code === 'ENOENT') return undefined;
    throw new AppError('not-ready', { detail: `cannot read ${path}: ${(error as Error).message}`, cause: error });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new AppError('validation-failed', { detail: `${path} is not valid JSON`, cause: error });
  }
}
