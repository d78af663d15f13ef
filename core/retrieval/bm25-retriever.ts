import { z } from 'zod';
import { AppError } from '../../shared/errors/app-error.ts';
import { tokenize } from '../../shared/text/tokenize.ts';
import type { RetrievalHit, RetrieveOptions, Retriever } from './retriever.ts';
import { topK } from './top-k.ts';
import { VarintReader, VarintWriter } from './varint.ts';
import { isBm25Postings, ListTermDictionary, type Bm25Postings, type TermDictionary } from './bm25-postings.ts';
import { runSteps, runStepsYielding, type Steps } from './stepwise.ts';

export const BM25_STATE_ID = 'bm25-v1';

/** A document to index: plain text, or a title and body (the title can be boosted). */
export type Bm25Document = string | { title: string; text: string };

export interface Bm25Options {
  /** Term-frequency saturation (default 1.2). */
  k1?: number;
  /** Length normalisation, 0 = none, 1 = full (default 0.75). */
  b?: number;
  /** Each title occurrence counts as this many body occurrences, in tf and in length (default 2; 1 = plain title + text). */
  titleBoost?: number;
}

/**
 * Query expansion: extra retrieval terms for a query (synonyms, full names of its abbreviations),
 * e.g. shared/text/lending-vocabulary.ts's `lendingQueryExpansion`. Applied at query time only.
 */
export type QueryExpansion = (query: string) => readonly string[];

/** Query-time options of a {@link Bm25Retriever} (not saved with its state). */
export interface Bm25QueryOptions {
  /** Extra terms for each query; none by default. */
  expansion?: QueryExpansion | undefined;
  /** Weight of an expansion term relative to a term the query states (default 0.5; 0–1). */
  expansionWeight?: number | undefined;
}

/** Expansion terms count for half a stated term: a synonym is evidence, but weaker than the borrower's own word. */
export const DEFAULT_EXPANSION_WEIGHT = 0.5;

/**
 * A term only of the statements of the borrower's situation beside the question ("I just changed jobs
 * and I'm trying to plan ahead. Are mortgage points tax deductible?") counts half: the situation
 * informs which documents fit, the question chooses them. 0.5 on the answer eval's dev split and a
 * probe of harmless statements added to the fairness suite's dev questions (docs/answer-quality.md):
 * 0.3–0.4 lose facts, 0.7 keeps more of the statements' pull; the same share in sentence scoring.
 */
export const SITUATION_TERM_WEIGHT = 0.5;

/**
 * The query's retrieval terms and the weight each counts with: a stated term once per occurrence
 * (as in Lucene), an expansion term the query does not state `expansionWeight` times. With `asked`
 * (the sentences that ask, when statements of the borrower's situation stand beside them), a term
 * found only outside it counts {@link SITUATION_TERM_WEIGHT} as much. Both BM25 retrievers read
 * queries through this.
 */
export function weighQueryTerms(query: string, asked: string | undefined, expansion: QueryExpansion | undefined, expansionWeight: number): Map<string, number> {
  const weigh = (text: string) => {
    const weights = new Map<string, number>();
    for (const term of tokenize(text)) weights.set(term, (weights.get(term) ?? 0) + 1);
    if (expansion === undefined || expansionWeight <= 0) return weights;
    for (const term of new Set(expansion(text))) if (!weights.has(term)) weights.set(term, expansionWeight);
    return weights;
  };
  const weights = weigh(query);
  if (asked === undefined) return weights;
  const own = weigh(asked);
  for (const [term, weight] of weights) if (!own.has(term)) weights.set(term, weight * SITUATION_TERM_WEIGHT);
  return weights;
}

/**
 * Defaults chosen on held-out data: a grid over k1 (0.6–3), b (0.3–1) and the title weight (1–3)
 * on the dev half of SciFact's judged queries (bench/retrieval-quality.ts; halves by a hash of the
 * query id). Dev nDCG@10 0.682 against 0.664 for the textbook k1 1.2, b 0.75, title weight 1; on
 * the untouched test half 0.705 against 0.698, on all 300 queries 0.694 against 0.682. The
 * lending answer eval's dev split scores the same with either. See docs/retrieval.md.
 */
