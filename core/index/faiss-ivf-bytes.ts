import { AppError } from '../../shared/errors/app-error.ts';
import { FLAT_HEADER_BYTES, readFlatIpHeader, writeFlatIpBytes } from './faiss-flat-bytes.ts';

/** FAISS fourccs of the IVF indexes this project reads and writes. */
export const IVF_FLAT_MAGIC = 'IwFl';
export const IVF_SCALAR_QUANTIZER_MAGIC = 'IwSq';
/** Byte offset of `nlist` (u64) in a serialised IVF index: fourcc 4 + index header 33. */
const NLIST_OFFSET = 37;
/** Byte offset of `nprobe` (u64), right after nlist. */
export const NPROBE_OFFSET = 45;
/** Where the nested quantizer (an IndexFlatIP, "IxFI") starts. */
export const QUANTIZER_OFFSET = 53;
const DUMMY = 1n << 20n;
const METRIC_INNER_PRODUCT = 0;

/** What the header of a serialised IndexIVF says. */
export interface IvfHeader {
  /** 'IwFl' (IndexIVFFlat) or 'IwSq' (IndexIVFScalarQuantizer). */
  magic: string;
  dimension: number;
  count: number;
  nlist: number;
  nprobe: number;
}

/** Input of {@link writeIvfFlatBytes}. */
export interface IvfFlatParts {
  dimension: number;
  /** nlist × dimension centroids, row-major. */
  centroids: Float32Array;
  /** count × dimension vectors, row-major; row i gets label i. */
  vectors: Float32Array;
  /** For each vector, the list (centroid row) it belongs to. */
  assignments: Int32Array;
  nprobe: number;
}

/**
 * Reads and checks the header of a serialised IndexIVFFlat or IndexIVFScalarQuantizer with an
 * inner-product metric. Throws AppError 'index-mismatch' for other types or metrics,
 * 'validation-failed' for truncated bytes.
 */
