import { AppError } from '../../shared/errors/app-error.ts';
import type { StructureCheck } from '../ports/object-store.ts';
import { encodeJsonHeader, joinJsonHeadedFile, PREAMBLE_BYTES, readJsonHeader } from './json-headed-file.ts';
import { runSteps, runStepsYielding, type Steps } from './stepwise.ts';
import { firstUnsortedTerm, SortedTermDictionary, sortTermsByBytes, type TermDictionary } from './sorted-term-dictionary.ts';

export type { TermDictionary } from './sorted-term-dictionary.ts';

/**
 * A BM25 inverted index and the parameters it was saved with, as typed arrays: postings of term
 * t are [offsets[t], offsets[t + 1]), sorted by document.
 */
export interface Bm25Postings {
  readonly kind: 'bm25-postings';
  k1: number;
  b: number;
  titleBoost: number;
  documentCount: number;
  terms: TermDictionary;
  offsets: Uint32Array;
  documents: Uint32Array;
  bodyFrequencies: Uint16Array;
  titleFrequencies: Uint16Array;
  /**
   * What BM25 derives from the postings for the k1, b and titleBoost above, stored so a load
   * computes none of it: each posting's tf weight (body tf + titleBoost · title tf), each
   * document's k1 · (1 − b + b · length / averageLength), each term's IDF. All three or none
   * (files written before they were stored).
   */
  weights?: Float32Array | undefined;
  lengthNorms?: Float64Array | undefined;
  idf?: Float64Array | undefined;
}

/** Whether a stored BM25 state is binary postings (rather than the JSON state of `bm25-v1`). */
export function isBm25Postings(state: unknown): state is Bm25Postings {
  return typeof state === 'object' && state !== null && (state as { kind?: unknown }).kind === 'bm25-postings';
}

/** Terms held as strings (built in memory or read from the JSON state). */
export class ListTermDictionary implements TermDictionary {
  readonly #terms: readonly string[];
  readonly #ids: Map<string, number>;

  constructor(terms: readonly string[]) {
    this.#terms = terms;
    this.#ids = new Map(terms.map((term, id) => [term, id]));
  }

  get size(): number {
    return this.#terms.length;
  }

  get(term: string): number | undefined {
    return this.#ids.get(term);
  }

  termAt(id: number): string {
    return this.#terms[id]!;
  }
}

const MAGIC = 'APFABM25';
/** Postings checked in one step (≈ 1 ms; {@link readBm25Postings} groups steps into runs between turns of the event loop). */
const POSTINGS_PER_STEP = 200_000;

interface Header {
  k1: number;
  b: number;
  titleBoost: number;
  documentCount: number;
  terms: number;
  postings: number;
  termBytes: number;
  /** Whether the weights, length norms and IDF follow the frequencies (absent in the first files). */
  scoring?: boolean;
}

/**
 * Writes postings in the binary layout a serving instance reads straight into typed arrays
 * (little-endian; sections aligned to their element size):
 *
 *     0   "APFABM25"
 *     8   u32 header length, then the JSON header { k1, b, titleBoost, documentCount, terms, postings, termBytes, scoring }, space-padded to 4
 *     …   u32 termOffsets[terms + 1]      term t is termBlob[termOffsets[t] .. termOffsets[t + 1])
 *     …   u32 postingOffsets[terms + 1]
 *     …   u32 documents[postings]
 *     …   u16 bodyFrequencies[postings], u16 titleFrequencies[postings], each zero-padded to 4 bytes
 *     …   when `scoring`: zero-padded to 8, f64 lengthNorms[documentCount], f64 idf[terms], f32 weights[postings]
 *     …   termBlob: the terms in UTF-8, sorted by bytes (term ids follow that order)
 *
 * The scoring tables are written when `postings` carries them (Bm25Retriever.toPostings does)
 * unless `options.scoring` is false (the first binary layout).
 */
