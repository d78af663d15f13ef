import { AppError } from '../../shared/errors/app-error.ts';
import type { StructureCheck } from '../ports/object-store.ts';
import { encodeJsonHeader, joinJsonHeadedFile, PREAMBLE_BYTES, readJsonHeader } from '../retrieval/json-headed-file.ts';
import { firstUnsortedTerm, SortedTermDictionary, sortTermsByBytes } from '../retrieval/sorted-term-dictionary.ts';
import { LEXICAL_EMBEDDER_ID, type LexicalEmbedderState, type StoredDocumentFrequencies } from './lexical-embedder.ts';

/** First 8 bytes of a lexical embedder state file (`embedder.bin`). */
const MAGIC = 'APFALEX1';

interface Header {
  id: string;
  dimension: number;
  bigramWeight: number;
  documentCount: number;
  terms: number;
  termBytes: number;
}

/**
 * Writes the lexical embedder's state (parameters and IDF table, {@link LexicalEmbedder.toJSON})
 * in the binary layout a serving instance reads without parsing (little-endian, sections 4-byte
 * aligned):
 *
 *     0   "APFALEX1"
 *     8   u32 header length, then the JSON header { id, dimension, bigramWeight, documentCount, terms, termBytes }, space-padded to 4
 *     …   u32 termOffsets[terms + 1]          term t is termBlob[termOffsets[t] .. termOffsets[t + 1])
 *     …   u32 documentFrequencies[terms]
 *     …   termBlob: the terms in UTF-8, sorted by bytes
 *
 * The JSON state of a 100k-term table took 80–200 ms to restore (zod over two 100k arrays, a Map,
 * the modelHash over its canonical JSON); this one is typed-array views and a binary search.
 */
export function encodeLexicalState(state: LexicalEmbedderState): Uint8Array {
  const sorted = sortTermsByBytes(state.terms);
  const frequencies = Uint32Array.from(sorted.order, (source) => state.documentFrequencies[source]!);
  const header: Header = {
    id: state.id,
    dimension: state.dimension,
    bigramWeight: state.bigramWeight,
    documentCount: state.documentCount,
    terms: state.terms.length,
    termBytes: sorted.blob.length,
  };
  return joinJsonHeadedFile(MAGIC, encodeJsonHeader(header), [new Uint8Array(sorted.offsets.buffer), new Uint8Array(frequencies.buffer), sorted.blob]);
}

/**
 * Reads a state {@link encodeLexicalState} wrote: views over `bytes`, no string decoded. Checks
 * the structure (magic, header, sizes, offsets in order, terms sorted and distinct, document
 * frequencies positive), O(terms), ≈ 2 ms at 100k terms. AppError 'index-corrupt' naming `file` when
 * it is malformed or truncated. `bytes` must not be modified afterwards.
 */
