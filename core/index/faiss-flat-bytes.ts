import { AppError } from '../../shared/errors/app-error.ts';

/** FAISS's fourcc for IndexFlatIP ("IxFI"). */
const FLAT_IP_MAGIC = 'IxFI';
/** FAISS writes 1 << 20 for the two unused "dummy" header fields. */
const DUMMY = 1n << 20n;
const METRIC_INNER_PRODUCT = 0;
/** fourcc 4 + d 4 + ntotal 8 + dummy 8 + dummy 8 + is_trained 1 + metric 4 + payload count 8. */
export const FLAT_HEADER_BYTES = 45;

/** What the header of a serialised IndexFlatIP says. */
export interface FlatIpHeader {
  dimension: number;
  count: number;
  /** Byte offset of the little-endian float32 payload (count × dimension values). */
  payloadOffset: number;
}

/**
 * Writes the bytes `faiss::write_index` produces for an IndexFlatIP holding `vectors`
 * (row-major, `dimension` wide), without going through the binding: faiss-node's `add` takes a JS
 * number[] and is ~20× slower than copying the Float32Array straight into the payload.
 * Layout (little-endian, as FAISS writes on every platform it ships for): "IxFI", d int32,
 * ntotal int64, two int64 = 1 << 20, is_trained u8 = 1, metric int32 = 0 (inner product),
 * then the payload size as u64 and the float32 values.
 */
export function writeFlatIpBytes(vectors: Float32Array, dimension: number): Uint8Array {
  if (!Number.isInteger(dimension) || dimension < 1) {
    throw new AppError('validation-failed', { detail: `dimension must be a positive integer, got ${dimension}` });
  }
  if (vectors.length % dimension !== 0) {
    throw new AppError('validation-failed', { detail: `vector data length ${vectors.length} is not a multiple of dimension ${dimension}` });
  }
  const count = vectors.length / dimension;
  const bytes = new Uint8Array(FLAT_HEADER_BYTES + vectors.byteLength);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < 4; i++) view.setUint8(i, FLAT_IP_MAGIC.charCodeAt(i));
  view.setInt32(4, dimension, true);
  view.setBigInt64(8, BigInt(count), true);
  view.setBigInt64(16, DUMMY, true);
  view.setBigInt64(24, DUMMY, true);
  view.setUint8(32, 1);
  view.setInt32(33, METRIC_INNER_PRODUCT, true);
  view.setBigUint64(37, BigInt(vectors.length), true);
  if (isLittleEndian()) {
    bytes.set(new Uint8Array(vectors.buffer, vectors.byteOffset, vectors.byteLength), FLAT_HEADER_BYTES);
  } else {
    for (let i = 0; i < vectors.length; i++) view.setFloat32(FLAT_HEADER_BYTES + i * 4, vectors[i]!, true);
  }
  return bytes;
}

/**
 * Reads and checks the header of a serialised IndexFlatIP. Throws AppError 'index-mismatch' for
 * another index type or metric, 'validation-failed' for truncated or inconsistent bytes.
 */
export function readFlatIpHeader(bytes: Uint8Array): FlatIpHeader {
  if (bytes.length < FLAT_HEADER_BYTES) {
    throw new AppError('validation-failed', { detail: `index bytes too short (${bytes.length} bytes)` });
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = String.fromCharCode(...bytes.subarray(0, 4));
  if (magic !== FLAT_IP_MAGIC) {
    throw new AppError('index-mismatch', { detail: `expected a FAISS IndexFlatIP ("${FLAT_IP_MAGIC}"), got "${magic}"` });
  }
  const metric = view.getInt32(33, true);
  if (metric !== METRIC_INNER_PRODUCT) {
    throw new AppError('index-mismatch', { detail: `expected inner-product metric (0), got ${metric}` });
  }
  const dimension = view.getInt32(4, true);
  const count = Number(view.getBigInt64(8, true));
  const values = Number(view.getBigUint64(37, true));
  const expectedLength = FLAT_HEADER_BYTES + values * 4;
  if (dimension < 1 || count < 0 || values !== count * dimension || bytes.length !== expectedLength) {
    throw new AppError('validation-failed', {
      detail: `inconsistent IndexFlatIP bytes: d=${dimension}, ntotal=${count}, values=${values}, length=${bytes.length}`,
    });
  }
  return { dimension, count, payloadOffset: FLAT_HEADER_BYTES };
}

function isLittleEndian(): boolean {
  return new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
}
