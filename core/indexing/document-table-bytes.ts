import type { KnowledgeDocument } from '../ports/document.ts';
import type { StructureCheck } from '../ports/object-store.ts';
import { AppError } from '../../shared/errors/app-error.ts';
import { runSteps, runStepsYielding, type Steps } from '../retrieval/stepwise.ts';

/** First 8 bytes of a binary documents table (`documents.bin`). */
const MAGIC = 'APFADOC1';
/** Magic, document count, UTF-8 blob length. */
const HEADER_BYTES = 16;
/** id, title, text, url: each document owns four consecutive spans of the blob. */
const FIELDS = 4;

/**
 * Writes the documents table in the binary layout a serving instance reads without parsing
 * (little-endian, every section 4-byte aligned):
 *
 *     0   "APFADOC1"
 *     8   u32 count
 *     12  u32 blob length in bytes
 *     16  u32 offsets[4 · count + 1]   document i's id, title, text, url are blob[offsets[4i + f] .. offsets[4i + f + 1])
 *     …   u8  hasUrl[count], zero-padded to a multiple of 4
 *     …   the UTF-8 blob
 *
 * AppError 'validation-failed' when the text does not fit 32-bit offsets (4 GiB).
 */
export function encodeDocumentTable(documents: readonly KnowledgeDocument[]): Uint8Array {
  const count = documents.length;
  const encoder = new TextEncoder();
  const parts: Uint8Array[] = [];
  const offsets = new Uint32Array(FIELDS * count + 1);
  const hasUrl = new Uint8Array(padded(count));
  let position = 0;
  documents.forEach((document, i) => {
    const fields = [document.id, document.title, document.text, document.url ?? ''];
    fields.forEach((field, f) => {
      const bytes = encoder.encode(field);
      parts.push(bytes);
      position += bytes.length;
      if (position > 0xffff_ffff) throw new AppError('validation-failed', { detail: 'the documents table exceeds 4 GiB of text' });
      offsets[FIELDS * i + f + 1] = position;
    });
    if (document.url !== undefined) hasUrl[i] = 1;
  });
  const output = new Uint8Array(HEADER_BYTES + offsets.byteLength + hasUrl.length + position);
  output.set(encoder.encode(MAGIC), 0);
  const view = new DataView(output.buffer);
  view.setUint32(8, count, true);
  view.setUint32(12, position, true);
  output.set(new Uint8Array(offsets.buffer), HEADER_BYTES);
  output.set(hasUrl, HEADER_BYTES + offsets.byteLength);
  let at = HEADER_BYTES + offsets.byteLength + hasUrl.length;
  for (const part of parts) {
    output.set(part, at);
    at += part.length;
  }
  return output;
}

/**
 * Reads a table {@link encodeDocumentTable} wrote, without decoding its text: the offsets are a
 * typed-array view over `bytes`, and each returned document decodes a field from the UTF-8 blob
 * when it is read (a result being shown). Checks the structure only (magic, sizes, offsets in
 * order and in bounds), O(count). AppError 'index-corrupt' naming `file` when it is malformed or
 * truncated. `bytes` must not be modified afterwards.
 */
export function decodeDocumentTable(bytes: Uint8Array, file: string): KnowledgeDocument[] {
  return runSteps(decodeSteps(bytes, file));
}

/**
 * {@link decodeDocumentTable} in time-boxed runs with turns of the event loop between them (a
 * serving instance's load). `checked`: {@link checkDocumentTable} already passed on these bytes
 * (where they were read), so only the O(1) header checks run again.
 */
export function readDocumentTable(bytes: Uint8Array, file: string, options: { checked?: boolean } = {}): Promise<KnowledgeDocument[]> {
  return runStepsYielding(decodeSteps(bytes, file, { checked: options.checked === true, rows: true }));
}

/**
 * The structure checks of {@link decodeDocumentTable}, without wrapping rows: what a store runs
 * where it reads documents.bin ({@link documentTableCheck}). AppError 'index-corrupt' naming `file`.
 * @public (called by name on the I/O thread)
 */