export function readIvfHeader(bytes: Uint8Array): IvfHeader {
  if (bytes.length < QUANTIZER_OFFSET + FLAT_HEADER_BYTES) {
    throw new AppError('validation-failed', { detail: `IVF index bytes too short (${bytes.length} bytes)` });
  }
  const magic = String.fromCharCode(...bytes.subarray(0, 4));
  if (magic !== IVF_FLAT_MAGIC && magic !== IVF_SCALAR_QUANTIZER_MAGIC) {
    throw new AppError('index-mismatch', { detail: `expected a FAISS IVF index ("IwFl" or "IwSq"), got "${magic}"` });
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const metric = view.getInt32(33, true);
  if (metric !== METRIC_INNER_PRODUCT) {
    throw new AppError('index-mismatch', { detail: `expected inner-product metric (0), got ${metric}` });
  }
  return {
    magic,
    dimension: view.getInt32(4, true),
    count: Number(view.getBigInt64(8, true)),
    nlist: Number(view.getBigUint64(NLIST_OFFSET, true)),
    nprobe: Number(view.getBigUint64(NPROBE_OFFSET, true)),
  };
}

/**
 * Sets how many lists a search visits, in place, in serialised IVF bytes. faiss-node has no
 * setter for nprobe, but FAISS reads it back from the header, so patching the bytes before
 * `fromBuffer` is how it is chosen. Values above nlist are clamped to nlist.
 */
export function setIvfProbeCount(bytes: Uint8Array, nprobe: number): void {
  const header = readIvfHeader(bytes);
  if (!Number.isInteger(nprobe) || nprobe < 1) {
    throw new AppError('validation-failed', { detail: `nprobe must be a positive integer, got ${nprobe}` });
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  view.setBigUint64(NPROBE_OFFSET, BigInt(Math.min(nprobe, header.nlist)), true);
}

/** The trained centroids (nlist × d) of a serialised IVF index, copied out of its nested quantizer. */
export function readIvfCentroids(bytes: Uint8Array): Float32Array {
  const header = readIvfHeader(bytes);
  const quantizerStart = QUANTIZER_OFFSET;
  const valueCount = header.nlist * header.dimension;
  const quantizerLength = FLAT_HEADER_BYTES + valueCount * 4;
  const quantizer = readFlatIpHeader(bytes.subarray(quantizerStart, quantizerStart + quantizerLength));
  if (quantizer.count !== header.nlist || quantizer.dimension !== header.dimension) {
    throw new AppError('validation-failed', { detail: 'IVF quantizer does not match the IVF header' });
  }
  const start = bytes.byteOffset + quantizerStart + FLAT_HEADER_BYTES;
  // Copy through a fresh buffer: the payload need not be 4-byte aligned.
  return new Float32Array(bytes.buffer.slice(start, start + valueCount * 4));
}

/**
 * Writes the bytes `faiss::write_index` (1.7.3) produces for an IndexIVFFlat with an
 * inner-product metric whose lists hold `vectors` as assigned, without faiss-node's slow
 * `add(number[])`. Layout, little-endian:
 * "IwFl"; index header (d i32, ntotal i64, 2 × dummy i64 = 1 << 20, is_trained u8, metric i32);
 * nlist u64, nprobe u64; the quantizer as a nested IndexFlatIP; the direct map (type u8 = 0,
 * empty u64-sized array); then ArrayInvertedLists: "ilar", nlist u64, code_size u64, "full"
 * with nlist list sizes (or "sprs" with (list, size) pairs when at most half the lists are
 * used), each as a u64-sized vector, then per non-empty list its codes (the raw float32 rows)
 * followed by its i64 ids. Rows keep their input order inside a list, as FAISS's add does.
 */
export function writeIvfFlatBytes(parts: IvfFlatParts): Uint8Array {
  const { dimension, centroids, vectors, assignments, nprobe } = parts;
  if (!Number.isInteger(dimension) || dimension < 1 || centroids.length === 0 || centroids.length % dimension !== 0) {
    throw new AppError('validation-failed', { detail: `centroids must be a non-empty multiple of dimension ${dimension}` });
  }
  if (vectors.length % dimension !== 0 || assignments.length * dimension !== vectors.length) {
    throw new AppError('validation-failed', { detail: 'vectors and assignments do not match' });
  }
  const nlist = centroids.length / dimension;
  const count = assignments.length;
  const codeSize = dimension * 4;
  const listSizes = new Float64Array(nlist);
  for (const list of assignments) {
    if (!(list >= 0 && list < nlist)) {
      throw new AppError('validation-failed', { detail: `assignment ${list} is outside 0..${nlist - 1}` });
    }
    listSizes[list]! += 1;
  }
  let nonEmpty = 0;
  for (const size of listSizes) if (size > 0) nonEmpty++;
  const sparse = nonEmpty <= Math.floor(nlist / 2);
  const sizeWords = sparse ? nonEmpty * 2 : nlist;

  const quantizer = writeFlatIpBytes(centroids, dimension);
  const invlistsHeader = 4 + 8 + 8 + 4 + 8 + sizeWords * 8;
  const total = QUANTIZER_OFFSET + quantizer.length + 9 + invlistsHeader + count * (codeSize + 8);
  const bytes = new Uint8Array(total);
  const view = new DataView(bytes.buffer);
  let at = 0;
  const writeMagic = (magic: string) => {
    for (let i = 0; i < 4; i++) bytes[at + i] = magic.charCodeAt(i);
    at += 4;
  };
  const writeU64 = (value: number) => {
    view.setBigUint64(at, BigInt(value), true);
    at += 8;
  };

  writeMagic(IVF_FLAT_MAGIC);
  view.setInt32(at, dimension, true);
  at += 4;
  writeU64(count);
  view.setBigInt64(at, DUMMY, true);
  view.setBigInt64(at + 8, DUMMY, true);
  at += 16;
  view.setUint8(at, 1);
  view.setInt32(at + 1, METRIC_INNER_PRODUCT, true);
  at += 5;
  writeU64(nlist);
  writeU64(Math.max(1, Math.min(nprobe, nlist)));
  bytes.set(quantizer, at);
  at += quantizer.length;
  // Direct map: type NoMap (0) and an empty array.
  view.setUint8(at, 0);
  at += 1;
  writeU64(0);

  writeMagic('ilar');
  writeU64(nlist);
  writeU64(codeSize);
  writeMagic(sparse ? 'sprs' : 'full');
  writeU64(sizeWords);
  for (let list = 0; list < nlist; list++) {
    const size = listSizes[list]!;
    if (!sparse) writeU64(size);
    else if (size > 0) {
      writeU64(list);
      writeU64(size);
    }
  }

  // Counting sort: the rows of each list, in input order.
  const listStart = new Float64Array(nlist + 1);
  for (let list = 0; list < nlist; list++) listStart[list + 1] = listStart[list]! + listSizes[list]!;
  const order = new Int32Array(count);
  const cursor = listStart.slice(0, nlist);
  for (let row = 0; row < count; row++) order[cursor[assignments[row]!]!++] = row;

  const vectorBytes = new Uint8Array(vectors.buffer, vectors.byteOffset, vectors.byteLength);
  for (let list = 0; list < nlist; list++) {
    const first = listStart[list]!;
    const end = listStart[list + 1]!;
    for (let i = first; i < end; i++) {
      const row = order[i]!;
      bytes.set(vectorBytes.subarray(row * codeSize, (row + 1) * codeSize), at);
      at += codeSize;
    }
    for (let i = first; i < end; i++) {
      view.setBigInt64(at, BigInt(order[i]!), true);
      at += 8;
    }
  }
  if (at !== total) throw new AppError('internal', { detail: `IVF writer wrote ${at} of ${total} bytes` });
  return bytes;
}