export function encodeBm25Postings(postings: Bm25Postings, options: { scoring?: boolean } = {}): Uint8Array {
  const termCount = postings.terms.size;
  const sorted = sortTermsByBytes(Array.from({ length: termCount }, (_, t) => postings.terms.termAt(t)));
  const total = postings.offsets[termCount]!;
  const postingOffsets = new Uint32Array(termCount + 1);
  const documents = new Uint32Array(total);
  const body = new Uint16Array(padded(total * 2) / 2);
  const title = new Uint16Array(padded(total * 2) / 2);
  const withScoring = options.scoring !== false && postings.weights !== undefined && postings.lengthNorms !== undefined && postings.idf !== undefined;
  const idf = new Float64Array(withScoring ? termCount : 0);
  const weights = new Float32Array(withScoring ? total : 0);
  let at = 0;
  sorted.order.forEach((source, t) => {
    const start = postings.offsets[source]!;
    const end = postings.offsets[source + 1]!;
    documents.set(postings.documents.subarray(start, end), at);
    body.set(postings.bodyFrequencies.subarray(start, end), at);
    title.set(postings.titleFrequencies.subarray(start, end), at);
    if (withScoring) {
      idf[t] = postings.idf![source]!;
      weights.set(postings.weights!.subarray(start, end), at);
    }
    at += end - start;
    postingOffsets[t + 1] = at;
  });
  const termBytes = sorted.blob.length;
  const header: Header = {
    k1: postings.k1,
    b: postings.b,
    titleBoost: postings.titleBoost,
    documentCount: postings.documentCount,
    terms: termCount,
    postings: total,
    termBytes,
    ...(withScoring ? { scoring: true } : {}),
  };
  const headerJson = encodeJsonHeader(header);
  const bytesOf = (array: Uint32Array | Uint16Array | Float32Array | Float64Array) => new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
  const sections: Uint8Array[] = [sorted.offsets, postingOffsets, documents, body, title].map(bytesOf);
  if (withScoring) {
    const before = PREAMBLE_BYTES + headerJson.length + sections.reduce((sum, section) => sum + section.length, 0);
    sections.push(new Uint8Array(padded(before, 8) - before), bytesOf(postings.lengthNorms!), bytesOf(idf), bytesOf(weights));
  }
  sections.push(sorted.blob);
  return joinJsonHeadedFile(MAGIC, headerJson, sections);
}

/**
 * Reads postings {@link encodeBm25Postings} wrote: views over `bytes`, no copy, no string
 * decoded. Checks the structure in one pass over the postings (sizes, offsets in order,
 * documents ascending within a term and below the document count, stored scoring values finite and
 * non-negative), in steps of ~200k postings. AppError
 * 'index-corrupt' naming `file` when it is malformed or truncated. `bytes` must not be modified afterwards.
 */
export function decodeBm25Postings(bytes: Uint8Array, file: string): Bm25Postings {
  return runSteps(decodeSteps(bytes, file));
}

/**
 * {@link decodeBm25Postings} in time-boxed runs with turns of the event loop between them (a
 * serving instance's load). `checked`: {@link checkBm25Postings} already passed on these bytes
 * (where they were read), so only the O(1) header and size checks run again.
 */
export function readBm25Postings(bytes: Uint8Array, file: string, options: { checked?: boolean } = {}): Promise<Bm25Postings> {
  return runStepsYielding(decodeSteps(bytes, file, options.checked === true));
}

/**
 * Every check of {@link decodeBm25Postings}: what a store runs where it reads bm25.bin
 * ({@link bm25PostingsCheck}). AppError 'index-corrupt' naming `file`.
 * @public (called by name on the I/O thread)
 */
export function checkBm25Postings(bytes: Uint8Array, file: string): void {
  runSteps(decodeSteps(bytes, file));
}

/** {@link checkBm25Postings} as a structure check for a store to run where it reads the file (ObjectStore.getHashed). */
export function bm25PostingsCheck(file: string, expectSha256: string): StructureCheck {
  return { module: import.meta.url, name: 'checkBm25Postings', label: file, expectSha256 };
}