export function checkDocumentTable(bytes: Uint8Array, file: string): void {
  runSteps(decodeSteps(bytes, file, { checked: false, rows: false }));
}

/** {@link checkDocumentTable} as a structure check for a store to run where it reads the file (ObjectStore.getHashed). */
export function documentTableCheck(file: string, expectSha256: string): StructureCheck {
  return { module: import.meta.url, name: 'checkDocumentTable', label: file, expectSha256 };
}

function* decodeSteps(bytes: Uint8Array, file: string, options: { checked: boolean; rows: boolean } = { checked: false, rows: true }): Steps<KnowledgeDocument[]> {
  const refuse = (why: string) => new AppError('index-corrupt', { detail: `${file} is not a valid documents table: ${why}` });
  if (bytes.length < HEADER_BYTES) throw refuse(`${bytes.length} bytes is shorter than its header`);
  if (new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC) throw refuse(`it does not start with ${MAGIC}`);
  // Typed-array views need 4-byte alignment; an object store may hand back a view at any offset.
  const aligned = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice();
  const view = new DataView(aligned.buffer, aligned.byteOffset, aligned.byteLength);
  const count = view.getUint32(8, true);
  const blobLength = view.getUint32(12, true);
  const offsetsAt = HEADER_BYTES;
  const flagsAt = offsetsAt + 4 * (FIELDS * count + 1);
  const blobAt = flagsAt + padded(count);
  if (blobAt + blobLength !== aligned.length) {
    throw refuse(`${count} documents and ${blobLength} bytes of text need ${blobAt + blobLength} bytes, the file has ${aligned.length}`);
  }
  const offsets = new Uint32Array(aligned.buffer, aligned.byteOffset + offsetsAt, FIELDS * count + 1);
  if (offsets[0] !== 0 || offsets[FIELDS * count] !== blobLength) throw refuse('its offsets do not span the text');
  const backwards = options.checked ? -1 : firstDecrease(offsets);
  if (backwards !== -1) throw refuse(`offset ${backwards} goes backwards`);
  if (!options.rows) return [];
  yield;
  const hasUrl = aligned.subarray(flagsAt, flagsAt + count);
  const blob = Buffer.from(aligned.buffer, aligned.byteOffset + blobAt, blobLength);
  const table: StoredDocumentTable = { offsets, hasUrl, blob, retired: false };
  const documents = lazyRows(table, count);
  TABLES.set(documents, table);
  return documents;
}

/**
 * The table's rows as an array whose row objects are made on first read: a load allocates one
 * array of `count` empty slots, not `count` objects (100k of them took 5–18 ms of the serving
 * thread per load, and more in the garbage collection the new version's buffers start), and a
 * request reads only the rows it shows. Every index below `count` reads as present (`in`,
 * `forEach`, `map`, `concat`, iteration and JSON all see every row); rows are read-only.
 */
function lazyRows(table: StoredDocumentTable, count: number): KnowledgeDocument[] {
  const rows = new Array<KnowledgeDocument>(count);
  const rowOf = (key: string | symbol): number => {
    if (typeof key !== 'string' || key.length === 0 || key.length > 10) return -1;
    const first = key.charCodeAt(0);
    if (first < 48 || first > 57 || (first === 48 && key.length > 1)) return -1;
    // Only a canonical index names a row ("1e3" and "01" do not, as on any array).
    const row = Number(key);
    return Number.isInteger(row) && row < count && String(row) === key ? row : -1;
  };
  return new Proxy(rows, {
    get(target, key, receiver) {
      const row = rowOf(key);
      if (row === -1) return Reflect.get(target, key, receiver);
      return (target[row] ??= new StoredDocument(table, row));
    },
    has(target, key) {
      return rowOf(key) !== -1 || Reflect.has(target, key);
    },
  });
}

/** The table behind each array of rows this module returned, for {@link findDocumentsById}. */
const TABLES = new WeakMap<readonly KnowledgeDocument[], StoredDocumentTable>();