export const DEFAULT_BM25_OPTIONS = { k1: 2, b: 1, titleBoost: 1.5 } as const satisfies Required<Bm25Options>;

const StateSchema = z.object({
  id: z.literal(BM25_STATE_ID),
  k1: z.number().finite().nonnegative(),
  b: z.number().min(0).max(1),
  titleBoost: z.number().finite().nonnegative(),
  documentCount: z.number().int().nonnegative(),
  /** Stemmed terms; term i owns the i-th postings list. */
  terms: z.array(z.string()),
  /** Base64 varints: per term, its document count, then (document-id gap, body tf, title tf) per posting. */
  postings: z.string(),
});

/** The serialisable state of a {@link Bm25Retriever}: parameters plus its inverted index. */
export type Bm25State = z.infer<typeof StateSchema>;

interface InvertedIndex {
  terms: TermDictionary;
  /** Postings of term t are [offsets[t], offsets[t + 1]). */
  offsets: Uint32Array;
  documents: Uint32Array;
  bodyFrequencies: Uint16Array;
  titleFrequencies: Uint16Array;
  documentCount: number;
}

/**
 * Okapi BM25 over an in-memory inverted index in typed arrays, with the tokens of
 * shared/text/tokenize.ts (stemmed, stoplisted). IDF is Lucene's ln(1 + (N − df + 0.5)/(df + 0.5)),
 * so no term scores negative; repeated query terms count once per occurrence, as in Lucene.
 * Scoring touches only the postings of the query's terms, then keeps the best k in a heap.
 */
export class Bm25Retriever implements Retriever {
  readonly kind = 'bm25';
  readonly k1: number;
  readonly b: number;
  readonly titleBoost: number;
  readonly #index: InvertedIndex;
  readonly #idf: Float64Array;
  /** tf weights of each posting: body tf + titleBoost · title tf. */
  readonly #weights: Float32Array;
  /** k1 · (1 − b + b · length / averageLength) per document. */
  readonly #lengthNorms: Float64Array;
  readonly #scores: Float64Array;
  readonly #touched: Int32Array;
  readonly #expansion: QueryExpansion | undefined;
  readonly #expansionWeight: number;

  private constructor(index: InvertedIndex, parameters: Required<Bm25Options>, query: Bm25QueryOptions, tables: ScoringTables) {
    this.k1 = parameters.k1;
    this.b = parameters.b;
    this.titleBoost = parameters.titleBoost;
    this.#expansion = query.expansion;
    this.#expansionWeight = query.expansionWeight ?? DEFAULT_EXPANSION_WEIGHT;
    this.#index = index;
    this.#weights = tables.weights;
    this.#lengthNorms = tables.lengthNorms;
    this.#idf = tables.idf;
    this.#scores = new Float64Array(index.documentCount);
    this.#touched = new Int32Array(index.documentCount);
  }