export function decodeLexicalState(bytes: Uint8Array, file: string, options: { checked?: boolean } = {}): StoredLexicalState {
  const invalid = `${file} is not a valid lexical embedder state`;
  const refuse = (why: string) => new AppError('index-corrupt', { detail: `${invalid}: ${why}` });
  const aligned = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice();
  const read = readJsonHeader(aligned, MAGIC, invalid);
  const { headerLength } = read;
  const header = read.header as Header;
  const counts = [header.documentCount, header.terms, header.termBytes];
  if (
    header.id !== LEXICAL_EMBEDDER_ID ||
    !Number.isInteger(header.dimension) ||
    header.dimension < 1 ||
    header.dimension > 65_536 ||
    !(Number.isFinite(header.bigramWeight) && header.bigramWeight >= 0) ||
    !counts.every((value) => Number.isInteger(value) && value >= 0)
  ) {
    throw refuse('its header is invalid');
  }
  const { terms, termBytes } = header;
  const offsetsAt = PREAMBLE_BYTES + headerLength;
  const frequenciesAt = offsetsAt + 4 * (terms + 1);
  const blobAt = frequenciesAt + 4 * terms;
  if (blobAt + termBytes !== aligned.length) throw refuse(`${terms} terms need ${blobAt + termBytes} bytes, the file has ${aligned.length}`);
  const offsets = new Uint32Array(aligned.buffer, aligned.byteOffset + offsetsAt, terms + 1);
  const frequencies = new Uint32Array(aligned.buffer, aligned.byteOffset + frequenciesAt, terms);
  const blob = Buffer.from(aligned.buffer, aligned.byteOffset + blobAt, termBytes);
  if (offsets[0] !== 0 || offsets[terms] !== termBytes) throw refuse('its offsets do not span the terms');
  // The O(terms) checks ran where the file was read ({@link lexicalStateCheck}).
  if (options.checked === true) return new StoredLexicalState(header, new SortedTermDictionary(blob, offsets), frequencies);
  for (let t = 0; t < terms; t++) {
    if (offsets[t + 1]! < offsets[t]!) throw refuse(`the offsets of term ${t} go backwards`);
    if (frequencies[t] === 0) throw refuse(`term ${t} has a document frequency of 0`);
  }
  const unsorted = firstUnsortedTerm(blob, offsets);
  if (unsorted !== -1) throw refuse(`term ${unsorted} is not after term ${unsorted - 1} in byte order`);
  return new StoredLexicalState(header, new SortedTermDictionary(blob, offsets), frequencies);
}

/**
 * Every check of {@link decodeLexicalState}, for a store to run where it reads embedder.bin
 * ({@link lexicalStateCheck}). AppError 'index-corrupt' naming `file`.
 * @public (called by name on the I/O thread)
 */
export function checkLexicalState(bytes: Uint8Array, file: string): void {
  decodeLexicalState(bytes, file);
}

/** {@link checkLexicalState} as a structure check for a store to run where it reads the file (ObjectStore.getHashed). */
export function lexicalStateCheck(file: string, expectSha256: string): StructureCheck {
  return { module: import.meta.url, name: 'checkLexicalState', label: file, expectSha256 };
}

/** Whether an embedder state is a table read by {@link decodeLexicalState} (rather than the JSON state). */
export function isStoredLexicalState(state: unknown): state is StoredLexicalState {
  return state instanceof StoredLexicalState;
}

/**
 * A lexical embedder's state read from `embedder.bin`: its parameters, and its document
 * frequencies searched in place. `toJSON` gives the JSON state (as the first layouts kept it in
 * the manifest), so a manifest carrying this still serialises as before.
 */
export class StoredLexicalState implements StoredDocumentFrequencies {
  readonly id: string;
  readonly dimension: number;
  readonly bigramWeight: number;
  readonly documentCount: number;
  readonly #terms: SortedTermDictionary;
  readonly #frequencies: Uint32Array;

  constructor(header: Header, terms: SortedTermDictionary, frequencies: Uint32Array) {
    this.id = header.id;
    this.dimension = header.dimension;
    this.bigramWeight = header.bigramWeight;
    this.documentCount = header.documentCount;
    this.#terms = terms;
    this.#frequencies = frequencies;
  }

  get size(): number {
    return this.#terms.size;
  }

  get(term: string): number | undefined {
    const id = this.#terms.get(term);
    return id === undefined ? undefined : this.#frequencies[id];
  }

  *entries(): Generator<readonly [string, number]> {
    for (let t = 0; t < this.#terms.size; t++) yield [this.#terms.termAt(t), this.#frequencies[t]!];
  }

  toJSON(): LexicalEmbedderState {
    const entries = [...this.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    return {
      id: LEXICAL_EMBEDDER_ID,
      dimension: this.dimension,
      bigramWeight: this.bigramWeight,
      documentCount: this.documentCount,
      terms: entries.map(([term]) => term),
      documentFrequencies: entries.map(([, frequency]) => frequency),
    };
  }
}
