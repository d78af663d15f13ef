import { AppError } from '../../shared/errors/app-error.ts';

/** Term → term id lookup of an inverted index. */
export interface TermDictionary {
  readonly size: number;
  get(term: string): number | undefined;
  termAt(id: number): string;
}

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

/**
 * Terms as one UTF-8 blob sorted by bytes, with offsets: a lookup is a binary search (≈ 17
 * byte comparisons at 100k terms), and loading decodes no string.
 */
class SortedTermDictionary implements TermDictionary {
  readonly #blob: Buffer;
  readonly #offsets: Uint32Array;

  constructor(blob: Buffer, offsets: Uint32Array) {
    this.#blob = blob;
    this.#offsets = offsets;
  }

  get size(): number {
    return this.#offsets.length - 1;
  }

  get(term: string): number | undefined {
    const wanted = Buffer.from(term, 'utf8');
    let low = 0;
    let high = this.size - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const order = this.#blob.compare(wanted, 0, wanted.length, this.#offsets[middle]!, this.#offsets[middle + 1]!);
      if (order === 0) return middle;
      if (order < 0) low = middle + 1;
      else high = middle - 1;
    }
    return undefined;
  }

  termAt(id: number): string {
    return this.#blob.toString('utf8', this.#offsets[id]!, this.#offsets[id + 1]!);
  }
}

const MAGIC = 'APFABM25';
/** Magic, then the length of a small JSON header (parameters and section sizes). */
const PREAMBLE_BYTES = 12;

interface Header {
  k1: number;
  b: number;
  titleBoost: number;
  documentCount: number;
  terms: number;
  postings: number;
  termBytes: number;
}

/**
 * Writes postings in the binary layout a serving instance reads straight into typed arrays
 * (little-endian, sections 4-byte aligned):
 *
 *     0   "APFABM25"
 *     8   u32 header length, then the JSON header { k1, b, titleBoost, documentCount, terms, postings, termBytes }, space-padded to 4
 *     …   u32 termOffsets[terms + 1]      term t is termBlob[termOffsets[t] .. termOffsets[t + 1])
 *     …   u32 postingOffsets[terms + 1]
 *     …   u32 documents[postings]
 *     …   u16 bodyFrequencies[postings], u16 titleFrequencies[postings], each zero-padded to 4 bytes
 *     …   termBlob: the terms in UTF-8, sorted by bytes (term ids follow that order)
 */
export function encodeBm25Postings(postings: Bm25Postings): Uint8Array {
  const termCount = postings.terms.size;
  const encoded = Array.from({ length: termCount }, (_, t) => Buffer.from(postings.terms.termAt(t), 'utf8'));
  const order = Array.from({ length: termCount }, (_, t) => t).sort((a, b) => Buffer.compare(encoded[a]!, encoded[b]!));
  const total = postings.offsets[termCount]!;
  const termOffsets = new Uint32Array(termCount + 1);
  const postingOffsets = new Uint32Array(termCount + 1);
  const documents = new Uint32Array(total);
  const body = new Uint16Array(padded(total * 2) / 2);
  const title = new Uint16Array(padded(total * 2) / 2);
  let termBytes = 0;
  let at = 0;
  order.forEach((source, t) => {
    termBytes += encoded[source]!.length;
    termOffsets[t + 1] = termBytes;
    const start = postings.offsets[source]!;
    const end = postings.offsets[source + 1]!;
    documents.set(postings.documents.subarray(start, end), at);
    body.set(postings.bodyFrequencies.subarray(start, end), at);
    title.set(postings.titleFrequencies.subarray(start, end), at);
    at += end - start;
    postingOffsets[t + 1] = at;
  });
  const header: Header = { k1: postings.k1, b: postings.b, titleBoost: postings.titleBoost, documentCount: postings.documentCount, terms: termCount, postings: total, termBytes };
  const json = JSON.stringify(header);
  const headerJson = Buffer.from(json.padEnd(padded(json.length), ' '), 'latin1');
  const sections = [termOffsets, postingOffsets, documents, body, title].map((array) => new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
  const output = Buffer.alloc(PREAMBLE_BYTES + headerJson.length + sections.reduce((sum, section) => sum + section.length, 0) + termBytes);
  output.write(MAGIC, 0, 'latin1');
  output.writeUInt32LE(headerJson.length, 8);
  let offset = PREAMBLE_BYTES;
  for (const part of [headerJson, ...sections, ...order.map((source) => encoded[source]!)]) {
    output.set(part, offset);
    offset += part.length;
  }
  return new Uint8Array(output.buffer, output.byteOffset, output.byteLength);
}

/**
 * Reads postings {@link encodeBm25Postings} wrote: views over `bytes`, no copy, no string
 * decoded. Checks the structure in one pass over the postings (sizes, offsets in order,
 * documents ascending within a term and below the document count). AppError 'internal' naming
 * `file` when it is malformed or truncated. `bytes` must not be modified afterwards.
 */
export function decodeBm25Postings(bytes: Uint8Array, file: string): Bm25Postings {
  const refuse = (why: string) => new AppError('internal', { detail: `${file} is not a valid BM25 postings file: ${why}` });
  if (bytes.length < PREAMBLE_BYTES) throw refuse(`${bytes.length} bytes is shorter than its header`);
  const aligned = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice();
  const buffer = Buffer.from(aligned.buffer, aligned.byteOffset, aligned.byteLength);
  if (buffer.toString('latin1', 0, 8) !== MAGIC) throw refuse(`it does not start with ${MAGIC}`);
  const headerLength = buffer.readUInt32LE(8);
  if (headerLength % 4 !== 0 || PREAMBLE_BYTES + headerLength > buffer.length) throw refuse('its header length is out of range');
  let header: Header;
  try {
    header = JSON.parse(buffer.toString('utf8', PREAMBLE_BYTES, PREAMBLE_BYTES + headerLength)) as Header;
  } catch (error) {
    throw new AppError('internal', { detail: `${file} is not a valid BM25 postings file: its header is not JSON`, cause: error });
  }
  const counts = [header.documentCount, header.terms, header.postings, header.termBytes];
  if (!counts.every((value) => Number.isInteger(value) && value >= 0) || ![header.k1, header.b, header.titleBoost].every(Number.isFinite)) {
    throw refuse('its header is invalid');
  }
  const { terms, postings, termBytes, documentCount } = header;
  let at = aligned.byteOffset + PREAMBLE_BYTES + headerLength;
  const expected = PREAMBLE_BYTES + headerLength + 8 * (terms + 1) + 4 * postings + 2 * padded(postings * 2) + termBytes;
  if (expected !== aligned.length) throw refuse(`${terms} terms and ${postings} postings need ${expected} bytes, the file has ${aligned.length}`);
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
  const blob = Buffer.from(aligned.buffer, at, termBytes);
  if (termOffsets[0] !== 0 || termOffsets[terms] !== termBytes || offsets[0] !== 0 || offsets[terms] !== postings) throw refuse('its offsets do not span its sections');
  for (let t = 0; t < terms; t++) {
    if (termOffsets[t + 1]! < termOffsets[t]! || offsets[t + 1]! < offsets[t]!) throw refuse(`the offsets of term ${t} go backwards`);
    let previous = -1;
    for (let p = offsets[t]!, end = offsets[t + 1]!; p < end; p++) {
      const document = documents[p]!;
      if (document <= previous || document >= documentCount) throw refuse(`posting ${p} of term ${t} names document ${document}`);
      previous = document;
    }
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
  };
}

function padded(length: number): number {
  return Math.ceil(length / 4) * 4;
}
