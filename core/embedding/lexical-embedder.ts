import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Embedder } from '../ports/embedder.ts';
import { AppError } from '../../shared/errors/app-error.ts';
import { tokenize } from '../../shared/text/tokenize.ts';
import { fmix32, fnv1a32 } from './feature-hash.ts';

export const LEXICAL_EMBEDDER_ID = 'lexical-hash-v1';

export interface LexicalEmbedderOptions {
  /** Number of hashed buckets; 384 by default, the width of all-MiniLM-L6-v2, so indexes have one shape. */
  dimension?: number;
  /** Multiplier on bigram features relative to unigrams (default 1). */
  bigramWeight?: number;
  /**
   * Document frequencies to weight terms by; without it every IDF is 1. Usually from
   * {@link LexicalEmbedder.fit}, or a table read from a stored version's `embedder.bin`
   * (lexical-embedder-bytes.ts), which is searched in place.
   */
  idf?: LexicalIdfTable | StoredDocumentFrequencies | undefined;
  /**
   * The hash of this state when it is already known: a table read from a file whose checksum
   * matched the manifest that records this hash. Computed from the state otherwise.
   */
  modelHash?: string | undefined;
}

/** Document frequencies of stemmed unigrams over a corpus of `documentCount` texts. */
export interface LexicalIdfTable {
  documentCount: number;
  terms: readonly string[];
  /** Parallel to `terms`. */
  documentFrequencies: readonly number[];
}

/** Document frequencies looked up in place (a table read from a binary file) instead of copied into a Map. */
export interface StoredDocumentFrequencies {
  readonly documentCount: number;
  /** Document frequency of a term, undefined when the table does not hold it. */
  get(term: string): number | undefined;
  /** Every (term, document frequency), in any order. */
  entries(): Iterable<readonly [string, number]>;
}

export interface LexicalFitOptions extends Omit<LexicalEmbedderOptions, 'idf' | 'modelHash'> {
  /** Keep at most this many terms in the IDF table, the most frequent first (default 100,000). */
  maxVocabulary?: number;
  /** Drop terms seen in fewer documents than this (default 1: keep all). */
  minDocumentFrequency?: number;
}

const StateSchema = z
  .object({
    id: z.literal(LEXICAL_EMBEDDER_ID),
    dimension: z.number().int().min(1).max(65_536),
    bigramWeight: z.number().finite().nonnegative(),
    documentCount: z.number().int().nonnegative(),
    /** Stemmed unigram terms, sorted. */
    terms: z.array(z.string()),
    /** Document frequency of each term, parallel to `terms`. */
    documentFrequencies: z.array(z.number().int().positive()),
  })
  .refine((state) => state.terms.length === state.documentFrequencies.length, 'terms and documentFrequencies differ in length');

/** The serialisable state of a {@link LexicalEmbedder}: parameters plus its IDF table. */
export type LexicalEmbedderState = z.infer<typeof StateSchema>;

/**
 * A weight-free embedder: the hashing trick over a TF-IDF bag of stemmed unigrams and bigrams.
 *
 * Each feature (a stem, or two consecutive stems joined by a space) is hashed with FNV-1a into
 * one of `dimension` buckets and added with a sign drawn from an independent bit of the hash,
 * weighted by sublinear term frequency (1 + ln tf) times smoothed IDF
 * (ln((1 + N) / (1 + df)) + 1, bigrams take the mean IDF of their two stems), then the vector is
 * L2-normalised. Why this retrieves well: the inner product of two such vectors is an unbiased
 * estimate of the cosine between their full sparse TF-IDF vectors, because colliding features
 * carry independent random signs and cancel in expectation (Weinberger et al., 2009). So a flat
 * inner-product index ranks documents by classic TF-IDF cosine, with rare, specific terms
 * ("FHA", "620", "PMI") dominating and bigrams rewarding phrases ("down payment", "credit score").
 * Texts with no terms embed to the zero vector, which scores 0 against everything.
 *
 * Without {@link LexicalEmbedder.fit} every IDF is 1 (plain TF cosine).
 */
export class LexicalEmbedder implements Embedder {
  readonly id = LEXICAL_EMBEDDER_ID;
  readonly dimension: number;
  readonly modelHash: string;
  readonly #bigramWeight: number;
  readonly #documentCount: number;
  readonly #documentFrequency: Pick<StoredDocumentFrequencies, 'get' | 'entries'>;