/**
 * The documents of `documents` whose id is in `ids` (the first row of each). An array read from a
 * documents table is searched by comparing each row's id bytes with the wanted ids' (no id is
 * decoded: ≈ 1 ms for 100k rows, where decoding every id took tens of ms); any other array by its ids.
 */
export function findDocumentsById(documents: readonly KnowledgeDocument[], ids: ReadonlySet<string>): Map<string, KnowledgeDocument> {
  const found = new Map<string, KnowledgeDocument>();
  const table = TABLES.get(documents);
  if (table === undefined) {
    for (const document of documents) {
      const id = document.id;
      if (ids.has(id) && !found.has(id)) found.set(id, document);
      if (found.size === ids.size) break;
    }
    return found;
  }
  const encoder = new TextEncoder();
  const byLength = new Map<number, { id: string; bytes: Uint8Array }[]>();
  for (const id of ids) {
    const bytes = encoder.encode(id);
    byLength.set(bytes.length, [...(byLength.get(bytes.length) ?? []), { id, bytes }]);
  }
  if (table.retired) throw retiredRead();
  const { offsets, blob } = table;
  for (let row = 0; row < documents.length && found.size < ids.size; row++) {
    const start = offsets[FIELDS * row]!;
    const wanted = byLength.get(offsets[FIELDS * row + 1]! - start);
    if (wanted === undefined) continue;
    for (const { id, bytes } of wanted) {
      if (!found.has(id) && sameBytes(blob, start, bytes)) found.set(id, documents[row]!);
    }
  }
  return found;
}

function sameBytes(blob: Uint8Array, start: number, bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if (blob[start + i] !== bytes[i]) return false;
  return true;
}

/** The first index whose value is below the one before it, or -1 (≈ 0.5 ms for 400k offsets). */
function firstDecrease(values: Uint32Array): number {
  for (let i = 1; i < values.length; i++) if (values[i]! < values[i - 1]!) return i;
  return -1;
}

interface StoredDocumentTable {
  offsets: Uint32Array;
  hasUrl: Uint8Array;
  blob: Buffer;
  /**
   * Its version was closed and its bytes handed back for reuse (a pooled read): a read now fails
   * loudly rather than decode whatever the buffer holds next (another version's text).
   */
  retired: boolean;
}

/**
 * Marks the table behind `documents` (an array this module returned; any other is left alone)
 * as closed: reading one of its rows afterwards throws AppError 'internal'. Called when a
 * version's files go back to a buffer pool.
 */
export function retireDocumentTable(documents: readonly KnowledgeDocument[]): void {
  const table = TABLES.get(documents);
  if (table !== undefined) table.retired = true;
}

function retiredRead(): AppError {
  return new AppError('internal', { detail: 'a document of a closed index version was read after its files were released for reuse' });
}

/**
 * One row of a binary documents table, made when the row is first read ({@link lazyRows}): its
 * fields are decoded from the shared UTF-8 blob on each read (≈ a microsecond for a passage), so
 * a row holds no strings. Read-only; `toJSON` gives the plain object.
 */
class StoredDocument implements KnowledgeDocument {
  readonly #table: StoredDocumentTable;
  readonly #row: number;

  constructor(table: StoredDocumentTable, row: number) {
    this.#table = table;
    this.#row = row;
  }

  #field(field: number): string {
    if (this.#table.retired) throw retiredRead();
    const { offsets, blob } = this.#table;
    const at = FIELDS * this.#row + field;
    return blob.toString('utf8', offsets[at]!, offsets[at + 1]!);
  }

  get id(): string {
    return this.#field(0);
  }

  get title(): string {
    return this.#field(1);
  }

  get text(): string {
    return this.#field(2);
  }

  get url(): string | undefined {
    if (this.#table.retired) throw retiredRead();
    return this.#table.hasUrl[this.#row] === 1 ? this.#field(3) : undefined;
  }

  toJSON(): KnowledgeDocument {
    const url = this.url;
    return url === undefined ? { id: this.id, title: this.title, text: this.text } : { id: this.id, title: this.title, text: this.text, url };
  }
}

function padded(length: number): number {
  return Math.ceil(length / 4) * 4;
}