  /**
   * Checks the parameters, then derives what scoring reads from the postings (each posting's tf
   * weight, each document's length norm, each term's IDF), unless `stored` has them for these
   * parameters: computed by this same code when the version was built, they are reused bit for
   * bit. Yields every ~{@link POSTINGS_PER_STEP} postings.
   */
  static *#create(index: InvertedIndex, options: Bm25Options & Bm25QueryOptions, stored?: StoredScoring): Steps<Bm25Retriever> {
    const k1 = options.k1 ?? DEFAULT_BM25_OPTIONS.k1;
    const b = options.b ?? DEFAULT_BM25_OPTIONS.b;
    const titleBoost = options.titleBoost ?? DEFAULT_BM25_OPTIONS.titleBoost;
    if (!Number.isFinite(k1) || k1 < 0) throw invalid(`k1 must be a non-negative number, got ${k1}`);
    if (!(b >= 0 && b <= 1)) throw invalid(`b must be in 0..1, got ${b}`);
    if (!Number.isFinite(titleBoost) || titleBoost < 0) throw invalid(`titleBoost must be a non-negative number, got ${titleBoost}`);
    const expansionWeight = options.expansionWeight ?? DEFAULT_EXPANSION_WEIGHT;
    if (!(expansionWeight >= 0 && expansionWeight <= 1)) throw invalid(`expansionWeight must be in 0..1, got ${expansionWeight}`);
    const reuse =
      stored !== undefined &&
      stored.k1 === k1 &&
      stored.b === b &&
      stored.titleBoost === titleBoost &&
      stored.weights.length === index.documents.length &&
      stored.lengthNorms.length === index.documentCount &&
      stored.idf.length === index.terms.size;
    const tables = reuse ? stored : yield* scoringTables(index, k1, b, titleBoost);
    return new Bm25Retriever(index, { k1, b, titleBoost }, { expansion: options.expansion, expansionWeight }, tables);
  }

  /** Number of indexed documents. */
  get size(): number {
    return this.#index.documentCount;
  }

  /** Tokenises and indexes the documents; labels are their positions in `documents`. */
  static build(documents: readonly Bm25Document[], options: Bm25Options & Bm25QueryOptions = {}): Bm25Retriever {
    const termIds = new Map<string, number>();
    const terms: string[] = [];
    // Postings are appended in document order, so each term's list is sorted by document id.
    const lists: { documents: number[]; body: number[]; title: number[] }[] = [];
    documents.forEach((document, label) => {
      const counts = new Map<number, [number, number]>();
      const count = (text: string, field: 0 | 1) => {
        for (const term of tokenize(text)) {
          let id = termIds.get(term);
          if (id === undefined) {
            id = terms.length;
            termIds.set(term, id);
            terms.push(term);
            lists.push({ documents: [], body: [], title: [] });
          }
          let entry = counts.get(id);
          if (!entry) counts.set(id, (entry = [0, 0]));
          entry[field]++;
        }
      };
      if (typeof document === 'string') count(document, 0);
      else {
        count(document.title, 1);
        count(document.text, 0);
      }
      for (const [id, [body, title]] of counts) {
        const list = lists[id]!;
        list.documents.push(label);
        list.body.push(body);
        list.title.push(title);
      }
    });
    const offsets = new Uint32Array(terms.length + 1);
    lists.forEach((list, t) => (offsets[t + 1] = offsets[t]! + list.documents.length));
    const total = offsets[terms.length]!;
    const index: InvertedIndex = {
      terms: new ListTermDictionary(terms),
      offsets,
      documents: new Uint32Array(total),
      bodyFrequencies: new Uint16Array(total),
      titleFrequencies: new Uint16Array(total),
      documentCount: documents.length,
    };
    lists.forEach((list, t) => {
      const start = offsets[t]!;
      index.documents.set(list.documents, start);
      index.bodyFrequencies.set(list.body.map(clampFrequency), start);
      index.titleFrequencies.set(list.title.map(clampFrequency), start);
    });
    return runSteps(Bm25Retriever.#create(index, options));
  }

  /**
   * Restores a retriever saved with {@link Bm25Retriever.toJSON}, or from binary postings
   * ({@link Bm25Retriever.toPostings}, read with decodeBm25Postings). `options` override the saved
   * k1/b/titleBoost (they apply at load, so changing them needs no re-index).
   */
  static fromJSON(state: unknown, options: Bm25Options & Bm25QueryOptions = {}): Bm25Retriever {
    return runSteps(isBm25Postings(state) ? Bm25Retriever.#fromPostings(state, options) : Bm25Retriever.#decode(state, options));
  }

  /**
   * {@link fromJSON} for a serving instance loading a new version while it answers requests:
   * the postings are decoded (JSON state) or weighted (binary postings) in slices with a turn of
   * the event loop between them.
   */
  static async restore(state: unknown, options: Bm25Options & Bm25QueryOptions = {}): Promise<Bm25Retriever> {
    return runStepsYielding(isBm25Postings(state) ? Bm25Retriever.#fromPostings(state, options) : Bm25Retriever.#decode(state, options));
  }

  /** Decodes a saved state; yields after every ~200k postings so a caller can pause there. */
  static *#decode(state: unknown, options: Bm25Options & Bm25QueryOptions): Steps<Bm25Retriever> {
    const parsed = StateSchema.safeParse(state);
    if (!parsed.success) throw invalid(`invalid BM25 state: ${parsed.error.message}`, parsed.error);
    const { terms, documentCount, postings } = parsed.data;
    const bytes = Uint8Array.from(Buffer.from(postings, 'base64'));
    const reader = new VarintReader(bytes);
    const offsets = new Uint32Array(terms.length + 1);
    // Every posting takes at least 3 varint bytes, so this bounds their count: typed arrays filled
    // in place (no JS arrays of millions of numbers) keep a serving instance's load short.
    const capacity = Math.floor(bytes.length / 3);
    const documents = new Uint32Array(capacity);
    const body = new Uint16Array(capacity);
    const title = new Uint16Array(capacity);
    let count = 0;
    let sinceYield = 0;
    for (let t = 0; t < terms.length; t++) {
      const length = reader.read();
      if (length < 0) throw invalid(`BM25 state: postings end before term ${t}`);
      let document = -1;
      for (let p = 0; p < length; p++) {
        const gap = reader.read();
        const bodyFrequency = reader.read();
        const titleFrequency = reader.read();
        if (gap < 1 || bodyFrequency < 0 || titleFrequency < 0 || count >= capacity) throw invalid(`BM25 state: corrupt postings for term ${t}`);
        document += gap;
        if (document >= documentCount) throw invalid(`BM25 state: document ${document} out of range for term ${t}`);
        documents[count] = document;
        body[count] = bodyFrequency;
        title[count] = titleFrequency;
        count++;
      }
      offsets[t + 1] = count;
      sinceYield += length + 1;
      if (sinceYield >= 200_000) {
        sinceYield = 0;
        yield;
      }
    }
    if (!reader.done) throw invalid('BM25 state: trailing bytes after the postings');
    const index: InvertedIndex = {
      terms: new ListTermDictionary(terms),
      offsets,
      documents: documents.slice(0, count),
      bodyFrequencies: body.slice(0, count),
      titleFrequencies: title.slice(0, count),
      documentCount,
    };
    yield;
    const { k1, b, titleBoost } = parsed.data;
    return yield* Bm25Retriever.#create(index, { k1, b, titleBoost, ...definedOnly(options) });
  }

  /** Binary postings: typed-array views already; the scoring tables stored with them are used when the parameters are the stored ones. */
  static *#fromPostings(postings: Bm25Postings, options: Bm25Options & Bm25QueryOptions): Steps<Bm25Retriever> {
    const { k1, b, titleBoost, kind: _kind, weights, lengthNorms, idf, ...index } = postings;
    const stored = weights !== undefined && lengthNorms !== undefined && idf !== undefined ? { k1, b, titleBoost, weights, lengthNorms, idf } : undefined;
    return yield* Bm25Retriever.#create(index, { k1, b, titleBoost, ...definedOnly(options) }, stored);
  }

  /**
   * Parameters, the inverted index and the scoring tables derived for those parameters, as typed
   * arrays (views, not copies), for encodeBm25Postings.
   */
  toPostings(): Bm25Postings {
    return { kind: 'bm25-postings', k1: this.k1, b: this.b, titleBoost: this.titleBoost, ...this.#index, weights: this.#weights, lengthNorms: this.#lengthNorms, idf: this.#idf };
  }

  /** Parameters and the inverted index as varints in base64; `JSON.stringify`-able. */
  toJSON(): Bm25State {
    const { terms, offsets, documents, bodyFrequencies, titleFrequencies, documentCount } = this.#index;
    const writer = new VarintWriter();
    for (let t = 0; t < terms.size; t++) {
      const start = offsets[t]!;
      const end = offsets[t + 1]!;
      writer.write(end - start);
      let previous = -1;
      for (let p = start; p < end; p++) {
        writer.write(documents[p]! - previous);
        writer.write(bodyFrequencies[p]!);
        writer.write(titleFrequencies[p]!);
        previous = documents[p]!;
      }
    }
    return {
      id: BM25_STATE_ID,
      k1: this.k1,
      b: this.b,
      titleBoost: this.titleBoost,
      documentCount,
      terms: Array.from({ length: terms.size }, (_, t) => terms.termAt(t)),
      postings: Buffer.from(writer.finish()).toString('base64'),
    };
  }

  async retrieve(query: string, k: number, options: RetrieveOptions = {}): Promise<RetrievalHit[]> {
    return this.search(query, k, options.asked);
  }

  /**
   * Synchronous {@link retrieve}: BM25 scores, best first; documents sharing no term with the
   * query (expansion included) are not returned. An expansion term the query does not state
   * counts `expansionWeight` times.
   */
  documentFrequency(term: string): number {
    const id = this.#index.terms.get(term);
    return id === undefined ? 0 : this.#index.offsets[id + 1]! - this.#index.offsets[id]!;
  }

  search(query: string, k: number, asked?: string): RetrievalHit[] {
    const scores = this.#scores;
    const touched = this.#touched;
    let touchedCount = 0;
    const { offsets, documents } = this.#index;
    const k1Plus1 = this.k1 + 1;
    for (const [term, queryFrequency] of weighQueryTerms(query, asked, this.#expansion, this.#expansionWeight)) {
      const termId = this.#index.terms.get(term);
      if (termId === undefined) continue;
      const idf = this.#idf[termId]! * queryFrequency;
      for (let p = offsets[termId]!, end = offsets[termId + 1]!; p < end; p++) {
        const document = documents[p]!;
        const tf = this.#weights[p]!;
        if (tf === 0) continue;
        if (scores[document] === 0) touched[touchedCount++] = document;
        scores[document]! += (idf * tf * k1Plus1) / (tf + this.#lengthNorms[document]!);
      }
    }
    const hits = topK(this.size, k, (label) => scores[label]!, touched.subarray(0, touchedCount));
    for (let i = 0; i < touchedCount; i++) scores[touched[i]!] = 0;
    return hits;
  }
}

/** Postings weighted in one step (≈ 1 ms; {@link Bm25Retriever.restore} groups steps into runs between turns of the event loop). */
const POSTINGS_PER_STEP = 200_000;

/** What scoring reads besides the postings, for one k1 / b / titleBoost. */
interface ScoringTables {
  /** tf weight of each posting: body tf + titleBoost · title tf. */
  weights: Float32Array;
  /** k1 · (1 − b + b · length / averageLength) per document. */
  lengthNorms: Float64Array;
  idf: Float64Array;
}

/** Scoring tables stored with binary postings, and the parameters they were derived for. */
interface StoredScoring extends Required<Bm25Options>, ScoringTables {}

/** Every table from the postings. A build stores what this computes, so loads reuse it bit for bit. */
function* scoringTables(index: InvertedIndex, k1: number, b: number, titleBoost: number): Steps<ScoringTables> {
  const { documentCount, offsets, documents } = index;
  const weights = new Float32Array(documents.length);
  const lengths = new Float64Array(documentCount);
  for (let start = 0; start < documents.length; start += POSTINGS_PER_STEP) {
    weighPostings(index, titleBoost, weights, lengths, start, Math.min(documents.length, start + POSTINGS_PER_STEP));
    yield;
  }
  let total = 0;
  for (const length of lengths) total += length;
  const averageLength = documentCount > 0 && total > 0 ? total / documentCount : 1;
  const lengthNorms = new Float64Array(documentCount);
  for (let d = 0; d < documentCount; d++) lengthNorms[d] = k1 * (1 - b + (b * lengths[d]!) / averageLength);
  const idf = new Float64Array(index.terms.size);
  for (let t = 0; t < index.terms.size; t++) {
    const df = offsets[t + 1]! - offsets[t]!;
    idf[t] = Math.log(1 + (documentCount - df + 0.5) / (df + 0.5));
  }
  return { weights, lengthNorms, idf };
}

/**
 * Postings [start, end): each one's tf weight, added to its document's length. A plain function
 * rather than the generator's own loop, which V8 optimises less.
 */
function weighPostings(index: InvertedIndex, titleBoost: number, weights: Float32Array, lengths: Float64Array, start: number, end: number): void {
  const { documents, bodyFrequencies, titleFrequencies } = index;
  for (let p = start; p < end; p++) {
    const weight = bodyFrequencies[p]! + titleBoost * titleFrequencies[p]!;
    weights[p] = weight;
    lengths[documents[p]!]! += weight;
  }
}

function clampFrequency(count: number): number {
  return Math.min(count, 0xffff);
}

function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<T>;
}

function invalid(detail: string, cause?: unknown): AppError {
  return new AppError('validation-failed', { detail, cause });
}