  constructor(options: LexicalEmbedderOptions = {}) {
    this.dimension = options.dimension ?? 384;
    this.#bigramWeight = options.bigramWeight ?? 1;
    if (!Number.isInteger(this.dimension) || this.dimension < 1 || this.dimension > 65_536) {
      throw new AppError('validation-failed', { detail: `lexical embedder dimension must be an integer in 1..65536, got ${this.dimension}` });
    }
    if (!Number.isFinite(this.#bigramWeight) || this.#bigramWeight < 0) {
      throw new AppError('validation-failed', { detail: `lexical embedder bigramWeight must be a non-negative number, got ${this.#bigramWeight}` });
    }
    const idf = options.idf ?? { documentCount: 0, terms: [], documentFrequencies: [] };
    this.#documentCount = idf.documentCount;
    if ('get' in idf) this.#documentFrequency = idf;
    else {
      if (idf.terms.length !== idf.documentFrequencies.length) {
        throw new AppError('validation-failed', { detail: 'lexical IDF table: terms and documentFrequencies differ in length' });
      }
      this.#documentFrequency = new Map(idf.terms.map((term, i) => [term, idf.documentFrequencies[i] ?? 0]));
    }
    this.modelHash = options.modelHash ?? hashState(this.toJSON());
  }

  /** Fits IDF weights on a corpus (the texts that will be indexed) and returns a new embedder. */
  static fit(texts: Iterable<string>, options: LexicalFitOptions = {}): LexicalEmbedder {
    const maxVocabulary = options.maxVocabulary ?? 100_000;
    const minDocumentFrequency = options.minDocumentFrequency ?? 1;
    const frequency = new Map<string, number>();
    let documentCount = 0;
    for (const text of texts) {
      documentCount++;
      for (const term of new Set(tokenize(text))) frequency.set(term, (frequency.get(term) ?? 0) + 1);
    }
    const kept = [...frequency]
      .filter(([, documentFrequency]) => documentFrequency >= minDocumentFrequency)
      .sort((a, b) => b[1] - a[1] || compareStrings(a[0], b[0]))
      .slice(0, maxVocabulary)
      .sort((a, b) => compareStrings(a[0], b[0]));
    return new LexicalEmbedder({
      ...options,
      idf: { documentCount, terms: kept.map(([term]) => term), documentFrequencies: kept.map(([, documentFrequency]) => documentFrequency) },
    });
  }

  /** Restores an embedder saved with {@link LexicalEmbedder.toJSON} (e.g. from an index manifest). */
  static fromJSON(state: unknown): LexicalEmbedder {
    const parsed = StateSchema.safeParse(state);
    if (!parsed.success) {
      throw new AppError('validation-failed', { detail: `invalid lexical embedder state: ${parsed.error.message}`, cause: parsed.error });
    }
    const { dimension, bigramWeight, documentCount, terms, documentFrequencies } = parsed.data;
    return new LexicalEmbedder({ dimension, bigramWeight, idf: { documentCount, terms, documentFrequencies } });
  }

  /** Parameters and IDF table; `JSON.stringify`-able and accepted by {@link LexicalEmbedder.fromJSON}. */
  toJSON(): LexicalEmbedderState {
    const entries = [...this.#documentFrequency.entries()].sort((a, b) => compareStrings(a[0], b[0]));
    return {
      id: LEXICAL_EMBEDDER_ID,
      dimension: this.dimension,
      bigramWeight: this.#bigramWeight,
      documentCount: this.#documentCount,
      terms: entries.map(([term]) => term),
      documentFrequencies: entries.map(([, documentFrequency]) => documentFrequency),
    };
  }

  async embed(texts: readonly string[]): Promise<Float32Array> {
    const out = new Float32Array(texts.length * this.dimension);
    texts.forEach((text, row) => this.#embedInto(text, out.subarray(row * this.dimension, (row + 1) * this.dimension)));
    return out;
  }

  #idf(term: string): number {
    if (this.#documentCount === 0) return 1;
    const documentFrequency = this.#documentFrequency.get(term) ?? 0;
    return Math.log((1 + this.#documentCount) / (1 + documentFrequency)) + 1;
  }

  #embedInto(text: string, row: Float32Array): void {
    const terms = tokenize(text);
    const features = new Map<string, { count: number; weight: number }>();
    const add = (feature: string, weight: number) => {
      const entry = features.get(feature);
      if (entry) entry.count++;
      else features.set(feature, { count: 1, weight });
    };
    terms.forEach((term, i) => {
      add(term, this.#idf(term));
      const next = terms[i + 1];
      if (next !== undefined && this.#bigramWeight > 0) {
        add(`${term} ${next}`, (this.#bigramWeight * (this.#idf(term) + this.#idf(next))) / 2);
      }
    });
    for (const [feature, { count, weight }] of features) {
      const hash = fnv1a32(feature);
      const sign = (fmix32(hash) & 1) === 0 ? 1 : -1;
      row[hash % this.dimension]! += sign * (1 + Math.log(count)) * weight;
    }
    let norm = 0;
    for (const value of row) norm += value * value;
    if (norm === 0) return;
    const scale = 1 / Math.sqrt(norm);
    for (let i = 0; i < row.length; i++) row[i]! *= scale;
  }
}

/** First 16 hex characters of sha256 over the canonical JSON of the state: the embedder's modelHash. */
function hashState(state: LexicalEmbedderState): string {
  return createHash('sha256').update(JSON.stringify(state)).digest('hex').slice(0, 16);
}

/** Code-unit order, independent of locale, so the state and its hash are reproducible. */
function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