function* decodeSteps(bytes: Uint8Array, file: string, checked = false): Steps<Bm25Postings> {
  const invalid = `${file} is not a valid BM25 postings file`;
  const refuse = (why: string) => new AppError('index-corrupt', { detail: `${invalid}: ${why}` });
  // Float64Array views need 8-byte alignment; an object store may hand back a view at any offset.
  const aligned = bytes.byteOffset % 8 === 0 ? bytes : bytes.slice();
  const read = readJsonHeader(aligned, MAGIC, invalid);
  const { headerLength } = read;
  const header = read.header as Header;
  const counts = [header.documentCount, header.terms, header.postings, header.termBytes];
  if (
    !counts.every((value) => Number.isInteger(value) && value >= 0) ||
    ![header.k1, header.b, header.titleBoost].every(Number.isFinite) ||
    (header.scoring !== undefined && typeof header.scoring !== 'boolean')
  ) {
    throw refuse('its header is invalid');
  }
  const { terms, postings, termBytes, documentCount } = header;
  const withScoring = header.scoring === true;
  const frequenciesEnd = PREAMBLE_BYTES + headerLength + 8 * (terms + 1) + 4 * postings + 2 * padded(postings * 2);
  const scoringAt = withScoring ? padded(frequenciesEnd, 8) : frequenciesEnd;
  const expected = scoringAt + (withScoring ? 8 * (documentCount + terms) + 4 * postings : 0) + termBytes;
  if (expected !== aligned.length) throw refuse(`${terms} terms and ${postings} postings need ${expected} bytes, the file has ${aligned.length}`);
  let at = aligned.byteOffset + PREAMBLE_BYTES + headerLength;
  const take = <T>(make: (offset: number) => T, byteLength: number): T => {
    const value = make(at);
    at += byteLength;
    return value;
  };
  const termOffsets = take((offset) => new Uint32Array(aligned.buffer, offset, terms + 1), 4 * (terms + 1));
  const offsets = take((offset) => new Uint32Array(aligned.buffer, offset, terms + 1), 4 * (terms + 1));
  const documents = take((offset) => new Uint32Array(aligned.buffer, offset, postings), 4 * postings);
  const bodyFrequencies = take((offset) => new Uint16Array(aligned.buffer, offset, postings), padded(postings * 2));
  const titleFrequencies = take((offset) => new Uint16Array(aligned.buffer, offset, postings), padded(postings * 2));
  at = aligned.byteOffset + scoringAt;
  const lengthNorms = withScoring ? take((offset) => new Float64Array(aligned.buffer, offset, documentCount), 8 * documentCount) : undefined;
  const idf = withScoring ? take((offset) => new Float64Array(aligned.buffer, offset, terms), 8 * terms) : undefined;
  const weights = withScoring ? take((offset) => new Float32Array(aligned.buffer, offset, postings), 4 * postings) : undefined;
  const blob = Buffer.from(aligned.buffer, at, termBytes);
  if (termOffsets[0] !== 0 || termOffsets[terms] !== termBytes || offsets[0] !== 0 || offsets[terms] !== postings) throw refuse('its offsets do not span its sections');
  // The O(terms + postings) checks; skipped when checkBm25Postings passed on these bytes where they were read.
  if (!checked) {
    for (let t = 0; t < terms; t++) {
      if (termOffsets[t + 1]! < termOffsets[t]! || offsets[t + 1]! < offsets[t]!) throw refuse(`the offsets of term ${t} go backwards`);
    }
    const unsorted = firstUnsortedTerm(blob, termOffsets);
    if (unsorted !== -1) throw refuse(`term ${unsorted} is not after term ${unsorted - 1} in byte order`);
    for (let first = 0; first < terms; ) {
      const last = termsUpTo(offsets, first, POSTINGS_PER_STEP);
      const bad = firstMisplacedPosting(offsets, documents, documentCount, first, last);
      if (bad !== -1) throw refuse(`posting ${bad} of term ${termOf(offsets, bad)} names document ${documents[bad]}`);
      if (weights !== undefined && firstNotFiniteOrNegative(weights, offsets[first]!, offsets[last]!) !== -1) throw refuse('a posting weight is not a finite non-negative number');
      first = last;
      yield;
    }
    if (lengthNorms !== undefined && firstNotFiniteOrNegative(lengthNorms, 0, documentCount) !== -1) throw refuse('a length norm is not a finite non-negative number');
    if (idf !== undefined && firstNotFiniteOrNegative(idf, 0, terms) !== -1) throw refuse('an IDF is not a finite non-negative number');
  }
  return {
    kind: 'bm25-postings',
    k1: header.k1,
    b: header.b,
    titleBoost: header.titleBoost,
    documentCount,
    terms: new SortedTermDictionary(blob, termOffsets),
    offsets,
    documents,
    bodyFrequencies,
    titleFrequencies,
    ...(withScoring ? { weights, lengthNorms, idf } : {}),
  };
}

/** The term after `first` at which at least `postings` postings have been passed (or `offsets.length - 1`). */
function termsUpTo(offsets: Uint32Array, first: number, postings: number): number {
  const terms = offsets.length - 1;
  const limit = offsets[first]! + postings;
  let last = first + 1;
  while (last < terms && offsets[last]! < limit) last++;
  return last;
}

/**
 * The first posting of terms [first, last) whose document is not after the one before it in its
 * list, or not below `documentCount`; -1 when there is none. A plain function so V8 optimises the loop.
 */
function firstMisplacedPosting(offsets: Uint32Array, documents: Uint32Array, documentCount: number, first: number, last: number): number {
  for (let t = first; t < last; t++) {
    let previous = -1;
    for (let p = offsets[t]!, end = offsets[t + 1]!; p < end; p++) {
      const document = documents[p]!;
      if (document <= previous || document >= documentCount) return p;
      previous = document;
    }
  }
  return -1;
}

/** The first index in [start, end) holding NaN, an infinity or a negative number, or -1. */
function firstNotFiniteOrNegative(values: Float32Array | Float64Array, start: number, end: number): number {
  for (let i = start; i < end; i++) {
    const value = values[i]!;
    if (!(value >= 0 && value < Infinity)) return i;
  }
  return -1;
}

/** The term whose postings hold posting `p` (offsets ascending). */
function termOf(offsets: Uint32Array, p: number): number {
  let t = 0;
  while (offsets[t + 1]! <= p) t++;
  return t;
}

function padded(length: number, to = 4): number {
  return Math.ceil(length / to) * to;
}
